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
import { limitBody } from '../lib/body.ts';
import { problem } from '../lib/problem.ts';
import { decide, listHolds, type HoldRefusal } from './service.ts';
import type { HoldAction } from './store.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };

function refused(r: HoldRefusal): Response {
  return problem(r.reason, r.message, r.issues);
}

function decision(action: HoldAction) {
  return [
    requireAdmin,
    limitBody(4096, 'a hold decision is at most 4 KiB of JSON'),
    async (c: import('hono').Context<AppEnv>) => {
      const raw = await c.req.text();
      let body: unknown = {};
      if (raw.trim() !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          return problem('invalid', `invalid ${action}: the body must be JSON`);
        }
      }
      const result = await decide(c.env.DB, action, c.req.param('id'), body);
      if (!result.ok) return refused(result);
      return c.json(result.hold, result.created ? 201 : 200, NO_STORE);
    },
  ] as const;
}

export const adminHolds = new Hono<AppEnv>()
  .get('/', requireAdmin, async (c) => {
    const result = await listHolds(c.env.DB, c.req.query());
    if ('reason' in result) return refused(result);
    return c.json(result, 200, NO_STORE);
  })
  .post('/:id/release', ...decision('release'))
  .post('/:id/void', ...decision('void'));
