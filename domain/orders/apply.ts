/**
 * Applying new events to one order, as plain data in and out: which event rows
 * to store (with their sequence number, status and attribution) and which ledger
 * entries to append. The D1 layer reads the order's state, calls this, and
 * writes the result in one batch; the seed and the tests call it directly.
 */
import { attribute, type KnownClick } from './attribution.ts';
import type { Issue } from '../issues.ts';
import { compareEvents, type IdentifiedEvent, type OrderEvent } from './event.ts';
import { deriveTargets, ledgerDeltas, sumEntries, type LedgerEntry, type LedgerSum } from './ledger.ts';
import { MAX_LINE_AMOUNT_MINOR, MAX_LINE_QUANTITY } from './commission.ts';
import type { Program } from './program-table.ts';
import { eventOfMarketplace } from './report-tracking.ts';
import { PROGRAMS } from '../content/schema.ts';
import { utcDay } from '../time.ts';
import { rateFor } from './rates.ts';
import {
  creditOf,
  extendTerms,
  headOf,
  type LineTermsRow,
  type OrderTermsRow,
  type RecordedTerms,
} from './terms.ts';

export type EventSource = 'webhook' | 'amazon_report' | 'seed';
/**
 * An event refused because of what is stored for its order, nothing stored: `invalid` (another
 * marketplace than the order's, a line past its bounds) or `other_marketplace` (the event that
 * would decide the order's credit, its tracking id another marketplace's: refusalOf).
 */
export interface Rejected {
  status: 'rejected';
  reason?: 'invalid' | 'other_marketplace';
  issues: Issue[];
}
export type Outcome = 'processed' | 'duplicate' | 'unattributed' | Rejected;

export interface IncomingEvent extends IdentifiedEvent {
  source: EventSource;
  /** The raw event as received: the webhook body, or the report row. */
  body: string;
  /** Unix ms. */
  received_at: number;
}

export interface StoredEvent extends IdentifiedEvent {
  /** 1, 2, ... per order: (order_id, order_seq) is unique, which serialises concurrent writers of one order. */
  order_seq: number;
}

/** One row of order_events. */
export interface EventRow {
  event_id: string;
  source: EventSource;
  order_id: string;
  order_seq: number;
  type: OrderEvent['type'];
  ordered_at: number;
  occurred_at: number;
  tracking_id: string;
  click_id: string | null;
  retailer: string | null;
  currency: string;
  items_json: string;
  status: 'processed' | 'unattributed';
  handle: string | null;
  attribution: 'click' | 'tracking_id' | null;
  attributed_click_id: string | null;
  attribution_note: string | null;
  body: string;
  received_at: number;
}

/** One row of ledger_entries. */
export interface LedgerRow extends LedgerEntry {
  event_id: string;
  created_at: number;
}

/** Column order of the inserts (worker store and seed alike). */
export const EVENT_COLUMNS = [
  'event_id',
  'source',
  'order_id',
  'order_seq',
  'type',
  'ordered_at',
  'occurred_at',
  'tracking_id',
  'click_id',
  'retailer',
  'currency',
  'items_json',
  'status',
  'handle',
  'attribution',
  'attributed_click_id',
  'attribution_note',
  'body',
  'received_at',
] as const satisfies readonly (keyof EventRow)[];

export const LEDGER_COLUMNS = [
  'order_id',
  'product_id',
  'handle',
  'bucket',
  'effective_at',
  'ordered_at',
  'quantity',
  'amount_minor',
  'revenue_minor',
  'currency',
  'category',
  'unit_price_minor',
  'rate_bps',
  'event_id',
  'created_at',
] as const satisfies readonly (keyof LedgerRow)[];

export interface OrderPlan {
  events: EventRow[];
  entries: LedgerRow[];
  /** Terms recorded by these events: the order's own (at most one) and new lines'. */
  orderTerms: OrderTermsRow[];
  lineTerms: LineTermsRow[];
  outcomes: Map<string, Outcome>;
}

/**
 * Per line, placed, shipped, cancelled and returned quantities each stay at most
 * MAX_LINE_QUANTITY over all events of the order, and the commission a retailer
 * reports for them at most MAX_LINE_AMOUNT_MINOR (summed exactly, in BigInt): with
 * the per-event bounds this keeps every figure of a line far inside safe integers.
 * An event that would cross either is refused with the item named, before
 * anything is stored.
 */
export function lineBoundIssues(stored: readonly IdentifiedEvent[], event: OrderEvent): Issue[] {
  const issues: Issue[] = [];
  event.items.forEach((item, i) => {
    const before = stored
      .filter((e) => e.event.type === event.type)
      .flatMap((e) => e.event.items)
      .filter((x) => x.product_id === item.product_id);
    const quantity = before.reduce((sum, x) => sum + x.quantity, 0);
    if (quantity + item.quantity > MAX_LINE_QUANTITY)
      issues.push({
        path: `items[${i}].quantity`,
        message: `order ${event.order_id} would have ${quantity + item.quantity} of ${item.product_id} ${event.type.slice(6)}; at most ${MAX_LINE_QUANTITY} per line over all its events`,
      });
    if (item.reported_commission_minor === undefined) return;
    const reported = [...before, item].reduce((sum, x) => sum + BigInt(x.reported_commission_minor ?? 0), 0n);
    if (reported > BigInt(MAX_LINE_AMOUNT_MINOR))
      issues.push({
        path: `items[${i}].reported_commission_minor`,
        message: `order ${event.order_id} would report ${reported} minor units for ${item.product_id} ${event.type.slice(6)}; at most ${MAX_LINE_AMOUNT_MINOR} per line over all its events`,
      });
  });
  return issues;
}

/**
 * An order lives in one marketplace: every event of it names the same retailer (an event
 * naming none is the default one's), so its entries are all in one currency. A later event
 * in another marketplace (an export imported again for another marketplace, a sender's
 * slip) is refused with the retailer named, before anything is stored.
 */
export function marketIssues(
  stored: readonly IdentifiedEvent[],
  event: OrderEvent,
  program: Program,
): Issue[] {
  const first = stored[0]?.event;
  if (first === undefined) return [];
  const market = (e: OrderEvent) => e.retailer ?? program.table.default_retailer;
  if (market(first) === market(event) && first.currency === event.currency) return [];
  return [
    {
      path: 'retailer',
      message: `order ${event.order_id} is in ${market(first)} (${first.currency}); this event names ${market(event)} (${event.currency}): an order's events stay in its marketplace`,
    },
  ];
}

/** Checks an event against the program; these failures are the sender's (the reason `invalid`). */
export function admissionIssues(event: OrderEvent, program: Program): Issue[] {
  const issues: Issue[] = [];
  const { table } = program;
  const retailerId = event.retailer ?? table.default_retailer;
  const retailer = table.retailers[retailerId];
  // Money never converts (section 14): each marketplace's events are in its own currency.
  if (retailer && event.currency !== retailer.currency)
    issues.push({ path: 'currency', message: `must be ${retailer.currency}, the currency of ${retailerId}` });
  if (!retailer) {
    issues.push({
      path: 'retailer',
      message: `unknown retailer "${retailerId}" (known: ${Object.keys(table.retailers).join(', ')})`,
    });
  } else if (retailer.tables.length > 0) {
    // The member's program decides which tables apply; an unattributed event needs any table in force.
    const handle = program.handleOf(event.tracking_id);
    const member = handle === null ? null : program.programOf(handle);
    const programs = member === null ? PROGRAMS : [member];
    if (programs.every((p) => rateFor(retailer.tables, event.ordered_at, '', p) === null)) {
      const first = retailer.tables
        .filter((t) => t.program === undefined || programs.includes(t.program))
        .map((t) => t.effective_from)
        .sort()[0];
      issues.push({
        path: 'ordered_at',
        message:
          `no commission rates of ${retailerId}${member ? ` for ${member}s` : ''} are in force on ${utcDay(event.ordered_at)}` +
          (first ? ` (the first table starts ${first})` : ''),
      });
    }
  }
  return issues;
}

/**
 * Why an event is refused for what its order holds (`set`: the order's events so far, `terms`: its
 * credit as recorded so far), or null. The tracking id's marketplace (report-tracking.ts
 * eventOfMarketplace) is a rule of the event that decides the order's credit, judged when the
 * credit is decided and never after:
 *
 *   head(S)        = the first order.placed of S, else its earliest event (terms.ts headOf: the
 *                    event whose tracking id extendTerms credits)
 *   credits(S)     = creditOf(head(S)) <> null (terms.ts: extendTerms records the terms now)
 *   decides(e)     = terms = null and (head(set + e) = e or credits(set + e)): the credit is still
 *                    open and e would be its head (an order's first event, a placed event arriving
 *                    after an unattributed shipment, a placed event that occurred before the stored
 *                    one), or e's arrival credits the order by the head stored before it (stored
 *                    unattributed, its tracking id an approved member's since: content changed)
 *   decides(e) and foreign(head(set + e))  -> other_marketplace, nothing stored: the head is e,
 *                    or the stored head (judged once e passes marketIssues), and the order stays
 *                    uncredited, as a new order with that head would be refused
 *   otherwise      -> the event follows the marketplace its order is pinned to (marketIssues)
 *                     and the line bounds
 *
 * So a credited order's later events (a redelivery is a duplicate before this, a return of an
 * order stored before the rule) are booked whatever their tracking id: its credit is recorded.
 */
function refusalOf(
  set: readonly IdentifiedEvent[],
  terms: RecordedTerms | null,
  incoming: IncomingEvent,
  program: Program,
): Rejected | null {
  const { event, source } = incoming;
  const from = source === 'amazon_report' ? 'row' : 'event';
  const market = marketIssues(set, event, program);
  const head = terms === null ? headOf([...set, incoming].sort(compareEvents)) : undefined;
  const decided =
    head === incoming || (head !== undefined && market.length === 0 && creditOf(head, program) !== null)
      ? head
      : undefined;
  const foreign = decided ? eventOfMarketplace(event, program.table, from, decided.event) : null;
  if (foreign) return { status: 'rejected', reason: foreign.reason, issues: foreign.issues };
  const bounds = [...market, ...lineBoundIssues(set, event)];
  return bounds.length > 0 ? { status: 'rejected', issues: bounds } : null;
}

export function planOrder(input: {
  program: Program;
  /** Every stored event of the order. */
  stored: readonly StoredEvent[];
  /** Ledger sums of the order per key. */
  current: readonly LedgerSum[];
  /** New events of this order. */
  incoming: readonly IncomingEvent[];
  /** Event ids already stored anywhere (an id is unique across orders). */
  knownIds: ReadonlySet<string>;
  /** Stored clicks named by the incoming events. */
  clicks: ReadonlyMap<string, KnownClick>;
  /** The order's recorded terms, null when it has never been credited. */
  terms: RecordedTerms | null;
}): OrderPlan {
  const { program, knownIds, clicks } = input;
  const set: IdentifiedEvent[] = [...input.stored];
  let sums: LedgerSum[] = [...input.current];
  let terms = input.terms;
  let seq = input.stored.reduce((max, e) => Math.max(max, e.order_seq), 0);
  const plan: OrderPlan = { events: [], entries: [], orderTerms: [], lineTerms: [], outcomes: new Map() };
  if (new Set([...input.stored, ...input.incoming].map((e) => e.event.order_id)).size > 1)
    throw new Error('planOrder: the events belong to more than one order');

  for (const incoming of [...input.incoming].sort(compareEvents)) {
    const { event_id, event } = incoming;
    if (knownIds.has(event_id) || plan.outcomes.has(event_id)) {
      if (!plan.outcomes.has(event_id)) plan.outcomes.set(event_id, 'duplicate');
      continue;
    }
    const refused = refusalOf(set, terms, incoming, program);
    if (refused) {
      plan.outcomes.set(event_id, refused);
      continue;
    }
    set.push({ event_id, event });
    const sorted = [...set].sort(compareEvents);
    const extended = extendTerms(terms, sorted, program, { event_id, at: incoming.received_at });
    terms = extended.terms;
    if (extended.added.order) plan.orderTerms.push(extended.added.order);
    plan.lineTerms.push(...extended.added.lines);
    // The answer says what the ledger did: credited to the order's recorded creator, or to nobody.
    const handle = terms?.order.handle ?? null;
    const attribution =
      handle === null
        ? null
        : attribute({
            handle,
            clickId: event.click_id,
            orderedAt: event.ordered_at,
            click: event.click_id === null ? undefined : clicks.get(event.click_id),
            windowHours: program.table.attribution_window_hours,
          });
    plan.events.push({
      event_id,
      source: incoming.source,
      order_id: event.order_id,
      order_seq: ++seq,
      type: event.type,
      ordered_at: event.ordered_at,
      occurred_at: event.occurred_at,
      tracking_id: event.tracking_id,
      click_id: event.click_id,
      retailer: event.retailer,
      currency: event.currency,
      items_json: JSON.stringify(event.items),
      status: handle === null ? 'unattributed' : 'processed',
      handle,
      attribution: attribution?.kind ?? null,
      attributed_click_id: attribution?.kind === 'click' ? attribution.click_id : null,
      attribution_note: attribution?.kind === 'tracking_id' ? attribution.reason : null,
      body: incoming.body,
      received_at: incoming.received_at,
    });
    plan.outcomes.set(event_id, handle === null ? 'unattributed' : 'processed');

    const targets = deriveTargets(set, terms);
    if (!targets) continue;
    const entries = ledgerDeltas(targets, sums);
    for (const entry of entries) plan.entries.push({ ...entry, event_id, created_at: incoming.received_at });
    sums = sumEntries([...sums, ...entries]);
  }
  return plan;
}
