/**
 * One question, one query: which stored order events name a tracking id that
 * belongs to no influencer? Asked by `GET /api/admin/orders/unattributed` and by
 * the admin console. Newest first; the raw body (up to 1 MiB an event) is read
 * only when asked for, so the console's list stays light.
 */
import type { KeyRow } from '../../domain/orders/statement-rows.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { integer, integerOrZero, text, type Row } from '../lib/rows.ts';

export interface UnattributedEvent {
  event_id: string;
  source: string;
  type: string;
  order_id: string;
  tracking_id: string;
  /** Unix ms. */
  ordered_at: number;
  occurred_at: number;
  received_at: number;
  /** The raw body as received; null unless asked for. */
  body: string | null;
}

const COLUMNS = 'event_id, source, type, order_id, tracking_id, ordered_at, occurred_at, received_at';

export async function readUnattributed(
  db: D1Database,
  { limit, withBody }: { limit: number; withBody: boolean },
): Promise<UnattributedEvent[]> {
  const sql = `SELECT ${COLUMNS}${withBody ? ', body' : ''} FROM order_events WHERE status = 'unattributed'
    ORDER BY received_at DESC, event_id LIMIT ?1`;
  const { results } = await withRetry(() => db.prepare(sql).bind(limit).all<Row>());
  return results.map((row) => ({
    event_id: text(row, 'event_id'),
    source: text(row, 'source'),
    type: text(row, 'type'),
    order_id: text(row, 'order_id'),
    tracking_id: text(row, 'tracking_id'),
    ordered_at: integer(row, 'ordered_at'),
    occurred_at: integer(row, 'occurred_at'),
    received_at: integer(row, 'received_at'),
    body: withBody ? text(row, 'body') : null,
  }));
}

/** An Amazon statement key credited to nobody (its tracking id held by no approved member on its day). */
export interface UnattributedKey extends Pick<
  KeyRow,
  'key_id' | 'layout' | 'marketplace' | 'tracking_id' | 'asin' | 'price_minor' | 'day'
> {
  ordered: number;
  shipped: number;
  returned: number;
  fee_minor: number;
}

const UNATTRIBUTED_KEYS = `
SELECT k.key_id, k.layout, k.marketplace, k.tracking_id, k.asin, k.price_minor, k.day,
       SUM(c.shipped) AS shipped, SUM(c.returned) AS returned, SUM(c.ordered) AS ordered, SUM(c.fee_minor) AS fee_minor,
       COUNT(*) OVER () AS total
FROM amazon_keys AS k JOIN amazon_key_changes AS c ON c.key_id = k.key_id
WHERE k.member_id IS NULL
GROUP BY k.key_id ORDER BY k.day DESC, k.key_id LIMIT ?1 OFFSET ?2`;

/** Newest day first, a page at a time; `more` counts the keys after this page (never truncated silently). */
export async function readUnattributedKeys(
  db: D1Database,
  limit: number,
  offset: number,
): Promise<{ keys: UnattributedKey[]; offset: number; more: number }> {
  const { results } = await withRetry(() => db.prepare(UNATTRIBUTED_KEYS).bind(limit, offset).all<Row>());
  const total = results[0] ? integer(results[0], 'total') : 0;
  return {
    keys: results.map((r) => ({
      key_id: text(r, 'key_id'),
      layout: text(r, 'layout'),
      marketplace: text(r, 'marketplace'),
      tracking_id: text(r, 'tracking_id'),
      asin: text(r, 'asin'),
      price_minor: integer(r, 'price_minor'),
      day: text(r, 'day'),
      ordered: integerOrZero(r, 'ordered'),
      shipped: integerOrZero(r, 'shipped'),
      returned: integerOrZero(r, 'returned'),
      fee_minor: integerOrZero(r, 'fee_minor'),
    })),
    offset,
    more: Math.max(0, total - offset - results.length),
  };
}
