/**
 * Monthly payouts as recorded facts (CONTRACT.md sections 5 and 7).
 *
 * A month's activity is the earned commission of items shipped in it minus the
 * reversals of items returned in it (by the ledger entries' effective time, UTC).
 * Months close in order; a closed month's rows are stored and never recomputed.
 * Open months are folded from the last closed month's stored rows:
 *
 *   balance = carried in + adjustment + earned - reversed
 *
 * where `carried in` is the previous month's carried forward, and `adjustment`
 * (first open month only) is late money: ledger entries dated inside an already
 * closed month that were recorded after it closed (a late shipment, a return after
 * payout, a report import). A balance at or above the threshold is paid (once the
 * month has ended and the hold has passed) and nothing is carried on; a smaller or
 * negative balance is carried into the next month and never paid. A suspended
 * creator's balance is held: not paid, carried forward whole. Whether an open
 * month pays depends on the threshold alone, never on today's date, so a month's
 * figures do not change as time passes.
 */
import { csv } from '../csv.ts';
import { DAY_MS, monthBounds, utcDay, utcMonth } from '../time.ts';
import type { ProgramTable } from './program-table.ts';

export function nextPeriod(period: string): string {
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

/** Late money of one creator: earned minus reversed of entries dated in closed months, recorded after. */
export interface Adjustment {
  handle: string;
  amount_minor: number;
}

export type PayoutReason = 'payable' | 'on_hold' | 'below_threshold' | 'suspended';

export interface PayoutRow {
  handle: string;
  /** influencer or associate (CONTRACT.md section 8); 'unknown' for a handle no longer in content. */
  program: string;
  tracking_id: string | null;
  status: string;
  carried_in_minor: number;
  /** Late money counted in this month (first open month after a close only); negative for a clawback. */
  adjustment_minor: number;
  earned_minor: number;
  reversed_minor: number;
  balance_minor: number;
  payable: boolean;
  /** What to pay: the balance when payable, else 0. */
  payout_minor: number;
  /** What moves into next month's carried_in: the balance when under the threshold or held, else 0. */
  carried_forward_minor: number;
  reason: PayoutReason;
}

export interface PayoutReport {
  period: string;
  status: 'open' | 'closed';
  currency: string;
  threshold_minor: number;
  hold_days: number;
  /** First day (UTC) the period's balances may be paid: its end plus the hold. */
  payable_from: string;
  payouts: PayoutRow[];
}

export interface ClosedReport extends PayoutReport {
  status: 'closed';
  /** ISO-8601. */
  closed_at: string;
}

export interface ClosedMonth {
  period: string;
  rows: readonly PayoutRow[];
}

export interface FoldInput {
  /** The first open month: the month after `lastClosed`, else the first month with activity. */
  from: string;
  /** The last month to compute (inclusive). */
  to: string;
  /** Stored rows of the last closed month before `from`, if any. */
  lastClosed: ClosedMonth | null;
  /** Late money, counted in `from`. */
  adjustments: readonly Adjustment[];
  /** Activity of the months `from` to `to` (others are ignored). */
  activity: readonly MonthlyActivity[];
  program: ProgramTable;
  now: number;
}

export function payableFrom(period: string, program: ProgramTable): number {
  return monthBounds(period).end + program.payout.hold_days * DAY_MS;
}

/** Every month from `from` to `to`, each computed as open, carried forward one into the next. */
export function foldMonths(input: FoldInput): PayoutReport[] {
  const { from, to, program, now } = input;
  const { threshold_minor, hold_days } = program.payout;
  const activity = new Map<string, { earned: number; reversed: number }>();
  for (const a of input.activity) {
    if (a.month < from || a.month > to) continue;
    const key = `${a.month}\u0000${a.handle}`;
    const seen = activity.get(key) ?? { earned: 0, reversed: 0 };
    activity.set(key, { earned: seen.earned + a.earned_minor, reversed: seen.reversed + a.reversed_minor });
  }
  const adjustments = new Map<string, number>();
  for (const a of input.adjustments)
    adjustments.set(a.handle, (adjustments.get(a.handle) ?? 0) + a.amount_minor);

  const carried = new Map<string, number>();
  for (const row of input.lastClosed?.rows ?? []) carried.set(row.handle, row.carried_forward_minor);
  for (const handle of adjustments.keys()) if (!carried.has(handle)) carried.set(handle, 0);

  const reports: PayoutReport[] = [];
  for (let month = from; month <= to; month = nextPeriod(month)) {
    for (const a of input.activity) if (a.month === month && !carried.has(a.handle)) carried.set(a.handle, 0);
    const due = now >= payableFrom(month, program);
    const payouts: PayoutRow[] = [];
    for (const handle of [...carried.keys()].sort()) {
      const figures = activity.get(`${month}\u0000${handle}`) ?? { earned: 0, reversed: 0 };
      const carriedIn = carried.get(handle) ?? 0;
      const adjustment = month === from ? (adjustments.get(handle) ?? 0) : 0;
      const balance = carriedIn + adjustment + figures.earned - figures.reversed;
      const influencer = program.influencers[handle];
      const status = influencer?.status ?? 'unknown';
      const row: PayoutRow = {
        handle,
        program: influencer?.program ?? 'unknown',
        tracking_id: influencer?.tracking_id ?? null,
        status,
        carried_in_minor: carriedIn,
        adjustment_minor: adjustment,
        earned_minor: figures.earned,
        reversed_minor: figures.reversed,
        balance_minor: balance,
        payable: false,
        payout_minor: 0,
        carried_forward_minor: balance,
        reason: 'below_threshold',
      };
      if (status === 'suspended') row.reason = 'suspended';
      else if (balance > 0 && balance >= threshold_minor) {
        // Paid with this month (now, or when its hold has passed): nothing carried on.
        row.carried_forward_minor = 0;
        row.payable = due;
        row.payout_minor = due ? balance : 0;
        row.reason = due ? 'payable' : 'on_hold';
      }
      payouts.push(row);
      carried.set(handle, row.carried_forward_minor);
    }
    reports.push({
      period: month,
      status: 'open',
      currency: program.currency,
      threshold_minor,
      hold_days,
      payable_from: utcDay(payableFrom(month, program)),
      payouts,
    });
  }
  return reports;
}

/** The report of one open month. */
export function computePayouts(input: Omit<FoldInput, 'to'> & { period: string }): PayoutReport {
  const { period, ...rest } = input;
  const from = input.from <= period ? input.from : period;
  const last = foldMonths({ ...rest, from, to: period }).at(-1);
  if (!last) throw new Error('unreachable: a fold covers at least its own month');
  return last;
}

/** Whether skipping an open month would lose or pay anything: then it must be closed first. */
export function hasActivity(report: PayoutReport): boolean {
  return report.payouts.some(
    (p) =>
      p.earned_minor !== 0 ||
      p.reversed_minor !== 0 ||
      p.adjustment_minor !== 0 ||
      p.carried_forward_minor !== p.balance_minor,
  );
}

/** Why a month may not close (the worker maps each to its HTTP status in one table). */
export type CloseRefusal = 'already_closed' | 'closed_later' | 'earlier_open' | 'hold_not_passed';

export type CloseDecision =
  { ok: true; report: ClosedReport } | { ok: false; reason: CloseRefusal; message: string };

/**
 * Whether `period` may close now, and its rows if so. Months close in order: every
 * earlier month with activity must be closed, and the period's hold must have
 * passed. `closedPeriods` are all closed months.
 */
export function planClose(
  input: Omit<FoldInput, 'to'> & { period: string; closedPeriods: readonly string[]; closedAt: number },
): CloseDecision {
  const { period, closedPeriods, program, now } = input;
  if (closedPeriods.includes(period))
    return { ok: false, reason: 'already_closed', message: `${period} is already closed` };
  const latest = [...closedPeriods].sort().at(-1);
  if (latest !== undefined && latest > period)
    return {
      ok: false,
      reason: 'closed_later',
      message: `months close in order and ${latest} is already closed; ${period} had no activity when it closed`,
    };
  const reports = foldMonths({ ...input, from: input.from <= period ? input.from : period, to: period });
  const open = reports.slice(0, -1).filter(hasActivity);
  if (open.length > 0)
    return {
      ok: false,
      reason: 'earlier_open',
      message: `earlier months with activity are still open: ${open.map((r) => r.period).join(', ')}; close them first`,
    };
  if (now < payableFrom(period, program))
    return {
      ok: false,
      reason: 'hold_not_passed',
      message: `the hold of ${period} has not passed: it may close from ${utcDay(payableFrom(period, program))}`,
    };
  const report = reports.at(-1);
  if (!report) throw new Error('unreachable: a fold covers at least its own month');
  return {
    ok: true,
    report: { ...report, status: 'closed', closed_at: new Date(input.closedAt).toISOString() },
  };
}

/** The stored columns of a row, in order (payout_rows). */
export const PAYOUT_ROW_COLUMNS = [
  'handle',
  'program',
  'tracking_id',
  'status',
  'carried_in_minor',
  'adjustment_minor',
  'earned_minor',
  'reversed_minor',
  'balance_minor',
  'payable',
  'payout_minor',
  'carried_forward_minor',
  'reason',
] as const satisfies readonly (keyof PayoutRow)[];

/** The stored row's identity columns come before the report's currency, its figures after. */
const IDENTITY = 4;

export const PAYOUT_CSV_COLUMNS = [
  'period',
  ...PAYOUT_ROW_COLUMNS.slice(0, IDENTITY),
  'currency',
  ...PAYOUT_ROW_COLUMNS.slice(IDENTITY),
  'payable_from',
] as const;

/** One row per influencer, amounts in integer minor units (see ../csv.ts for the format). */
export function payoutsCsv(report: PayoutReport): string {
  return csv(
    PAYOUT_CSV_COLUMNS,
    report.payouts.map((p) => {
      const row = PAYOUT_ROW_COLUMNS.map((column) => p[column]);
      return [
        report.period,
        ...row.slice(0, IDENTITY),
        report.currency,
        ...row.slice(IDENTITY),
        report.payable_from,
      ];
    }),
  );
}

/** The JSON of a closed month, written once at closing and answered byte for byte ever after. */
export function closedJson(report: ClosedReport): string {
  const { period, status, closed_at, currency, threshold_minor, hold_days, payable_from, payouts } = report;
  return JSON.stringify({
    period,
    status,
    closed_at,
    currency,
    threshold_minor,
    hold_days,
    payable_from,
    payouts,
  });
}
