/** Every day of a period, with zeros where the stats have no row. */
import { eachDay } from '../../../domain/time.ts';
import type { DayPoint } from './chart.ts';

export function fillDays(
  from: string,
  to: string,
  rows: readonly { date: string; clicks: number; commission: number }[],
): DayPoint[] {
  const byDate = new Map(rows.map((r) => [r.date, r]));
  return eachDay(from, to).map((date) => {
    const row = byDate.get(date);
    return { date, clicks: row?.clicks ?? 0, commission: row?.commission ?? 0 };
  });
}
