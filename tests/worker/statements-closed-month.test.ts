/**
 * A statement restating a day of a closed month: the month stays byte for byte, the
 * difference is late money in the first open month (CONTRACT.md sections 7 and 12).
 */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { earningsFile, type EarningsRow } from '../../scripts/lib/fixtures/amazon-report-writer.ts';
import { ORIGIN } from './orders-helpers.ts';

const admin = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(`${ORIGIN}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, ...(init.headers ?? {}) },
  });

const row = (shipped: number, fee_minor: number): EarningsRow => ({
  category: 'Kitchen',
  name: 'Lodge Skillet',
  asin: 'B00006JSUA',
  tracking_id: 'milacooks-20',
  day: '2026-06-12',
  price_minor: 2490,
  shipped,
  returned: 0,
  fee_minor,
});

async function importFile(rows: EarningsRow[]) {
  const res = await admin('/api/admin/import/amazon', {
    method: 'POST',
    body: earningsFile(rows, { title: { from: '2026-06-01', to: '2026-06-30' } }),
  });
  expect(res.status).toBe(200);
  return res.json<{ changed: { keys: number; fee_minor: number } }>();
}

describe('a statement restating a closed month', () => {
  it('leaves the closed month byte for byte and counts the difference as an adjustment', async () => {
    await importFile([row(20, 2240)]);
    const closed = await admin('/api/admin/payouts/close?period=2026-06', { method: 'POST' });
    expect(closed.status).toBe(201);
    const stored = await env.DB.prepare(
      "SELECT body_json, body_csv FROM payout_runs WHERE period = '2026-06'",
    ).first();
    const june = await (await admin('/api/admin/payouts?period=2026-06')).text();
    expect(JSON.parse(june).payouts.find((p: { handle: string }) => p.handle === 'mila-cooks')).toMatchObject(
      {
        earned_minor: 2240,
      },
    );

    // Amazon restated 12 June: 21 items, 23.52.
    expect(await importFile([row(21, 2352)])).toMatchObject({ changed: { keys: 1, fee_minor: 112 } });
    expect(await (await admin('/api/admin/payouts?period=2026-06')).text()).toBe(june);
    expect(
      await env.DB.prepare("SELECT body_json, body_csv FROM payout_runs WHERE period = '2026-06'").first(),
    ).toEqual(stored);
    const july = await (
      await admin('/api/admin/payouts?period=2026-07')
    ).json<{
      payouts: { handle: string; adjustment_minor: number }[];
    }>();
    expect(july.payouts.find((p) => p.handle === 'mila-cooks')).toMatchObject({ adjustment_minor: 112 });
  });
});

describe('days the per-row importer (before migration 0013) already booked', () => {
  it('are refused with 409 rather than counted twice; nothing stored', async () => {
    const at = Date.parse('2026-05-10T00:00:00Z');
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO order_events (event_id, source, order_id, order_seq, type, ordered_at, occurred_at, tracking_id, currency,
           items_json, status, handle, attribution, body, received_at)
         VALUES ('amzr_legacy', 'amazon_report', 'amzn:milacooks-20:B00006JSUA:2490', 1, 'order.shipped', ?1, ?1, 'milacooks-20', 'USD',
           '[]', 'processed', 'mila-cooks', 'tracking_id', '{}', ?1)`,
      ).bind(at),
      env.DB.prepare(
        `INSERT INTO ledger_entries (order_id, product_id, handle, bucket, effective_at, ordered_at, quantity, amount_minor,
           revenue_minor, currency, category, unit_price_minor, rate_bps, event_id, created_at)
         VALUES ('amzn:milacooks-20:B00006JSUA:2490', 'B00006JSUA', 'mila-cooks', 'earned', ?1, ?1, 1, 112, 2490, 'USD',
           'kitchen', 2490, 450, 'amzr_legacy', ?1)`,
      ).bind(at),
    ]);
    const count = () => env.DB.prepare('SELECT COUNT(*) AS n FROM amazon_statements').first<{ n: number }>();
    const before = await count();
    const res = await admin('/api/admin/import/amazon', {
      method: 'POST',
      body: earningsFile([{ ...row(1, 112), day: '2026-05-10' }], {
        title: { from: '2026-05-01', to: '2026-05-31' },
      }),
    });
    expect(res.status).toBe(409);
    expect((await res.json<{ issues: { message: string }[] }>()).issues[0]?.message).toMatch(
      /1 ledger entries of the per-row importer .* \(from 2026-05-10\)/,
    );
    expect(await count()).toEqual(before);
  });
});
