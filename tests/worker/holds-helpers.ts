/**
 * Flagged clicks and orders attributed to them (held for review), and closes and reads of payout
 * months at explicit clocks, for the holds tests.
 */
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { CLICK_FLAGS } from '../../domain/clicks/flags.ts';
import { parseOrderEvent } from '../../domain/orders/event.ts';
import { withMarketplace } from '../../domain/orders/marketplace.ts';
import type { PayoutRow } from '../../domain/orders/payouts.ts';
import { DAY_MS, HOUR_MS, monthBounds } from '../../domain/time.ts';
import { decide } from '../../worker/holds/service.ts';
import { ingest } from '../../worker/orders/ingest.ts';
import { program } from '../../worker/orders/program.ts';
import { closeMonth, readMonth } from '../../worker/payouts/store.ts';
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
 * With `flags` 0 the click is clean (the order is not held) until the test flags it later
 * (flagClick); the click's id is returned.
 */
export async function holdOrderAt(
  orderId: string,
  member: { handle: string; trackingId: string },
  receivedAt: number,
  flags: number = CLICK_FLAGS.burst,
): Promise<string> {
  const clickId = uid('clk');
  await env.DB.prepare(
    `INSERT INTO clicks (click_id, at, handle, product_id, device, visitor_hash, is_bot, method, flags)
     VALUES (?1, ?2, ?3, ?4, 'desktop', 'v', 0, 'GET', ?5)`,
  )
    .bind(clickId, receivedAt - HOUR_MS, member.handle, ITEM.product_id, flags)
    .run();
  await orderEventAt(orderId, member, 'order.placed', receivedAt, clickId);
  return clickId;
}

/**
 * One event of `orderId` (one unit of ITEM) received at `receivedAt`, a clock of the test's, and
 * happened half an hour earlier, stored by the worker's own store (as holdOrderAt).
 */
export async function orderEventAt(
  orderId: string,
  member: { handle: string; trackingId: string },
  type: EventBody['type'],
  receivedAt: number,
  clickId?: string,
): Promise<void> {
  const at = new Date(receivedAt - HOUR_MS / 2).toISOString();
  const body = JSON.stringify({
    ...placed({ order_id: orderId, tracking_id: member.trackingId, ordered_at: at, occurred_at: at }),
    type,
    ...(clickId ? { click_id: clickId } : {}),
    items: [{ ...ITEM, quantity: 1 }],
  });
  const parsed = parseOrderEvent(JSON.parse(body));
  if (!parsed.ok) throw new Error(`${type} event: ${JSON.stringify(parsed.issues)}`);
  const market = withMarketplace(parsed.event, program.table);
  if (!market.ok) throw new Error(`${type} event: ${JSON.stringify(market.issues)}`);
  const event = { event_id: uid('evt'), source: 'webhook' as const, body, received_at: receivedAt };
  expect(await ingest(env.DB, program, { ...event, event: market.event })).toBe('processed');
}

/** Flags a stored click after the fact, as the dashboard's "this was me" does (`self`). */
export async function flagClick(clickId: string): Promise<void> {
  await env.DB.prepare(`UPDATE clicks SET flags = flags | ${CLICK_FLAGS.self} WHERE click_id = ?1`)
    .bind(clickId)
    .run();
}

const HOLD_MS = program.table.payout.hold_days * DAY_MS;
/** When `period` is closed in these tests: a day after its end and the return-window hold. */
export const closeAt = (period: string): number => monthBounds(period).end + HOLD_MS + DAY_MS;

/** Closes `period` at closeAt(period); the closed month's JSON. */
export async function close(period: string): Promise<string> {
  const closed = await closeMonth(env.DB, period, program.table, closeAt(period));
  if (!closed.ok) throw new Error(closed.message);
  return closed.json;
}

/** The payout row of `handle` in open `period`, computed at `now` (undefined when it has none). */
export async function openRow(period: string, now: number, handle: string): Promise<PayoutRow | undefined> {
  const answer = await readMonth(env.DB, period, program.table, now);
  if (answer.kind !== 'open') throw new Error(`${period} is ${answer.kind}`);
  return answer.report.payouts.find((p) => p.handle === handle);
}

/** Closed `period`'s JSON exactly as stored. */
export async function closedJson(period: string): Promise<string> {
  const answer = await readMonth(env.DB, period, program.table, Date.now());
  if (answer.kind !== 'closed') throw new Error(`${period} is ${answer.kind}`);
  return answer.json;
}

/** The amounts of `handle`'s row in a closed month's JSON (undefined when it has none). */
export function rowIn(
  json: string,
  handle: string,
): Pick<PayoutRow, 'earned_minor' | 'adjustment_minor'> | undefined {
  return (JSON.parse(json) as { payouts: PayoutRow[] }).payouts.find((p) => p.handle === handle);
}

/** Releases held `orderId` at `at` (succeeds). */
export async function release(orderId: string, at: number): Promise<void> {
  expect((await decide(env.DB, 'release', orderId, { reason: 'a real buyer' }, at)).ok).toBe(true);
}
