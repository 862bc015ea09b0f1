/** Display formatting for pages. Pure: same input, same text, whatever the build machine's locale. */
import type { Currency } from '../../domain/currency.ts';
import { formatMoney } from '../../domain/money.ts';
import { dayStart } from '../../domain/time.ts';

const LOCALE = 'en-US';

const dayFormat = new Intl.DateTimeFormat(LOCALE, {
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "2026-11-20" -> "Nov 20, 2026" (the day as written, never shifted by a time zone). */
export function formatDay(isoDay: string): string {
  return dayFormat.format(dayStart(isoDay));
}

const compact = new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat(LOCALE);

/** 48200 -> "48.2K", 1142400 -> "1.1M". */
export function formatCount(count: number): string {
  return compact.format(count);
}

/** 120345 -> "120,345". */
export function formatInteger(count: number): string {
  return whole.format(count);
}

/** Integer minor units -> "$24.99", "¥1,200", "KWD 1.250". */
export function formatPrice(minor: number, currency: Currency): string {
  return formatMoney(minor, currency, LOCALE);
}

/** Basis points as a percentage: 450 -> "4.5%", 1000 -> "10%", 0 -> "0%". */
export function formatRate(bps: number): string {
  return `${Number((bps / 100).toFixed(2))}%`;
}

const checkFormat = new Intl.DateTimeFormat(LOCALE, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** "2026-12-07T09:12:40Z" -> "Dec 7, 09:12 UTC": when the product API was asked for a price. */
export function formatCheckTime(iso: string): string {
  return `${checkFormat.format(new Date(iso))} UTC`;
}

/** A retailer's name without its web address ending: "Amazon.co.uk" -> "Amazon" ("See price on Amazon"). */
export function retailerShortName(name: string): string {
  return name.replace(/\.(?:com|co|org|net|de|fr|ca|uk|[a-z]{2})(?:\.[a-z]{2,3})*$/i, '') || name;
}

const PLATFORM_NAMES: Record<string, string> = {
  instagram: 'Instagram',
  tiktok: 'TikTok',
  youtube: 'YouTube',
  x: 'X',
  threads: 'Threads',
  pinterest: 'Pinterest',
  facebook: 'Facebook',
  twitch: 'Twitch',
  snapchat: 'Snapchat',
  blog: 'Blog',
  newsletter: 'Newsletter',
  podcast: 'Podcast',
};

/** "youtube" -> "YouTube". */
export function platformName(platform: string): string {
  return PLATFORM_NAMES[platform] ?? platform;
}
