/**
 * Property (issue 24): a dispute credit is paid exactly once, whatever the sequence of decisions
 * (retried, declined, dated by any clock), month closes (in or out of order, retried) and
 * payments (retried); and a credit never changes a closed month. Real worker code and D1, with
 * explicit clocks: each run uses five months of its own (from 2032 on), closed in order at the
 * end, so the member's earned + adjustment over them is what was credited, once.
 * Storage is this file's own.
 */
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideDispute, fileDispute } from '../../worker/disputes/service.ts';
import { program } from '../../worker/orders/program.ts';
import { closeMonth, markPaid, readMonth } from '../../worker/payouts/store.ts';
import { nextPeriod } from '../../domain/orders/payouts.ts';
import { DAY_MS, monthBounds, utcDay } from '../../domain/time.ts';
import { ALICE } from './orders-helpers.ts';

const table = program.table;
const HOLD_MS = table.payout.hold_days * DAY_MS;

type Command =
  | { kind: 'credit'; day: number }
  | { kind: 'decline'; day: number }
  | { kind: 'close'; month: number }
  | { kind: 'pay'; month: number; ref: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('credit' as const), day: fc.integer({ min: 1, max: 89 }) }),
  fc.record({ kind: fc.constant('decline' as const), day: fc.integer({ min: 1, max: 89 }) }),
  fc.record({ kind: fc.constant('close' as const), month: fc.integer({ min: 0, max: 3 }) }),
  fc.record({
    kind: fc.constant('pay' as const),
    month: fc.integer({ min: 0, max: 3 }),
    ref: fc.integer({ min: 1, max: 2 }),
  }),
);

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

describe('dispute credits and payouts', () => {
  it('property: a credit is counted and paid once, and never changes a closed month', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 500_000 }),
        fc.array(command, { maxLength: 10 }),
        async (amount, commands) => {
          run += 1;
          const months = [first];
          // Commands close months 0-3; month 4 closes only at the end, so late money lands inside the run.
          for (let i = 1; i < 5; i++) months.push(nextPeriod(months[i - 1] ?? first));
          first = nextPeriod(months[4] ?? first);
          const start = monthBounds(months[0] ?? first).start;
          const closeAt = (m: string) => monthBounds(m).end + HOLD_MS + DAY_MS;
          const filedAt = start + DAY_MS / 2;
          const filing = {
            order_id: `prop-${run}`,
            order_date: utcDay(filedAt),
            products: 'x',
            note: 'missing',
          };
          const filed = await fileDispute(env.DB, table, ALICE.handle, filing, filedAt);
          if (!filed.ok) throw new Error(filed.message);
          const id = filed.dispute.dispute_id;
          const closedJson = new Map<string, string>();
          let outcome: 'open' | 'credited' | 'declined' = 'open';

          const close = async (m: string) => {
            const closed = await closeMonth(env.DB, m, table, closeAt(m));
            if (!closed.ok) return;
            const before = closedJson.get(m);
            if (before !== undefined) expect(closed.json).toBe(before);
            closedJson.set(m, closed.json);
          };
          for (const c of commands) {
            if (c.kind === 'credit' || c.kind === 'decline') {
              const body =
                c.kind === 'credit' ? { amount_minor: amount, note: 'found' } : { reason: 'not ours' };
              const r = await decideDispute(env.DB, c.kind, id, body, table.currency, start + c.day * DAY_MS);
              const wanted = c.kind === 'credit' ? 'credited' : 'declined';
              expect(r.ok).toBe(outcome === 'open' || outcome === wanted);
              if (r.ok) outcome = wanted;
            } else if (c.kind === 'close') await close(months[c.month] ?? first);
            else {
              const m = months[c.month] ?? first;
              await markPaid(
                env.DB,
                { period: m, handle: ALICE.handle, reference: `r${c.ref}` },
                table,
                closeAt(m),
              );
            }
          }
          for (const m of months) await close(m);

          // Counted once: earned + adjustment over the run's closed months is the credit (or nothing).
          let counted = 0;
          for (const m of months) {
            const answer = await readMonth(env.DB, m, table, closeAt(months[4] ?? m));
            if (answer.kind !== 'closed') continue;
            // Closed means closed: the stored answer is what the close gave, byte for byte.
            expect(answer.json).toBe(closedJson.get(m));
            const row = aliceRow(answer.json);
            counted += (row?.earned_minor ?? 0) + (row?.adjustment_minor ?? 0);
          }
          expect(closedJson.has(months[4] ?? '')).toBe(true);
          expect(counted).toBe(outcome === 'credited' ? amount : 0);
          // Paid at most once per month, whatever was retried.
          const { results } = await env.DB.prepare(
            `SELECT period, COUNT(*) AS n FROM payout_payments WHERE period IN (SELECT value FROM json_each(?1)) GROUP BY period, currency, member_id`,
          )
            .bind(JSON.stringify(months))
            .all<{ n: number }>();
          expect(results.every((r) => r.n === 1)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });
});
