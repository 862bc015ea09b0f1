/**
 * Frozen order terms. The first time an order is credited (its first event whose
 * tracking id belongs to an approved creator) it records who it is credited to,
 * and every line records its rate and the rate table it came from the first time
 * the line appears. Later events of the order are valued with these recorded
 * terms, never with today's content: renaming a creator, moving a tracking id or
 * correcting a rate table cannot move or revalue a recorded order.
 *
 * Facts that come from the events themselves (when the order was placed, unit
 * prices, quantities) are still derived from the set of the order's events.
 */
import { PROGRAMS, type MemberProgram } from '../content/schema.ts';
import { utcDay } from '../time.ts';
import { compareEvents, type IdentifiedEvent } from './event.ts';
import type { Program } from './program-table.ts';
import { chooseRate, retailerTables, tableFor } from './rates.ts';

/** One row of order_terms. */
export interface OrderTermsRow {
  order_id: string;
  handle: string;
  tracking_id: string;
  /** Resolved retailer id (null only for orders backfilled from an old ledger). */
  retailer: string | null;
  ordered_at: number;
  /**
   * The credited member's program when the order was first credited: it picks the rate
   * tables of every line, also lines first seen later. Null only for orders recorded before
   * migration 0012 (see orderProgram).
   */
  program: MemberProgram | null;
  event_id: string;
  recorded_at: number;
}

/** One row of order_line_terms: the line's rate and which table it came from. */
export interface LineTermsRow {
  order_id: string;
  product_id: string;
  category: string;
  rate_bps: number;
  rate_source: 'category' | 'default' | 'backfill';
  rate_retailer: string | null;
  /** Null only for lines backfilled from an old ledger. */
  rate_effective_from: string | null;
  /** The program the rate table names (influencer or associate); null for a table shared by both. */
  rate_program: string | null;
  event_id: string;
  recorded_at: number;
}

export interface RecordedTerms {
  order: OrderTermsRow;
  /** Product id -> line terms. */
  lines: Map<string, LineTermsRow>;
}

export const ORDER_TERMS_COLUMNS = [
  'order_id',
  'handle',
  'tracking_id',
  'retailer',
  'ordered_at',
  'program',
  'event_id',
  'recorded_at',
] as const satisfies readonly (keyof OrderTermsRow)[];

export const LINE_TERMS_COLUMNS = [
  'order_id',
  'product_id',
  'category',
  'rate_bps',
  'rate_source',
  'rate_retailer',
  'rate_effective_from',
  'rate_program',
  'event_id',
  'recorded_at',
] as const satisfies readonly (keyof LineTermsRow)[];

/**
 * The terms after the events `sorted` (the order's stored events plus the one
 * arriving, in compareEvents order) when `cause` arrives: the recorded terms
 * extended by whatever is new (the order's own terms if it had none and is now
 * credited, the rate of any line seen for the first time). Null while the order
 * is credited to nobody.
 */
export function extendTerms(
  recorded: RecordedTerms | null,
  sorted: readonly IdentifiedEvent[],
  program: Program,
  cause: { event_id: string; at: number },
): { terms: RecordedTerms | null; added: { order: OrderTermsRow | null; lines: LineTermsRow[] } } {
  const added: { order: OrderTermsRow | null; lines: LineTermsRow[] } = { order: null, lines: [] };
  let terms = recorded;
  const head = headOf(sorted);
  if (!head) return { terms, added };
  if (!terms) {
    const handle = creditOf(head, program);
    if (handle === null) return { terms: null, added };
    added.order = {
      order_id: head.event.order_id,
      handle,
      tracking_id: head.event.tracking_id,
      retailer: head.event.retailer ?? program.table.default_retailer,
      ordered_at: head.event.ordered_at,
      program: program.programOf(handle) ?? 'influencer',
      event_id: cause.event_id,
      recorded_at: cause.at,
    };
    terms = { order: added.order, lines: new Map() };
  }
  const lines = new Map(terms.lines);
  // The program the order was credited under picks the tables of every line, also of lines first seen now.
  const memberProgram = orderProgram(terms, program);
  for (const [product_id, item] of lineHeads(sorted)) {
    if (lines.has(product_id)) continue;
    const retailer = terms.order.retailer ?? program.table.default_retailer;
    const rate = chooseRate(program.table, retailer, terms.order.ordered_at, item.category, memberProgram);
    const line: LineTermsRow = {
      order_id: terms.order.order_id,
      product_id,
      category: item.category,
      // Admission refuses orders no table covers; a zero rate is only a last resort.
      rate_bps: rate?.bps ?? 0,
      rate_source: rate?.source ?? 'default',
      rate_retailer: retailer,
      rate_effective_from: rate?.effective_from ?? 'none',
      rate_program: rate?.program ?? null,
      event_id: cause.event_id,
      recorded_at: cause.at,
    };
    lines.set(product_id, line);
    added.lines.push(line);
  }
  return { terms: { order: terms.order, lines }, added };
}

/**
 * The event whose tracking id decides an order's credit while it has none recorded: its first
 * `order.placed`, else its earliest event (`sorted` in compareEvents order).
 */
export function headOf<E extends IdentifiedEvent>(sorted: readonly E[]): E | undefined {
  return sorted.find((e) => e.event.type === 'order.placed') ?? sorted[0];
}

/** Who an order not yet credited is credited to by its head: the approved member of its tracking id, or nobody. */
export function creditOf(head: IdentifiedEvent, program: Program): string | null {
  return program.creditedHandle(head.event.tracking_id);
}

/**
 * The program an order was credited under: recorded with its terms since migration 0012.
 * For an order recorded before, it is read back from the tables its lines were rated with.
 * Rate tables are append-only (vet refuses to edit, remove or back-date one in force), so the
 * program whose choice of table on the order's day gives every recorded line its recorded
 * table is the one the order was rated under. When both programs fit, they choose the same
 * table for any line of the order, so the choice changes no rate; then, as when no line names a
 * table (backfilled lines) or none fits (a table edited outside vet), the member's program in
 * content today is used (a member no longer in content: influencer).
 */
export function orderProgram(terms: RecordedTerms, program: Program): MemberProgram {
  if (terms.order.program !== null) return terms.order.program;
  const today = program.programOf(terms.order.handle) ?? 'influencer';
  const day = utcDay(terms.order.ordered_at);
  // Lines that name the table they were rated with (backfilled ones do not).
  const evidence = [...terms.lines.values()].filter(
    (line): line is LineTermsRow & { rate_retailer: string; rate_effective_from: string } =>
      line.rate_source !== 'backfill' && line.rate_retailer !== null && line.rate_effective_from !== null,
  );
  if (evidence.length === 0) return today;
  const fits = PROGRAMS.filter((member) =>
    evidence.every((line) => {
      const table = tableFor(retailerTables(program.table, line.rate_retailer) ?? [], day, member);
      // A line rated when no table was in force records 'none' (and rate 0).
      if (table === undefined) return line.rate_effective_from === 'none';
      return (
        table.effective_from === line.rate_effective_from && (table.program ?? null) === line.rate_program
      );
    }),
  );
  const [only, another] = fits;
  return only !== undefined && another === undefined ? only : today;
}

/** Per product, the item that sets its price and category: the first placed one, else the first. */
export function lineHeads(
  sorted: readonly IdentifiedEvent[],
): Map<string, { category: string; unit_price: number }> {
  const heads = new Map<string, { category: string; unit_price: number; placed: boolean }>();
  for (const { event } of sorted)
    for (const item of event.items) {
      const seen = heads.get(item.product_id);
      const placed = event.type === 'order.placed';
      if (!seen || (placed && !seen.placed))
        heads.set(item.product_id, { category: item.category, unit_price: item.unit_price, placed });
    }
  return heads;
}

/** The terms a whole set of events records when content stays `program` throughout (for checks and tests). */
export function termsOf(events: readonly IdentifiedEvent[], program: Program): RecordedTerms | null {
  const sorted = [...events].sort(compareEvents);
  const first = sorted[0];
  return first ? extendTerms(null, sorted, program, { event_id: first.event_id, at: 0 }).terms : null;
}
