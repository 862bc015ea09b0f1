/**
 * The two programs through the worker: stats and payouts name each member's
 * program, an associate's order is valued at the associate table and its line
 * terms name that table's program, and the catalog copy answers the link
 * builder's searches. Dates in March 2025 and 2026-10/11 only this file uses.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { readProductTitles, searchCatalog } from '../../worker/catalog/queries.ts';
import {
  associates,
  createToken,
  get,
  influencers,
  placed,
  send,
  uid,
  type EventBody,
} from './orders-helpers.ts';

const [GEAR] = associates;
const [, , , , EVE] = influencers;
if (!GEAR || !EVE)
  throw new Error('the sample content needs an approved associate and five approved influencers');
// 15.50 in kitchen: influencers 450 bps (shared table), associates 300 bps (their own table from 2026-10-01).
const KITCHEN = { product_id: 'B00006JSUA', category: 'kitchen', quantity: 2, unit_price: 1550 };

function order(trackingId: string, orderedAt: string, type: EventBody['type'] = 'order.placed'): EventBody {
  return placed({
    order_id: uid('prog'),
    tracking_id: trackingId,
    ordered_at: orderedAt,
    occurred_at: orderedAt,
    type,
    items: [KITCHEN],
  });
}

describe('programs', () => {
  let associateOrder = '';
  beforeAll(async () => {
    const placedAssociate = order(GEAR.trackingId, '2026-11-02T10:00:00Z');
    associateOrder = placedAssociate.order_id;
    for (const body of [
      placedAssociate,
      { ...placedAssociate, type: 'order.shipped' as const, occurred_at: '2026-11-03T10:00:00Z' },
      order(EVE.trackingId, '2026-11-02T11:00:00Z'),
    ])
      expect((await send(body)).status).toBe(200);
  });

  it("values an associate's order at the associate table and records that table's program", async () => {
    const { results } = await env.DB.prepare(
      'SELECT rate_bps, rate_effective_from, rate_program FROM order_line_terms WHERE order_id = ?1',
    )
      .bind(associateOrder)
      .all();
    expect(results).toEqual([
      { rate_bps: 300, rate_effective_from: '2026-10-01', rate_program: 'associate' },
    ]);
    const entry = await env.DB.prepare(
      "SELECT amount_minor FROM ledger_entries WHERE order_id = ?1 AND bucket = 'earned'",
    )
      .bind(associateOrder)
      .first();
    // 2 x 15.50 x 3% = 0.93
    expect(entry).toEqual({ amount_minor: 93 });
  });

  it('stats name the program and each product by title beside its id', async () => {
    const token = await createToken(GEAR.handle);
    const res = await get(`/api/stats/${GEAR.handle}?from=2026-11-01&to=2026-11-07`, token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      handle: string;
      program: string;
      by_product: { product_id: string; title: string | null; commission: number }[];
    };
    expect(Object.keys(body).slice(0, 2)).toEqual(['handle', 'program']);
    expect(body.program).toBe('associate');
    expect(body.by_product).toContainEqual(
      expect.objectContaining({
        product_id: 'B00006JSUA',
        title: expect.stringMatching(/\w/),
        commission: 93,
      }),
    );
    const admin = await get(`/api/stats/${EVE.handle}?from=2026-11-01&to=2026-11-07`, env.ADMIN_TOKEN);
    expect(((await admin.json()) as { program: string }).program).toBe('influencer');
  });

  it('payouts name each row’s program, in JSON and in the CSV', async () => {
    const json = await get('/api/admin/payouts?period=2026-11', env.ADMIN_TOKEN);
    expect(json.status).toBe(200);
    const report = (await json.json()) as { payouts: { handle: string; program: string }[] };
    expect(report.payouts.find((p) => p.handle === GEAR.handle)?.program).toBe('associate');

    const res = await get('/api/admin/payouts?period=2026-11&format=csv', env.ADMIN_TOKEN);
    const [header, ...rows] = (await res.text()).trim().split('\r\n');
    const columns = header?.split(',') ?? [];
    expect(columns.slice(0, 3)).toEqual(['period', 'handle', 'program']);
    const gear = rows.map((r) => r.split(',')).find((r) => r[1] === GEAR.handle);
    expect(gear?.[2]).toBe('associate');
  });
});

describe('catalog copy (link builder)', () => {
  it('finds products by words, as prefixes, and by id, never by FTS syntax typed in', async () => {
    const byWords = await searchCatalog(env.DB, 'cast iron skil');
    expect(byWords.length).toBeGreaterThan(0);
    for (const p of byWords) expect(`${p.title} ${p.brand}`.toLowerCase()).toMatch(/cast/);
    const byId = await searchCatalog(env.DB, 'b00006jsua');
    expect(byId[0]?.product_id).toBe('B00006JSUA');
    expect(byId[0]?.price_minor).toBeGreaterThan(0);
    expect(byId[0]?.price_checked_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Quotes, operators and column filters are just words (or nothing), not errors.
    expect(await searchCatalog(env.DB, '" OR title: NEAR(*')).toEqual(expect.any(Array));
    expect(await searchCatalog(env.DB, '   ')).toEqual([]);
  });

  it('names products by title, in chunks under the bound-parameter limit', async () => {
    const ids = (
      await env.DB.prepare('SELECT product_id FROM catalog_products').all<{ product_id: string }>()
    ).results.map((r) => r.product_id);
    expect(ids.length).toBeGreaterThan(100);
    const titles = await readProductTitles(env.DB, [...ids, 'NOT-A-PRODUCT']);
    expect(titles.size).toBe(ids.length);
    expect(titles.has('NOT-A-PRODUCT')).toBe(false);
  });
});
