/** Rows read and written straight in D1 by the worker tests: counts, writes D1 must refuse, and ledger lines no webhook test sends. */
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { uid } from './orders-helpers.ts';

/** How many events with this id are stored (a retried delivery must leave exactly one). */
export function eventCount(eventId: string): Promise<number> {
  return countRows('SELECT COUNT(*) AS n FROM order_events WHERE event_id = ?1', eventId);
}

/** How many ledger entries an order has. */
export function entryCount(orderId: string): Promise<number> {
  return countRows('SELECT COUNT(*) AS n FROM ledger_entries WHERE order_id = ?1', orderId);
}

/** The `n` a COUNT(*) query answers; throws when it answers no row. */
export async function countRows(sql: string, ...params: unknown[]): Promise<number> {
  const n = await env.DB.prepare(sql)
    .bind(...params)
    .first<number>('n');
  if (n === null) throw new Error(`no row from ${sql}`);
  return n;
}

/** Expects D1 to refuse `sql` bound to `params` with an error matching `refusal`: history a trigger or a key guards. */
export async function expectRefusedWrite(
  sql: string,
  params: unknown[],
  refusal = /append-only/,
): Promise<void> {
  await expect(
    env.DB.prepare(sql)
      .bind(...params)
      .run(),
    sql,
  ).rejects.toThrow(refusal);
}

/** One ledger line of a shipped order, as the worker records it, for figures no webhook test sends. */
export interface RecordedLine {
  handle: string;
  /** Milliseconds: the order, its event and its line all at this time. */
  at: number;
  tracking_id?: string;
  currency?: string;
  order_id?: string;
  bucket?: 'earned' | 'reversed';
  quantity: number;
  amount_minor: number;
  revenue_minor: number;
  unit_price_minor: number;
}

/** The statements that store a RecordedLine: its order event (shipped, processed) and its ledger entry. */
export function recordedLine(line: RecordedLine): D1PreparedStatement[] {
  const eventId = uid('msg');
  const orderId = line.order_id ?? uid('ord');
  const currency = line.currency ?? 'USD';
  return [
    env.DB.prepare(
      `INSERT INTO order_events (event_id, source, order_id, order_seq, type, ordered_at, occurred_at, tracking_id,
         currency, items_json, status, handle, attribution, attribution_note, body, received_at)
       VALUES (?1, 'webhook', ?2, 1, 'order.shipped', ?3, ?3, ?4, ?5, '[]', 'processed', ?6, 'tracking_id', 'no click id', '{}', ?3)`,
    ).bind(eventId, orderId, line.at, line.tracking_id ?? 'some-tag-20', currency, line.handle),
    env.DB.prepare(
      `INSERT INTO ledger_entries (order_id, product_id, handle, bucket, effective_at, ordered_at, quantity,
         amount_minor, revenue_minor, currency, category, unit_price_minor, rate_bps, event_id, created_at)
       VALUES (?1, 'B00006JSUA', ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, 'kitchen', ?9, 450, ?10, ?4)`,
    ).bind(
      orderId,
      line.handle,
      line.bucket ?? 'earned',
      line.at,
      line.quantity,
      line.amount_minor,
      line.revenue_minor,
      currency,
      line.unit_price_minor,
      eventId,
    ),
  ];
}
