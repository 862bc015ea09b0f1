/**
 * A statement restating a day of a closed month: the month stays byte for byte, the
 * difference is late money in the first open month (CONTRACT.md sections 7 and 12).
 */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { earningsFile, type EarningsRow } from '../fixtures/amazon-report-writer.ts';
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
