/** Every day of a period, with zeros where the stats have no row. */
import type { DayPoint } from './chart.ts';

const DAY_MS = 86_400_000;

export function fillDays(
  from: string,
  to: string,
  rows: readonly { date: string; clicks: number; commission: number }[],
): DayPoint[] {
  const byDate = new Map(rows.map((r) => [r.date, r]));
  const out: DayPoint[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    const row = byDate.get(date);
    out.push({ date, clicks: row?.clicks ?? 0, commission: row?.commission ?? 0 });
  }
  return out;
}
