/**
 * `GET /api/stats/<handle>?from&to` with a bearer token: the influencer's own
 * token or the admin token. 401 without a valid token, 403 for another
 * influencer's stats, 404 for an unknown handle, 400 naming a bad parameter.
 */
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { utcDay } from '../../domain/time.ts';
import { authenticate, UNAUTHORIZED_HEADERS, type Principal } from '../auth/tokens.ts';
import type { AppEnv } from '../env.ts';
import { problem } from '../lib/problem.ts';
import { queryValidator } from '../lib/validation.ts';
import { memberIndex } from '../../domain/orders/payouts.ts';
import { program } from '../orders/program.ts';
import { statsQuery } from './query.ts';
import { readStats } from './stats-query.ts';
import { withTitles } from '../catalog/queries.ts';

type StatsEnv = AppEnv & { Variables: { principal: Principal } };

const authenticated = createMiddleware<StatsEnv>(async (c, next) => {
  const principal = await authenticate(c.env, c.req.header('authorization'));
  if (!principal)
    return problem('unauthenticated', 'missing or invalid bearer token', undefined, UNAUTHORIZED_HEADERS);
  c.set('principal', principal);
  await next();
});

const today = () => utcDay(Date.now());

export const stats = new Hono<StatsEnv>().get(
  '/:handle',
  authenticated,
  queryValidator(statsQuery(today)),
  async (c) => {
    const handle = c.req.param('handle');
    const principal = c.get('principal');
    if (principal.role === 'influencer' && principal.handle !== handle)
      return problem('forbidden', 'this token may only read its own stats');
    if (!Object.hasOwn(program.table.influencers, handle))
      return problem('not_found', `unknown handle "${handle}"`);
    const { from, to } = c.req.valid('query');
    // One member, whatever handle each figure was recorded under (CONTRACT.md section 13).
    const members = memberIndex(program.table);
    const handles = members.handles(members.idOf(handle));
    const stats = await readStats(c.env.DB, handle, from, to, program.table.currency, handles);
    // The member's program (CONTRACT.md section 8) and each product's title beside its id.
    const { handle: _handle, ...figures } = stats;
    const body = {
      handle,
      program: program.programOf(handle),
      ...figures,
      by_product: await withTitles(c.env.DB, stats.by_product),
    };
    return c.json(body, 200, { 'Cache-Control': 'private, no-store' });
  },
);
