/**
 * Monthly payouts from ledger activity. A month's activity is the earned
 * commission of items shipped in it minus the reversals of items returned in it
 * (by the ledger entries' effective time, UTC). Each influencer's balance for a
 * month is what was carried into it plus that activity. A balance at or above
 * the threshold is paid (once the month has ended and the hold has passed) and
 * nothing is carried on; a smaller or negative balance is carried into the next
 * month. Whether an earlier month was paid depends on the threshold alone, never
 * on today's date, so a month's figures do not change as time passes.
 */
import { csv } from '../csv.ts';
import { DAY_MS, monthBounds, utcDay, utcMonth } from '../time.ts';
import type { ProgramTable } from './program-table.ts';

function nextPeriod(period: string): string {
  return utcMonth(monthBounds(period).end);
}

export interface MonthlyActivity {
  handle: string;
  /** "YYYY-MM". */
  month: string;
  earned_minor: number;
  /** Positive. */
  reversed_minor: number;
}

export type PayoutReason = 'payable' | 'on_hold' | 'below_threshold';

export interface PayoutRow {
  handle: string;
  /** influencer or associate (CONTRACT.md section 8); 'unknown' for a handle no longer in content. */
  program: string;
  tracking_id: string | null;
  status: string;
  carried_in_minor: number;
  earned_minor: number;
  reversed_minor: number;
  balance_minor: number;
  payable: boolean;
  /** What to pay now: the balance when payable, else 0. */
  payout_minor: number;
  /** What moves into next month's carried_in: the balance when under the threshold, else 0. */
  carried_forward_minor: number;
  reason: PayoutReason;
}

export interface PayoutReport {
  period: string;
  currency: string;
  threshold_minor: number;
  hold_days: number;
  /** First day (UTC) the period's balances may be paid: its end plus the hold. */
  payable_from: string;
  payouts: PayoutRow[];
}

export function computePayouts(input: {
  period: string;
  /** Activity of every month up to and including the period (later months are ignored). */
  activity: readonly MonthlyActivity[];
  program: ProgramTable;
  now: number;
}): PayoutReport {
  const { period, program, now } = input;
  const { threshold_minor, hold_days } = program.payout;
  const dueAt = monthBounds(period).end + hold_days * DAY_MS;
  const byHandle = new Map<string, Map<string, MonthlyActivity>>();
  for (const a of input.activity) {
    if (a.month > period) continue;
    let months = byHandle.get(a.handle);
    if (!months) byHandle.set(a.handle, (months = new Map()));
    const seen = months.get(a.month);
    months.set(a.month, {
      ...a,
      earned_minor: (seen?.earned_minor ?? 0) + a.earned_minor,
      reversed_minor: (seen?.reversed_minor ?? 0) + a.reversed_minor,
    });
  }

  const payouts: PayoutRow[] = [];
  for (const handle of [...byHandle.keys()].sort()) {
    const months = byHandle.get(handle) ?? new Map<string, MonthlyActivity>();
    let month = [...months.keys()].sort()[0] ?? period;
    let carried = 0;
    for (;;) {
      const activity = months.get(month);
      const earned = activity?.earned_minor ?? 0;
      const reversed = activity?.reversed_minor ?? 0;
      const balance = carried + earned - reversed;
      const reachesThreshold = balance > 0 && balance >= threshold_minor;
      if (month === period) {
        const payable = reachesThreshold && now >= dueAt;
        const influencer = program.influencers[handle];
        payouts.push({
          handle,
          program: influencer?.program ?? 'unknown',
          tracking_id: influencer?.tracking_id ?? null,
          status: influencer?.status ?? 'unknown',
          carried_in_minor: carried,
          earned_minor: earned,
          reversed_minor: reversed,
          balance_minor: balance,
          payable,
          payout_minor: payable ? balance : 0,
          carried_forward_minor: reachesThreshold ? 0 : balance,
          reason: payable ? 'payable' : reachesThreshold ? 'on_hold' : 'below_threshold',
        });
        break;
      }
      carried = reachesThreshold ? 0 : balance;
      month = nextPeriod(month);
    }
  }
  return {
    period,
    currency: program.currency,
    threshold_minor,
    hold_days,
    payable_from: utcDay(dueAt),
    payouts,
  };
}

export const PAYOUT_CSV_COLUMNS = [
  'period',
  'handle',
  'program',
  'tracking_id',
  'status',
  'currency',
  'carried_in_minor',
  'earned_minor',
  'reversed_minor',
  'balance_minor',
  'payable',
  'payout_minor',
  'carried_forward_minor',
  'reason',
  'payable_from',
] as const;

/** One row per influencer, amounts in integer minor units (see ../csv.ts for the format). */
export function payoutsCsv(report: PayoutReport): string {
  return csv(
    PAYOUT_CSV_COLUMNS,
    report.payouts.map((p) => [
      report.period,
      p.handle,
      p.program,
      p.tracking_id,
      p.status,
      report.currency,
      p.carried_in_minor,
      p.earned_minor,
      p.reversed_minor,
      p.balance_minor,
      p.payable,
      p.payout_minor,
      p.carried_forward_minor,
      p.reason,
      report.payable_from,
    ]),
  );
}
