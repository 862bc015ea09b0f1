/** Coarse device class from a user agent; nothing finer is kept. */
export type DeviceClass = 'mobile' | 'tablet' | 'desktop' | 'bot' | 'unknown';

export function deviceClass(userAgent: string | null, isBot: boolean): DeviceClass {
  if (isBot) return 'bot';
  if (!userAgent) return 'unknown';
  if (/iPad|Tablet|PlayBook|Silk|Kindle/i.test(userAgent)) return 'tablet';
  // Android tablets are the Android agents that do not say "Mobile".
  if (/Android/i.test(userAgent) && !/Mobile/i.test(userAgent)) return 'tablet';
  if (/Mobi|iPhone|iPod|Android|Windows Phone|BlackBerry/i.test(userAgent)) return 'mobile';
  if (/Windows NT|Macintosh|X11|Linux|CrOS/i.test(userAgent)) return 'desktop';
  return 'unknown';
}
