/**
 * Payouts (CONTRACT.md sections 5 and 7), admin token:
 * - `GET /api/admin/payouts?period=YYYY-MM`: a closed month exactly as stored
 *   (the same bytes every time, JSON or CSV), an open month computed now.
 * - `POST /api/admin/payouts/close?period=YYYY-MM`: 201 with the stored month;
 *   409 already closed or an earlier month with activity open; 422 hold not passed.
 * - `POST /api/admin/payouts/paid` `{period, handle, reference}`: 200, the same
 *   again 200 with no change, another reference or a row not payable 409.
 * - `GET /api/admin/payouts/runs`: closed months with payable, paid and owed totals,
 *   and every payable row not yet paid.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { z } from 'zod';
import { issuesOf } from '../../domain/orders/event.ts';
import { payoutsCsv } from '../../domain/orders/payouts.ts';
import { isIsoMonth } from '../../domain/time.ts';
import { requireAdmin } from '../auth/admin.ts';
import type { AppEnv } from '../env.ts';
import { problem } from '../lib/problem.ts';
import { queryValidator } from '../lib/validation.ts';
import { program } from '../orders/program.ts';
import { closeMonth, markPaid, readMonth, readRuns } from './store.ts';
import { payoutsQuery } from '../reports/query.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };

const closeQuery = z.object({
  period: z
    .string({ error: 'is required, written YYYY-MM' })
    .refine(isIsoMonth, 'must be a month written YYYY-MM'),
});

const paidBody = z.strictObject({
  period: z
    .string({ error: 'is required, written YYYY-MM' })
    .refine(isIsoMonth, 'must be a month written YYYY-MM'),
  handle: z.string({ error: 'is required' }).min(1).max(64),
  reference: z
    .string({ error: 'is required: the bank or payment reference' })
    .trim()
    .min(1, 'must not be empty')
    .max(128)
    .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII'),
});

export const payouts = new Hono<AppEnv>()
  .get('/', requireAdmin, queryValidator(payoutsQuery), async (c) => {
    const { period, format } = c.req.valid('query');
    const wantsCsv =
      format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(c.req.header('accept') ?? ''));
    const answer = await readMonth(c.env.DB, period, program.table, Date.now());
    if (answer.kind === 'skipped')
      return problem(
        404,
        `${period} was not closed: it had no activity when ${answer.closedAfter} closed, and its money is in later months`,
      );
    const csvHeaders = {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="payouts-${period}.csv"`,
      ...NO_STORE,
    };
    if (answer.kind === 'closed')
      return wantsCsv
        ? c.body(answer.csv, 200, csvHeaders)
        : c.body(answer.json, 200, { 'Content-Type': 'application/json', ...NO_STORE });
    if (wantsCsv) return c.body(payoutsCsv(answer.report), 200, csvHeaders);
    return c.json({ ...answer.report, generated_at: new Date().toISOString() }, 200, NO_STORE);
  })
  .post('/close', requireAdmin, queryValidator(closeQuery), async (c) => {
    const { period } = c.req.valid('query');
    const result = await closeMonth(c.env.DB, period, program.table, Date.now());
    if (!result.ok) return problem(result.status, result.message);
    console.log(JSON.stringify({ event: 'payouts.closed', period }));
    return c.body(result.json, 201, { 'Content-Type': 'application/json', ...NO_STORE });
  })
  .post(
    '/paid',
    requireAdmin,
    zValidator('json', paidBody, (result) => {
      if (!result.success) return problem(400, 'invalid payment', issuesOf(result.error));
    }),
    async (c) => {
      const result = await markPaid(c.env.DB, c.req.valid('json'), Date.now());
      if (!result.ok) return problem(result.status, result.message);
      return c.json({ status: 'paid', ...result.payment }, 200, NO_STORE);
    },
  )
  .get('/runs', requireAdmin, async (c) => c.json(await readRuns(c.env.DB), 200, NO_STORE));
