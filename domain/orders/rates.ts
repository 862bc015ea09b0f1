/**
 * Which rate applies to a line: the retailer's table in force on the UTC day the
 * order was placed (the last table whose effective_from is on or before that
 * day), its rate for the item's category, else the table's default.
 */
import type { RateTable } from '../content/schema.ts';
import { utcDay } from '../time.ts';

export interface AppliedRate {
  bps: number;
  /** The table's first day. */
  effective_from: string;
  /** Whether the category had its own rate or fell back to the table default. */
  source: 'category' | 'default';
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
