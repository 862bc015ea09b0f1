/** The dashboard's ledger a page at a time (readLedgerPage), and its entries in plain words. */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ledgerReason, readLedgerLines, readLedgerPage } from '../../worker/dashboard/queries.ts';
import { ALICE, placed, send, uid } from './orders-helpers.ts';

const START = Date.UTC(2024, 2, 1);
const END = Date.UTC(2024, 3, 1);

async function sendOrders(): Promise<string> {
  let shippedOrder = '';
  for (let day = 1; day <= 7; day++) {
    const at = `2024-03-0${day}T10:00:00Z`;
    const body = placed({
      order_id: uid('page'),
      tracking_id: ALICE.trackingId,
      ordered_at: at,
      occurred_at: at,
    });
    expect((await send(body)).status).toBe(200);
    if (day === 3) {
      shippedOrder = body.order_id;
      const shipped = { ...body, type: 'order.shipped' as const, occurred_at: '2024-03-20T10:00:00Z' };
      expect((await send(shipped)).status).toBe(200);
    }
  }
  return shippedOrder;
}

describe('readLedgerPage', () => {
  it('pages the period newest first, clamps odd page numbers, and loses or repeats no entry', async () => {
    const shippedOrder = await sendOrders();
    const all = await readLedgerLines(env.DB, ALICE.handle, START, END);
    // 7 orders placed (pending) and one shipped (pending down, earned up).
    expect(all).toHaveLength(9);
    const pages = [];
    for (let page = 1; page <= 3; page++)
      pages.push(await readLedgerPage(env.DB, ALICE.handle, START, END, page, 4));
    expect(pages.map((p) => [p.page, p.pages, p.total, p.lines.length])).toEqual([
      [1, 3, 9, 4],
      [2, 3, 9, 4],
      [3, 3, 9, 1],
    ]);
    const paged = pages.flatMap((p) => p.lines.map((l) => l.entry_id));
    expect(paged).toEqual(
      [...all]
        .sort((a, b) => b.effective_at - a.effective_at || b.entry_id - a.entry_id)
        .map((l) => l.entry_id),
    );
    expect((await readLedgerPage(env.DB, ALICE.handle, START, END, 99, 4)).page).toBe(3);
    expect((await readLedgerPage(env.DB, ALICE.handle, START, END, 0, 4)).page).toBe(1);
    expect((await readLedgerPage(env.DB, ALICE.handle, START, END, Number.NaN, 4)).page).toBe(1);
    const empty = await readLedgerPage(env.DB, ALICE.handle, END, END + 1000, 1, 4);
    expect([empty.total, empty.pages, empty.lines]).toEqual([0, 1, []]);

    // Plain words: a shipment's pending line says the money moves on, not that it is taken.
    const shipped = all.filter((l) => l.order_id === shippedOrder && l.event_type === 'order.shipped');
    const words = shipped.map((l) => ledgerReason(l, 'Skillet'));
    expect(words).toEqual([
      expect.stringMatching(/^Shipped: 1 × Skillet \(B00006JSUA\)\. Its pending commission moves to earned/),
      expect.stringMatching(/^Shipped: 1 × Skillet \(B00006JSUA\) at [\d.]+%\. Commission earned\.$/),
    ]);
    for (const line of all) expect(ledgerReason(line)).not.toMatch(/leaves pending/);
  });
});
