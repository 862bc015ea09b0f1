/**
 * Payout months in D1: reading what a month's answer is built from, closing a
 * month, recording payments, and the listings the console shows. The arithmetic
 * is the pure domain/orders/payouts.ts; this module only reads and writes.
 *
 * Consistency: everything one answer is built from is read in one db.batch (one
 * transaction), including the highest ledger entry id (the watermark a close
 * stores). A close is one guarded write batch: the run is inserted only if no
 * month at or after it is closed and the last closed month is still the one the
 * rows were folded from, and its rows are inserted only if that run is ours.
 */
import { MoneyRangeError } from '../../domain/money.ts';
import {
  closedJson,
  computePayouts,
  memberIndex,
  PAYOUT_REASONS,
  nextPeriod,
  PAYOUT_ROW_COLUMNS,
  payoutsCsv,
  planClose,
  type Adjustment,
  type CloseRefusal,
  type ClosedMonth,
  type MonthlyActivity,
  type PayoutReport,
  type PayoutRow,
} from '../../domain/orders/payouts.ts';
import type { ProgramTable } from '../../domain/orders/program-table.ts';
import { monthBounds } from '../../domain/time.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { integer, integerOrZero, rowReader, text, textOrNull, type Row } from '../lib/rows.ts';

// A dispute credit (migrations/0021_disputes.sql) is earned commission dated when it was decided;
// like ledger rows, a credit whose order is held for review now (held_orders) counts nowhere.
const ACTIVITY = `
SELECT handle, currency, month, SUM(earned_minor) AS earned_minor, SUM(reversed_minor) AS reversed_minor FROM (
SELECT handle, currency, strftime('%Y-%m', effective_at / 1000, 'unixepoch') AS month,
       SUM(CASE WHEN bucket = 'earned' THEN amount_minor ELSE 0 END) AS earned_minor,
       0 - SUM(CASE WHEN bucket = 'reversed' THEN amount_minor ELSE 0 END) AS reversed_minor
FROM ledger_entries
WHERE bucket IN ('earned', 'reversed') AND effective_at >= ?1 AND effective_at < ?2
  AND order_id NOT IN (SELECT order_id FROM held_orders)
GROUP BY handle, currency, month
UNION ALL
SELECT handle, currency, strftime('%Y-%m', decided_at / 1000, 'unixepoch') AS month, amount_minor, 0
FROM dispute_credits WHERE decided_at >= ?1 AND decided_at < ?2
  AND order_id NOT IN (SELECT order_id FROM held_orders))
GROUP BY handle, currency, month`;

/*
 * Late money (section 7): what the first open month F (the month after the last closed one, L)
 * counts as adjustment_minor. L closed at C_L and read ledger entries up to W_L and dispute
 * decisions up to V_L (?1 W_L, ?2 start of F, ?3 C_L, ?4 V_L). Nothing of an order held for review
 * now (held_orders, migrations/0019_holds.sql) counts. Per member and currency:
 *
 *   adjustment = Σ ledger entry e (earned or reversed), dated before F, order not held:
 *                  e.entry_id > W_L                       recorded after L's read
 *                  or released(e.order) > C_L             released since L closed (also a line a
 *                                                         close counted before the hold: open,
 *                                                         docs/orders.md "Holds for review")
 *              + Σ dispute credit c, dated before F, order not held:
 *                  c.decision_id > V_L                    recorded after L's read (a skewed clock)
 *                  or (released(c.order) > C_L            released since L closed
 *                      and held_at(c.order) <= C_read(c)) and left out by the close that read it
 *
 *   released(o) = decided_at of o's release (hold_decisions; none for an order never held or voided)
 *   held_at(o)  = when o's first flagged event was received (review_holds.held_at)
 *   C_read(c)   = closed_at of the first closed month P >= month(c.decided_at) whose
 *                 dispute_watermark >= c.decision_id: the one close that read c, and counted it
 *                 unless its order was held then.
 *
 * So a credit is counted once over all months: by the close that read it (its order not held
 * then), or, left out there, by the first close after its release (a void never brings it back).
 * One counted before its order became held stays in its closed month and is not counted again.
 * A release is late money in exactly one close: the first with C_(k-1) < released <= C_k.
 */
const LATE_CREDIT_READ = `(SELECT k.closed_at FROM payout_runs AS k
  WHERE k.period >= strftime('%Y-%m', c.decided_at / 1000, 'unixepoch') AND k.dispute_watermark >= c.decision_id
  ORDER BY k.period LIMIT 1)`;
const ADJUSTMENTS = `
SELECT handle, currency, SUM(amount_minor) AS amount_minor FROM (
SELECT handle, currency, amount_minor
FROM ledger_entries
WHERE bucket IN ('earned', 'reversed') AND effective_at < ?2
  AND order_id NOT IN (SELECT order_id FROM held_orders)
  AND (entry_id > ?1 OR order_id IN (
    SELECT d.order_id FROM hold_decisions AS d WHERE d.action = 'release' AND d.decided_at > ?3))
UNION ALL
SELECT handle, currency, amount_minor FROM dispute_credits WHERE decided_at < ?2 AND decision_id > ?4
  AND order_id NOT IN (SELECT order_id FROM held_orders)
UNION ALL
SELECT c.handle, c.currency, c.amount_minor FROM dispute_credits AS c
JOIN hold_decisions AS r ON r.order_id = c.order_id AND r.action = 'release' AND r.decided_at > ?3
JOIN review_holds AS h ON h.order_id = c.order_id
WHERE c.decided_at < ?2 AND c.decision_id <= ?4 AND h.held_at <= ${LATE_CREDIT_READ})
GROUP BY handle, currency`;

const WATERMARK = `SELECT COALESCE(MAX(entry_id), 0) AS watermark,
  (SELECT COALESCE(MAX(decision_id), 0) FROM dispute_decisions) AS dispute_watermark FROM ledger_entries`;
const RUNS = 'SELECT period, ledger_watermark, dispute_watermark, closed_at FROM payout_runs ORDER BY period';
const ROWS_OF = `
SELECT member_id, handle, program, tracking_id, status, currency, carried_in_minor, adjustment_minor, earned_minor,
       reversed_minor, balance_minor, payable, payout_minor, carried_forward_minor, reason
FROM payout_rows WHERE period = ?1 ORDER BY handle, currency`;

export interface PayoutState {
  closedPeriods: string[];
  lastClosed: (ClosedMonth & { watermark: number; disputeWatermark: number }) | null;
  from: string;
  adjustments: Adjustment[];
  activity: MonthlyActivity[];
  watermark: number;
  /** The highest dispute decision read (migrations/0021_disputes.sql): what a close counted. */
  disputeWatermark: number;
}

/** A sum read from SQL: a safe integer, or MoneyRangeError (never a rounded float). */
function minorSum(row: Row, key: string): number {
  const value = row[key] ?? 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new MoneyRangeError(`the sum ${key} of ${String(row['handle'])}`);
  return value;
}

/** What an open `period` is computed from (the last closed month being the latest closed one). */
export async function readPayoutState(
  db: D1Database,
  period: string,
  program: ProgramTable,
): Promise<PayoutState> {
  const { idOf } = memberIndex(program);
  for (let attempt = 1; ; attempt++) {
    const runs = await withRetry(() => db.prepare(RUNS).all<Row>());
    const closed = runs.results.map((r) => ({
      period: text(r, 'period'),
      watermark: integer(r, 'ledger_watermark'),
      disputeWatermark: integer(r, 'dispute_watermark'),
      closedAt: integer(r, 'closed_at'),
    }));
    const last = closed.at(-1) ?? null;
    const start = last ? monthBounds(nextPeriod(last.period)).start : 0;
    const end = monthBounds(period).end;
    const [check, rows, activity, adjustments, watermark] = await withRetry(() =>
      db.batch<Row>([
        db.prepare('SELECT MAX(period) AS period FROM payout_runs'),
        db.prepare(ROWS_OF).bind(last?.period ?? ''),
        db.prepare(ACTIVITY).bind(start, end),
        db
          .prepare(ADJUSTMENTS)
          .bind(last?.watermark ?? 0, start, last?.closedAt ?? 0, last?.disputeWatermark ?? 0),
        db.prepare(WATERMARK),
      ]),
    );
    // A month closed between the two reads: read again so rows and activity agree.
    const nowLast = check?.results[0]?.period ?? null;
    if (nowLast !== (last?.period ?? null) && attempt < 5) continue;
    const monthly = (activity?.results ?? []).map(activityRow);
    const firstActive = monthly.map((a) => a.month).sort()[0];
    return {
      closedPeriods: closed.map((c) => c.period),
      lastClosed: last && {
        period: last.period,
        watermark: last.watermark,
        disputeWatermark: last.disputeWatermark,
        rows: (rows?.results ?? []).map((r) => payoutRow(r, idOf)),
      },
      from: last ? nextPeriod(last.period) : (firstActive ?? period),
      adjustments: last
        ? (adjustments?.results ?? []).map((r) => ({
            handle: text(r, 'handle'),
            currency: text(r, 'currency'),
            amount_minor: minorSum(r, 'amount_minor'),
          }))
        : [],
      activity: monthly,
      watermark: integer(watermark?.results[0] ?? {}, 'watermark'),
      disputeWatermark: integer(watermark?.results[0] ?? {}, 'dispute_watermark'),
    };
  }
}

const activityRow: (row: Row) => MonthlyActivity = rowReader({
  handle: text,
  currency: text,
  month: text,
  earned_minor: minorSum,
  reversed_minor: minorSum,
});

/** A stored row; one closed before member ids (member_id NULL) is the member one of whose handles it names. */
function payoutRow(row: Row, idOf: (handle: string) => string): PayoutRow {
  const reason = text(row, 'reason');
  const known = PAYOUT_REASONS.find((r) => r === reason);
  if (!known) throw new TypeError(`column reason: unexpected ${reason}`);
  const handle = text(row, 'handle');
  return {
    member_id: textOrNull(row, 'member_id') ?? idOf(handle),
    handle,
    program: text(row, 'program'),
    tracking_id: textOrNull(row, 'tracking_id'),
    status: text(row, 'status'),
    currency: text(row, 'currency'),
    carried_in_minor: integer(row, 'carried_in_minor'),
    adjustment_minor: integer(row, 'adjustment_minor'),
    earned_minor: integer(row, 'earned_minor'),
    reversed_minor: integer(row, 'reversed_minor'),
    balance_minor: integer(row, 'balance_minor'),
    payable: integer(row, 'payable') === 1,
    payout_minor: integer(row, 'payout_minor'),
    carried_forward_minor: integer(row, 'carried_forward_minor'),
    reason: known,
  };
}

export type MonthAnswer =
  | { kind: 'closed'; json: string; csv: string }
  | { kind: 'open'; report: PayoutReport }
  | { kind: 'skipped'; period: string; closedAfter: string };

/** A closed month exactly as stored; an open one computed now. */
export async function readMonth(
  db: D1Database,
  period: string,
  program: ProgramTable,
  now: number,
): Promise<MonthAnswer> {
  const stored = await withRetry(() =>
    db.prepare('SELECT body_json, body_csv FROM payout_runs WHERE period = ?1').bind(period).first<Row>(),
  );
  if (stored) return { kind: 'closed', json: text(stored, 'body_json'), csv: text(stored, 'body_csv') };
  const state = await readPayoutState(db, period, program);
  const latest = state.closedPeriods.at(-1);
  if (latest !== undefined && latest > period) return { kind: 'skipped', period, closedAfter: latest };
  const report = computePayouts({ ...state, period, program, now });
  return { kind: 'open', report };
}

export type CloseResult =
  | { ok: true; json: string; created: boolean }
  | { ok: false; reason: CloseRefusal | 'changed_meanwhile'; message: string };

const INSERT_RUN = `
INSERT INTO payout_runs (period, run_id, closed_at, ledger_watermark, body_json, body_csv, dispute_watermark)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?8
WHERE NOT EXISTS (SELECT 1 FROM payout_runs WHERE period >= ?1)
  AND (SELECT MAX(period) FROM payout_runs) IS ?7`;

const ROW_COLUMNS = PAYOUT_ROW_COLUMNS;

// Only into our own run, and only once: a retried batch whose first attempt landed inserts nothing.
const INSERT_ROWS = `
INSERT INTO payout_rows (period, ${ROW_COLUMNS.join(', ')})
SELECT ?1, ${ROW_COLUMNS.map((c) => `json_extract(value, '$.${c}')`).join(', ')}
FROM json_each(?2)
WHERE EXISTS (SELECT 1 FROM payout_runs WHERE period = ?1 AND run_id = ?3)
  AND NOT EXISTS (SELECT 1 FROM payout_rows WHERE period = ?1)`;

const STORED_RUN = 'SELECT run_id, body_json FROM payout_runs WHERE period = ?1';

/**
 * Closes `period`: its stored JSON, `created` when this call closed it. A month
 * already closed answers its stored JSON again (a close whose answer was lost is
 * safe to repeat); otherwise why not.
 */
export async function closeMonth(
  db: D1Database,
  period: string,
  program: ProgramTable,
  now: number,
): Promise<CloseResult> {
  for (let attempt = 1; ; attempt++) {
    const state = await readPayoutState(db, period, program);
    if (state.closedPeriods.includes(period)) {
      const stored = await withRetry(() => db.prepare(STORED_RUN).bind(period).first<Row>());
      if (stored) return { ok: true, json: text(stored, 'body_json'), created: false };
    }
    const decision = planClose({ ...state, period, program, now, closedAt: now });
    if (!decision.ok) return decision;
    const json = closedJson(decision.report);
    const csvText = payoutsCsv(decision.report);
    const runId = crypto.randomUUID();
    const [run] = await withRetry(() =>
      db.batch([
        db
          .prepare(INSERT_RUN)
          .bind(
            period,
            runId,
            now,
            state.watermark,
            json,
            csvText,
            state.lastClosed?.period ?? null,
            state.disputeWatermark,
          ),
        db.prepare(INSERT_ROWS).bind(period, JSON.stringify(decision.report.payouts), runId),
      ]),
    );
    if ((run?.meta.changes ?? 0) > 0) return { ok: true, json, created: true };
    // Another close landed first (or a retried write had landed): decide again from what is stored now.
    const stored = await withRetry(() => db.prepare(STORED_RUN).bind(period).first<Row>());
    if (stored && stored.run_id === runId)
      return { ok: true, json: text(stored, 'body_json'), created: true };
    if (attempt >= 3)
      return {
        ok: false,
        reason: 'changed_meanwhile',
        message: `${period} could not be closed: months changed meanwhile`,
      };
  }
}

/** Why a payment is not recorded. */
export type PaidRefusal =
  | 'not_closed'
  | 'no_row'
  | 'not_payable'
  | 'other_reference'
  | 'under_review'
  | 'member_missing'
  | 'currency_needed';

export type PaidResult = { ok: true; payment: Payment } | { ok: false; reason: PaidRefusal; message: string };

export interface Payment {
  period: string;
  member_id: string;
  handle: string;
  currency: string;
  reference: string;
  amount_minor: number;
  paid_at: string;
}

/** A member's rows: by member id, or (rows closed before member ids) by any of its handles. */
const OF_MEMBER = `(w.member_id = ?2 OR (w.member_id IS NULL AND w.handle IN (SELECT value FROM json_each(?3))))`;
const SAME_ROW = `COALESCE(p.member_id, p.handle) = COALESCE(w.member_id, w.handle) AND p.currency = w.currency`;

const ROWS_OF_MEMBER = `
SELECT w.member_id, w.handle, w.currency, w.payable, w.reason, p.reference, p.amount_minor, p.paid_at
FROM payout_rows AS w LEFT JOIN payout_payments AS p ON p.period = w.period AND ${SAME_ROW}
WHERE w.period = ?1 AND ${OF_MEMBER} ORDER BY w.currency`;

const INSERT_PAYMENT = `
INSERT INTO payout_payments (period, member_id, handle, currency, reference, amount_minor, paid_at)
SELECT w.period, w.member_id, w.handle, w.currency, ?5, w.payout_minor, ?6 FROM payout_rows AS w
WHERE w.period = ?1 AND ${OF_MEMBER} AND w.currency = ?4 AND w.payable = 1
ON CONFLICT DO NOTHING`;

type Member = ReturnType<ReturnType<typeof memberIndex>['member']>;
type PaidInput = { period: string; handle: string; currency?: string | undefined; reference: string };
/** A member's rows of a closed month, with their payments; `closed` false when the month is open. */
type MemberRows = { closed: boolean; rows: Row[] };
type PaymentPlan =
  { ok: true; currency: string; row: Row } | { ok: false; reason: PaidRefusal; message: string };

/**
 * Records that a closed month's payable row was paid: the same reference again
 * changes nothing. `handle` is any handle the member had (or its id); `currency`
 * is needed only when the member has rows in more than one. Refused while the
 * member is under review, and for a member no longer in content.
 * Read (run and rows, one batch), pure plan (planPayment), one guarded write
 * (INSERT_PAYMENT: only a payable row, only once), then the row read back says
 * what is stored (paymentResult), whoever won a race.
 */
export async function markPaid(
  db: D1Database,
  input: PaidInput,
  program: ProgramTable,
  now: number,
): Promise<PaidResult> {
  const members = memberIndex(program);
  const memberId = members.idOf(input.handle);
  const member = members.member(memberId, input.handle);
  if (member.review)
    return {
      ok: false,
      reason: 'under_review',
      message: `${input.handle} is under review (review: true in content): no payout is marked paid until an admin clears it`,
    };
  const names = JSON.stringify(members.handles(memberId));
  const plan = planPayment(input, member, await readMemberRows(db, input.period, memberId, names));
  if (!plan.ok) return plan;
  await withRetry(() =>
    db.prepare(INSERT_PAYMENT).bind(input.period, memberId, names, plan.currency, input.reference, now).run(),
  );
  const after = await readMemberRows(db, input.period, memberId, names);
  return paymentResult(input, { member_id: memberId, handle: member.handle }, plan, after.rows);
}

async function readMemberRows(
  db: D1Database,
  period: string,
  memberId: string,
  names: string,
): Promise<MemberRows> {
  const [run, rows] = await withRetry(() =>
    db.batch<Row>([
      db.prepare('SELECT period FROM payout_runs WHERE period = ?1').bind(period),
      db.prepare(ROWS_OF_MEMBER).bind(period, memberId, names),
    ]),
  );
  return { closed: (run?.results.length ?? 0) > 0, rows: rows?.results ?? [] };
}

/** Which row a payment is for, or why none: not closed, currency needed, no row, member missing. */
function planPayment(input: PaidInput, member: Member, { closed, rows }: MemberRows): PaymentPlan {
  const { period, handle } = input;
  if (!closed)
    return {
      ok: false,
      reason: 'not_closed',
      message: `${period} is not closed: close it before marking payouts paid`,
    };
  const currencies = rows.map((r) => text(r, 'currency'));
  const currency = input.currency ?? (currencies.length === 1 ? currencies[0] : undefined);
  if (currency === undefined && currencies.length > 1)
    return {
      ok: false,
      reason: 'currency_needed',
      message: `${handle} has rows in ${currencies.join(' and ')} in ${period}: name the currency`,
    };
  const row = rows.find((r) => r.currency === currency);
  if (!row || currency === undefined)
    return {
      ok: false,
      reason: 'no_row',
      message: `${handle} has no payout row${input.currency ? ` in ${input.currency}` : ''} in ${period}`,
    };
  // A row of a member no longer in content (payable when its month closed) is held, never paid.
  if (member.missing)
    return {
      ok: false,
      reason: 'member_missing',
      message: `${handle} is not a member in content (any more): its money is held and never paid`,
    };
  return { ok: true, currency, row };
}

/** What the guarded write left: the payment, or why none (not payable, paid with another reference). */
function paymentResult(
  input: PaidInput,
  who: { member_id: string; handle: string },
  { currency, row }: Extract<PaymentPlan, { ok: true }>,
  after: readonly Row[],
): PaidResult {
  const { period, handle, reference } = input;
  const paid = after.find((r) => r.currency === currency && r.reference !== null);
  if (!paid)
    return {
      ok: false,
      reason: 'not_payable',
      message: `${handle}'s ${currency} row in ${period} is not payable (${text(row, 'reason').replace(/_/g, ' ')})`,
    };
  if (paid.reference !== reference)
    return {
      ok: false,
      reason: 'other_reference',
      message: `${handle}'s ${currency} payout for ${period} is already marked paid with another reference (${text(paid, 'reference')})`,
    };
  return {
    ok: true,
    payment: {
      period,
      ...who,
      currency,
      reference,
      amount_minor: integer(paid, 'amount_minor'),
      paid_at: new Date(integer(paid, 'paid_at')).toISOString(),
    },
  };
}

export interface RunSummary {
  period: string;
  closed_at: string;
  currency: string;
  rows: number;
  payable_rows: number;
  payable_minor: number;
  paid_rows: number;
  paid_minor: number;
  owed_minor: number;
}

export interface OwedRow {
  period: string;
  member_id: string;
  handle: string;
  currency: string;
  payout_minor: number;
}

export interface RunsPage {
  /** Every closed month, newest first, one line per currency it has rows in. */
  runs: RunSummary[];
  /** Payable rows not yet paid, oldest first, from `after`: at most `limit`. */
  owed: OwedRow[];
  /** All owed rows, listed or not. */
  owed_rows: number;
  /** Owed rows after this page; 0 on the last page. */
  owed_more: number;
  /** Pass as `after` for the next page; null on the last page. */
  next: string | null;
}

// A month with no rows still shows (in the home currency, ?1), so no closed month is left off.
const RUN_SUMMARIES = `
SELECT r.period, r.closed_at, COALESCE(w.currency, ?1) AS currency, COUNT(w.handle) AS rows,
       COALESCE(SUM(w.payable), 0) AS payable_rows, COALESCE(SUM(w.payout_minor), 0) AS payable_minor,
       COUNT(p.reference) AS paid_rows, COALESCE(SUM(p.amount_minor), 0) AS paid_minor
FROM payout_runs AS r
LEFT JOIN payout_rows AS w ON w.period = r.period
LEFT JOIN payout_payments AS p ON p.period = w.period AND ${SAME_ROW}
GROUP BY r.period, COALESCE(w.currency, ?1) ORDER BY r.period DESC, currency`;

const OWED_FROM = `
FROM payout_rows AS w
LEFT JOIN payout_payments AS p ON p.period = w.period AND ${SAME_ROW}
WHERE w.payable = 1 AND p.reference IS NULL`;
// Keyset order: (period, member key, currency); ?1..?3 the last row of the previous page.
const OWED_PAGE = `
SELECT w.period, w.member_id, w.handle, w.currency, w.payout_minor ${OWED_FROM}
  AND (w.period, COALESCE(w.member_id, w.handle), w.currency) > (?1, ?2, ?3)
ORDER BY w.period, COALESCE(w.member_id, w.handle), w.currency LIMIT ?4`;
const OWED_COUNT = `SELECT COUNT(*) AS n,
  SUM((w.period, COALESCE(w.member_id, w.handle), w.currency) > (?1, ?2, ?3)) AS after ${OWED_FROM}`;

/** The cursor of an owed row: its key. */
export function owedCursor(row: { period: string; member_key: string; currency: string }): string {
  return `${row.period}~${row.member_key}~${row.currency}`;
}

/** Closed months with what was payable, paid and is still owed (per currency), and a page of owed rows. */
export async function readRuns(
  db: D1Database,
  program: ProgramTable,
  page: { after?: { period: string; member_key: string; currency: string }; limit: number },
): Promise<RunsPage> {
  const { idOf } = memberIndex(program);
  const after = page.after ?? { period: '', member_key: '', currency: '' };
  const key = [after.period, after.member_key, after.currency];
  const [runs, owed, count] = await withRetry(() =>
    db.batch<Row>([
      db.prepare(RUN_SUMMARIES).bind(program.currency),
      db.prepare(OWED_PAGE).bind(...key, page.limit),
      db.prepare(OWED_COUNT).bind(...key),
    ]),
  );
  const listed = (owed?.results ?? []).map((r) => {
    const handle = text(r, 'handle');
    const stored = textOrNull(r, 'member_id');
    return {
      row: {
        period: text(r, 'period'),
        member_id: stored ?? idOf(handle),
        handle,
        currency: text(r, 'currency'),
        payout_minor: integer(r, 'payout_minor'),
      },
      member_key: stored ?? handle,
    };
  });
  const counted = count?.results[0] ?? {};
  const more = integerOrZero(counted, 'after') - listed.length;
  const last = listed.at(-1);
  return {
    runs: (runs?.results ?? []).map((r) => {
      const payable = minorSum(r, 'payable_minor');
      const paid = minorSum(r, 'paid_minor');
      return {
        period: text(r, 'period'),
        closed_at: new Date(integer(r, 'closed_at')).toISOString(),
        currency: text(r, 'currency'),
        rows: integer(r, 'rows'),
        payable_rows: integerOrZero(r, 'payable_rows'),
        payable_minor: payable,
        paid_rows: integer(r, 'paid_rows'),
        paid_minor: paid,
        owed_minor: payable - paid,
      };
    }),
    owed: listed.map((l) => l.row),
    owed_rows: integerOrZero(counted, 'n'),
    owed_more: more,
    next:
      more > 0 && last
        ? owedCursor({ period: last.row.period, member_key: last.member_key, currency: last.row.currency })
        : null,
  };
}

export interface CreatorPayout {
  period: string;
  currency: string;
  balance_minor: number;
  payout_minor: number;
  carried_forward_minor: number;
  reason: string;
  reference: string | null;
  paid_at: string | null;
}

/**
 * One member's closed months (whatever handle each row was written under), newest first, with
 * what was paid: all of them (a few per month at most), so the totals the dashboard shows from
 * them are never those of a cut-off list.
 */
export async function readCreatorPayouts(
  db: D1Database,
  handle: string,
  program: ProgramTable,
): Promise<CreatorPayout[]> {
  const members = memberIndex(program);
  const memberId = members.idOf(handle);
  const { results } = await withRetry(() =>
    db
      .prepare(
        `SELECT w.period, w.currency, w.balance_minor, w.payout_minor, w.carried_forward_minor, w.reason, p.reference, p.paid_at
         FROM payout_rows AS w
         LEFT JOIN payout_payments AS p ON p.period = w.period AND ${SAME_ROW}
         WHERE (w.member_id = ?1 OR (w.member_id IS NULL AND w.handle IN (SELECT value FROM json_each(?2))))
         ORDER BY w.period DESC, w.currency`,
      )
      .bind(memberId, JSON.stringify(members.handles(memberId)))
      .all<Row>(),
  );
  return results.map((r) => ({
    period: text(r, 'period'),
    currency: text(r, 'currency'),
    balance_minor: integer(r, 'balance_minor'),
    payout_minor: integer(r, 'payout_minor'),
    carried_forward_minor: integer(r, 'carried_forward_minor'),
    reason: text(r, 'reason'),
    reference: textOrNull(r, 'reference'),
    paid_at: r.paid_at === null ? null : new Date(integer(r, 'paid_at')).toISOString(),
  }));
}
