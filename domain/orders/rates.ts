/**
 * Which rate applies to a line (CONTRACT.md sections 4 and 8). Of the retailer's
 * tables that apply to the member's program (its own, or shared ones naming no
 * program) and start on or before the UTC day the order was placed, the latest
 * wins; on the same day the program's own table wins over a shared one. Then
 * the table's rate for the item's category, else its default.
 *
 * This is the one place a rate is chosen. The choice is recorded with the line
 * (order_line_terms) together with the table it came from, so a recorded order
 * never depends on content again; the link builder quotes rates through the same
 * function, so a quoted rate is the rate a new order gets.
 */
import type { MemberProgram, RateTable } from '../content/schema.ts';
import { utcDay } from '../time.ts';
import type { ProgramTable } from './program-table.ts';

export interface AppliedRate {
  bps: number;
  /** The table's first day. */
  effective_from: string;
  /** The program the table names, or null for a table shared by both. */
  program: MemberProgram | null;
  /** Whether the category had its own rate or fell back to the table default. */
  source: 'category' | 'default';
}

/** A rate and the table it was taken from (retailer, effective_from, program): what a recorded line stores. */
export interface ChosenRate extends AppliedRate {
  retailer: string;
}

/**
 * The table in force for `program` on `day` (YYYY-MM-DD), or undefined before
 * the first one. `tables` in any order.
 */
export function tableFor(
  tables: readonly RateTable[],
  day: string,
  program: MemberProgram,
): RateTable | undefined {
  let best: RateTable | undefined;
  for (const t of tables) {
    if (t.effective_from > day) continue;
    if (t.program !== undefined && t.program !== program) continue;
    if (
      best === undefined ||
      t.effective_from > best.effective_from ||
      // Same day: the program's own table beats a shared one.
      (t.effective_from === best.effective_from && t.program !== undefined && best.program === undefined)
    )
      best = t;
  }
  return best;
}

/** Null when the order predates every table that applies to the program. */
export function rateFor(
  tables: readonly RateTable[],
  orderedAtMs: number,
  category: string,
  program: MemberProgram,
): AppliedRate | null {
  const table = tableFor(tables, utcDay(orderedAtMs), program);
  if (!table) return null;
  const own = Object.hasOwn(table.rates, category) ? table.rates[category] : undefined;
  const applied = { effective_from: table.effective_from, program: table.program ?? null };
  return own === undefined
    ? { bps: table.default_bps, ...applied, source: 'default' }
    : { bps: own, ...applied, source: 'category' };
}

/**
 * The rate of a line of an order placed at `orderedAtMs` with `retailerId` for a
 * member of `program`, or null when the retailer is unknown or the order
 * predates its first table for that program.
 */
export function chooseRate(
  table: ProgramTable,
  retailerId: string,
  orderedAtMs: number,
  category: string,
  program: MemberProgram,
): ChosenRate | null {
  const tables = retailerTables(table, retailerId);
  if (!tables) return null;
  const rate = rateFor(tables, orderedAtMs, category, program);
  return rate && { ...rate, retailer: retailerId };
}

/** A retailer's rate tables, or null for a retailer the program does not know. */
export function retailerTables(table: ProgramTable, retailerId: string): readonly RateTable[] | null {
  return Object.hasOwn(table.retailers, retailerId) ? (table.retailers[retailerId]?.tables ?? null) : null;
}
