/** The period a dashboard shows: the last 7, 30 or 90 days, or a calendar month (UTC). */
import { z } from 'zod';

export const PRESETS = ['7d', '30d', '90d'] as const;
const DAY_MS = 86_400_000;

export const periodParam = z
  .union([z.enum(PRESETS), z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/)])
  .catch('30d');

export interface Period {
  key: string;
  label: string;
  /** First and last UTC day, inclusive. */
  from: string;
  to: string;
  /** Unix ms, end exclusive. */
  start: number;
  end: number;
}

export function resolvePeriod(raw: string | null, now: Date): Period {
  const key = periodParam.parse(raw ?? undefined);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (key === '7d' || key === '30d' || key === '90d') {
    const days = Number(key.slice(0, -1));
    const start = today - (days - 1) * DAY_MS;
    return { key, label: `Last ${days} days`, from: day(start), to: day(today), start, end: today + DAY_MS };
  }
  const [year, month] = key.split('-').map(Number);
  const start = Date.UTC(year ?? 1970, (month ?? 1) - 1, 1);
  const end = Date.UTC(year ?? 1970, month ?? 1, 1);
  const label = new Date(start).toLocaleDateString('en-US', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return { key, label, from: day(start), to: day(end - DAY_MS), start, end };
}

/** The last few calendar months, newest first, for the period picker. */
export function recentMonths(now: Date, count = 6): string[] {
  return Array.from({ length: count }, (_, i) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7),
  );
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
