/**
 * Applies one webhook event, in the request that received it. Each request does its
 * own D1 reads and writes: no request awaits work another request started, so a
 * sender that disconnects mid-request (and whose request workerd then cancels) can
 * never delay or fail anyone else's event (CONTRACT.md section 10). Concurrent writers
 * of one order are resolved by the store's unique (order_id, order_seq) key and retry.
 */
import type { IncomingEvent, Outcome } from '../../domain/orders/apply.ts';
import type { Program } from '../../domain/orders/program-table.ts';
import { applyEvents } from './store.ts';

export async function ingest(db: D1Database, program: Program, event: IncomingEvent): Promise<Outcome> {
  const outcomes = await applyEvents(db, program, [event]);
  return outcomes.get(event.event_id) ?? 'duplicate';
}
