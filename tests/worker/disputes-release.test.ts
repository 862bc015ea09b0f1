/**
 * A dispute credit left out of its month while its order was held for review comes back when the
 * hold is released, like the order's own ledger lines (docs/orders.md "Disputes"): released after
 * that month closed, it is late money, an adjustment in the first open month, counted once; the
 * closed month stays byte-identical. A credit counted before its order became held is not counted
 * again on release, even when its hold is dated before that close (a click flagged only later);
 * a release in the very millisecond of the close that left the credit out still brings it back
 * (what a close left out is recorded, migration 0025, not judged by clocks); a voided hold never
 * brings its credit back. Real worker code and D1 with
 * explicit clocks (closes, decisions and the hold's arrival), in months of this file's own (2031).
 * Storage is this file's own.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, monthBounds, utcDay } from '../../domain/time.ts';
import { decideDispute, fileDispute } from '../../worker/disputes/service.ts';
import { decide } from '../../worker/holds/service.ts';
import { program } from '../../worker/orders/program.ts';
import {
  close,
  closeAt,
  closedJson,
  flagClick,
  holdOrderAt,
  openRow,
  release,
  rowIn,
} from './holds-helpers.ts';
import { ALICE, uid } from './orders-helpers.ts';

const table = program.table;
const aliceOf = (json: string) => rowIn(json, ALICE.handle);
const aliceOpen = (period: string, now: number) => openRow(period, now, ALICE.handle);

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

/**
 * Releases `orderId` at `after`, once closed month `closed` (its JSON `closedAs`) counted its
 * credit: month `next` has no late money, open or closed, and `closed` is unchanged.
 */
async function releasedNotCountedAgain(
  orderId: string,
  after: number,
  closed: string,
  closedAs: string,
  next: string,
): Promise<void> {
  await release(orderId, after);
  expect((await aliceOpen(next, after + HOUR_MS))?.adjustment_minor ?? 0).toBe(0);
  expect(aliceOf(await close(next))?.adjustment_minor ?? 0).toBe(0);
  expect(await closedJson(closed)).toBe(closedAs);
}

describe('a held dispute credit released after its month closed', () => {
  it('credit, hold, close, release: counted once, as an adjustment in the next open month', async () => {
    const may = monthBounds('2031-05').start;
    const released = await creditedOrder(1234, may + DAY_MS, may + 2 * DAY_MS);
    const voided = await creditedOrder(555, may + DAY_MS, may + 2 * DAY_MS);
    expect(await aliceOpen('2031-05', may + 3 * DAY_MS)).toMatchObject({ earned_minor: 1789 });
    await holdOrderAt(released, ALICE, may + 3 * DAY_MS);
    await holdOrderAt(voided, ALICE, may + 3 * DAY_MS);
    // Held: out of the open month, so May closes without either credit.
    const mayJson = await close('2031-05');
    expect(aliceOf(mayJson)?.earned_minor ?? 0).toBe(0);

    const after = closeAt('2031-05') + HOUR_MS;
    await release(released, after);
    expect((await decide(env.DB, 'void', voided, { reason: 'burst' }, after)).ok).toBe(true);
    // May stays as closed; June counts the released credit once, as late money; the void never.
    expect(await closedJson('2031-05')).toBe(mayJson);
    expect(await aliceOpen('2031-06', after + HOUR_MS)).toMatchObject({
      adjustment_minor: 1234,
      earned_minor: 0,
    });
    const juneJson = await close('2031-06');
    expect(aliceOf(juneJson)).toMatchObject({ adjustment_minor: 1234, earned_minor: 0 });
    // Not again: July has no late money, May and June are unchanged.
    const july = await aliceOpen('2031-07', closeAt('2031-06') + HOUR_MS);
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
    await releasedNotCountedAgain(orderId, closeAt('2031-08') + 2 * HOUR_MS, '2031-08', augJson, '2031-09');
  });

  it('credit, close, a click flagged after the close, release: not counted again', async () => {
    const oct = monthBounds('2031-10').start;
    const orderId = await creditedOrder(700, oct + DAY_MS, oct + 2 * DAY_MS);
    // An event of the order on a clean click before October closes: not held, so October counts.
    const clickId = await holdOrderAt(orderId, ALICE, oct + 3 * DAY_MS, 0);
    const octJson = await close('2031-10');
    expect(aliceOf(octJson)?.earned_minor).toBe(700);
    // The click is flagged after the close: the hold's clock (its event) is before the close.
    await flagClick(clickId);
    await releasedNotCountedAgain(orderId, closeAt('2031-10') + HOUR_MS, '2031-10', octJson, '2031-11');
  });

  it('credit, hold, close, release in the same millisecond as the close: counted once', async () => {
    const dec = monthBounds('2031-12').start;
    const orderId = await creditedOrder(900, dec + DAY_MS, dec + 2 * DAY_MS);
    await holdOrderAt(orderId, ALICE, dec + 3 * DAY_MS);
    const decJson = await close('2031-12');
    expect(aliceOf(decJson)?.earned_minor ?? 0).toBe(0);
    const at = closeAt('2031-12');
    await release(orderId, at);
    expect(await aliceOpen('2032-01', at + HOUR_MS)).toMatchObject({ adjustment_minor: 900 });
    const janJson = await close('2032-01');
    expect(aliceOf(janJson)).toMatchObject({ adjustment_minor: 900 });
    expect((await aliceOpen('2032-02', closeAt('2032-01') + HOUR_MS))?.adjustment_minor ?? 0).toBe(0);
  });
});
