/**
 * `GET /api/admin/payouts?period=YYYY-MM` (admin token): each influencer's
 * balance for the month and whether it is payable under the program's threshold
 * and hold. JSON, or CSV with `Accept: text/csv` or `?format=csv`.
 */
import { Hono } from 'hono';
import { computePayouts, payoutsCsv, type MonthlyActivity } from '../../domain/orders/payouts.ts';
import { monthBounds } from '../../domain/time.ts';
import { requireAdmin } from '../auth/admin.ts';
import type { AppEnv } from '../env.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { integerOrZero, text, type Row } from '../lib/rows.ts';
import { queryValidator } from '../lib/validation.ts';
import { program } from '../orders/program.ts';
import { payoutsQuery } from './query.ts';

const MONTHLY_ACTIVITY = `
SELECT handle, strftime('%Y-%m', effective_at / 1000, 'unixepoch') AS month,
       SUM(CASE WHEN bucket = 'earned' THEN amount_minor ELSE 0 END) AS earned_minor,
       0 - SUM(CASE WHEN bucket = 'reversed' THEN amount_minor ELSE 0 END) AS reversed_minor
FROM ledger_entries
WHERE bucket IN ('earned', 'reversed') AND effective_at < ?1 AND currency = ?2
GROUP BY handle, month`;

export async function readMonthlyActivity(
  db: D1Database,
  before: number,
  currency: string,
): Promise<MonthlyActivity[]> {
  const { results } = await withRetry(() => db.prepare(MONTHLY_ACTIVITY).bind(before, currency).all<Row>());
  return results.map((row) => ({
    handle: text(row, 'handle'),
    month: text(row, 'month'),
    earned_minor: integerOrZero(row, 'earned_minor'),
    reversed_minor: integerOrZero(row, 'reversed_minor'),
  }));
}

export const payouts = new Hono<AppEnv>().get('/', requireAdmin, queryValidator(payoutsQuery), async (c) => {
  const { period, format } = c.req.valid('query');
  const activity = await readMonthlyActivity(c.env.DB, monthBounds(period).end, program.table.currency);
  const report = computePayouts({ period, activity, program: program.table, now: Date.now() });
  const wantsCsv =
    format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(c.req.header('accept') ?? ''));
  if (wantsCsv)
    return c.body(payoutsCsv(report), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="payouts-${period}.csv"`,
      'Cache-Control': 'no-store',
    });
  return c.json({ ...report, generated_at: new Date().toISOString() }, 200, { 'Cache-Control': 'no-store' });
});
