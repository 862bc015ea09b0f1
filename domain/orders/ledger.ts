/**
 * The commission ledger of one order as a pure function of the SET of its events.
 *
 * `deriveTargets` says what every ledger figure should be, given all events of
 * an order, whatever order they arrived in; `ledgerDeltas` compares that with
 * what the ledger holds and returns the entries to append. Nothing is ever
 * edited: a correction is one more entry. After each application the ledger sums
 * equal the targets of the events seen so far, so once every event has arrived
 * the ledger equals the targets of the full set, in any arrival order.
 *
 * Per line (order_id + product_id), with P, S, C, R the quantities placed,
 * shipped, cancelled and returned over all events:
 *   pending  = commission of max(0, P - S - C), dated when the order was placed
 *   earned   = commission of S, one figure per shipment, dated when shipped
 *   void     = commission of min(C, max(0, P - S)), per cancellation, dated when
 *              cancelled: a cancellation voids only what was placed and not shipped
 *   reversed = commission of min(R, S), per return, dated when returned, stored
 *              negative: a return never exceeds what shipped
 * The rate of each line and the creator credited come from the order's recorded
 * terms (terms.ts), never from today's content.
 * Split figures use cumulative rounding (the k-th shipment gets c(S1+..+Sk) -
 * c(S1+..+Sk-1)) so that a bucket's total is always the commission of its total
 * quantity, however the quantities were split.
 */
import { addMinor } from '../money.ts';
import { lineCommission } from './commission.ts';
import { compareEvents, type IdentifiedEvent, type OrderEvent, type OrderEventType } from './event.ts';
import { lineHeads, type RecordedTerms } from './terms.ts';

export const BUCKETS = ['pending', 'earned', 'reversed', 'void'] as const;
export type Bucket = (typeof BUCKETS)[number];

/** What ledger sums are grouped by: everything reports and payouts select on. */
export interface LedgerKey {
  handle: string;
  /** Unix ms: when the order was placed. */
  ordered_at: number;
  product_id: string;
  bucket: Bucket;
  /** Unix ms: when the figure takes effect (placed, shipped, cancelled or returned). */
  effective_at: number;
}

/** Signed figures: reversal figures are negative, everything else positive (corrections may flip a sign). */
export interface Figures {
  quantity: number;
  amount_minor: number;
  /** unit price x quantity: the sales value behind the figure. */
  revenue_minor: number;
}

export type LedgerSum = LedgerKey & Figures;

/** How a line was valued; recorded on each entry for audit. */
export interface LineTerms {
  category: string;
  unit_price_minor: number;
  rate_bps: number;
}

export interface LedgerEntry extends LedgerSum, LineTerms {
  order_id: string;
  currency: string;
}

/** The event whose order-level facts win when events disagree: the first placed, else the first. */
function canonical<T extends IdentifiedEvent>(sorted: readonly T[]): T | undefined {
  return sorted.find((e) => e.event.type === 'order.placed') ?? sorted[0];
}

export function keyOf(k: LedgerKey): string {
  return `${k.handle}\u0000${k.ordered_at}\u0000${k.product_id}\u0000${k.bucket}\u0000${k.effective_at}`;
}

export interface OrderTargets {
  order_id: string;
  currency: string;
  /** Terms of every product line the events mention, attributed or not. */
  terms: Map<string, LineTerms>;
  /** Empty when the order's tracking id belongs to nobody. */
  targets: LedgerSum[];
}

export function deriveTargets(
  events: readonly IdentifiedEvent[],
  recorded: RecordedTerms | null,
): OrderTargets | null {
  const sorted = [...events].sort(compareEvents);
  const head = canonical(sorted);
  if (!head) return null;
  const order = head.event;

  const terms = new Map<string, LineTerms>();
  for (const [product_id, item] of lineHeads(sorted)) {
    const line = recorded?.lines.get(product_id);
    terms.set(product_id, {
      category: line?.category ?? item.category,
      unit_price_minor: item.unit_price,
      rate_bps: line?.rate_bps ?? 0,
    });
  }
  const byType = partsByType(sorted);
  const targets: LedgerSum[] = [];
  if (recorded !== null) {
    for (const [product_id, line] of terms) {
      const base = { handle: recorded.order.handle, ordered_at: order.ordered_at, product_id };
      targets.push(...lineTargets(base, line, byType.get(product_id) ?? new Map()));
    }
  }
  return { order_id: order.order_id, currency: order.currency, terms, targets };
}

/** Each product's parts by event type, in compareEvents order. */
function partsByType(sorted: readonly IdentifiedEvent[]): Map<string, Map<OrderEventType, Part[]>> {
  const byType = new Map<string, Map<OrderEventType, Part[]>>();
  for (const { event } of sorted)
    for (const item of event.items) {
      let types = byType.get(item.product_id);
      if (!types) byType.set(item.product_id, (types = new Map()));
      let list = types.get(event.type);
      if (!list) types.set(event.type, (list = []));
      list.push({ at: event.occurred_at, quantity: item.quantity, reported: item.reported_commission_minor });
    }
  return byType;
}

type LineBase = Pick<LedgerSum, 'handle' | 'ordered_at' | 'product_id'>;

/** One attributed product line's sums: pending at the order's time, then each dated bucket. */
function lineTargets(base: LineBase, line: LineTerms, types: Map<OrderEventType, Part[]>): LedgerSum[] {
  const total = (type: OrderEventType) => (types.get(type) ?? []).reduce((s, x) => s + x.quantity, 0);
  // `0 - x`, not `-x`: no negative zeros in figures.
  const signed = (sign: 1 | -1, x: number) => (sign === 1 ? x : 0 - x);
  const figure = (quantity: number, amount: number, sign: 1 | -1): Figures => ({
    quantity: signed(sign, quantity),
    amount_minor: signed(sign, amount),
    revenue_minor: signed(sign, quantity * line.unit_price_minor),
  });
  const commission = (quantity: number) => lineCommission(line.unit_price_minor, quantity, line.rate_bps);

  const targets: LedgerSum[] = [];
  const [placed, shipped, cancelled, returned] = [
    total('order.placed'),
    total('order.shipped'),
    total('order.cancelled'),
    total('order.returned'),
  ];
  const pending = Math.max(0, placed - shipped - cancelled);
  if (pending > 0)
    targets.push({
      ...base,
      bucket: 'pending',
      effective_at: base.ordered_at,
      ...figure(pending, commission(pending), 1),
    });

  // A cancellation voids only what was placed and not shipped; a return never exceeds what shipped.
  const dated: [OrderEventType, Bucket, 1 | -1, number][] = [
    ['order.shipped', 'earned', 1, shipped],
    ['order.cancelled', 'void', 1, Math.min(cancelled, Math.max(0, placed - shipped))],
    ['order.returned', 'reversed', -1, Math.min(returned, shipped)],
  ];
  for (const [type, bucket, sign, cap] of dated) {
    const label = `the ${bucket} commission of ${base.product_id}`;
    for (const [at, slot] of cappedSlots(types.get(type) ?? [], cap, commission, label))
      targets.push({ ...base, bucket, effective_at: at, ...figure(slot.quantity, slot.amount, sign) });
  }
  return targets;
}

/**
 * The parts of one type counted up to `cap`, one slot per time. Already in compareEvents order;
 * same-time parts share one key. Parts past the cap count nothing.
 */
function cappedSlots(
  parts: readonly Part[],
  cap: number,
  commission: (quantity: number) => number,
  label: string,
): Map<number, { quantity: number; amount: number }> {
  let cumulative = 0;
  const byTime = new Map<number, { quantity: number; amount: number }>();
  for (const part of parts) {
    const before = Math.min(cumulative, cap);
    cumulative += part.quantity;
    const after = Math.min(cumulative, cap);
    if (after === before) continue;
    const slot = byTime.get(part.at) ?? { quantity: 0, amount: 0 };
    slot.quantity += after - before;
    // The retailer's own figure when it gave one (a share of it when only part of the part counts).
    slot.amount = addMinor(
      slot.amount,
      part.reported === undefined
        ? commission(after) - commission(before)
        : share(part.reported, after - before, part.quantity),
      label,
    );
    byTime.set(part.at, slot);
  }
  return byTime;
}

interface Part {
  at: number;
  quantity: number;
  /** The retailer's own commission for this part, when it reported one. */
  reported: number | undefined;
}

/** amount x counted / of, rounded half up, in exact integer arithmetic. */
function share(amount: number, counted: number, of: number): number {
  if (counted === of) return amount;
  return Number((BigInt(amount) * BigInt(counted) * 2n + BigInt(of)) / (2n * BigInt(of)));
}

/** Entries that move the ledger from `current` (sums per key) to `targets`. */
export function ledgerDeltas(order: OrderTargets, current: readonly LedgerSum[]): LedgerEntry[] {
  const want = new Map(order.targets.map((t) => [keyOf(t), t]));
  const have = new Map(current.map((c) => [keyOf(c), c]));
  const keys = new Set([...want.keys(), ...have.keys()]);
  const entries: LedgerEntry[] = [];
  for (const key of keys) {
    const w = want.get(key);
    const h = have.get(key);
    const k = (w ?? h) as LedgerSum;
    const delta = {
      quantity: (w?.quantity ?? 0) - (h?.quantity ?? 0),
      amount_minor: (w?.amount_minor ?? 0) - (h?.amount_minor ?? 0),
      revenue_minor: (w?.revenue_minor ?? 0) - (h?.revenue_minor ?? 0),
    };
    if (delta.quantity === 0 && delta.amount_minor === 0 && delta.revenue_minor === 0) continue;
    const terms = order.terms.get(k.product_id) ?? { category: '', unit_price_minor: 0, rate_bps: 0 };
    entries.push({
      order_id: order.order_id,
      currency: order.currency,
      handle: k.handle,
      ordered_at: k.ordered_at,
      product_id: k.product_id,
      bucket: k.bucket,
      effective_at: k.effective_at,
      ...delta,
      ...terms,
    });
  }
  return entries.sort(compareEntries);
}

const BUCKET_ORDER: Record<Bucket, number> = { pending: 0, earned: 1, void: 2, reversed: 3 };

function compareEntries(a: LedgerEntry, b: LedgerEntry): number {
  return (
    a.product_id.localeCompare(b.product_id) ||
    BUCKET_ORDER[a.bucket] - BUCKET_ORDER[b.bucket] ||
    a.effective_at - b.effective_at ||
    a.handle.localeCompare(b.handle) ||
    a.ordered_at - b.ordered_at
  );
}

/** Adds entries to sums per key (what `SELECT ... GROUP BY` over the ledger returns). */
export function sumEntries(rows: readonly (LedgerSum | LedgerEntry)[]): LedgerSum[] {
  const sums = new Map<string, LedgerSum>();
  for (const r of rows) {
    const key = keyOf(r);
    const s = sums.get(key);
    if (s) {
      s.quantity += r.quantity;
      s.amount_minor += r.amount_minor;
      s.revenue_minor += r.revenue_minor;
    } else {
      sums.set(key, {
        handle: r.handle,
        ordered_at: r.ordered_at,
        product_id: r.product_id,
        bucket: r.bucket,
        effective_at: r.effective_at,
        quantity: r.quantity,
        amount_minor: r.amount_minor,
        revenue_minor: r.revenue_minor,
      });
    }
  }
  return [...sums.values()].filter((s) => s.quantity !== 0 || s.amount_minor !== 0 || s.revenue_minor !== 0);
}

/** The contract's figures (section 4) over some ledger rows; reversed is reported positive. */
export function commissionFigures(rows: readonly (Figures & { bucket: Bucket })[]) {
  const out = { pending: 0, earned: 0, reversed: 0, void: 0, net: 0 };
  for (const r of rows) {
    if (r.bucket === 'reversed') out.reversed -= r.amount_minor;
    else out[r.bucket] += r.amount_minor;
  }
  out.net = out.earned - out.reversed;
  return out;
}
