/**
 * Monthly payouts as recorded facts (CONTRACT.md sections 5, 7, 13 and 14).
 *
 * A balance belongs to a member and a currency: the key of a row is
 * (member id, currency), where the member id is the stable id of
 * docs/decisions.md. Ledger lines carry the handle their order was credited to;
 * every handle a member ever had (its current one and `previous_handles`) counts
 * for that member, so after a rename a clawback of an order recorded under the old
 * handle nets against new earnings. A handle no member has (a member gone from
 * content) is its own key. Money never converts: each currency is folded on its
 * own, with its own threshold.
 *
 * A month's activity is the earned commission of items shipped in it minus the
 * reversals of items returned in it (by the ledger entries' effective time, UTC).
 * Months close in order; a closed month's rows are stored and never recomputed.
 * Open months are folded from the last closed month's stored rows:
 *
 *   balance = carried in + adjustment + earned - reversed     (checked: a safe integer or refused)
 *
 * where `carried in` is the previous month's carried forward, and `adjustment`
 * (first open month only) is late money: ledger entries dated inside an already
 * closed month that were recorded after it closed. Then, in this order:
 *   member missing from content        held: member_missing, carried forward whole, never paid
 *   status suspended                   held: suspended, carried forward whole
 *   under review (`review: true`)      held: held_for_review, carried forward whole
 *   balance > 0 and >= threshold(cur)  paid with this month (payable once the hold has
 *                                      passed, on_hold before), nothing carried on
 *   otherwise                          below_threshold: carried forward (never paid negative)
 * threshold(cur) = payout.thresholds_minor[cur], else payout.threshold_minor. Whether an
 * open month pays depends on the threshold alone, never on today's date, so a month's
 * figures do not change as time passes.
 */
import { csv } from '../csv.ts';
import { addMinor } from '../money.ts';
import { DAY_MS, monthBounds, utcDay, utcMonth } from '../time.ts';
import type { ProgramTable } from './program-table.ts';

export function nextPeriod(period: string): string {
  return utcMonth(monthBounds(period).end);
}

export interface MonthlyActivity {
  /** The handle the ledger lines were credited to (any handle of the member). */
  handle: string;
  currency: string;
  /** "YYYY-MM". */
  month: string;
  earned_minor: number;
  /** Positive. */
  reversed_minor: number;
}

/** Late money under one handle and currency: earned minus reversed of entries dated in closed months, recorded after. */
export interface Adjustment {
  handle: string;
  currency: string;
  amount_minor: number;
}

export const PAYOUT_REASONS = [
  'payable',
  'on_hold',
  'below_threshold',
  'suspended',
  'held_for_review',
  'member_missing',
] as const;
export type PayoutReason = (typeof PAYOUT_REASONS)[number];

export interface PayoutRow {
  /** The member's stable id (a handle no member has: that handle). */
  member_id: string;
  /** The member's handle now (for people to read). */
  handle: string;
  /** influencer or associate (CONTRACT.md section 8); 'unknown' for a member no longer in content. */
  program: string;
  tracking_id: string | null;
  status: string;
  currency: string;
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
  /** The home currency (the program's): `threshold_minor` is its threshold. */
  currency: string;
  threshold_minor: number;
  /** The threshold of every currency with a row (and the home one). */
  thresholds_minor: Record<string, number>;
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
  /** Stored rows of the last closed month before `from`, if any (member ids resolved). */
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

export function thresholdOf(program: ProgramTable, currency: string): number {
  const listed = program.payout.thresholds_minor;
  return Object.hasOwn(listed, currency) ? (listed[currency] ?? 0) : program.payout.threshold_minor;
}

interface Member {
  handle: string;
  program: string;
  tracking_id: string | null;
  status: string;
  review: boolean;
  missing: boolean;
}

/** Any handle a member had (current or previous) -> its member id; other handles are their own key. */
export function memberIndex(program: ProgramTable): {
  idOf(handle: string): string;
  member(id: string, lastHandle: string): Member;
  /** Every name of a member's ledger lines and rows: its id, previous handles and current handle. */
  handles(id: string): string[];
} {
  const ids = new Map<string, string>();
  const byId = new Map<string, Member>();
  for (const [handle, m] of Object.entries(program.influencers)) {
    for (const h of [...m.previous_handles, handle]) ids.set(h, m.member_id);
    ids.set(m.member_id, m.member_id);
    const { tracking_id, status, program: p, review } = m;
    byId.set(m.member_id, { handle, program: p, tracking_id, status, review, missing: false });
  }
  return {
    idOf: (handle) => ids.get(handle) ?? handle,
    handles: (id) => [...new Set([id, ...[...ids].flatMap(([h, of]) => (of === id ? [h] : []))])],
    member: (id, lastHandle) =>
      byId.get(id) ?? {
        handle: lastHandle,
        program: 'unknown',
        tracking_id: null,
        status: 'unknown',
        review: false,
        missing: true,
      },
  };
}

const keyOf = (memberId: string, currency: string) => `${memberId}\u0000${currency}`;

/** The reason of a row before its balance is looked at: held, or null. */
function heldReason(m: Member): PayoutReason | null {
  if (m.missing) return 'member_missing';
  if (m.status === 'suspended') return 'suspended';
  if (m.review) return 'held_for_review';
  return null;
}

/** Every month from `from` to `to`, each computed as open, carried forward one into the next. */
export function foldMonths(input: FoldInput): PayoutReport[] {
  const { from, to, program, now } = input;
  const members = memberIndex(program);
  const handles = new Map<string, { id: string; currency: string; handle: string }>();
  const keyFor = (handle: string, currency: string, id = members.idOf(handle)) => {
    const key = keyOf(id, currency);
    if (!handles.has(key)) handles.set(key, { id, currency, handle });
    return key;
  };
  const activity = new Map<string, { earned: number; reversed: number }>();
  for (const a of input.activity) {
    if (a.month < from || a.month > to) continue;
    const key = `${a.month}\u0000${keyFor(a.handle, a.currency)}`;
    const seen = activity.get(key) ?? { earned: 0, reversed: 0 };
    activity.set(key, {
      earned: addMinor(seen.earned, a.earned_minor, `${a.handle}'s earnings`),
      reversed: addMinor(seen.reversed, a.reversed_minor, `${a.handle}'s reversals`),
    });
  }
  const adjustments = new Map<string, number>();
  for (const a of input.adjustments) {
    const key = keyFor(a.handle, a.currency);
    adjustments.set(key, addMinor(adjustments.get(key) ?? 0, a.amount_minor, `${a.handle}'s late money`));
  }
  const carried = new Map<string, number>();
  for (const row of input.lastClosed?.rows ?? [])
    carried.set(keyFor(row.handle, row.currency, row.member_id), row.carried_forward_minor);
  for (const key of adjustments.keys()) if (!carried.has(key)) carried.set(key, 0);

  const reports: PayoutReport[] = [];
  for (let month = from; month <= to; month = nextPeriod(month)) {
    for (const a of input.activity)
      if (a.month === month) {
        const key = keyFor(a.handle, a.currency);
        if (!carried.has(key)) carried.set(key, 0);
      }
    const due = now >= payableFrom(month, program);
    const payouts: PayoutRow[] = [];
    for (const [key, carriedIn] of carried) {
      const who = handles.get(key);
      if (!who) throw new Error('unreachable: every key has a member');
      const figures = activity.get(`${month}\u0000${key}`) ?? { earned: 0, reversed: 0 };
      const adjustment = month === from ? (adjustments.get(key) ?? 0) : 0;
      const row = payoutRow(members.member(who.id, who.handle), who.id, who.currency, {
        carriedIn,
        adjustment,
        ...figures,
        due,
        threshold: thresholdOf(program, who.currency),
      });
      payouts.push(row);
      carried.set(key, row.carried_forward_minor);
    }
    payouts.sort(compareRows);
    reports.push({
      period: month,
      status: 'open',
      currency: program.currency,
      threshold_minor: program.payout.threshold_minor,
      thresholds_minor: thresholdsOf(program, payouts),
      hold_days: program.payout.hold_days,
      payable_from: utcDay(payableFrom(month, program)),
      payouts,
    });
  }
  return reports;
}

function payoutRow(
  m: Member,
  memberId: string,
  currency: string,
  f: {
    carriedIn: number;
    adjustment: number;
    earned: number;
    reversed: number;
    due: boolean;
    threshold: number;
  },
): PayoutRow {
  const what = `${m.handle}'s ${currency} balance`;
  const net = addMinor(f.earned, 0 - f.reversed, what);
  const balance = addMinor(addMinor(f.carriedIn, f.adjustment, what), net, what);
  const row: PayoutRow = {
    member_id: memberId,
    handle: m.handle,
    program: m.program,
    tracking_id: m.tracking_id,
    status: m.status,
    currency,
    carried_in_minor: f.carriedIn,
    adjustment_minor: f.adjustment,
    earned_minor: f.earned,
    reversed_minor: f.reversed,
    balance_minor: balance,
    payable: false,
    payout_minor: 0,
    carried_forward_minor: balance,
    reason: heldReason(m) ?? 'below_threshold',
  };
  if (row.reason === 'below_threshold' && balance > 0 && balance >= f.threshold) {
    // Paid with this month (now, or when its hold has passed): nothing carried on.
    row.carried_forward_minor = 0;
    row.payable = f.due;
    row.payout_minor = f.due ? balance : 0;
    row.reason = f.due ? 'payable' : 'on_hold';
  }
  return row;
}

function compareRows(a: PayoutRow, b: PayoutRow): number {
  const by = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return by(a.handle, b.handle) || by(a.member_id, b.member_id) || by(a.currency, b.currency);
}

function thresholdsOf(program: ProgramTable, rows: readonly PayoutRow[]): Record<string, number> {
  const currencies = [...new Set([program.currency, ...rows.map((r) => r.currency)])].sort();
  return Object.fromEntries(currencies.map((c) => [c, thresholdOf(program, c)]));
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
export const CLOSE_REFUSALS = ['already_closed', 'closed_later', 'earlier_open', 'hold_not_passed'] as const;
export type CloseRefusal = (typeof CLOSE_REFUSALS)[number];

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
  'member_id',
  'handle',
  'program',
  'tracking_id',
  'status',
  'currency',
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

/**
 * The CSV's columns: those of the months closed before member ids, in the same
 * order (the currency is now each row's own), then `member_id` at the end so a
 * spreadsheet reading columns by position keeps working.
 */
export const PAYOUT_CSV_COLUMNS = [
  'period',
  ...PAYOUT_ROW_COLUMNS.slice(1),
  'payable_from',
  'member_id',
] as const;

/** One row per member and currency, amounts in integer minor units (see ../csv.ts for the format). */
export function payoutsCsv(report: PayoutReport): string {
  return csv(
    PAYOUT_CSV_COLUMNS,
    report.payouts.map((p) => [
      report.period,
      ...PAYOUT_ROW_COLUMNS.slice(1).map((column) => p[column]),
      report.payable_from,
      p.member_id,
    ]),
  );
}

/** The JSON of a closed month, written once at closing and answered byte for byte ever after. */
export function closedJson(report: ClosedReport): string {
  const { period, status, closed_at, currency, threshold_minor, thresholds_minor, hold_days } = report;
  const { payable_from, payouts } = report;
  return JSON.stringify({
    period,
    status,
    closed_at,
    currency,
    threshold_minor,
    thresholds_minor,
    hold_days,
    payable_from,
    payouts,
  });
}
