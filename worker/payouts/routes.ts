/**
 * Payouts (CONTRACT.md sections 5 and 7), admin token; the work is service.ts's:
 * - `GET /api/admin/payouts?period=YYYY-MM`: a closed month exactly as stored
 *   (the same bytes every time, JSON or CSV), an open month computed now.
 * - `POST /api/admin/payouts/close?period=YYYY-MM`: 201 with the stored month;
 *   200 with the same stored bytes when it was already closed (a retry is safe);
 *   409 an earlier month with activity open or a later one closed; 422 hold not passed.
 * - `POST /api/admin/payouts/paid` `{period, handle, currency?, reference}`: 200, the
 *   same again 200 with no change; another reference, a row not payable or a member
 *   under review 409; `currency` missing while the member has rows in two: 400.
 * - `GET /api/admin/payouts/runs[?after=<next>&limit=N]`: every closed month with
 *   payable, paid and owed totals per currency, and a page of the payable rows not
 *   yet paid (`owed_rows` in all, `owed_more` after this page, `next` cursor).
 * Refusals: `{ error, issues? }` with the status of the reason (worker/lib/reasons.ts).
 */
import { Hono } from 'hono';
import { requireAdmin } from '../auth/admin.ts';
import type { AppEnv } from '../env.ts';
import { limitBody } from '../lib/body.ts';
import { problem } from '../lib/problem.ts';
import { queryValidator } from '../lib/validation.ts';
import { payoutsQuery } from '../reports/query.ts';
import { closePayoutMonth, markPayoutPaid, payoutMonth, payoutRuns, type Refusal } from './service.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };
const JSON_TYPE = { 'Content-Type': 'application/json', ...NO_STORE };

function refused(r: Refusal): Response {
  return problem(r.reason, r.message, r.issues);
}

export const payouts = new Hono<AppEnv>()
  .get('/', requireAdmin, queryValidator(payoutsQuery), async (c) => {
    const { period, format } = c.req.valid('query');
    const wantsCsv =
      format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(c.req.header('accept') ?? ''));
    const month = await payoutMonth(c.env.DB, period);
    if (!month.ok) return refused(month);
    if (!wantsCsv) return c.body(month.json, 200, JSON_TYPE);
    return c.body(month.csv, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="payouts-${period}.csv"`,
      ...NO_STORE,
    });
  })
  .post('/close', requireAdmin, async (c) => {
    const result = await closePayoutMonth(c.env.DB, c.req.query('period'));
    if (!result.ok) return refused(result);
    return c.body(result.json, result.created ? 201 : 200, JSON_TYPE);
  })
  .post('/paid', requireAdmin, limitBody(4096, 'a payment is at most 4 KiB of JSON'), async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    if (body === undefined) return problem('invalid', 'invalid payment: the body must be JSON');
    const result = await markPayoutPaid(c.env.DB, body);
    if (!result.ok) return refused(result);
    return c.json({ status: 'paid', ...result.payment }, 200, NO_STORE);
  })
  .get('/runs', requireAdmin, async (c) => {
    const page = await payoutRuns(c.env.DB, c.req.query());
    if ('reason' in page) return refused(page);
    return c.json(page, 200, NO_STORE);
  });
