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
import {
  closedJson,
  computePayouts,
  nextPeriod,
  PAYOUT_ROW_COLUMNS,
  payoutsCsv,
  planClose,
  type Adjustment,
  type CloseRefusal,
  type ClosedMonth,
  type MonthlyActivity,
  type PayoutReason,
  type PayoutReport,
  type PayoutRow,
} from '../../domain/orders/payouts.ts';
import type { ProgramTable } from '../../domain/orders/program-table.ts';
import { monthBounds } from '../../domain/time.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { integer, integerOrZero, text, textOrNull, type Row } from '../lib/rows.ts';

const ACTIVITY = `
SELECT handle, strftime('%Y-%m', effective_at / 1000, 'unixepoch') AS month,
       SUM(CASE WHEN bucket = 'earned' THEN amount_minor ELSE 0 END) AS earned_minor,
       0 - SUM(CASE WHEN bucket = 'reversed' THEN amount_minor ELSE 0 END) AS reversed_minor
FROM ledger_entries
WHERE bucket IN ('earned', 'reversed') AND effective_at >= ?1 AND effective_at < ?2 AND currency = ?3
GROUP BY handle, month`;

// Late money: dated before the first open month, recorded after the last close.
const ADJUSTMENTS = `
SELECT handle, SUM(amount_minor) AS amount_minor
FROM ledger_entries
WHERE entry_id > ?1 AND bucket IN ('earned', 'reversed') AND effective_at < ?2 AND currency = ?3
GROUP BY handle`;

const WATERMARK = 'SELECT COALESCE(MAX(entry_id), 0) AS watermark FROM ledger_entries';
const RUNS = 'SELECT period, ledger_watermark FROM payout_runs ORDER BY period';
const ROWS_OF = `
SELECT handle, program, tracking_id, status, carried_in_minor, adjustment_minor, earned_minor, reversed_minor,
       balance_minor, payable, payout_minor, carried_forward_minor, reason
FROM payout_rows WHERE period = ?1 ORDER BY handle`;

export interface PayoutState {
  closedPeriods: string[];
  lastClosed: (ClosedMonth & { watermark: number }) | null;
  from: string;
  adjustments: Adjustment[];
  activity: MonthlyActivity[];
  watermark: number;
}

/** What an open `period` is computed from (the last closed month being the latest closed one). */
export async function readPayoutState(
  db: D1Database,
  period: string,
  currency: string,
): Promise<PayoutState> {
  for (let attempt = 1; ; attempt++) {
    const runs = await withRetry(() => db.prepare(RUNS).all<Row>());
    const closed = runs.results.map((r) => ({
      period: text(r, 'period'),
      watermark: integer(r, 'ledger_watermark'),
    }));
    const last = closed.at(-1) ?? null;
    const start = last ? monthBounds(nextPeriod(last.period)).start : 0;
    const end = monthBounds(period).end;
    const [check, rows, activity, adjustments, watermark] = await withRetry(() =>
      db.batch<Row>([
        db.prepare('SELECT MAX(period) AS period FROM payout_runs'),
        db.prepare(ROWS_OF).bind(last?.period ?? ''),
        db.prepare(ACTIVITY).bind(start, end, currency),
        db.prepare(ADJUSTMENTS).bind(last?.watermark ?? 0, start, currency),
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
      lastClosed: last && { ...last, rows: (rows?.results ?? []).map(payoutRow) },
      from: last ? nextPeriod(last.period) : (firstActive ?? period),
      adjustments: last
        ? (adjustments?.results ?? []).map((r) => ({
            handle: text(r, 'handle'),
            amount_minor: integerOrZero(r, 'amount_minor'),
          }))
        : [],
      activity: monthly,
      watermark: integer(watermark?.results[0] ?? {}, 'watermark'),
    };
  }
}

function activityRow(row: Row): MonthlyActivity {
  return {
    handle: text(row, 'handle'),
    month: text(row, 'month'),
    earned_minor: integerOrZero(row, 'earned_minor'),
    reversed_minor: integerOrZero(row, 'reversed_minor'),
  };
}

const REASONS: readonly PayoutReason[] = ['payable', 'on_hold', 'below_threshold', 'suspended'];

function payoutRow(row: Row): PayoutRow {
  const reason = text(row, 'reason');
  if (!REASONS.includes(reason as PayoutReason)) throw new TypeError(`column reason: unexpected ${reason}`);
  return {
    handle: text(row, 'handle'),
    program: text(row, 'program'),
    tracking_id: textOrNull(row, 'tracking_id'),
    status: text(row, 'status'),
    carried_in_minor: integer(row, 'carried_in_minor'),
    adjustment_minor: integer(row, 'adjustment_minor'),
    earned_minor: integer(row, 'earned_minor'),
    reversed_minor: integer(row, 'reversed_minor'),
    balance_minor: integer(row, 'balance_minor'),
    payable: integer(row, 'payable') === 1,
    payout_minor: integer(row, 'payout_minor'),
    carried_forward_minor: integer(row, 'carried_forward_minor'),
    reason: REASONS.find((r) => r === reason) ?? 'below_threshold',
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
  const state = await readPayoutState(db, period, program.currency);
  const latest = state.closedPeriods.at(-1);
  if (latest !== undefined && latest > period) return { kind: 'skipped', period, closedAfter: latest };
  const report = computePayouts({ ...state, period, program, now });
  return { kind: 'open', report };
}

export type CloseResult =
  | { ok: true; json: string; created: boolean }
  | { ok: false; reason: CloseRefusal | 'changed_meanwhile'; message: string };

const INSERT_RUN = `
INSERT INTO payout_runs (period, run_id, closed_at, ledger_watermark, body_json, body_csv)
SELECT ?1, ?2, ?3, ?4, ?5, ?6
WHERE NOT EXISTS (SELECT 1 FROM payout_runs WHERE period >= ?1)
  AND (SELECT MAX(period) FROM payout_runs) IS ?7`;

const ROW_COLUMNS = PAYOUT_ROW_COLUMNS;

// Only into our own run, and only once: a retried batch whose first attempt landed inserts nothing.
const INSERT_ROWS = `
INSERT INTO payout_rows (period, currency, ${ROW_COLUMNS.join(', ')})
SELECT ?1, ?2, ${ROW_COLUMNS.map((c) => `json_extract(value, '$.${c}')`).join(', ')}
FROM json_each(?3)
WHERE EXISTS (SELECT 1 FROM payout_runs WHERE period = ?1 AND run_id = ?4)
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
    const state = await readPayoutState(db, period, program.currency);
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
          .bind(period, runId, now, state.watermark, json, csvText, state.lastClosed?.period ?? null),
        db
          .prepare(INSERT_ROWS)
          .bind(period, decision.report.currency, JSON.stringify(decision.report.payouts), runId),
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
export type PaidRefusal = 'not_closed' | 'no_row' | 'not_payable' | 'other_reference';

export type PaidResult = { ok: true; payment: Payment } | { ok: false; reason: PaidRefusal; message: string };

export interface Payment {
  period: string;
  handle: string;
  reference: string;
  amount_minor: number;
  paid_at: string;
}

const INSERT_PAYMENT = `
INSERT INTO payout_payments (period, handle, reference, amount_minor, paid_at)
SELECT period, handle, ?3, payout_minor, ?4 FROM payout_rows
WHERE period = ?1 AND handle = ?2 AND payable = 1
ON CONFLICT (period, handle) DO NOTHING`;

/** Records that a closed month's payable row was paid: the same reference again changes nothing. */
export async function markPaid(
  db: D1Database,
  input: { period: string; handle: string; reference: string },
  now: number,
): Promise<PaidResult> {
  const { period, handle, reference } = input;
  const [, run, row, payment] = await withRetry(() =>
    db.batch<Row>([
      db.prepare(INSERT_PAYMENT).bind(period, handle, reference, now),
      db.prepare('SELECT period FROM payout_runs WHERE period = ?1').bind(period),
      db
        .prepare('SELECT payable, reason FROM payout_rows WHERE period = ?1 AND handle = ?2')
        .bind(period, handle),
      db
        .prepare(
          'SELECT reference, amount_minor, paid_at FROM payout_payments WHERE period = ?1 AND handle = ?2',
        )
        .bind(period, handle),
    ]),
  );
  if ((run?.results.length ?? 0) === 0)
    return {
      ok: false,
      reason: 'not_closed',
      message: `${period} is not closed: close it before marking payouts paid`,
    };
  const found = row?.results[0];
  if (!found) return { ok: false, reason: 'no_row', message: `${handle} has no payout row in ${period}` };
  const paid = payment?.results[0];
  if (!paid)
    return {
      ok: false,
      reason: 'not_payable',
      message: `${handle}'s row in ${period} is not payable (${text(found, 'reason').replace(/_/g, ' ')})`,
    };
  if (paid.reference !== reference)
    return {
      ok: false,
      reason: 'other_reference',
      message: `${handle}'s payout for ${period} is already marked paid with another reference (${text(paid, 'reference')})`,
    };
  return {
    ok: true,
    payment: {
      period,
      handle,
      reference,
      amount_minor: integer(paid, 'amount_minor'),
      paid_at: new Date(integer(paid, 'paid_at')).toISOString(),
    },
  };
}

export interface RunSummary {
  period: string;
  closed_at: string;
  rows: number;
  payable_rows: number;
  payable_minor: number;
  paid_rows: number;
  paid_minor: number;
  owed_minor: number;
}

export interface OwedRow {
  period: string;
  handle: string;
  payout_minor: number;
}

const RUN_SUMMARIES = `
SELECT r.period, r.closed_at, COUNT(w.handle) AS rows, COALESCE(SUM(w.payable), 0) AS payable_rows,
       COALESCE(SUM(w.payout_minor), 0) AS payable_minor, COUNT(p.handle) AS paid_rows,
       COALESCE(SUM(p.amount_minor), 0) AS paid_minor
FROM payout_runs AS r
LEFT JOIN payout_rows AS w ON w.period = r.period
LEFT JOIN payout_payments AS p ON p.period = w.period AND p.handle = w.handle
GROUP BY r.period ORDER BY r.period DESC LIMIT ?1`;

const OWED = `
SELECT w.period, w.handle, w.payout_minor
FROM payout_rows AS w
LEFT JOIN payout_payments AS p ON p.period = w.period AND p.handle = w.handle
WHERE w.payable = 1 AND p.handle IS NULL
ORDER BY w.period, w.handle LIMIT 1000`;

/** Closed months (newest first) with what was payable, paid and is still owed; and every payable row not yet paid. */
export async function readRuns(db: D1Database, limit = 24): Promise<{ runs: RunSummary[]; owed: OwedRow[] }> {
  const [runs, owed] = await withRetry(() =>
    db.batch<Row>([db.prepare(RUN_SUMMARIES).bind(limit), db.prepare(OWED)]),
  );
  return {
    runs: (runs?.results ?? []).map((r) => {
      const payable = integerOrZero(r, 'payable_minor');
      const paid = integerOrZero(r, 'paid_minor');
      return {
        period: text(r, 'period'),
        closed_at: new Date(integer(r, 'closed_at')).toISOString(),
        rows: integer(r, 'rows'),
        payable_rows: integerOrZero(r, 'payable_rows'),
        payable_minor: payable,
        paid_rows: integer(r, 'paid_rows'),
        paid_minor: paid,
        owed_minor: payable - paid,
      };
    }),
    owed: (owed?.results ?? []).map((r) => ({
      period: text(r, 'period'),
      handle: text(r, 'handle'),
      payout_minor: integer(r, 'payout_minor'),
    })),
  };
}

export interface CreatorPayout {
  period: string;
  balance_minor: number;
  payout_minor: number;
  carried_forward_minor: number;
  reason: string;
  reference: string | null;
  paid_at: string | null;
}

/** One creator's closed months, newest first, with what was paid. */
export async function readCreatorPayouts(
  db: D1Database,
  handle: string,
  limit = 24,
): Promise<CreatorPayout[]> {
  const { results } = await withRetry(() =>
    db
      .prepare(
        `SELECT w.period, w.balance_minor, w.payout_minor, w.carried_forward_minor, w.reason, p.reference, p.paid_at
         FROM payout_rows AS w
         LEFT JOIN payout_payments AS p ON p.period = w.period AND p.handle = w.handle
         WHERE w.handle = ?1 ORDER BY w.period DESC LIMIT ?2`,
      )
      .bind(handle, limit)
      .all<Row>(),
  );
  return results.map((r) => ({
    period: text(r, 'period'),
    balance_minor: integer(r, 'balance_minor'),
    payout_minor: integer(r, 'payout_minor'),
    carried_forward_minor: integer(r, 'carried_forward_minor'),
    reason: text(r, 'reason'),
    reference: textOrNull(r, 'reference'),
    paid_at: r.paid_at === null ? null : new Date(integer(r, 'paid_at')).toISOString(),
  }));
}
