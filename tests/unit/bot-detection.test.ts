import { describe, expect, it } from 'vitest';
import {
  detectBot,
  isNotNavigation,
  linkAnswer,
  withoutActivation,
  type BotReason,
} from '../../worker/links/bot-detection.ts';
import { deviceClass } from '../../worker/links/device.ts';

const get = (ua: string | null, headers: Record<string, string> = {}) =>
  detectBot({ method: 'GET', userAgent: ua, headers: new Headers(headers) });

// Real user agents, as these apps and crawlers send them.
const bots: [string, string, BotReason][] = [
  ['Facebook', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'link-preview'],
  ['Twitter/X', 'Twitterbot/1.0', 'link-preview'],
  ['Slack', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'link-preview'],
  ['Discord', 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)', 'link-preview'],
  ['WhatsApp', 'WhatsApp/2.23.20.0 A', 'link-preview'],
  ['Telegram', 'TelegramBot (like TwitterBot)', 'link-preview'],
  [
    'LinkedIn',
    'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
    'link-preview',
  ],
  [
    'iMessage preview',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0',
    'link-preview',
  ],
  ['Pinterest', 'Pinterest/0.2 (+https://www.pinterest.com/bot.html)', 'link-preview'],
  ['Skype', 'Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5', 'link-preview'],
  [
    'Applebot',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)',
    'link-preview',
  ],
  ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'crawler'],
  ['bingbot', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 'crawler'],
  [
    'Outlook link check',
    'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.12026; Pro)',
    'scanner',
  ],
  ['Office existence discovery', 'Microsoft Office Existence Discovery', 'scanner'],
  ['BingPreview (Safe Links)', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) BingPreview/1.0b', 'scanner'],
  ['curl', 'curl/8.5.0', 'automation'],
  ['wget', 'Wget/1.21.4', 'automation'],
  ['python-requests', 'python-requests/2.31.0', 'automation'],
  ['Go', 'Go-http-client/2.0', 'automation'],
  [
    'headless Chrome',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
    'headless',
  ],
];

const humans: [string, string, string][] = [
  [
    'Instagram in-app (iOS)',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 326.0.3.30.91 (iPhone14,5; iOS 17_4; en_US; en; scale=3.00; 1170x2532; 587734498)',
    'mobile',
  ],
  [
    'Instagram in-app (Android)',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP1A.240305.019; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.119 Mobile Safari/537.36 Instagram 322.0.0.40.96 Android (34/14; 420dpi; 1080x2400; Google/google; Pixel 8; shiba; shiba; en_US; 580117977)',
    'mobile',
  ],
  [
    'TikTok in-app (iOS)',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_33.9.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US ByteFullLocale/en isDarkMode/0 WKWebView/1 RevealType/Dialog BytedanceWebview/d8a21c6',
    'mobile',
  ],
  [
    'TikTok in-app (Android)',
    'Mozilla/5.0 (Linux; Android 13; SM-S911B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 trill_330403 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/33.4.3 ByteLocale/en ByteFullLocale/en Region/US Spark/1.4.8.3-bugfix AppVersion/33.4.3 BytedanceWebview/d8a21c6',
    'mobile',
  ],
  [
    'Facebook in-app',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/452.0.0.38.109;FBBV/563023498;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]',
    'mobile',
  ],
  [
    'Snapchat in-app',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/12.80.0.38 (like Safari/8617.1.17.10.9, panda)',
    'mobile',
  ],
  [
    'Safari on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    'mobile',
  ],
  [
    'Chrome on Android',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Mobile Safari/537.36',
    'mobile',
  ],
  [
    'Safari on iPad',
    'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    'tablet',
  ],
  [
    'Chrome on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36',
    'desktop',
  ],
  [
    'Firefox on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.3; rv:123.0) Gecko/20100101 Firefox/123.0',
    'desktop',
  ],
];

describe('detectBot', () => {
  it.each(bots)('flags %s', (_name, ua, reason) => {
    expect(get(ua)).toEqual({ isBot: true, reason });
  });

  it.each(humans)('lets %s through as a human', (_name, ua, device) => {
    expect(get(ua)).toEqual({ isBot: false, reason: null });
    expect(deviceClass(ua, false)).toBe(device);
  });

  it('flags HEAD, prefetch and prerender headers, and a missing user agent', () => {
    const ua = humans[0]![1];
    expect(detectBot({ method: 'HEAD', userAgent: ua, headers: new Headers() }).reason).toBe('head');
    expect(get(ua, { 'sec-purpose': 'prefetch' }).reason).toBe('prefetch');
    expect(get(ua, { 'sec-purpose': 'prefetch;prerender' }).reason).toBe('prefetch');
    expect(get(ua, { purpose: 'prefetch' }).reason).toBe('prefetch');
    expect(get(ua, { 'x-moz': 'prefetch' }).reason).toBe('prefetch');
    expect(get(null).reason).toBe('missing-user-agent');
    expect(get('   ').reason).toBe('missing-user-agent');
  });

  it('flags what a browser loads without a click: sub-resources and prefetches (not navigations)', () => {
    const ua = humans[0]![1];
    expect(get(ua, { 'sec-fetch-dest': 'document' })).toEqual({ isBot: false, reason: null });
    expect(get(ua, { 'sec-fetch-dest': 'image' })).toEqual({ isBot: true, reason: 'subresource:image' });
    expect(get(ua, { 'sec-fetch-dest': 'iframe' }).reason).toBe('subresource:iframe');
    expect(get(ua, { 'sec-fetch-dest': 'empty' }).reason).toBe('subresource:empty');
    expect(get(ua, { 'sec-fetch-dest': '' }).reason).toBe('subresource:other');
    // Whatever a client sends, only known destination names are stored.
    expect(get(ua, { 'sec-fetch-dest': '<script>x' }).reason).toBe('subresource:other');
    expect(get(ua, { 'sec-fetch-dest': 'document', 'sec-purpose': 'prefetch' }).reason).toBe('prefetch');
    for (const reason of ['prefetch', 'subresource:image', 'subresource:other'])
      expect(isNotNavigation(reason)).toBe(true);
    for (const reason of [null, 'head', 'crawler', 'link-preview'])
      expect(isNotNavigation(reason)).toBe(false);
  });

  it('gives bots the bot device class', () => {
    expect(deviceClass('curl/8.5.0', true)).toBe('bot');
    expect(deviceClass(null, false)).toBe('unknown');
  });
});

describe('how /go/ answers (section 16)', () => {
  const verdict = (method: string, headers: Record<string, string>) =>
    detectBot({
      method,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0 Safari/537.36',
      headers: new Headers(headers),
    });
  it.each([
    ['a navigation', 'GET', { 'sec-fetch-dest': 'document' }, 'redirect'],
    ['no Fetch Metadata', 'GET', {}, 'redirect'],
    ['HEAD with sub-resource headers', 'HEAD', { 'sec-fetch-dest': 'image' }, 'redirect'],
    ['a prefetch', 'GET', { 'sec-purpose': 'prefetch' }, 'prefetch'],
    [
      'a prerender of a document',
      'GET',
      { 'sec-purpose': 'prefetch;prerender', 'sec-fetch-dest': 'document' },
      'prefetch',
    ],
    ['an image', 'GET', { 'sec-fetch-dest': 'image' }, 'subresource'],
    ['fetch()', 'GET', { 'sec-fetch-dest': 'empty' }, 'subresource'],
    ['an unknown destination', 'GET', { 'sec-fetch-dest': 'hologram' }, 'subresource'],
  ] as const)('%s: %s -> %s', (_name, method, headers, answer) => {
    expect(linkAnswer(verdict(method, headers))).toBe(answer);
  });

  it('flags only a cross-site navigation without user activation', () => {
    expect(withoutActivation(new Headers({ 'sec-fetch-site': 'cross-site' }))).toBe(true);
    expect(withoutActivation(new Headers({ 'sec-fetch-site': 'Cross-Site ' }))).toBe(true);
    expect(withoutActivation(new Headers({ 'sec-fetch-site': 'cross-site', 'sec-fetch-user': '?1' }))).toBe(
      false,
    );
    for (const site of ['same-origin', 'same-site', 'none'])
      expect(withoutActivation(new Headers({ 'sec-fetch-site': site }))).toBe(false);
    expect(withoutActivation(new Headers())).toBe(false);
  });
});
