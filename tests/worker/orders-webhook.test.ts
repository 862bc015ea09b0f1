import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ALICE, orderFigures, placed, send, uid } from './orders-helpers.ts';

describe('POST /webhooks/orders', () => {
  it('processes a signed order.placed event and keeps the raw body', async () => {
    const body = placed();
    const id = uid('msg');
    const res = await send(body, { id });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'processed' });
    const row = await env.DB.prepare('SELECT * FROM order_events WHERE event_id = ?1').bind(id).first();
    expect(row).toMatchObject({ status: 'processed', handle: ALICE.handle, body: JSON.stringify(body), source: 'webhook' });
    expect(await orderFigures(body.order_id)).toEqual({ pending: 112, earned: 0, reversed: 0, void: 0, net: 0 });
  });
});
