/** `GET /api/admin/orders/unattributed`: stored events whose tracking id belongs to no influencer (admin token). */
import { Hono } from 'hono';
import { requireAdmin } from '../auth/admin.ts';
import type { AppEnv } from '../env.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { problem } from '../lib/problem.ts';
import { integer, text, type Row } from '../lib/rows.ts';

const SELECT_UNATTRIBUTED = `
SELECT event_id, source, type, order_id, tracking_id, ordered_at, occurred_at, received_at, body
FROM order_events WHERE status = 'unattributed'
ORDER BY received_at DESC, event_id LIMIT ?1`;

export const adminOrders = new Hono<AppEnv>().get('/unattributed', requireAdmin, async (c) => {
  const limitText = c.req.query('limit') ?? '100';
  if (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 1000)
    return problem(400, 'invalid query', [
      { path: 'limit', message: 'must be a whole number from 1 to 1000' },
    ]);
  const { results } = await withRetry(() =>
    c.env.DB.prepare(SELECT_UNATTRIBUTED).bind(Number(limitText)).all<Row>(),
  );
  const iso = (row: Row, key: string) => new Date(integer(row, key)).toISOString();
  return c.json(
    {
      events: results.map((row) => ({
        event_id: text(row, 'event_id'),
        source: text(row, 'source'),
        type: text(row, 'type'),
        order_id: text(row, 'order_id'),
        tracking_id: text(row, 'tracking_id'),
        ordered_at: iso(row, 'ordered_at'),
        occurred_at: iso(row, 'occurred_at'),
        received_at: iso(row, 'received_at'),
        body: text(row, 'body'),
      })),
    },
    200,
    { 'Cache-Control': 'no-store' },
  );
});
