/**
 * Disputes as CSV for admins: one row per dispute, oldest first, money in integer minor units
 * (empty unless credited). Written by the project's one CSV writer (domain/csv.ts), whose cells
 * are quoted and guarded against spreadsheet formulas.
 *   columns = DISPUTE_CSV_COLUMNS, in that order; a new column is appended, never inserted
 *   marketplace = the retailer id the order was placed at (its credit's currency is that marketplace's)
 */
import { csv } from '../csv.ts';
import type { Dispute } from './rules.ts';

export const DISPUTE_CSV_COLUMNS = [
  'dispute_id',
  'member_id',
  'handle',
  'order_id',
  'order_date',
  'products',
  'note',
  'filed_at',
  'state',
  'decided_at',
  'amount_minor',
  'currency',
  'decision_note',
  // Added after the first release: new columns go last, so a sheet reading by position keeps working.
  'marketplace',
] as const;

export function disputesCsv(disputes: readonly Dispute[]): string {
  return csv(
    DISPUTE_CSV_COLUMNS,
    disputes.map((d) => [
      d.dispute_id,
      d.member_id,
      d.handle,
      d.order_id,
      d.order_date,
      d.products,
      d.note,
      d.filed_at,
      d.state,
      d.decision?.decided_at ?? null,
      d.decision?.amount_minor ?? null,
      d.decision?.currency ?? null,
      d.decision?.note ?? null,
      d.marketplace,
    ]),
  );
}
