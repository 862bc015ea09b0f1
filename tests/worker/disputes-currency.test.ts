/**
 * A dispute of an order the store knows is at that order's marketplace, and its credit in the
 * order's recorded currency (domain/disputes/rules.ts filingMarketplace, creditCurrency), through
 * the real worker and D1: a USD order disputed as amazon-uk is refused (422 "marketplace"), an
 * amazon-ca order filed without a marketplace is at amazon-ca and credited in CAD, a dispute filed
 * before its order arrived (or before this rule) is never credited in another currency than the
 * order's, and an order the store does not know still files where the member can be credited.
 * Storage is this file's own.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, post } from './disputes-helpers.ts';
import type { AdminDispute, Dispute } from '../../domain/disputes/rules.ts';
import { memberIndex } from '../../domain/orders/payouts.ts';
import { addDays, utcDay } from '../../domain/time.ts';
import { program } from '../../worker/orders/program.ts';
import { ALICE, createToken, placed, send, uid } from './orders-helpers.ts';

const admin = env.ADMIN_TOKEN;
const table = program.table;
const today = utcDay(Date.now());
const nowIso = new Date().toISOString();
const HOME = table.retailers[table.default_retailer]?.home ?? table.default_retailer;

const filing = (order_id: string, marketplace?: string) => ({
  order_id,
  order_date: addDays(today, -1),
  products: 'Cast-iron skillet',
  note: 'Commission missing.',
  ...(marketplace === undefined ? {} : { marketplace }),
});

/**
 * An order placed and shipped now through the signed webhook, at `marketplace` in its currency
 * (200; 202 for a tracking id of no member: stored unattributed).
 */
async function shipped(
  orderId: string,
  marketplace: string,
  { trackingId = ALICE.trackingId, status = 200 } = {},
): Promise<void> {
  const currency = table.retailers[marketplace]?.currency;
  const order = {
    ...placed({ order_id: orderId, tracking_id: trackingId, ordered_at: nowIso, occurred_at: nowIso }),
    currency,
    marketplace,
  };
  expect((await send(JSON.stringify(order))).status).toBe(status);
  expect((await send(JSON.stringify({ ...order, type: 'order.shipped' }))).status).toBe(status);
}

const fileAs = (body: ReturnType<typeof filing>) => post(`/api/disputes/${ALICE.handle}`, alice, body);
const credit = (id: number, body: Record<string, unknown>) =>
  post(`/api/admin/disputes/${id}/credit`, admin, { note: 'found it', ...body });

async function listed(id: number): Promise<AdminDispute | undefined> {
  const res = await call('/api/admin/disputes?state=all&limit=5000', admin);
  expect(res.status).toBe(200);
  return (await res.json<{ disputes: AdminDispute[] }>()).disputes.find((d) => d.dispute_id === id);
}

let alice = '';
beforeAll(async () => {
  alice = await createToken(ALICE.handle);
  // The sample program these sequences need: a USD home, a GBP and a CAD marketplace in its group.
  expect([HOME, table.retailers[HOME]?.currency]).toEqual(['amazon-us', 'USD']);
  expect(table.retailers['amazon-uk']?.currency).toBe('GBP');
  expect(table.retailers['amazon-ca']?.currency).toBe('CAD');
});

describe("a known order's dispute is at its marketplace", () => {
  it('refuses amazon-uk for an amazon-us (USD) order (422 "marketplace" naming amazon-us); without one it is amazon-us', async () => {
    const orderId = uid('us-order');
    await shipped(orderId, 'amazon-us');
    const res = await fileAs(filing(orderId, 'amazon-uk'));
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      error: 'invalid dispute: marketplace',
      issues: [
        {
          path: 'marketplace',
          message: `order ${orderId} is recorded at amazon-us (USD): name amazon-us or leave the marketplace out`,
        },
      ],
    });
    const ok = await fileAs(filing(orderId));
    expect(ok.status).toBe(201);
    const d = await ok.json<Dispute>();
    expect(d.marketplace).toBe('amazon-us');
    expect(await listed(d.dispute_id)).toMatchObject({
      marketplace: 'amazon-us',
      recorded_marketplace: 'amazon-us',
      recorded_currency: 'USD',
      recorded_handle: ALICE.handle,
    });
    const gbp = await credit(d.dispute_id, { amount_minor: 500, currency: 'GBP', top_up: true });
    expect(gbp.status).toBe(422);
    const usd = await credit(d.dispute_id, { amount_minor: 500, top_up: true });
    expect(usd.status).toBe(201);
    expect((await usd.json<Dispute>()).decision).toMatchObject({ amount_minor: 500, currency: 'USD' });
  });

  it('files an amazon-ca order without a marketplace at amazon-ca and credits it in CAD; refuses the home', async () => {
    const orderId = uid('ca-order');
    await shipped(orderId, 'amazon-ca');
    const home = await fileAs(filing(orderId, HOME));
    expect(home.status).toBe(422);
    expect((await home.json<{ issues: { path: string; message: string }[] }>()).issues).toEqual([
      {
        path: 'marketplace',
        message: `order ${orderId} is recorded at amazon-ca (CAD): name amazon-ca or leave the marketplace out`,
      },
    ]);
    const res = await fileAs(filing(orderId));
    expect(res.status).toBe(201);
    const d = await res.json<Dispute>();
    expect(d.marketplace).toBe('amazon-ca');
    // Naming it is the same filing (a resent form), answered with the stored dispute.
    expect((await fileAs(filing(orderId, 'amazon-ca'))).status).toBe(200);
    const res2 = await credit(d.dispute_id, { amount_minor: 700, top_up: true });
    expect(res2.status).toBe(201);
    expect((await res2.json<Dispute>()).decision).toMatchObject({ amount_minor: 700, currency: 'CAD' });
  });

  it('takes the marketplace of an order the store holds only as unattributed events', async () => {
    const orderId = uid('de-order');
    await shipped(orderId, 'amazon-de', { trackingId: 'nobody-at-all-20', status: 202 });
    const res = await fileAs(filing(orderId));
    expect(res.status).toBe(201);
    expect((await res.json<Dispute>()).marketplace).toBe('amazon-de');
    expect((await fileAs(filing(uid('other'), 'amazon-de'))).status).toBe(201);
  });
});

describe("a credit is in the order's recorded currency, whatever was filed", () => {
  it('refuses to credit a dispute filed at amazon-uk before its amazon-us order arrived, unless sent in USD', async () => {
    const orderId = uid('late-order');
    // The store does not know the order yet: the member's word stands (a creditable marketplace).
    const res = await fileAs(filing(orderId, 'amazon-uk'));
    expect(res.status).toBe(201);
    const d = await res.json<Dispute>();
    expect(d.marketplace).toBe('amazon-uk');
    await shipped(orderId, 'amazon-us');
    const row = await listed(d.dispute_id);
    expect(row).toMatchObject({
      marketplace: 'amazon-uk',
      recorded_marketplace: 'amazon-us',
      recorded_currency: 'USD',
    });
    // The reviewers' sequence: a credit without a currency would have been 500 pence on a USD order.
    const bare = await credit(d.dispute_id, { amount_minor: 500, top_up: true });
    expect(bare.status).toBe(422);
    expect(await bare.json()).toEqual({
      error: 'invalid credit: currency',
      issues: [
        {
          path: 'currency',
          message: `must be USD, the currency order ${orderId} is recorded in at amazon-us (dispute ${d.dispute_id} names amazon-uk, in GBP: send currency USD)`,
        },
      ],
    });
    expect((await credit(d.dispute_id, { amount_minor: 500, currency: 'GBP', top_up: true })).status).toBe(
      422,
    );
    expect((await listed(d.dispute_id))?.state).toBe('open');
    const usd = await credit(d.dispute_id, { amount_minor: 500, currency: 'USD', top_up: true });
    expect(usd.status).toBe(201);
    expect((await usd.json<Dispute>()).decision).toMatchObject({ amount_minor: 500, currency: 'USD' });
  });

  it('refuses to credit a stored dispute that names the wrong marketplace (filed before this rule)', async () => {
    const orderId = uid('old-dispute');
    await shipped(orderId, 'amazon-ca');
    const member = memberIndex(table).idOf(ALICE.handle);
    const inserted = await env.DB.prepare(
      `INSERT INTO disputes (member_id, handle, order_id, order_day, products, note, marketplace, filed_at)
       VALUES (?1, ?2, ?3, ?4, 'Skillet', 'Missing.', 'amazon-us', ?5) RETURNING dispute_id`,
    )
      .bind(member, ALICE.handle, orderId, addDays(today, -1), Date.now())
      .first<{ dispute_id: number }>();
    const id = inserted?.dispute_id ?? 0;
    const res = await credit(id, { amount_minor: 500, top_up: true });
    expect(res.status).toBe(422);
    expect((await res.json<{ issues: { path: string }[] }>()).issues.map((i) => i.path)).toEqual([
      'currency',
    ]);
    const cad = await credit(id, { amount_minor: 500, currency: 'CAD', top_up: true });
    expect(cad.status).toBe(201);
    expect((await cad.json<Dispute>()).decision).toMatchObject({ currency: 'CAD' });
  });

  it('still files an unknown order at a creditable marketplace and credits it in that currency', async () => {
    const res = await fileAs(filing(uid('unknown'), 'amazon-uk'));
    expect(res.status).toBe(201);
    const d = await res.json<Dispute>();
    expect(await listed(d.dispute_id)).toMatchObject({
      marketplace: 'amazon-uk',
      recorded_marketplace: null,
      recorded_currency: null,
    });
    expect((await credit(d.dispute_id, { amount_minor: 100, currency: 'USD' })).status).toBe(422);
    const ok = await credit(d.dispute_id, { amount_minor: 100 });
    expect(ok.status).toBe(201);
    expect((await ok.json<Dispute>()).decision).toMatchObject({ currency: 'GBP' });
    const bad = await fileAs(filing(uid('unknown'), 'no-such-market'));
    expect(bad.status).toBe(422);
  });
});
