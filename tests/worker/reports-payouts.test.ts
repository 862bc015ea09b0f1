/**
 * `GET /api/admin/payouts?period=YYYY-MM`: months of early 2025 (long past their
 * hold) for one influencer, plus last month (still on hold). Threshold $25.00,
 * hold 60 days (content/program.yaml).
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PayoutReport, PayoutRow } from '../../domain/orders/payouts.ts';
import { monthFrom } from '../../domain/time.ts';
import { createToken, DAVE, get, placed, send, uid, type EventBody } from './orders-helpers.ts';

// 500.00 at 450 bps (kitchen): 22.50 commission per unit.
const ITEM = { product_id: 'B00006JSUA', category: 'kitchen', unit_price: 50_000 };
const PER_UNIT = 2250;

type Report = PayoutReport;

function order(orderedAt: string) {
  const base = placed({ order_id: uid('pay'), tracking_id: DAVE.trackingId, ordered_at: orderedAt });
  return (type: EventBody['type'], at: string, quantity: number): EventBody => ({
    ...base,
    type,
    occurred_at: at,
    items: [{ ...ITEM, quantity }],
  });
}

function lastMonth(): string {
  return monthFrom(Date.now(), -1);
}

async function payout(period: string): Promise<{ report: Report; row: PayoutRow | undefined }> {
  const res = await get(`/api/admin/payouts?period=${period}`, env.ADMIN_TOKEN);
  expect(res.status).toBe(200);
  const report = await res.json<Report>();
  return { report, row: report.payouts.find((p) => p.handle === DAVE.handle) };
}

beforeAll(async () => {
  const jan = order('2025-01-10T12:00:00Z');
  const mar = order('2025-03-03T12:00:00Z');
  const apr = order('2025-03-31T20:00:00Z');
  const recent = order(`${lastMonth()}-05T12:00:00Z`);
  const events = [
    jan('order.placed', '2025-01-10T12:00:00Z', 2),
    jan('order.shipped', '2025-01-12T12:00:00Z', 1),
    jan('order.shipped', '2025-01-31T23:59:59Z', 1), // last second of January
    jan('order.returned', '2025-02-05T12:00:00Z', 1), // a reversal after January was paid
    mar('order.placed', '2025-03-03T12:00:00Z', 2),
    mar('order.shipped', '2025-03-04T12:00:00Z', 2),
    apr('order.placed', '2025-03-31T20:00:00Z', 1),
    apr('order.shipped', '2025-04-01T00:00:00Z', 1), // first second of April
    recent('order.placed', `${lastMonth()}-05T12:00:00Z`, 3),
    recent('order.shipped', `${lastMonth()}-06T12:00:00Z`, 3),
  ];
  for (const e of events) expect((await send(e)).status).toBe(200);
});

describe('GET /api/admin/payouts', () => {
  it('pays a month at or above the threshold once its hold has passed, counting items in the month shipped', async () => {
    const { report, row } = await payout('2025-01');
    expect(report).toMatchObject({
      period: '2025-01',
      currency: 'USD',
      threshold_minor: 2500,
      hold_days: 60,
      payable_from: '2025-04-02',
    }); // 1 February + 60 days
    expect(row).toEqual(
      expect.objectContaining({
        carried_in_minor: 0,
        earned_minor: 2 * PER_UNIT,
        reversed_minor: 0,
        balance_minor: 4500,
        payable: true,
        payout_minor: 4500,
        carried_forward_minor: 0,
        reason: 'payable',
      }),
    );
  });

  it('books a return after payout in the month returned and carries the negative balance forward', async () => {
    const feb = (await payout('2025-02')).row;
    expect(feb).toMatchObject({
      carried_in_minor: 0,
      earned_minor: 0,
      reversed_minor: PER_UNIT,
      balance_minor: -2250,
    });
    expect(feb).toMatchObject({
      payable: false,
      payout_minor: 0,
      carried_forward_minor: -2250,
      reason: 'below_threshold',
    });

    // March: 45.00 earned, minus the 22.50 carried = 22.50, under the $25 threshold: carried again.
    const mar = (await payout('2025-03')).row;
    expect(mar).toMatchObject({
      carried_in_minor: -2250,
      earned_minor: 4500,
      balance_minor: 2250,
      payable: false,
    });
    expect(mar).toMatchObject({ carried_forward_minor: 2250, reason: 'below_threshold' });

    // April: shipped at 00:00:00 on 1 April, so it is April's: 22.50 + 22.50 = 45.00, payable.
    const apr = (await payout('2025-04')).row;
    expect(apr).toMatchObject({
      carried_in_minor: 2250,
      earned_minor: 2250,
      balance_minor: 4500,
      payable: true,
      payout_minor: 4500,
    });

    // Nothing happened in May: nothing carried, nothing to pay.
    const may = (await payout('2025-05')).row;
    expect(may).toMatchObject({ carried_in_minor: 0, balance_minor: 0, payable: false, payout_minor: 0 });
  });

  it('holds last month: above the threshold but not payable before its end plus the hold', async () => {
    const { report, row } = await payout(lastMonth());
    expect(row).toMatchObject({
      earned_minor: 3 * PER_UNIT,
      balance_minor: 6750,
      payable: false,
      payout_minor: 0,
      reason: 'on_hold',
    });
    expect(row?.carried_forward_minor).toBe(0);
    expect(Date.parse(report.payable_from)).toBeGreaterThan(Date.now());
  });

  it('answers CSV for Accept: text/csv and for ?format=csv', async () => {
    for (const [query, headers] of [
      ['period=2025-01', { accept: 'text/csv' }],
      ['period=2025-01&format=csv', {}],
    ] as const) {
      const res = await get(`/api/admin/payouts?${query}`, env.ADMIN_TOKEN, headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toContain('payouts-2025-01.csv');
      const lines = (await res.text()).trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'period,handle,program,tracking_id,status,currency,carried_in_minor,adjustment_minor,earned_minor,reversed_minor,balance_minor,payable,payout_minor,carried_forward_minor,reason,payable_from,member_id',
      );
      expect(lines).toContain(
        `2025-01,${DAVE.handle},influencer,${DAVE.trackingId},approved,USD,0,0,4500,0,4500,true,4500,0,payable,2025-04-02,${DAVE.handle}`,
      );
    }
  });

  it('answers 400 naming the parameter, 401 without the admin token, 403 with an influencer token', async () => {
    for (const query of ['', 'period=2025-13', 'period=2025-1', 'period=2025-01&format=xml']) {
      const res = await get(`/api/admin/payouts?${query}`, env.ADMIN_TOKEN);
      expect(res.status, query).toBe(400);
      const { issues } = await res.json<{ issues: { path: string }[] }>();
      expect(
        issues.map((i) => i.path),
        query,
      ).toEqual([query.includes('xml') ? 'format' : 'period']);
    }
    expect((await get('/api/admin/payouts?period=2025-01')).status).toBe(401);
    expect((await get('/api/admin/payouts?period=2025-01', 'wrong')).status).toBe(401);
    expect((await get('/api/admin/payouts?period=2025-01', await createToken(DAVE.handle))).status).toBe(403);
  });
});
