/** `GET /api/stats/<handle>` (CONTRACT.md section 5), over a week of June 2025 only this file uses. */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { dayStart, utcDay } from '../../domain/time.ts';
import { sha256Hex } from '../../domain/requests/signature.ts';
import { readCreatorRows, type Stats } from '../../worker/reports/stats-query.ts';
import { BOB, CAROL, createToken, get, placed, send, uid, type EventBody } from './orders-helpers.ts';
import { recordedLine } from './stored-rows.ts';

const P1 = { product_id: 'B00006JSUA', category: 'kitchen', unit_price: 1550 }; // 450 bps
const P2 = { product_id: 'B07XJ8C8F5', category: 'sports', unit_price: 2999 }; // 300 bps before 2026-10-01
const RANGE = 'from=2025-06-01&to=2025-06-07';

async function click(
  at: string,
  product: string | null,
  src: string | null,
  flags: { bot?: boolean; duplicate?: boolean; reason?: string; country?: string; marketplace?: string } = {},
) {
  await env.DB.prepare(
    `INSERT INTO clicks (click_id, at, handle, product_id, src, device, visitor_hash, is_bot, bot_reason, is_duplicate, method,
                         country, marketplace)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'v', ?7, ?8, ?9, 'GET', ?10, ?11)`,
  )
    .bind(
      uid('clk'),
      Date.parse(at),
      CAROL.handle,
      product,
      src,
      flags.bot ? 'bot' : 'mobile',
      flags.bot ? 1 : 0,
      flags.bot ? (flags.reason ?? 'crawler') : null,
      flags.duplicate ? 1 : 0,
      flags.country ?? null,
      flags.marketplace ?? null,
    )
    .run();
}

function order(
  orderedAt: string,
): (type: EventBody['type'], at: string, items: EventBody['items']) => EventBody {
  const base = placed({ order_id: uid('st'), tracking_id: CAROL.trackingId, ordered_at: orderedAt });
  return (type, at, items) => ({ ...base, type, occurred_at: at, items });
}

let carolToken = '';

beforeAll(async () => {
  const uk = { country: 'GB', marketplace: 'amazon-uk' };
  await click('2025-06-01T08:00:00Z', P1.product_id, 'ig', uk);
  await click('2025-06-01T08:10:00Z', P1.product_id, 'ig', { duplicate: true, ...uk });
  await click('2025-06-02T12:00:00Z', P2.product_id, 'tiktok', { country: 'US', marketplace: 'amazon-us' });
  await click('2025-06-03T12:00:00Z', P2.product_id, null, {
    duplicate: true,
    country: 'FR',
    marketplace: 'amazon-us',
  });
  await click('2025-06-07T23:59:59Z', null, 'ig', { country: 'GB' }); // a bio link click, no product
  await click('2025-06-02T12:00:01Z', P1.product_id, null, { bot: true, ...uk });
  await click('2025-06-03T00:00:00Z', P1.product_id, 'ig', { bot: true });
  await click('2025-06-05T00:00:00Z', null, null, { bot: true });
  // Loaded by a browser without a click: neither human nor bot.
  await click('2025-06-04T09:00:00Z', P1.product_id, null, { bot: true, reason: 'subresource:image' });
  await click('2025-06-04T09:00:01Z', P2.product_id, null, { bot: true, reason: 'prefetch' });
  await click('2025-05-31T23:59:59Z', P1.product_id, 'ig'); // outside the range
  await click('2025-06-08T00:00:00Z', P1.product_id, 'ig'); // outside the range

  const a = order('2025-06-02T10:00:00Z');
  const b = order('2025-06-06T10:00:00Z');
  const c = order('2025-06-04T10:00:00Z');
  const d = order('2025-05-30T10:00:00Z'); // placed before the range, shipped in it
  const events = [
    a('order.placed', '2025-06-02T10:00:00Z', [
      { ...P1, quantity: 2 },
      { ...P2, quantity: 1 },
    ]),
    a('order.shipped', '2025-06-03T10:00:00Z', [
      { ...P1, quantity: 2 },
      { ...P2, quantity: 1 },
    ]),
    a('order.returned', '2025-06-05T10:00:00Z', [{ ...P1, quantity: 1 }]),
    b('order.placed', '2025-06-06T10:00:00Z', [{ ...P1, quantity: 1 }]),
    c('order.placed', '2025-06-04T10:00:00Z', [{ ...P2, quantity: 1 }]),
    c('order.cancelled', '2025-06-04T11:00:00Z', [{ ...P2, quantity: 1 }]),
    d('order.placed', '2025-05-30T10:00:00Z', [{ ...P1, quantity: 1 }]),
    d('order.shipped', '2025-06-01T00:00:00Z', [{ ...P1, quantity: 1 }]),
  ];
  for (const e of events) expect((await send(e)).status).toBe(200);
  // An order in pounds (another marketplace), as the ledger records it: it must stay out of the
  // top-level (dollar) figures and show under by_currency.GBP alone (CONTRACT.md section 14).
  await env.DB.batch(
    recordedLine({
      handle: CAROL.handle,
      at: Date.parse('2025-06-03T09:00:00Z'),
      tracking_id: CAROL.trackingId,
      currency: 'GBP',
      order_id: 'gbp-order',
      quantity: 2,
      amount_minor: 900,
      revenue_minor: 20000,
      unit_price_minor: 10000,
    }),
  );
  carolToken = await createToken(CAROL.handle);
});

describe('GET /api/stats/<handle>', () => {
  it('reports clicks, orders, items, revenue and commission as the contract defines them', async () => {
    const res = await get(`/api/stats/${CAROL.handle}?${RANGE}`, carolToken);
    expect(res.status).toBe(200);
    const stats = await res.json<Stats>();
    expect(stats).toMatchObject({
      handle: CAROL.handle,
      from: '2025-06-01',
      to: '2025-06-07',
      currency: 'USD',
    });
    // human = not a bot (5); duplicate counts human clicks flagged as repeats (2), inside human;
    // an image load and a prefetch are shown apart from both.
    expect(stats.clicks).toEqual({
      human: 5,
      bot: 3,
      duplicate: 2,
      not_navigation: 2,
      by_reason: { crawler: 3, duplicate: 2, prefetch: 1, 'subresource:image': 1 },
    });
    // Orders placed in the range: a, b, c (d was placed in May).
    expect(stats.orders).toBe(3);
    // ordered: a 3 + b 1 + c 1; shipped: a 3 + d 1 (shipped 1 June); returned: a 1; cancelled: c 1.
    expect(stats.items).toEqual({ ordered: 5, shipped: 4, returned: 1, cancelled: 1 });
    // shipped 2 x 15.50 + 29.99 + 15.50, minus the 15.50 returned
    expect(stats.revenue).toBe(3100 + 2999 + 1550 - 1550);
    // pending: b 1 x P1 = 0.6975 -> 70; earned: a 140 + 90, d 70; reversed: 70; void: c 90
    expect(stats.commission).toEqual({ pending: 70, earned: 300, reversed: 70, void: 90, net: 230 });
  });

  it('gives each currency its own figures in by_currency; the top level stays the home currency (USD)', async () => {
    const stats = await (await get(`/api/stats/${CAROL.handle}?${RANGE}`, carolToken)).json<Stats>();
    expect(Object.keys(stats.by_currency).sort()).toEqual(['GBP', 'USD']);
    expect(stats.by_currency['USD']).toEqual({
      orders: stats.orders,
      items: stats.items,
      revenue: stats.revenue,
      commission: stats.commission,
    });
    expect(stats.by_currency['GBP']).toEqual({
      orders: 1,
      items: { ordered: 2, shipped: 2, returned: 0, cancelled: 0 },
      revenue: 20000,
      commission: { pending: 0, earned: 900, reversed: 0, void: 0, net: 900 },
    });
  });

  it('breaks clicks, orders and net commission down by day, product and source, summing to the totals', async () => {
    const stats = await (await get(`/api/stats/${CAROL.handle}?${RANGE}`, carolToken)).json<Stats>();
    expect(stats.by_day).toEqual([
      { date: '2025-06-01', clicks: 2, orders: 0, commission: 70 },
      { date: '2025-06-02', clicks: 1, orders: 1, commission: 0 },
      { date: '2025-06-03', clicks: 1, orders: 0, commission: 230 },
      { date: '2025-06-04', clicks: 0, orders: 1, commission: 0 },
      { date: '2025-06-05', clicks: 0, orders: 0, commission: -70 },
      { date: '2025-06-06', clicks: 0, orders: 1, commission: 0 },
      { date: '2025-06-07', clicks: 1, orders: 0, commission: 0 },
    ]);
    // P1: earned 140 (a) + 70 (d), reversed 70; P2: earned 90. Items: ordered in orders placed in the range.
    expect(stats.by_product).toEqual([
      {
        product_id: 'B00006JSUA',
        title: 'Lodge 10.25 Inch Cast Iron Skillet, Pre-Seasoned',
        clicks: 2,
        items: 3,
        commission: 140,
      },
      {
        product_id: 'B07XJ8C8F5',
        title: 'OXO Good Grips 3-Piece Stainless-Steel Mixing Bowl Set',
        clicks: 2,
        items: 2,
        commission: 90,
      },
    ]);
    expect(stats.by_src).toEqual([
      { src: 'ig', clicks: 3 },
      { src: null, clicks: 1 },
      { src: 'tiktok', clicks: 1 },
    ]);
    const sum = <T>(rows: T[], f: (r: T) => number) => rows.reduce((s, r) => s + f(r), 0);
    expect(sum(stats.by_day, (d) => d.clicks)).toBe(stats.clicks.human);
    expect(sum(stats.by_day, (d) => d.orders)).toBe(stats.orders);
    expect(sum(stats.by_day, (d) => d.commission)).toBe(stats.commission.net);
    expect(sum(stats.by_product, (p) => p.commission)).toBe(stats.commission.net);
    expect(sum(stats.by_product, (p) => p.items)).toBe(stats.items.ordered);
    expect(sum(stats.by_src, (s) => s.clicks)).toBe(stats.clicks.human);
  });

  it('breaks human clicks down by country and by marketplace (section 14), each summing to the total', async () => {
    const stats = await (await get(`/api/stats/${CAROL.handle}?${RANGE}`, carolToken)).json<Stats>();
    // Bots (the GB one included) are not counted; the bio link went to no marketplace.
    expect(stats.by_country).toEqual([
      { country: 'GB', clicks: 3 },
      { country: 'FR', clicks: 1 },
      { country: 'US', clicks: 1 },
    ]);
    // No Amazon statement covers these days: no stated items (statement-items.ts).
    const none = { ordered: 0, shipped: 0, returned: 0 };
    expect(stats.by_marketplace).toEqual([
      { marketplace: 'amazon-uk', clicks: 2, items: none },
      { marketplace: 'amazon-us', clicks: 2, items: none },
      { marketplace: null, clicks: 1, items: none },
    ]);
  });

  it("gives the admin console's row of the creator the same figures", async () => {
    const stats = await (await get(`/api/stats/${CAROL.handle}?${RANGE}`, carolToken)).json<Stats>();
    const rows = await readCreatorRows(env.DB, dayStart('2025-06-01'), dayStart('2025-06-08'));
    expect(rows.find((r) => r.handle === CAROL.handle)).toMatchObject({
      clicks: stats.clicks.human,
      orders: stats.orders,
      earned_minor: stats.commission.earned,
      reversed_minor: stats.commission.reversed,
    });
  });

  it('narrows to a single day and defaults to the last 30 days', async () => {
    const one = await (
      await get(`/api/stats/${CAROL.handle}?from=2025-06-03&to=2025-06-03`, carolToken)
    ).json<Stats>();
    expect(one.by_day).toHaveLength(1);
    expect(one.commission).toEqual({ pending: 0, earned: 230, reversed: 0, void: 0, net: 230 });
    const recent = await (await get(`/api/stats/${CAROL.handle}`, carolToken)).json<Stats>();
    expect(recent.to).toBe(utcDay(Date.now()));
    expect(recent.by_day).toHaveLength(30);
  });

  it('answers 400 naming the parameter for a bad query', async () => {
    const cases: [string, string][] = [
      ['from=2025-6-01', 'from'],
      ['to=2025-02-30', 'to'],
      ['from=2026-13-01', 'from'],
      ['to=2026-00-10', 'to'],
      ['from=2026-12-32', 'from'],
      ['from=2025-06-08&to=2025-06-07', 'from'],
      ['from=2024-01-01&to=2025-06-07', 'to'],
    ];
    for (const [query, param] of cases) {
      const res = await get(`/api/stats/${CAROL.handle}?${query}`, carolToken);
      expect(res.status, query).toBe(400);
      const body = await res.json<{ error: string; issues: { path: string; message: string }[] }>();
      expect(
        body.issues.map((i) => i.path),
        query,
      ).toEqual([param]);
    }
  });

  it('401 without or with a wrong token, 403 for another influencer, 404 for an unknown handle', async () => {
    expect((await get(`/api/stats/${CAROL.handle}`)).status).toBe(401);
    expect((await get(`/api/stats/${CAROL.handle}`)).headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await get(`/api/stats/${CAROL.handle}`, 'sft_' + 'x'.repeat(43))).status).toBe(401);
    expect((await get(`/api/stats/${CAROL.handle}`, `${env.ADMIN_TOKEN}x`)).status).toBe(401);
    expect(
      (await get(`/api/stats/${CAROL.handle}`, carolToken, { authorization: `Basic ${carolToken}` })).status,
    ).toBe(401);
    expect((await get(`/api/stats/${BOB.handle}`, carolToken)).status).toBe(403);
    expect((await get(`/api/stats/${CAROL.handle}`, env.ADMIN_TOKEN)).status).toBe(200);
    expect((await get('/api/stats/nobody-here', env.ADMIN_TOKEN)).status).toBe(404);
  });

  it('stops accepting a revoked token', async () => {
    const token = await createToken(CAROL.handle);
    expect((await get(`/api/stats/${CAROL.handle}`, token)).status).toBe(200);
    await env.DB.prepare('UPDATE api_tokens SET revoked_at = ?1 WHERE token_hash = ?2')
      .bind(Date.now(), await sha256Hex(token))
      .run();
    expect((await get(`/api/stats/${CAROL.handle}`, token)).status).toBe(401);
  });
});
