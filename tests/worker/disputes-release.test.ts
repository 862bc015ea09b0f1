/**
 * A dispute credit left out of its month while its order was held for review comes back when the
 * hold is released, like the order's own ledger lines (docs/orders.md "Disputes"): released after
 * that month closed, it is late money, an adjustment in the first open month, counted once; the
 * closed month stays byte-identical. A credit counted before its order became held is not counted
 * again on release; a voided hold never brings its credit back. Real worker code and D1 with
 * explicit clocks (closes, decisions and the hold's arrival), in months of this file's own (2031).
 * Storage is this file's own.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, monthBounds, utcDay } from '../../domain/time.ts';
import { decideDispute, fileDispute } from '../../worker/disputes/service.ts';
import { decide } from '../../worker/holds/service.ts';
import { program } from '../../worker/orders/program.ts';
import { closeMonth, readMonth } from '../../worker/payouts/store.ts';
import { holdOrderAt } from './holds-helpers.ts';
import { ALICE, uid } from './orders-helpers.ts';

const table = program.table;
const HOLD_MS = table.payout.hold_days * DAY_MS;
/** When `period` is closed here: after its end and the return-window hold. */
const closeAt = (period: string) => monthBounds(period).end + HOLD_MS + DAY_MS;

interface AliceRow {
  earned_minor: number;
  adjustment_minor: number;
}
const aliceOf = (json: string): AliceRow | undefined =>
  (JSON.parse(json) as { payouts: (AliceRow & { handle: string })[] }).payouts.find(
    (p) => p.handle === ALICE.handle,
  );

/** Alice's dispute for a new order, filed at `at` and credited `amount_minor` at `creditAt`; the order id. */
async function creditedOrder(amount_minor: number, at: number, creditAt: number): Promise<string> {
  const orderId = uid('rel');
  const filed = await fileDispute(
    env.DB,
    table,
    ALICE.handle,
    { order_id: orderId, order_date: utcDay(at), products: 'Skillet', note: 'missing' },
    at,
  );
  if (!filed.ok) throw new Error(filed.message);
  const body = { amount_minor, note: 'found' };
  const credit = await decideDispute(env.DB, 'credit', filed.dispute.dispute_id, body, table, creditAt);
  if (!credit.ok) throw new Error(credit.message);
  return orderId;
}

async function close(period: string): Promise<string> {
  const closed = await closeMonth(env.DB, period, table, closeAt(period));
  if (!closed.ok) throw new Error(closed.message);
  return closed.json;
}

async function openRow(period: string, now: number): Promise<AliceRow | undefined> {
  const answer = await readMonth(env.DB, period, table, now);
  if (answer.kind !== 'open') throw new Error(`${period} is ${answer.kind}`);
  return answer.report.payouts.find((p) => p.handle === ALICE.handle);
}

async function closedJson(period: string): Promise<string> {
  const answer = await readMonth(env.DB, period, table, Date.now());
  if (answer.kind !== 'closed') throw new Error(`${period} is ${answer.kind}`);
  return answer.json;
}

describe('a held dispute credit released after its month closed', () => {
  it('credit, hold, close, release: counted once, as an adjustment in the next open month', async () => {
    const may = monthBounds('2031-05').start;
    const released = await creditedOrder(1234, may + DAY_MS, may + 2 * DAY_MS);
    const voided = await creditedOrder(555, may + DAY_MS, may + 2 * DAY_MS);
    expect(await openRow('2031-05', may + 3 * DAY_MS)).toMatchObject({ earned_minor: 1789 });
    await holdOrderAt(released, ALICE, may + 3 * DAY_MS);
    await holdOrderAt(voided, ALICE, may + 3 * DAY_MS);
    // Held: out of the open month, so May closes without either credit.
    const mayJson = await close('2031-05');
    expect(aliceOf(mayJson)?.earned_minor ?? 0).toBe(0);

    const after = closeAt('2031-05') + HOUR_MS;
    expect((await decide(env.DB, 'release', released, { reason: 'a real buyer' }, after)).ok).toBe(true);
    expect((await decide(env.DB, 'void', voided, { reason: 'burst' }, after)).ok).toBe(true);
    // May stays as closed; June counts the released credit once, as late money; the void never.
    expect(await closedJson('2031-05')).toBe(mayJson);
    expect(await openRow('2031-06', after + HOUR_MS)).toMatchObject({
      adjustment_minor: 1234,
      earned_minor: 0,
    });
    const juneJson = await close('2031-06');
    expect(aliceOf(juneJson)).toMatchObject({ adjustment_minor: 1234, earned_minor: 0 });
    // Not again: July has no late money, May and June are unchanged.
    const july = await openRow('2031-07', closeAt('2031-06') + HOUR_MS);
    expect(july?.adjustment_minor ?? 0).toBe(0);
    expect(await closedJson('2031-05')).toBe(mayJson);
    expect(await closedJson('2031-06')).toBe(juneJson);
  });

  it('credit, close, hold, release: stays counted in its closed month, never again', async () => {
    const aug = monthBounds('2031-08').start;
    const orderId = await creditedOrder(800, aug + DAY_MS, aug + 2 * DAY_MS);
    const augJson = await close('2031-08');
    expect(aliceOf(augJson)?.earned_minor).toBe(800);
    // Held only after August closed (closed is closed), then released.
    await holdOrderAt(orderId, ALICE, closeAt('2031-08') + HOUR_MS);
    const after = closeAt('2031-08') + 2 * HOUR_MS;
    expect((await decide(env.DB, 'release', orderId, { reason: 'a real buyer' }, after)).ok).toBe(true);
    expect((await openRow('2031-09', after + HOUR_MS))?.adjustment_minor ?? 0).toBe(0);
    const septJson = await close('2031-09');
    expect(aliceOf(septJson)?.adjustment_minor ?? 0).toBe(0);
    expect(await closedJson('2031-08')).toBe(augJson);
  });
});
