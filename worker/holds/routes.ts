/**
 * Holds for review (CONTRACT.md section 16), admin token; the work is service.ts's:
 * - `GET /api/admin/holds[?status=held|decided&limit=N]`: `{ holds }`, oldest first, each with
 *   its order, member, click, reason, currency, held amount, status and decision.
 * - `POST /api/admin/holds/<order id>/release` `{reason?}`: 201 with the hold; the same again 200.
 * - `POST /api/admin/holds/<order id>/void` `{reason}`: 201 (a reversing entry); the same again 200.
 * Refusals: 400 bad id or body, 404 not held, 409 decided otherwise before; `{ error, issues? }`.
 */
import { Hono } from 'hono';
import { requireAdmin } from '../auth/admin.ts';
import type { AppEnv } from '../env.ts';
import { adminDecision } from '../lib/admin-decision.ts';
import { limitBody } from '../lib/body.ts';
import { refusalProblem } from '../lib/problem.ts';
import { decide, listHolds } from './service.ts';
import type { HoldAction } from './store.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };

const BODY_LIMIT = limitBody(4096, 'a hold decision is at most 4 KiB of JSON');

function decision(action: HoldAction) {
  return adminDecision(action, BODY_LIMIT, async (c, body) => {
    const result = await decide(c.env.DB, action, c.req.param('id'), body);
    return result.ok ? c.json(result.hold, result.created ? 201 : 200, NO_STORE) : refusalProblem(result);
  });
}

export const adminHolds = new Hono<AppEnv>()
  .get('/', requireAdmin, async (c) => {
    const result = await listHolds(c.env.DB, c.req.query());
    if ('reason' in result) return refusalProblem(result);
    return c.json(result, 200, NO_STORE);
  })
  .post('/:id/release', ...decision('release'))
  .post('/:id/void', ...decision('void'));
