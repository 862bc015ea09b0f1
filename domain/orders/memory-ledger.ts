/**
 * An event store and ledger held in memory, applying events exactly as the D1
 * store does (same planOrder, one order at a time, recorded terms kept per
 * order). The seed uses it to produce a consistent history, and the tests use it
 * to check convergence.
 */
import type { KnownClick } from './attribution.ts';
import { planOrder } from './apply.ts';
import type { EventRow, IncomingEvent, LedgerRow, Outcome, StoredEvent } from './apply.ts';
import { sumEntries } from './ledger.ts';
import type { Program } from './program-table.ts';
import type { LineTermsRow, OrderTermsRow, RecordedTerms } from './terms.ts';

export interface MemoryLedger {
  events: EventRow[];
  entries: LedgerRow[];
  orderTerms: OrderTermsRow[];
  lineTerms: LineTermsRow[];
  /** Applies events with the ledger's program, or with `program` (content as it is by then). */
  apply(incoming: readonly IncomingEvent[], program?: Program): Map<string, Outcome>;
}

export function createMemoryLedger(
  program: Program,
  clicks: ReadonlyMap<string, KnownClick> = new Map(),
): MemoryLedger {
  const ids = new Set<string>();
  const stored = new Map<string, StoredEvent[]>();
  const entriesOf = new Map<string, LedgerRow[]>();
  const termsOf = new Map<string, RecordedTerms>();
  const ledger: MemoryLedger = {
    events: [],
    entries: [],
    orderTerms: [],
    lineTerms: [],
    apply(incoming, current = program) {
      const outcomes = new Map<string, Outcome>();
      const byOrder = new Map<string, IncomingEvent[]>();
      for (const e of incoming) byOrder.set(e.event.order_id, [...(byOrder.get(e.event.order_id) ?? []), e]);
      for (const [orderId, events] of byOrder) {
        const plan = planOrder({
          program: current,
          stored: stored.get(orderId) ?? [],
          current: sumEntries(entriesOf.get(orderId) ?? []),
          incoming: events,
          knownIds: ids,
          clicks,
          terms: termsOf.get(orderId) ?? null,
        });
        for (const row of plan.events) {
          ids.add(row.event_id);
          const event = events.find((e) => e.event_id === row.event_id);
          if (event)
            stored.set(orderId, [...(stored.get(orderId) ?? []), { ...event, order_seq: row.order_seq }]);
        }
        for (const order of plan.orderTerms) termsOf.set(orderId, { order, lines: new Map() });
        for (const line of plan.lineTerms) termsOf.get(orderId)?.lines.set(line.product_id, line);
        ledger.events.push(...plan.events);
        ledger.entries.push(...plan.entries);
        ledger.orderTerms.push(...plan.orderTerms);
        ledger.lineTerms.push(...plan.lineTerms);
        entriesOf.set(orderId, [...(entriesOf.get(orderId) ?? []), ...plan.entries]);
        for (const [id, outcome] of plan.outcomes) outcomes.set(id, outcome);
      }
      return outcomes;
    },
  };
  return ledger;
}
