/**
 * Which rate applies to a line: the retailer's table in force on the UTC day the
 * order was placed (the last table whose effective_from is on or before that
 * day), its rate for the item's category, else the table's default.
 *
 * This is the one place a rate is chosen. The choice is recorded with the line
 * (order_line_terms) together with the table it came from, so a recorded order
 * never depends on content again.
 */
import type { RateTable } from '../content/schema.ts';
import { utcDay } from '../time.ts';
import type { ProgramTable } from './program-table.ts';

export interface AppliedRate {
  bps: number;
  /** The table's first day. */
  effective_from: string;
  /** Whether the category had its own rate or fell back to the table default. */
  source: 'category' | 'default';
}

/** A rate and the table it was taken from: what a recorded line stores. */
export interface ChosenRate extends AppliedRate {
  retailer: string;
  /** The programme whose tables were read; null while there is one set of tables per retailer. */
  program: string | null;
}

/** `tables` oldest first (as the program table keeps them). Null when the order predates every table. */
export function rateFor(
  tables: readonly RateTable[],
  orderedAtMs: number,
  category: string,
): AppliedRate | null {
  const day = utcDay(orderedAtMs);
  let table: RateTable | undefined;
  for (const t of tables) if (t.effective_from <= day) table = t;
  if (!table) return null;
  const own = Object.hasOwn(table.rates, category) ? table.rates[category] : undefined;
  return own === undefined
    ? { bps: table.default_bps, effective_from: table.effective_from, source: 'default' }
    : { bps: own, effective_from: table.effective_from, source: 'category' };
}

/**
 * The rate of a line of an order placed at `orderedAtMs` with `retailerId`, or
 * null when the retailer is unknown or the order predates its first table.
 */
export function chooseRate(
  program: ProgramTable,
  retailerId: string,
  orderedAtMs: number,
  category: string,
): ChosenRate | null {
  const retailer = Object.hasOwn(program.retailers, retailerId) ? program.retailers[retailerId] : undefined;
  if (!retailer) return null;
  const rate = rateFor(retailer.tables, orderedAtMs, category);
  return rate && { ...rate, retailer: retailerId, program: null };
}
