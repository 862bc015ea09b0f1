/**
 * Property (issue 24): a dispute credit, and the ledger line of its order, are paid exactly once,
 * whatever the sequence of decisions (retried, declined, dated by any clock), month closes (in or
 * out of order, retried), payments (retried) and a hold for review of the order (arriving before
 * or after closes, then released or voided, retried); and neither ever changes a closed month.
 * Real worker code and D1, with explicit clocks: each run uses five months of its own (from 2032
 * on), its order shipped on its first day (one unit, PER_UNIT, on a clean click), closed in order
 * at the end, so the member's earned + adjustment over them is the line and what was credited,
 * each once: unless the order is held or voided at the end, when each is counted only if a close
 * counted it before the hold began (closed is closed). A hold begins at the time of the command
 * (an hour after the latest close, or the run's start): either an event on a flagged click
 * received then, or the order's own click flagged then, so the hold's clock (its first flagged
 * event, on the run's first day) says it began before every close: what a close left out is
 * what it recorded (migration 0025), not what the clocks say. Storage is this file's own.
 */
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideDispute, fileDispute } from '../../worker/disputes/service.ts';
import { decide } from '../../worker/holds/service.ts';
import { program } from '../../worker/orders/program.ts';
import { closeMonth, markPaid, readMonth } from '../../worker/payouts/store.ts';
import { nextPeriod } from '../../domain/orders/payouts.ts';
import { DAY_MS, HOUR_MS, monthBounds, utcDay } from '../../domain/time.ts';
import { closeAt, flagClick, holdOrderAt, orderEventAt, PER_UNIT } from './holds-helpers.ts';
import { ALICE } from './orders-helpers.ts';

const table = program.table;

type Command =
  | { kind: 'credit'; day: number }
  | { kind: 'decline'; day: number }
  | { kind: 'close'; month: number }
  | { kind: 'pay'; month: number; ref: number }
  | { kind: 'hold'; late: boolean }
  | { kind: 'release' | 'void' };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('credit' as const), day: fc.integer({ min: 1, max: 89 }) }),
  fc.record({ kind: fc.constant('decline' as const), day: fc.integer({ min: 1, max: 89 }) }),
  fc.record({ kind: fc.constant('close' as const), month: fc.integer({ min: 0, max: 3 }) }),
  fc.record({
    kind: fc.constant('pay' as const),
    month: fc.integer({ min: 0, max: 3 }),
    ref: fc.integer({ min: 1, max: 2 }),
  }),
  fc.record({ kind: fc.constant('hold' as const), late: fc.boolean() }),
  fc.constant({ kind: 'release' as const }),
  fc.constant({ kind: 'void' as const }),
);

type HoldState = 'none' | 'held' | 'released' | 'void';

interface AliceRow {
  member_id: string;
  earned_minor: number;
  adjustment_minor: number;
}
function aliceRow(json: string): AliceRow | undefined {
  return (JSON.parse(json) as { payouts: (AliceRow & { handle: string })[] }).payouts.find(
    (p) => p.handle === ALICE.handle,
  );
}

let first = '2032-01';
let run = 0;

/** One run: its months, its dispute, and what the model says should have happened. */
interface Run {
  amount: number;
  months: string[];
  start: number;
  orderId: string;
  disputeId: number;
  /** The first answer of every month closed in this run: it never changes. */
  closedJson: Map<string, string>;
  outcome: 'open' | 'credited' | 'declined';
  creditMonth: string;
  hold: HoldState;
  /** When the latest close of this run happened (its clock), or the run's start. */
  lastCloseAt: number;
  /** A close counted the credit while its order was not held (the model's view). */
  countedByClose: boolean;
  /** The clean click the order was attributed to on the run's first day. */
  clickId: string;
  /** A close counted the order's ledger line while the order was not held (the model's view). */
  lineCountedByClose: boolean;
}

/** Five months of its own and a dispute filed on its first day. */
async function newRun(amount: number): Promise<Run> {
  run += 1;
  const months = [first];
  // Commands close months 0-3; month 4 closes only at the end, so late money lands inside the run.
  for (let i = 1; i < 5; i++) months.push(nextPeriod(months[i - 1] ?? first));
  first = nextPeriod(months[4] ?? first);
  const start = monthBounds(months[0] ?? first).start;
  const filedAt = start + DAY_MS / 2;
  const orderId = `prop-${run}`;
  const filing = { order_id: orderId, order_date: utcDay(filedAt), products: 'x', note: 'missing' };
  const filed = await fileDispute(env.DB, table, ALICE.handle, filing, filedAt);
  if (!filed.ok) throw new Error(filed.message);
  // The order itself: placed on a clean click, shipped an hour later (earned in the first month).
  const clickId = await holdOrderAt(orderId, ALICE, filedAt + HOUR_MS, 0);
  await orderEventAt(orderId, ALICE, 'order.shipped', filedAt + 2 * HOUR_MS, clickId);
  return {
    amount,
    months,
    start,
    orderId,
    disputeId: filed.dispute.dispute_id,
    closedJson: new Map(),
    outcome: 'open',
    creditMonth: '',
    hold: 'none',
    lastCloseAt: start,
    countedByClose: false,
    clickId,
    lineCountedByClose: false,
  };
}

async function close(r: Run, m: string): Promise<void> {
  const closed = await closeMonth(env.DB, m, table, closeAt(m));
  if (!closed.ok) return;
  const before = r.closedJson.get(m);
  if (before !== undefined) expect(closed.json).toBe(before);
  else {
    r.closedJson.set(m, closed.json);
    r.lastCloseAt = Math.max(r.lastCloseAt, closeAt(m));
    // A close counts a credit of its month or earlier (late money included) unless its order is held.
    if (r.outcome === 'credited' && r.hold === 'none' && r.creditMonth <= m) r.countedByClose = true;
    if (r.hold === 'none') r.lineCountedByClose = true;
  }
}

async function decideCredit(r: Run, c: Extract<Command, { kind: 'credit' | 'decline' }>): Promise<void> {
  // The order has its own earned line: a credit is on top of it.
  const body =
    c.kind === 'credit' ? { amount_minor: r.amount, note: 'found', top_up: true } : { reason: 'not ours' };
  const at = r.start + c.day * DAY_MS;
  const result = await decideDispute(env.DB, c.kind, r.disputeId, body, table, at);
  const wanted = c.kind === 'credit' ? 'credited' : 'declined';
  // A first credit is refused while the order is held for review (voided holds stay held).
  const heldNow = r.hold === 'held' || r.hold === 'void';
  const allowed = r.outcome === wanted || (r.outcome === 'open' && !(c.kind === 'credit' && heldNow));
  expect(result.ok).toBe(allowed);
  if (result.ok && r.outcome === 'open') {
    r.outcome = wanted;
    r.creditMonth = utcDay(at).slice(0, 7);
  }
}

/** A hold arriving now, or a release or void decided now (an hour after the latest close). */
async function holdCommand(
  r: Run,
  c: Extract<Command, { kind: 'hold' | 'release' | 'void' }>,
  step: number,
): Promise<void> {
  const now = r.lastCloseAt + HOUR_MS + step;
  const kind = c.kind;
  if (kind === 'hold') {
    if (r.hold !== 'none') return;
    // Late: the order's own click flagged now, so its first flagged event is on the run's first day.
    if (c.late) await flagClick(r.clickId);
    else await holdOrderAt(r.orderId, ALICE, now);
    r.hold = 'held';
    return;
  }
  const decided = await decide(env.DB, kind, r.orderId, { reason: 'checked' }, now);
  const after: HoldState = kind === 'release' ? 'released' : 'void';
  expect(decided.ok).toBe(r.hold === 'held' || r.hold === after);
  if (r.hold === 'held') r.hold = after;
  // Nothing a decision does changes a closed month.
  for (const [m, json] of r.closedJson) {
    const answer = await readMonth(env.DB, m, table, now);
    expect(answer.kind === 'closed' && answer.json).toBe(json);
  }
}

/** What the run's closed months counted for Alice: earned + adjustment over them. */
async function countedOver(r: Run): Promise<number> {
  let counted = 0;
  for (const m of r.months) {
    const answer = await readMonth(env.DB, m, table, closeAt(r.months[4] ?? m));
    if (answer.kind !== 'closed') continue;
    // Closed means closed: the stored answer is what the close gave, byte for byte.
    expect(answer.json).toBe(r.closedJson.get(m));
    const row = aliceRow(answer.json);
    counted += (row?.earned_minor ?? 0) + (row?.adjustment_minor ?? 0);
  }
  return counted;
}

/**
 * The line, and the credit if credited, once each: if the order is free at the end, or a close
 * counted it before the hold.
 */
function expectedCount(r: Run): number {
  const free = r.hold === 'none' || r.hold === 'released';
  const line = free || r.lineCountedByClose ? PER_UNIT : 0;
  if (r.outcome !== 'credited') return line;
  return line + (free || r.countedByClose ? r.amount : 0);
}

async function runCommands(amount: number, commands: readonly Command[]): Promise<void> {
  const r = await newRun(amount);
  for (const [step, c] of commands.entries()) {
    if (c.kind === 'credit' || c.kind === 'decline') await decideCredit(r, c);
    else if (c.kind === 'close') await close(r, r.months[c.month] ?? first);
    else if (c.kind === 'pay') {
      const m = r.months[c.month] ?? first;
      const input = { period: m, handle: ALICE.handle, reference: `r${c.ref}` };
      await markPaid(env.DB, input, table, closeAt(m));
    } else await holdCommand(r, c, step);
  }
  for (const m of r.months) await close(r, m);
  expect(r.closedJson.has(r.months[4] ?? '')).toBe(true);
  expect(await countedOver(r)).toBe(expectedCount(r));
  // Paid at most once per month, whatever was retried.
  const { results } = await env.DB.prepare(
    `SELECT period, COUNT(*) AS n FROM payout_payments WHERE period IN (SELECT value FROM json_each(?1)) GROUP BY period, currency, member_id`,
  )
    .bind(JSON.stringify(r.months))
    .all<{ n: number }>();
  expect(results.every((x) => x.n === 1)).toBe(true);
}

const credit = (day: number): Command => ({ kind: 'credit', day });
const closeOf = (month: number): Command => ({ kind: 'close', month });

describe('dispute credits and payouts', () => {
  it('property: a credit is counted and paid once, and never changes a closed month', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 500_000 }),
        fc.array(command, { maxLength: 12 }),
        runCommands,
      ),
      {
        numRuns: 30,
        // Always among the runs: each order of credit, hold, close and release or void.
        examples: [
          [4321, [credit(3), { kind: 'hold', late: false }, closeOf(0), { kind: 'release' }]],
          [4321, [credit(3), closeOf(0), { kind: 'hold', late: false }, { kind: 'release' }]],
          [
            4321,
            [
              credit(40),
              { kind: 'hold', late: false },
              closeOf(0),
              closeOf(1),
              { kind: 'release' },
              closeOf(2),
            ],
          ],
          [
            4321,
            [credit(3), { kind: 'hold', late: false }, closeOf(0), { kind: 'void' }, { kind: 'release' }],
          ],
          [4321, [credit(3), closeOf(0), { kind: 'hold', late: false }, { kind: 'void' }]],
          [4321, [{ kind: 'hold', late: false }, credit(3), { kind: 'release' }, credit(3), closeOf(1)]],
          // A hold after a close: the close's line and credit are not counted again on release.
          [4321, [closeOf(0), { kind: 'hold', late: false }, { kind: 'release' }]],
          [4321, [credit(3), closeOf(0), { kind: 'hold', late: true }, { kind: 'release' }, closeOf(1)]],
          [4321, [credit(3), { kind: 'hold', late: true }, closeOf(0), { kind: 'release' }]],
        ],
      },
    );
  });
});
