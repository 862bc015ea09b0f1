/**
 * Order events and ledger entries in D1, one round trip per event where it can be
 * (issue 26: each round trip to D1 costs more than everything else we do per event):
 *
 *   state(group)  what this isolate last saw committed for each order (recent-orders.ts),
 *                 or nothing stored for a new order being placed; else (and always after a
 *                 failed attempt) ONE read statement: which ids are known, the orders'
 *                 stored events, ledger sums and terms, the named clicks
 *   plan          the pure planOrder over that state
 *   write         ONE batch that stores the new events and appends their ledger entries
 *                 and terms together, or nothing at all. Each order's first new event
 *                 lands only if the order's last stored event is the one planned on and
 *                 its (order_id, order_seq) is free; otherwise the whole batch fails
 *
 * A failed batch means the order is not what the plan assumed (a concurrent writer, a
 * remembered state gone stale, an id already stored): start over from a fresh read, so
 * ledger deltas are always computed against what is really there. A retried write that
 * had in fact landed fails the same way and then finds its events stored: nothing is
 * ever applied twice. A guessed state is confirmed only by the write it guards, so a plan
 * from a guess that writes nothing or refuses an event (the refusal writes nothing of its
 * order, and may come from the guess: an order stored elsewhere, guessed new and judged as
 * new) is not answered: the group is read and planned again. Statements per event,
 * webhook: a placed event of a new order 4 (event, order terms, line terms, entries) in one
 * batch; a later event of a remembered order 2 (event, entries) in one batch; otherwise the
 * read first (1 + the writes, two batches). An import's dry run (previewEvents) stops after the
 * plan: the read (never a guess), the same plan, nothing written.
 */
import { z } from 'zod';
import { currency, memberProgram } from '../../domain/content/schema.ts';
import {
  EVENT_COLUMNS,
  LEDGER_COLUMNS,
  planOrder,
  type EventRow,
  type IncomingEvent,
  type LedgerRow,
  type Outcome,
  type StoredEvent,
} from '../../domain/orders/apply.ts';
import type { KnownClick } from '../../domain/orders/attribution.ts';
import { ORDER_EVENT_TYPES, orderItem, type OrderEvent } from '../../domain/orders/event.ts';
import { BUCKETS, sumEntries, type LedgerSum } from '../../domain/orders/ledger.ts';
import type { Program } from '../../domain/orders/program-table.ts';
import { isStatementKeyId } from '../../domain/orders/statement.ts';
import {
  LINE_TERMS_COLUMNS,
  ORDER_TERMS_COLUMNS,
  type LineTermsRow,
  type OrderTermsRow,
  type RecordedTerms,
} from '../../domain/orders/terms.ts';
import { isTransientD1Error, withRetry } from '../lib/d1-retry.ts';
import { integer, parsedBy, rowReader, text, textOrNull, type Row } from '../lib/rows.ts';
import { forget, recall, remember, type RecentOrder } from './recent-orders.ts';

/** D1 stayed unavailable through every retry; the caller answers 503 so the sender retries later. */
export class StoreUnavailableError extends Error {}

const ORDERS_PER_ROUND = 20;
const MAX_ROUNDS = 8;

export async function applyEvents(
  db: D1Database,
  program: Program,
  incoming: readonly IncomingEvent[],
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  for (const group of rounds(incoming))
    for (const [id, outcome] of await applyGroup(db, program, group)) outcomes.set(id, outcome);
  return outcomes;
}

/**
 * What applyEvents would answer for these events now, writing nothing (an import's dry run): the
 * same rounds of orders, each read fresh (never a remembered guess) and planned by the same
 * planGroup, so the commit that follows answers the same unless the orders change in between
 * (orders of different rounds never meet: an event id is its order's).
 */
export async function previewEvents(
  db: D1Database,
  program: Program,
  incoming: readonly IncomingEvent[],
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  try {
    for (const group of rounds(incoming)) {
      const state = await withRetry(() => readState(db, group));
      for (const [id, outcome] of planGroup(program, group, state, false).outcomes) outcomes.set(id, outcome);
    }
  } catch (error) {
    if (isTransientD1Error(error)) throw new StoreUnavailableError(String(error), { cause: error });
    throw error;
  }
  return outcomes;
}

/** The incoming events by order, ORDERS_PER_ROUND orders a round, in the order they first appear. */
function rounds(incoming: readonly IncomingEvent[]): Map<string, IncomingEvent[]>[] {
  const byOrder = new Map<string, IncomingEvent[]>();
  for (const e of incoming) {
    const list = byOrder.get(e.event.order_id);
    if (list) list.push(e);
    else byOrder.set(e.event.order_id, [e]);
  }
  const orderIds = [...byOrder.keys()];
  const all: Map<string, IncomingEvent[]>[] = [];
  for (let i = 0; i < orderIds.length; i += ORDERS_PER_ROUND)
    all.push(new Map(orderIds.slice(i, i + ORDERS_PER_ROUND).map((id) => [id, byOrder.get(id) ?? []])));
  return all;
}

async function applyGroup(
  db: D1Database,
  program: Program,
  group: ReadonlyMap<string, readonly IncomingEvent[]>,
): Promise<Map<string, Outcome>> {
  // Set once a write failed in a way that may hide its success (the answer, not the write, was lost).
  let uncertain = false;
  const guess = predictedState(group);
  for (let round = 1; ; round++) {
    try {
      const predicted = round === 1 ? guess : null;
      const state = predicted ?? (await withRetry(() => readState(db, group)));
      const planned = planGroup(program, group, state, uncertain);
      // Nothing to write cannot confirm a prediction, and a refusal is never confirmed by the
      // batch (it writes nothing of its order): answer those from a fresh read.
      if (predicted && (planned.writes.events.length === 0 || hasRefusal(planned.outcomes))) continue;
      if (planned.writes.events.length > 0)
        await withRetry(() => db.batch(writeStatements(db, planned.writes, lastStored(state))), {
          onRetry: () => (uncertain = true),
        });
      if (uncertain) forget(group.keys());
      else for (const [orderId, next] of planned.next) remember(orderId, next);
      return planned.outcomes;
    } catch (error) {
      // A guess that failed is not remembered any more: what the read finds replaces it.
      if (round === 1 && guess) forget(group.keys());
      if (isConflict(error) && round < MAX_ROUNDS) continue;
      if (isConflict(error) || isTransientD1Error(error))
        throw new StoreUnavailableError(String(error), { cause: error });
      throw error;
    }
  }
}

/** Whether a plan refuses an event (a Rejected outcome); a guessed state must not decide one. */
function hasRefusal(outcomes: ReadonlyMap<string, Outcome>): boolean {
  return [...outcomes.values()].some((o) => typeof o === 'object');
}

interface GroupPlan {
  outcomes: Map<string, Outcome>;
  writes: WritePlan;
  /** Each order's state once the writes are committed. */
  next: Map<string, RecentOrder>;
}

function planGroup(
  program: Program,
  group: ReadonlyMap<string, readonly IncomingEvent[]>,
  state: OrderState,
  uncertain: boolean,
): GroupPlan {
  const planned: GroupPlan = {
    outcomes: new Map(),
    writes: { events: [], entries: [], orderTerms: [], lineTerms: [] },
    next: new Map(),
  };
  const { writes } = planned;
  for (const [orderId, incoming] of group) {
    const stored = state.stored.get(orderId) ?? [];
    const current = state.sums.get(orderId) ?? [];
    const terms = state.terms.get(orderId) ?? null;
    const plan = planOrder({
      program,
      stored,
      current,
      incoming,
      knownIds: new Set(state.known.keys()),
      clicks: state.clicks,
      terms,
    });
    writes.events.push(...plan.events);
    writes.entries.push(...plan.entries);
    writes.orderTerms.push(...plan.orderTerms);
    writes.lineTerms.push(...plan.lineTerms);
    for (const [id, outcome] of plan.outcomes) planned.outcomes.set(id, outcome);
    // A write whose answer was lost but which landed: the stored row is ours, so say what it did.
    if (uncertain)
      for (const e of incoming) {
        const mine = state.known.get(e.event_id);
        if (mine && mine.received_at === e.received_at) planned.outcomes.set(e.event_id, mine.status);
      }
    planned.next.set(orderId, {
      stored: [...stored, ...plan.events.map((row) => rememberedEvent(row, incoming))],
      sums: sumEntries([...current, ...plan.entries]),
      terms: withTerms(terms, plan),
    });
  }
  return planned;
}

/**
 * A planned event as a read of its row would return it (storedEvent), without parsing back the
 * items_json the plan has just written: the row's typed fields, and the items it was written from
 * (the incoming event's, already validated). A read knows no `marketplace` field: the row's
 * retailer is the marketplace (domain/orders/marketplace.ts). tests/worker/orders-round-trips
 * compares the remembered state with a fresh read.
 */
function rememberedEvent(row: EventRow, incoming: readonly IncomingEvent[]): StoredEvent {
  const from = incoming.find((e) => e.event_id === row.event_id);
  if (!from) throw new Error(`planned event ${row.event_id} is not one of the incoming events`);
  const { event } = from;
  return {
    event_id: row.event_id,
    order_seq: row.order_seq,
    event: {
      type: row.type,
      order_id: row.order_id,
      ordered_at: row.ordered_at,
      occurred_at: row.occurred_at,
      tracking_id: row.tracking_id,
      click_id: row.click_id,
      retailer: row.retailer,
      currency: event.currency,
      items: event.items,
    },
  };
}

/** The order's recorded terms with the rows a plan adds. */
function withTerms(
  terms: RecordedTerms | null,
  plan: { orderTerms: readonly OrderTermsRow[]; lineTerms: readonly LineTermsRow[] },
): RecordedTerms | null {
  const order = terms?.order ?? plan.orderTerms[0];
  if (!order) return null;
  const lines = new Map(terms?.lines);
  for (const line of plan.lineTerms) lines.set(line.product_id, line);
  return { order, lines };
}

/** A write found the order (or an event id) other than planned: the loser re-reads and plans again. */
function isConflict(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return isUniqueViolation(error) || SEQUENCE_GUARD.test(message);
}

function isUniqueViolation(error: unknown): boolean {
  return /UNIQUE constraint failed/i.test(error instanceof Error ? error.message : String(error));
}

// ---------------------------------------------------------------- reads

interface OrderState {
  /** Incoming ids already stored, with when they were received and what became of them. */
  known: Map<string, { received_at: number; status: Outcome }>;
  stored: Map<string, StoredEvent[]>;
  sums: Map<string, LedgerSum[]>;
  clicks: Map<string, KnownClick>;
  terms: Map<string, RecordedTerms>;
}

/**
 * The whole state of a group of orders in ONE statement (each D1 statement costs about
 * 120-140 µs of platform time, issue 26): one UNION ALL branch per kind of row (D1 allows
 * at most 5), each row as a JSON object tagged with its kind, read by the same typed row
 * parsers. The click branch is left out when no incoming event names a click (it could
 * match nothing). It is sent as a batch of one, the same call as the write batch.
 * ?1 the incoming event ids, ?2 the order ids, ?3 the click ids (all JSON arrays).
 */
const ids = (n: number) => `(SELECT value FROM json_each(?${n}))`;
const jsonRow = (columns: readonly string[]) =>
  `json_object(${columns.map((c) => `'${c}', ${c}`).join(', ')})`;
const READ_BRANCHES = [
  // The orders' stored events, and any stored event an incoming id names (an id is unique across orders).
  `SELECT 'event' AS kind, ${jsonRow(['event_id', 'order_seq', 'type', 'order_id', 'ordered_at', 'occurred_at', 'tracking_id', 'click_id', 'retailer', 'currency', 'items_json', 'received_at', 'status'])} AS row
FROM order_events WHERE order_id IN ${ids(2)} OR event_id IN ${ids(1)}`,
  `SELECT 'sum', json_object('order_id', order_id, 'handle', handle, 'ordered_at', ordered_at, 'product_id', product_id,
  'bucket', bucket, 'effective_at', effective_at, 'quantity', SUM(quantity), 'amount_minor', SUM(amount_minor),
  'revenue_minor', SUM(revenue_minor))
FROM ledger_entries WHERE order_id IN ${ids(2)}
GROUP BY order_id, handle, ordered_at, product_id, bucket, effective_at`,
  `SELECT 'order_terms', ${jsonRow(ORDER_TERMS_COLUMNS)} FROM order_terms WHERE order_id IN ${ids(2)}`,
  `SELECT 'line_terms', ${jsonRow(LINE_TERMS_COLUMNS)} FROM order_line_terms WHERE order_id IN ${ids(2)}`,
];
const SELECT_STATE = READ_BRANCHES.join('\nUNION ALL\n');
const SELECT_STATE_WITH_CLICKS = [
  ...READ_BRANCHES,
  `SELECT 'click', ${jsonRow(['click_id', 'handle', 'at'])} FROM clicks WHERE click_id IN ${ids(3)}`,
].join('\nUNION ALL\n');

/** An order state with nothing known yet. */
function emptyState(): OrderState {
  return { known: new Map(), stored: new Map(), sums: new Map(), clicks: new Map(), terms: new Map() };
}

/**
 * The state of a group as this isolate last saw it committed (recent-orders.ts), so the
 * write batch can go out without a read: for an order remembered here, what was
 * remembered; for an order never seen, nothing stored, but only when one of its incoming
 * events is a placement (an order's first event as a rule; a shipment of an order placed
 * elsewhere would cost a wasted batch). Null, so the group is read first, when an event
 * names a click (the click may have arrived since, and decides the attribution), when an
 * incoming id is already among the remembered events (a duplicate is answered from a
 * read), or for ids of statement keys, whose ledger rows come without an event of theirs.
 */
function predictedState(group: ReadonlyMap<string, readonly IncomingEvent[]>): OrderState | null {
  const state = emptyState();
  for (const [orderId, incoming] of group) {
    if (isStatementKeyId(orderId) || incoming.some((e) => e.event.click_id !== null)) return null;
    const recent = recall(orderId);
    if (!recent) {
      if (!incoming.some((e) => e.event.type === 'order.placed')) return null;
      continue;
    }
    const storedIds = new Set(recent.stored.map((e) => e.event_id));
    if (incoming.some((e) => storedIds.has(e.event_id))) return null;
    state.stored.set(orderId, [...recent.stored]);
    state.sums.set(orderId, [...recent.sums]);
    if (recent.terms) state.terms.set(orderId, recent.terms);
  }
  return state;
}

/**
 * What a fresh read finds for one order, in the shape this isolate remembers (recent-orders.ts);
 * the state remembered after a write must equal it (tests/worker/orders-round-trips.test.ts).
 */
export async function readRecentOrder(db: D1Database, orderId: string): Promise<RecentOrder> {
  const state = await readState(db, new Map([[orderId, []]]));
  return {
    stored: state.stored.get(orderId) ?? [],
    sums: sumEntries(state.sums.get(orderId) ?? []),
    terms: state.terms.get(orderId) ?? null,
  };
}

const CREDITED_PER_STATEMENT = 500;
const SELECT_CREDITED = `SELECT order_id FROM order_terms WHERE order_id IN ${ids(1)}`;

/**
 * Which of `orderIds` are credited (their terms recorded: planOrder never judges their events
 * again), always from a fresh read, never from this isolate's memory: ids in statements of
 * CREDITED_PER_STATEMENT, one batch. For the export import's whole-file rule (statement-import.ts).
 */
export async function creditedOrders(db: D1Database, orderIds: readonly string[]): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < orderIds.length; i += CREDITED_PER_STATEMENT)
    statements.push(
      db.prepare(SELECT_CREDITED).bind(JSON.stringify(orderIds.slice(i, i + CREDITED_PER_STATEMENT))),
    );
  const results = await withRetry(() => db.batch<Row>(statements));
  return new Set(results.flatMap((r) => r.results.map((row) => text(row, 'order_id'))));
}

/** Per order, the event id of its last stored event (the guard of the first new one). */
function lastStored(state: OrderState): Map<string, string> {
  const last = new Map<string, string>();
  for (const [orderId, stored] of state.stored) {
    const top = stored.reduce<StoredEvent | null>((a, e) => (a && a.order_seq > e.order_seq ? a : e), null);
    if (top) last.set(orderId, top.event_id);
  }
  return last;
}

const ROW_KINDS = ['event', 'sum', 'order_terms', 'line_terms', 'click'] as const;
type RowKind = (typeof ROW_KINDS)[number];
const isRowKind = (kind: string): kind is RowKind => (ROW_KINDS as readonly string[]).includes(kind);
const isRow = (value: unknown): value is Row =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

async function readState(
  db: D1Database,
  group: ReadonlyMap<string, readonly IncomingEvent[]>,
): Promise<OrderState> {
  const incoming = [...group.values()].flat();
  const clickIds = [...new Set(incoming.flatMap((e) => (e.event.click_id ? [e.event.click_id] : [])))];
  const [read] = await db.batch<Row>([
    db
      .prepare(clickIds.length > 0 ? SELECT_STATE_WITH_CLICKS : SELECT_STATE)
      .bind(
        JSON.stringify(incoming.map((e) => e.event_id)),
        JSON.stringify([...group.keys()]),
        ...(clickIds.length > 0 ? [JSON.stringify(clickIds)] : []),
      ),
  ]);
  const rows: Record<RowKind, Row[]> = { event: [], sum: [], order_terms: [], line_terms: [], click: [] };
  // The shape only (a tagged JSON object): the typed row readers check every column they read.
  for (const result of read?.results ?? []) {
    const kind = text(result, 'kind');
    if (!isRowKind(kind)) throw new TypeError(`column kind: unexpected ${kind}`);
    const row: unknown = JSON.parse(text(result, 'row'));
    if (!isRow(row)) throw new TypeError(`column row: expected a JSON object of kind ${kind}`);
    rows[kind].push(row);
  }
  return stateOf(rows, new Set(incoming.map((e) => e.event_id)), group);
}

function stateOf(
  rows: Record<RowKind, Row[]>,
  incomingIds: ReadonlySet<string>,
  group: ReadonlyMap<string, unknown>,
): OrderState {
  const state = emptyState();
  for (const row of rows.order_terms) {
    const order = orderTermsRow(row);
    state.terms.set(order.order_id, { order, lines: new Map() });
  }
  for (const row of rows.line_terms) {
    const line = lineTermsRow(row);
    state.terms.get(line.order_id)?.lines.set(line.product_id, line);
  }
  for (const row of rows.event) {
    const eventId = text(row, 'event_id');
    if (incomingIds.has(eventId))
      state.known.set(eventId, {
        received_at: integer(row, 'received_at'),
        status: eventStatus.parse(row.status),
      });
    if (group.has(text(row, 'order_id'))) push(state.stored, text(row, 'order_id'), storedEvent(row));
  }
  for (const row of rows.sum) push(state.sums, text(row, 'order_id'), ledgerSum(row));
  for (const row of rows.click)
    state.clicks.set(text(row, 'click_id'), { handle: text(row, 'handle'), at: integer(row, 'at') });
  return state;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const storedItems = z.array(orderItem);
const eventType = z.enum(ORDER_EVENT_TYPES);
const eventStatus = z.enum(['processed', 'unattributed']);

function storedEvent(row: Row): StoredEvent {
  const event: OrderEvent = {
    type: eventType.parse(row.type),
    order_id: text(row, 'order_id'),
    ordered_at: integer(row, 'ordered_at'),
    occurred_at: integer(row, 'occurred_at'),
    tracking_id: text(row, 'tracking_id'),
    click_id: textOrNull(row, 'click_id'),
    retailer: textOrNull(row, 'retailer'),
    currency: currency.parse(row.currency),
    items: storedItems.parse(JSON.parse(text(row, 'items_json'))),
  };
  return { event_id: text(row, 'event_id'), order_seq: integer(row, 'order_seq'), event };
}

/** order_terms.program: null for orders recorded before migration 0012. */
const orderTermsRow: (row: Row) => OrderTermsRow = rowReader({
  order_id: text,
  handle: text,
  tracking_id: text,
  retailer: textOrNull,
  ordered_at: integer,
  program: parsedBy(memberProgram.nullable()),
  event_id: text,
  recorded_at: integer,
});

const lineTermsRow: (row: Row) => LineTermsRow = rowReader({
  order_id: text,
  product_id: text,
  category: text,
  rate_bps: integer,
  rate_source: parsedBy(z.enum(['category', 'default', 'backfill'])),
  rate_retailer: textOrNull,
  rate_effective_from: textOrNull,
  rate_program: textOrNull,
  event_id: text,
  recorded_at: integer,
});

const ledgerSum: (row: Row) => LedgerSum = rowReader({
  handle: text,
  ordered_at: integer,
  product_id: text,
  bucket: parsedBy(z.enum(BUCKETS)),
  effective_at: integer,
  quantity: integer,
  amount_minor: integer,
  revenue_minor: integer,
});

// ---------------------------------------------------------------- writes

const INSERT_EVENT = `
INSERT INTO order_events (${EVENT_COLUMNS.join(', ')})
VALUES (${EVENT_COLUMNS.map((_, i) => `?${i + 1}`).join(', ')})`;

/**
 * An order's next event, guarded: its order_seq is only given when the order's event
 * before it (seq - 1) is the one the plan was made on (?20); otherwise it is NULL, the
 * insert fails on NOT NULL and the whole batch with it. With the unique (order_id,
 * order_seq) key, which fails the batch when the seq is taken, the batch lands only on
 * exactly the state it was planned on, however that state was known (read or remembered).
 */
const SEQ = EVENT_COLUMNS.indexOf('order_seq') + 1;
const ORDER_ID = EVENT_COLUMNS.indexOf('order_id') + 1;
const PREVIOUS = EVENT_COLUMNS.length + 1;
const INSERT_NEXT_EVENT = `
INSERT INTO order_events (${EVENT_COLUMNS.join(', ')})
VALUES (${EVENT_COLUMNS.map((c, i) =>
  c === 'order_seq'
    ? `(SELECT ?${SEQ} FROM order_events WHERE order_id = ?${ORDER_ID} AND order_seq = ?${SEQ} - 1 AND event_id = ?${PREVIOUS})`
    : `?${i + 1}`,
).join(', ')})`;
const SEQUENCE_GUARD = /NOT NULL constraint failed: order_events\.order_seq/i;

// All entries of a batch travel as one JSON parameter (D1 allows 100 bound parameters per statement).
const INSERT_ENTRIES = `
INSERT INTO ledger_entries (${LEDGER_COLUMNS.join(', ')})
SELECT ${LEDGER_COLUMNS.map((c) => `json_extract(value, '$.${c}')`).join(', ')}
FROM json_each(?1)`;

const INSERT_ORDER_TERMS = jsonInsert('order_terms', ORDER_TERMS_COLUMNS);
const INSERT_LINE_TERMS = jsonInsert('order_line_terms', LINE_TERMS_COLUMNS);

function jsonInsert(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')})
SELECT ${columns.map((c) => `json_extract(value, '$.${c}')`).join(', ')} FROM json_each(?1)`;
}

export interface WritePlan {
  events: EventRow[];
  entries: LedgerRow[];
  orderTerms: OrderTermsRow[];
  lineTerms: LineTermsRow[];
}

/**
 * The write batch of a plan; `last`: per order, the id of the stored event the plan followed
 * (none for a new order). Exported for bench/orders-reference-worker.ts (O2 issues these statements).
 */
export function writeStatements(
  db: D1Database,
  plan: WritePlan,
  last: ReadonlyMap<string, string>,
): D1PreparedStatement[] {
  const previous = new Map(last);
  const statements = plan.events.map((e) => {
    const values = EVENT_COLUMNS.map((c) => e[c]);
    const before = previous.get(e.order_id);
    previous.set(e.order_id, e.event_id);
    return before === undefined
      ? db.prepare(INSERT_EVENT).bind(...values)
      : db.prepare(INSERT_NEXT_EVENT).bind(...values, before);
  });
  // Terms first: a line's terms refer to its order's, and the same batch is one transaction.
  if (plan.orderTerms.length > 0)
    statements.push(db.prepare(INSERT_ORDER_TERMS).bind(JSON.stringify(plan.orderTerms)));
  if (plan.lineTerms.length > 0)
    statements.push(db.prepare(INSERT_LINE_TERMS).bind(JSON.stringify(plan.lineTerms)));
  if (plan.entries.length > 0) {
    const rows = plan.entries.map((e) => Object.fromEntries(LEDGER_COLUMNS.map((c) => [c, e[c]])));
    statements.push(db.prepare(INSERT_ENTRIES).bind(JSON.stringify(rows)));
  }
  return statements;
}
