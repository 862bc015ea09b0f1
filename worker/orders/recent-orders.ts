/**
 * What this isolate last saw committed for an order (its stored events, ledger sums and
 * recorded terms), so the next event of that order can be planned without reading D1
 * first and cost one round trip (issue 26). Only a prediction: the store's write batch
 * is guarded in SQL (the order's last stored event must be the one remembered, and the
 * next sequence number free, store.ts), so a stale or wrong entry makes the batch fail
 * as a whole and the event is planned again from a fresh read. That guard is enough only
 * because an order's ledger entries and terms change in the same batch as an event of that
 * order; statement keys (isStatementKeyId), whose ledger rows come without an event, are
 * never planned from here.
 *
 *   remember(o, s)  only after s was committed (a write batch that succeeded, or a read)
 *                   and only if s holds more events than what is remembered for o
 *   recall(o)       the remembered state, or undefined; at most MAX_ORDERS orders, the
 *                   least recently remembered forgotten first
 */
import type { StoredEvent } from '../../domain/orders/apply.ts';
import type { LedgerSum } from '../../domain/orders/ledger.ts';
import type { RecordedTerms } from '../../domain/orders/terms.ts';

export interface RecentOrder {
  stored: readonly StoredEvent[];
  sums: readonly LedgerSum[];
  terms: RecordedTerms | null;
}

/** About 1-2 KB an order: a few MB at most. */
const MAX_ORDERS = 4096;
const recent = new Map<string, RecentOrder>();

export function recall(orderId: string): RecentOrder | undefined {
  return recent.get(orderId);
}

export function remember(orderId: string, state: RecentOrder): void {
  const known = recent.get(orderId);
  if (known && known.stored.length >= state.stored.length) return;
  recent.delete(orderId);
  recent.set(orderId, state);
  if (recent.size > MAX_ORDERS) {
    const oldest = recent.keys().next();
    if (!oldest.done) recent.delete(oldest.value);
  }
}

/** After a write whose outcome is unknown: nothing about these orders is trusted any more. */
export function forget(orderIds: Iterable<string>): void {
  for (const id of orderIds) recent.delete(id);
}
