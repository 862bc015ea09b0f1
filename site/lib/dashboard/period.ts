/** The period a dashboard shows: the last 7, 30 or 90 days, or a calendar month (UTC). */
import { z } from 'zod';
import { DAY_MS, isIsoMonth, monthBounds, monthFrom, startOfUtcDay, utcDay } from '../../../domain/time.ts';

export const PRESETS = ['7d', '30d', '90d'] as const;

export const periodParam = z.union([z.enum(PRESETS), z.string().refine(isIsoMonth)]).catch('30d');

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
  const today = startOfUtcDay(now);
  if (key === '7d' || key === '30d' || key === '90d') {
    const days = Number(key.slice(0, -1));
    const start = today - (days - 1) * DAY_MS;
    return {
      key,
      label: `Last ${days} days`,
      from: utcDay(start),
      to: utcDay(today),
      start,
      end: today + DAY_MS,
    };
  }
  const { start, end } = monthBounds(key);
  const label = new Date(start).toLocaleDateString('en-US', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return { key, label, from: utcDay(start), to: utcDay(end - DAY_MS), start, end };
}

/** The last few calendar months, newest first, for the period picker. */
export function recentMonths(now: Date, count = 6): string[] {
  return Array.from({ length: count }, (_, i) => monthFrom(now, -i));
}
