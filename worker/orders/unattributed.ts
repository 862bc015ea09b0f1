/**
 * One question, one query: which stored order events name a tracking id that
 * belongs to no influencer? Asked by `GET /api/admin/orders/unattributed` and by
 * the admin console. Newest first; the raw body (up to 1 MiB an event) is read
 * only when asked for, so the console's list stays light.
 */
import { withRetry } from '../lib/d1-retry.ts';
import { integer, text, type Row } from '../lib/rows.ts';

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
