/** Flagged clicks and orders attributed to them (held for review), for the holds tests. */
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { CLICK_FLAGS } from '../../domain/clicks/flags.ts';
import { parseOrderEvent } from '../../domain/orders/event.ts';
import { withMarketplace } from '../../domain/orders/marketplace.ts';
import { HOUR_MS } from '../../domain/time.ts';
import { ingest } from '../../worker/orders/ingest.ts';
import { program } from '../../worker/orders/program.ts';
import { CAROL, placed, send, uid, type EventBody } from './orders-helpers.ts';

/** 500.00 at 450 bps (kitchen): 22.50 commission per unit. */
export const ITEM = { product_id: 'B00006JSUA', category: 'kitchen', unit_price: 50_000 };
export const PER_UNIT = 2250;

/** A click of CAROL's stored flagged (a bot reason, or flags of domain/clicks/flags.ts). */
export async function flaggedClick(
  at: string,
  flagged: { is_bot?: number; bot_reason?: string; flags?: number },
): Promise<string> {
  const id = uid('clk');
  await env.DB.prepare(
    `INSERT INTO clicks (click_id, at, handle, product_id, device, visitor_hash, is_bot, bot_reason, method, flags)
     VALUES (?1, ?2, ?3, ?4, 'desktop', 'v', ?5, ?6, 'GET', ?7)`,
  )
    .bind(
      id,
      Date.parse(at),
      CAROL.handle,
      ITEM.product_id,
      flagged.is_bot ?? 0,
      flagged.bot_reason ?? null,
      flagged.flags ?? 0,
    )
    .run();
  return id;
}

/** Sends one event of a CAROL order through the signed webhook (200 expected). */
export async function orderEvent(
  orderId: string,
  type: EventBody['type'],
  at: string,
  quantity: number,
  clickId?: string,
  orderedAt = at,
): Promise<void> {
  const body = placed({
    order_id: orderId,
    tracking_id: CAROL.trackingId,
    ordered_at: orderedAt,
    occurred_at: at,
  });
  const event: EventBody = {
    ...body,
    type,
    ...(clickId ? { click_id: clickId } : {}),
    items: [{ ...ITEM, quantity }],
  };
  expect((await send(event)).status, `${type} ${orderId}`).toBe(200);
}

/** An order of CAROL's placed and shipped at `at`, attributed to `clickId` when given. */
export async function shippedOrder(at: string, quantity: number, clickId?: string): Promise<string> {
  const orderId = uid('hold');
  await orderEvent(orderId, 'order.placed', at, quantity, clickId);
  await orderEvent(orderId, 'order.shipped', at, quantity, clickId);
  return orderId;
}

/**
 * Makes `orderId` (of `member`, by its tracking id) held for review as received at `receivedAt`,
 * a clock of the test's (tests with explicit clocks for closes and decisions need the hold's too):
 * an order.placed half an hour earlier, attributed to a click of the member's flagged `burst`,
 * stored by the worker's own store (the webhook's checks and clock are the only thing skipped).
 */
export async function holdOrderAt(
  orderId: string,
  member: { handle: string; trackingId: string },
  receivedAt: number,
): Promise<void> {
  const clickId = uid('clk');
  await env.DB.prepare(
    `INSERT INTO clicks (click_id, at, handle, product_id, device, visitor_hash, is_bot, method, flags)
     VALUES (?1, ?2, ?3, ?4, 'desktop', 'v', 0, 'GET', ?5)`,
  )
    .bind(clickId, receivedAt - HOUR_MS, member.handle, ITEM.product_id, CLICK_FLAGS.burst)
    .run();
  const at = new Date(receivedAt - HOUR_MS / 2).toISOString();
  const body = JSON.stringify({
    ...placed({ order_id: orderId, tracking_id: member.trackingId, ordered_at: at, occurred_at: at }),
    click_id: clickId,
    items: [{ ...ITEM, quantity: 1 }],
  });
  const parsed = parseOrderEvent(JSON.parse(body));
  if (!parsed.ok) throw new Error(`hold event: ${JSON.stringify(parsed.issues)}`);
  const market = withMarketplace(parsed.event, program.table);
  if (!market.ok) throw new Error(`hold event: ${JSON.stringify(market.issues)}`);
  const event = { event_id: uid('evt'), source: 'webhook' as const, body, received_at: receivedAt };
  expect(await ingest(env.DB, program, { ...event, event: market.event })).toBe('processed');
}
