/**
 * Disputes (CONTRACT.md section 16); the work is service.ts's.
 * Members (bearer: the member's own token; the admin token may read):
 * - `GET /api/disputes/<handle>`: `{ handle, disputes }`, newest first, each with its decision.
 * - `POST /api/disputes/<handle>` `{ order_id, order_date, products, note }`: 201 with the
 *   dispute; the same filing again 200; another filing for the same order 409.
 * Admins (admin token):
 * - `GET /api/admin/disputes[?state=open|credited|declined|all&limit=N]`: `{ state, disputes }`,
 *   oldest first, open ones by default; CSV with `?format=csv` or `Accept: text/csv`.
 * - `POST /api/admin/disputes/<id>/credit` `{ amount_minor, currency?, note }`: 201 (a manual
 *   ledger entry naming the dispute, payable in the month it is decided); the same again 200.
 * - `POST /api/admin/disputes/<id>/decline` `{ reason }`: 201; the same again 200.
 * Order of checks: token (401/403), then the service's (400 naming the field, 404, 409).
 * Refusals are `{ error, issues? }`; bodies are JSON of at most 8 KiB (413).
 */
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { DisputeAction } from '../../domain/disputes/rules.ts';
import { requireAdmin } from '../auth/admin.ts';
import { authenticate, UNAUTHORIZED_HEADERS, type Principal } from '../auth/tokens.ts';
import type { AppEnv } from '../env.ts';
import { jsonBody, limitBody } from '../lib/body.ts';
import { adminDecision } from '../lib/admin-decision.ts';
import { problem, refusalProblem } from '../lib/problem.ts';
import { program } from '../orders/program.ts';
import { decideDispute, fileDispute, listDisputes, memberDisputes } from './service.ts';

const NO_STORE = { 'Cache-Control': 'private, no-store' };
const BODY_LIMIT = limitBody(8192, 'a dispute or decision is at most 8 KiB of JSON');

type MemberEnv = AppEnv & { Variables: { principal: Principal } };

const member = createMiddleware<MemberEnv>(async (c, next) => {
  const principal = await authenticate(c.env, c.req.header('authorization'));
  if (!principal)
    return problem('unauthenticated', 'missing or invalid bearer token', undefined, UNAUTHORIZED_HEADERS);
  if (principal.role === 'influencer' && principal.handle !== c.req.param('handle'))
    return problem('forbidden', "this token may only read and file its own member's disputes");
  c.set('principal', principal);
  await next();
});

export const memberDisputeRoutes = new Hono<MemberEnv>()
  .get('/:handle', member, async (c) => {
    const handle = c.req.param('handle');
    const disputes = await memberDisputes(c.env.DB, program.table, handle);
    if ('reason' in disputes) return refusalProblem(disputes);
    return c.json({ handle, disputes }, 200, NO_STORE);
  })
  .post('/:handle', member, BODY_LIMIT, async (c) => {
    if (c.get('principal').role === 'admin')
      return problem('forbidden', 'a member files its own disputes, with its own token');
    const read = await jsonBody(c, 'dispute');
    if (read instanceof Response) return read;
    const result = await fileDispute(c.env.DB, program.table, c.req.param('handle'), read.body);
    if (!result.ok) return refusalProblem(result);
    return c.json(result.dispute, result.created ? 201 : 200, NO_STORE);
  });

function decision(action: DisputeAction) {
  return adminDecision(action, BODY_LIMIT, async (c, body) => {
    const result = await decideDispute(c.env.DB, action, c.req.param('id'), body, program.table);
    return result.ok ? c.json(result.dispute, result.created ? 201 : 200, NO_STORE) : refusalProblem(result);
  });
}

export const adminDisputes = new Hono<AppEnv>()
  .get('/', requireAdmin, async (c) => {
    const result = await listDisputes(c.env.DB, c.req.query());
    if ('reason' in result) return refusalProblem(result);
    const format = c.req.query('format');
    const wantsCsv =
      format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(c.req.header('accept') ?? ''));
    if (wantsCsv)
      return c.body(result.csv(), 200, {
        ...NO_STORE,
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="disputes-${result.state}.csv"`,
      });
    return c.json({ state: result.state, disputes: result.disputes, next: result.next }, 200, NO_STORE);
  })
  .post('/:id/credit', ...decision('credit'))
  .post('/:id/decline', ...decision('decline'));
