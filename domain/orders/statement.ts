/**
 * Amazon's reports as statements (CONTRACT.md section 12), as plain data in and out.
 *
 * A statement states Amazon's figures per key k = (marketplace, tracking id, ASIN,
 * price, day) for its coverage C = (layout, marketplace, from..to, tracking ids or
 * the whole account). With S(k) its figures (0 for a covered key it does not list)
 * and H(k) what the store holds for k (the sum of every change posted for k):
 *
 *   change(k) = S(k) - H(k)   for every k in S, and every held k inside C
 *   kind(k)   = added     when k was never recorded
 *               reversed  when k is covered but S does not list it (S(k) = 0)
 *               changed   otherwise, when change(k) <> 0 (unchanged keys post nothing)
 *
 * so after the change H(k) = S(k): for every key, what is held equals the latest
 * imported statement covering its day (later import wins), whatever came before.
 * Posting happens only here; holds, voids and dispute credits are ledger entries
 * of their own that no statement reads or undoes.
 *
 * Money (Fee-Earnings only; Fee-Orders statements carry items ordered, never money).
 * A key's figures become two ledger lines, dated to the key's day:
 *
 *   earned   = (shipped,   max(fee, 0), shipped x price)
 *   reversed = (-returned, min(fee, 0), -(returned x price))
 *
 * so earned + reversed = Amazon's net Ad Fees of the key, exactly (negative fees
 * and fees without items included), and a ledger entry is the difference of these
 * lines before and after the change. A day in a closed month is late money: the
 * payouts count it as an adjustment in the first open month (payouts.ts).
 *
 * Bounds, checked before anything is stored (docs/orders.md):
 *   items of a row          0 .. MAX_ROW_ITEMS
 *   |Ad Fees| of a row      <= price x (shipped + returns) + MAX_FEE_WITHOUT_ITEMS_MAJOR
 *                           in the currency's major units (bounties, adjustments)
 *   every sum               a safe integer (addSafe), else the file is refused
 */
import { CURRENCY_EXPONENTS, type Currency } from '../currency.ts';
import { dayStart } from '../time.ts';
import type { Credit } from './crediting.ts';

export type StatementLayout = 'fee-earnings' | 'fee-orders';

/** Most items one row may state (shipped, returns or ordered). */
export const MAX_ROW_ITEMS = 10_000;
/** What a row's Ad Fees may exceed its items' revenue by, in major units of the currency. */
export const MAX_FEE_WITHOUT_ITEMS_MAJOR = 100;

export interface LineKey {
  /** A retailer id (section 14). */
  marketplace: string;
  /** Lower case. */
  tracking_id: string;
  /** Upper case. */
  asin: string;
  price_minor: number;
  /** YYYY-MM-DD (UTC). */
  day: string;
}

export interface LineFigures {
  ordered: number;
  shipped: number;
  returned: number;
  fee_minor: number;
}

export interface StatementLine extends LineKey, LineFigures {
  category: string;
}

export interface Coverage {
  from: string;
  to: string;
  /** Lower case, sorted; null: the whole account. */
  tracking_ids: string[] | null;
}

export interface Statement {
  layout: StatementLayout;
  marketplace: string;
  currency: Currency;
  coverage: Coverage;
  /** Data rows read (a Total row and rows refused as another marketplace's not counted). */
  rows: number;
  /** One per key, aggregated over the file's rows. */
  lines: StatementLine[];
}

export const ZERO: LineFigures = { ordered: 0, shipped: 0, returned: 0, fee_minor: 0 };

/** Refuses any result outside the safe-integer range. */
export class UnsafeSumError extends RangeError {}

export function addSafe(a: number, b: number): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new UnsafeSumError(`${a} + ${b} leaves the safe-integer range`);
  return sum;
}

export function mulSafe(a: number, b: number): number {
  const product = a * b;
  if (!Number.isSafeInteger(product)) throw new UnsafeSumError(`${a} x ${b} leaves the safe-integer range`);
  return product;
}

export function addFigures(a: LineFigures, b: LineFigures, sign: 1 | -1 = 1): LineFigures {
  const s = (x: number) => (sign === 1 ? x : 0 - x);
  return {
    ordered: addSafe(a.ordered, s(b.ordered)),
    shipped: addSafe(a.shipped, s(b.shipped)),
    returned: addSafe(a.returned, s(b.returned)),
    fee_minor: addSafe(a.fee_minor, s(b.fee_minor)),
  };
}

export function isZero(f: LineFigures): boolean {
  return f.ordered === 0 && f.shipped === 0 && f.returned === 0 && f.fee_minor === 0;
}

/** The key's id: what the store and the ledger's order_id name it by. */
export function keyId(layout: StatementLayout, k: LineKey): string {
  return `${keyIdPrefix(layout, k.marketplace, k.tracking_id)}${k.asin}:${k.price_minor}:${k.day}`;
}

/**
 * What every key id of one layout, marketplace and tracking id starts with (ending in ':'; the
 * ids sort in [prefix, prefix without its ':' + ';')), so one member's keys are read through the
 * primary key, not by scanning every member's days (worker/reports/statement-items.ts).
 */
export function keyIdPrefix(layout: StatementLayout, marketplace: string, trackingId: string): string {
  return `${layout === 'fee-earnings' ? 'amzs' : 'amzo'}:${marketplace}:${trackingId}:`;
}

/**
 * Whether a ledger order id is a statement key's (keyIdPrefix): such rows come without an
 * order event of their own, so nothing may plan their ledger from a remembered state.
 */
export function isStatementKeyId(orderId: string): boolean {
  return orderId.startsWith('amzs:') || orderId.startsWith('amzo:');
}

/** |fee| allowed for a row of this price and items. */
export function feeBound(priceMinor: number, items: number, currency: Currency): number {
  return addSafe(
    mulSafe(priceMinor, items),
    MAX_FEE_WITHOUT_ITEMS_MAJOR * 10 ** CURRENCY_EXPONENTS[currency],
  );
}

export function covers(statement: Pick<Statement, 'marketplace' | 'coverage'>, k: LineKey): boolean {
  const c = statement.coverage;
  return (
    k.marketplace === statement.marketplace &&
    k.day >= c.from &&
    k.day <= c.to &&
    (c.tracking_ids === null || c.tracking_ids.includes(k.tracking_id))
  );
}

// ---------------------------------------------------------------- the plan

/** A key the store has recorded: what it holds and who it was credited to (frozen). */
export interface HeldKey extends LineKey {
  held: LineFigures;
  credit: Credit | null;
  category: string;
}

export type ChangeKind = 'added' | 'changed' | 'reversed';

export interface Change {
  kind: ChangeKind;
  key_id: string;
  key: LineKey;
  category: string;
  before: LineFigures;
  after: LineFigures;
  delta: LineFigures;
  /** The key's member: frozen for a recorded key, credited by date for a new one. */
  credit: Credit | null;
}

export interface StatementPlan {
  changes: Change[];
  unchanged: number;
}

/**
 * The changes that make the held figures equal `statement` for every key it covers.
 * `held`: every recorded key of the statement's layout that it may cover (others are ignored).
 */
export function planStatement(
  statement: Statement,
  held: readonly HeldKey[],
  creditOf: (k: LineKey) => Credit | null,
): StatementPlan {
  const heldById = new Map<string, HeldKey>();
  for (const h of held) if (covers(statement, h)) heldById.set(keyId(statement.layout, h), h);
  const changes: Change[] = [];
  let unchanged = 0;
  const listed = new Set<string>();
  for (const line of statement.lines) {
    const id = keyId(statement.layout, line);
    listed.add(id);
    const h = heldById.get(id);
    const after = figuresOf(line);
    const before = h?.held ?? ZERO;
    const delta = addFigures(after, before, -1);
    if (h && isZero(delta)) {
      unchanged++;
      continue;
    }
    const kind: ChangeKind = h ? 'changed' : 'added';
    changes.push({
      kind,
      key_id: id,
      key: lineKeyOf(line),
      category: h?.category ?? line.category,
      before,
      after,
      delta,
      credit: h ? h.credit : creditOf(line),
    });
  }
  for (const [id, h] of heldById) {
    if (listed.has(id) || isZero(h.held)) continue;
    const delta = addFigures(ZERO, h.held, -1);
    changes.push({
      kind: 'reversed',
      key_id: id,
      key: lineKeyOf(h),
      category: h.category,
      before: h.held,
      after: ZERO,
      delta,
      credit: h.credit,
    });
  }
  changes.sort((a, b) => (a.key_id < b.key_id ? -1 : a.key_id > b.key_id ? 1 : 0));
  return { changes, unchanged };
}

export function lineKeyOf(k: LineKey): LineKey {
  return {
    marketplace: k.marketplace,
    tracking_id: k.tracking_id,
    asin: k.asin,
    price_minor: k.price_minor,
    day: k.day,
  };
}

function figuresOf(f: LineFigures): LineFigures {
  return { ordered: f.ordered, shipped: f.shipped, returned: f.returned, fee_minor: f.fee_minor };
}

// ---------------------------------------------------------------- money

export interface MoneyLine {
  bucket: 'earned' | 'reversed';
  quantity: number;
  amount_minor: number;
  revenue_minor: number;
}

/** A key's figures as its two ledger lines (see the header). */
export function moneyLines(f: LineFigures, priceMinor: number): MoneyLine[] {
  return [
    {
      bucket: 'earned',
      quantity: f.shipped,
      amount_minor: Math.max(f.fee_minor, 0),
      revenue_minor: mulSafe(f.shipped, priceMinor),
    },
    {
      bucket: 'reversed',
      quantity: 0 - f.returned,
      amount_minor: Math.min(f.fee_minor, 0),
      revenue_minor: 0 - mulSafe(f.returned, priceMinor),
    },
  ];
}

/** The ledger entries of one change: each line after minus before, zero lines left out. */
export function moneyDeltas(change: Change): MoneyLine[] {
  const before = moneyLines(change.before, change.key.price_minor);
  const after = moneyLines(change.after, change.key.price_minor);
  const out: MoneyLine[] = [];
  after.forEach((a, i) => {
    const b = before[i] ?? { quantity: 0, amount_minor: 0, revenue_minor: 0 };
    const d: MoneyLine = {
      bucket: a.bucket,
      quantity: addSafe(a.quantity, 0 - b.quantity),
      amount_minor: addSafe(a.amount_minor, 0 - b.amount_minor),
      revenue_minor: addSafe(a.revenue_minor, 0 - b.revenue_minor),
    };
    if (d.quantity !== 0 || d.amount_minor !== 0 || d.revenue_minor !== 0) out.push(d);
  });
  return out;
}

/** Unix ms of a key's day: the effective (and ordered) time of its entries. */
export function keyTime(k: LineKey): number {
  return dayStart(k.day);
}

/** Totals of a plan by kind: keys and net fee change. */
export function planSummary(plan: StatementPlan) {
  const out = {
    added: { keys: 0, fee_minor: 0, items: 0 },
    changed: { keys: 0, fee_minor: 0, items: 0 },
    reversed: { keys: 0, fee_minor: 0, items: 0 },
    unchanged: plan.unchanged,
  };
  for (const c of plan.changes) {
    const s = out[c.kind];
    s.keys++;
    s.fee_minor = addSafe(s.fee_minor, c.delta.fee_minor);
    s.items = addSafe(s.items, addSafe(addSafe(c.delta.shipped, 0 - c.delta.returned), c.delta.ordered));
  }
  return out;
}
