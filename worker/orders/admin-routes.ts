/** `GET /api/admin/orders/unattributed`: stored events whose tracking id belongs to no influencer (admin token). */
import { Hono } from 'hono';
import { requireAdmin } from '../auth/admin.ts';
import type { AppEnv } from '../env.ts';
import { problem } from '../lib/problem.ts';
import { readUnattributed } from './unattributed.ts';

export const adminOrders = new Hono<AppEnv>().get('/unattributed', requireAdmin, async (c) => {
  const limitText = c.req.query('limit') ?? '100';
  if (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 1000)
    return problem('invalid', 'invalid query', [
      { path: 'limit', message: 'must be a whole number from 1 to 1000' },
    ]);
  const events = await readUnattributed(c.env.DB, { limit: Number(limitText), withBody: true });
  const iso = (ms: number) => new Date(ms).toISOString();
  return c.json(
    {
      events: events.map((e) => ({
        ...e,
        ordered_at: iso(e.ordered_at),
        occurred_at: iso(e.occurred_at),
        received_at: iso(e.received_at),
      })),
    },
    200,
    { 'Cache-Control': 'no-store' },
  );
});
