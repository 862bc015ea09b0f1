/**
 * The one home for time arithmetic: UTC days ("YYYY-MM-DD") and months ("YYYY-MM")
 * as the ledger, the reports, the dashboards and the scripts count them. Every
 * day and month is UTC, so a figure never depends on the machine's time zone.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The UTC day of a unix-ms time or a Date, "YYYY-MM-DD". */
export function utcDay(at: number | Date): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The UTC month of a unix-ms time or a Date, "YYYY-MM". */
export function utcMonth(at: number | Date): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** Unix ms of the first moment of a "YYYY-MM-DD" day, UTC (NaN when it is not a date). */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** Unix ms of the first moment of the UTC day that `at` falls in. */
export function startOfUtcDay(at: number | Date): number {
  const date = new Date(at);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/** A real calendar day written "YYYY-MM-DD" (2026-02-30 is not: Date.parse would roll it over). */
export function isIsoDay(text: string): boolean {
  if (!ISO_DAY.test(text)) return false;
  const start = dayStart(text);
  return !Number.isNaN(start) && utcDay(start) === text;
}

/** The day `count` days after (or, negative, before) a "YYYY-MM-DD" day. */
export function addDays(day: string, count: number): string {
  return utcDay(dayStart(day) + count * DAY_MS);
}

/** Every day from `from` to `to`, both included, in order. */
export function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = dayStart(from), end = dayStart(to); t <= end; t += DAY_MS) days.push(utcDay(t));
  return days;
}

/** A month written "YYYY-MM" (01 to 12). */
export function isIsoMonth(text: string): boolean {
  return ISO_MONTH.test(text);
}

/** Start (inclusive) and end (exclusive) of a "YYYY-MM" month in unix ms, UTC. */
export function monthBounds(month: string): { start: number; end: number } {
  const match = ISO_MONTH.exec(month);
  if (!match) throw new RangeError(`not a month written YYYY-MM: ${month}`);
  const year = Number(match[1]);
  const index = Number(match[2]);
  return { start: Date.UTC(year, index - 1, 1), end: Date.UTC(year, index, 1) };
}

/** The "YYYY-MM" month `offset` months from the one `at` falls in (-1: last month). */
export function monthFrom(at: number | Date, offset: number): string {
  const date = new Date(at);
  return utcMonth(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));
}
