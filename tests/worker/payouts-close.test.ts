/**
 * Closing months, late money and payments, through the real worker and D1:
 * POST /api/admin/payouts/close, GET of a closed month (byte for byte the same),
 * adjustments in the first open month, POST /api/admin/payouts/paid.
 * Threshold $25.00, hold 60 days (content/program.yaml). Storage is this file's own.
 */
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PayoutReport } from '../../domain/orders/payouts.ts';
import programTable from '../../worker/generated/program.ts';
import { ALICE, BOB, get, ORIGIN, placed, send, uid, type EventBody } from './orders-helpers.ts';
import { recordedLine } from './stored-rows.ts';

// 500.00 at 450 bps (kitchen): 22.50 commission per unit.
const ITEM = { product_id: 'B00006JSUA', category: 'kitchen', unit_price: 50_000 };
const PER_UNIT = 2250;

/** The JSON of a month, as the domain module writes it (closed_at only on a closed month). */
type Report = PayoutReport & { closed_at?: string };

function order(trackingId: string, orderedAt: string) {
  const base = placed({ order_id: uid('pay'), tracking_id: trackingId, ordered_at: orderedAt });
  return (type: EventBody['type'], at: string, quantity: number): EventBody => ({
    ...base,
    type,
    occurred_at: at,
    items: [{ ...ITEM, quantity }],
  });
}

function admin(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(`${ORIGIN}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, ...init.headers },
  });
}

const close = (period: string) => admin(`/api/admin/payouts/close?period=${period}`, { method: 'POST' });
const paid = (body: unknown) =>
  admin('/api/admin/payouts/paid', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function report(period: string): Promise<Report> {
  const res = await get(`/api/admin/payouts?period=${period}`, env.ADMIN_TOKEN);
  expect(res.status).toBe(200);
  return res.json<Report>();
}
const rowOf = (r: Report, handle: string) => r.payouts.find((p) => p.handle === handle);

function monthFromNow(offset: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);
}

const aliceJan = order(ALICE.trackingId, '2025-01-10T12:00:00Z');
const bobJan = order(BOB.trackingId, '2025-01-11T12:00:00Z');
const aliceMar = order(ALICE.trackingId, '2025-03-03T12:00:00Z');

beforeAll(async () => {
  const events = [
    aliceJan('order.placed', '2025-01-10T12:00:00Z', 3),
    aliceJan('order.shipped', '2025-01-15T12:00:00Z', 2), // 45.00 earned in January: payable
    bobJan('order.placed', '2025-01-11T12:00:00Z', 1),
    bobJan('order.shipped', '2025-01-12T12:00:00Z', 1), // 22.50: under the threshold, carried
    aliceMar('order.placed', '2025-03-03T12:00:00Z', 2),
    aliceMar('order.shipped', '2025-03-04T12:00:00Z', 2),
  ];
  for (const e of events) expect((await send(e)).status).toBe(200);
});

describe('closing months', () => {
  it('409 while an earlier month with activity is open; months close in order', async () => {
    const res = await close('2025-03');
    expect(res.status).toBe(409);
    expect((await res.json<{ error: string }>()).error).toContain('2025-01');
  });

  it('201 stores the month; the answer is then the same bytes every time, JSON and CSV', async () => {
    const open = await report('2025-01');
    expect(open.status).toBe('open');

    const res = await close('2025-01');
    expect(res.status).toBe(201);
    const body = await res.text();
    const closed = JSON.parse(body) as Report;
    expect(closed).toMatchObject({ period: '2025-01', status: 'closed' });
    expect(Date.parse(closed.closed_at ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(rowOf(closed, ALICE.handle)).toMatchObject({
      earned_minor: 2 * PER_UNIT,
      balance_minor: 4500,
      payable: true,
      payout_minor: 4500,
      reason: 'payable',
    });
    expect(rowOf(closed, BOB.handle)).toMatchObject({
      balance_minor: PER_UNIT,
      payable: false,
      carried_forward_minor: PER_UNIT,
      reason: 'below_threshold',
    });
    // The closed rows are the open month's figures, frozen.
    expect(closed.payouts).toEqual(open.payouts);

    const again = await get('/api/admin/payouts?period=2025-01', env.ADMIN_TOKEN);
    expect(again.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await again.text()).toBe(body);
    const csv1 = await (await get('/api/admin/payouts?period=2025-01&format=csv', env.ADMIN_TOKEN)).text();
    const csv2 = await (
      await get('/api/admin/payouts?period=2025-01', env.ADMIN_TOKEN, { accept: 'text/csv' })
    ).text();
    expect(csv2).toBe(csv1);
    expect(csv1).toContain(
      `2025-01,${ALICE.handle},influencer,${ALICE.trackingId},approved,USD,0,0,4500,0,4500,true,4500,0,payable,2025-04-02,${ALICE.handle}\r\n`,
    );
  });

  it('a repeated close answers the stored month again (200, the same bytes), never a 409 or 500', async () => {
    const stored = await (await get('/api/admin/payouts?period=2025-01', env.ADMIN_TOKEN)).text();
    const res = await close('2025-01');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(stored);
    const runs = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM payout_runs WHERE period = '2025-01'",
    ).first<{
      n: number;
    }>();
    expect(runs?.n).toBe(1);
  });

  it('skips months with no activity, carrying balances through from the stored rows', async () => {
    const res = await close('2025-03');
    expect(res.status).toBe(201);
    const mar = (await res.json()) as Report;
    // BOB's 22.50 carried from January's stored row, through an empty February.
    expect(rowOf(mar, BOB.handle)).toMatchObject({ carried_in_minor: PER_UNIT, balance_minor: PER_UNIT });
    expect(rowOf(mar, ALICE.handle)).toMatchObject({
      carried_in_minor: 0,
      earned_minor: 4500,
      payout_minor: 4500,
    });
    const feb = await get('/api/admin/payouts?period=2025-02', env.ADMIN_TOKEN);
    expect(feb.status).toBe(404);
  });

  it('422 while the hold has not passed', async () => {
    const res = await close(monthFromNow(-1));
    expect(res.status).toBe(422);
    expect((await res.json<{ error: string }>()).error).toContain('has not passed');
  });

  it('late money goes into the first open month as adjustment_minor; closed months stay byte for byte', async () => {
    const janJson = await (await get('/api/admin/payouts?period=2025-01', env.ADMIN_TOKEN)).text();
    const janCsv = await (await get('/api/admin/payouts?period=2025-01&format=csv', env.ADMIN_TOKEN)).text();
    // A return dated in closed January (after it was paid), and a late shipment dated in closed January.
    expect((await send(aliceJan('order.returned', '2025-01-25T12:00:00Z', 2))).status).toBe(200);
    expect((await send(bobJan('order.shipped', '2025-01-20T12:00:00Z', 0 + 1))).status).toBe(200);

    expect(await (await get('/api/admin/payouts?period=2025-01', env.ADMIN_TOKEN)).text()).toBe(janJson);
    expect(await (await get('/api/admin/payouts?period=2025-01&format=csv', env.ADMIN_TOKEN)).text()).toBe(
      janCsv,
    );

    const apr = await report('2025-04');
    expect(apr.status).toBe('open');
    // ALICE: 45.00 clawed back; a negative balance carries forward and is never paid.
    expect(rowOf(apr, ALICE.handle)).toMatchObject({
      carried_in_minor: 0,
      adjustment_minor: -4500,
      balance_minor: -4500,
      payable: false,
      payout_minor: 0,
      carried_forward_minor: -4500,
      reason: 'below_threshold',
    });
    // BOB: shipped 1 more unit than placed... the late shipment still counts (earned follows shipments).
    expect(rowOf(apr, BOB.handle)).toMatchObject({
      carried_in_minor: PER_UNIT,
      adjustment_minor: PER_UNIT,
      balance_minor: 2 * PER_UNIT,
      payable: true,
      payout_minor: 2 * PER_UNIT,
    });
    // May starts from April: ALICE's -45.00 still carried, BOB paid in April.
    const may = await report('2025-05');
    expect(rowOf(may, ALICE.handle)).toMatchObject({ carried_in_minor: -4500, adjustment_minor: 0 });
    expect(rowOf(may, BOB.handle)).toMatchObject({ carried_in_minor: 0, balance_minor: 0 });

    // Closing April stores the adjustments; they are never counted again. Two closes at once:
    // one closes it (201), the other answers the same stored bytes (200).
    const [a, b] = await Promise.all([close('2025-04'), close('2025-04')]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(await a.text()).toBe(await b.text());
    const jun = await report('2025-06');
    expect(rowOf(jun, BOB.handle)).toMatchObject({ adjustment_minor: 0, balance_minor: 0 });
    expect(rowOf(jun, ALICE.handle)).toMatchObject({ adjustment_minor: 0, balance_minor: -4500 });
  });

  it('refuses to change or remove a closed month in D1', async () => {
    await expect(
      env.DB.prepare("UPDATE payout_rows SET payout_minor = 1 WHERE period = '2025-01'").run(),
    ).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM payout_runs WHERE period = '2025-01'").run()).rejects.toThrow(
      /append-only/,
    );
  });

  it('401 without the admin token, 400 for a bad period', async () => {
    expect(
      (await exports.default.fetch(`${ORIGIN}/api/admin/payouts/close?period=2025-05`, { method: 'POST' }))
        .status,
    ).toBe(401);
    const res = await close('2025-13');
    expect(res.status).toBe(400);
    expect((await res.json<{ issues: { path: string }[] }>()).issues.map((i) => i.path)).toEqual(['period']);
  });
});

describe('marking payouts paid', () => {
  it('200, the same again 200 with no change, another reference 409', async () => {
    const first = await paid({ period: '2025-01', handle: ALICE.handle, reference: 'BANK-0001' });
    expect(first.status).toBe(200);
    const body = await first.json<{ status: string; amount_minor: number; paid_at: string }>();
    expect(body).toMatchObject({
      status: 'paid',
      period: '2025-01',
      handle: ALICE.handle,
      reference: 'BANK-0001',
      amount_minor: 4500,
    });

    const again = await paid({ period: '2025-01', handle: ALICE.handle, reference: 'BANK-0001' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(body);

    const other = await paid({ period: '2025-01', handle: ALICE.handle, reference: 'BANK-0002' });
    expect(other.status).toBe(409);
    expect((await other.json<{ error: string }>()).error).toContain('BANK-0001');
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM payout_payments').first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it('409 for a row that is not payable, and for a month that is not closed; 404 for nobody', async () => {
    const below = await paid({ period: '2025-01', handle: BOB.handle, reference: 'X' });
    expect(below.status).toBe(409);
    expect((await below.json<{ error: string }>()).error).toContain('not payable (below threshold)');
    const open = await paid({ period: '2025-05', handle: ALICE.handle, reference: 'X' });
    expect(open.status).toBe(409);
    expect((await paid({ period: '2025-01', handle: 'nobody-here', reference: 'X' })).status).toBe(404);
  });

  it('400 naming the field for a bad body', async () => {
    const res = await paid({ period: '2025-01', handle: ALICE.handle });
    expect(res.status).toBe(400);
    expect((await res.json<{ issues: { path: string }[] }>()).issues.map((i) => i.path)).toEqual([
      'reference',
    ]);
  });

  it('lists closed months with payable, paid and owed, and the rows still owed', async () => {
    const res = await admin('/api/admin/payouts/runs');
    expect(res.status).toBe(200);
    const { runs, owed } = await res.json<{
      runs: { period: string; payable_minor: number; paid_minor: number; owed_minor: number }[];
      owed: { period: string; handle: string; payout_minor: number }[];
    }>();
    expect(runs.map((r) => r.period)).toEqual(['2025-04', '2025-03', '2025-01']);
    expect(runs.find((r) => r.period === '2025-01')).toMatchObject({
      payable_minor: 4500,
      paid_minor: 4500,
      owed_minor: 0,
    });
    expect(owed).toContainEqual({
      period: '2025-03',
      member_id: ALICE.handle,
      handle: ALICE.handle,
      currency: 'USD',
      payout_minor: 4500,
    });
    expect(owed).toContainEqual(
      expect.objectContaining({ period: '2025-04', handle: BOB.handle, payout_minor: 4500 }),
    );
    expect(owed.some((o) => o.period === '2025-01')).toBe(false);
  });
});

describe('suspended creators', () => {
  it("holds a suspended creator's balance (reason suspended): not paid, carried forward whole", async () => {
    const suspended = Object.entries(programTable.influencers).find(([, i]) => i.status === 'suspended');
    if (!suspended) throw new Error('the sample content needs a suspended creator');
    const [handle] = suspended;
    // An order recorded while they were approved: its entries are already in the ledger.
    await env.DB.batch(
      recordedLine({
        handle,
        at: Date.parse('2025-05-10T12:00:00Z'),
        tracking_id: 'old-tag-20',
        order_id: 'held-order',
        quantity: 4,
        amount_minor: 9000,
        revenue_minor: 200000,
        unit_price_minor: 50000,
      }),
    );
    const may = await report('2025-05');
    expect(rowOf(may, handle)).toMatchObject({
      earned_minor: 9000,
      balance_minor: 9000,
      payable: false,
      payout_minor: 0,
      carried_forward_minor: 9000,
      reason: 'suspended',
    });
    expect((await close('2025-05')).status).toBe(201);
    expect((await paid({ period: '2025-05', handle, reference: 'NO' })).status).toBe(409);
    expect(rowOf(await report('2025-06'), handle)).toMatchObject({
      carried_in_minor: 9000,
      reason: 'suspended',
    });
  });
});
