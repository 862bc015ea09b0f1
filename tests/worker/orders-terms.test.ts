/**
 * Recorded order terms, who gets credited, and bounds, through the webhook and
 * the real D1: an order keeps the creator and rates it was recorded with, only
 * approved creators are credited (the answer always says what the ledger did),
 * and bad quantities are a 400 that leaves other events alone.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import programTable from '../../worker/generated/program.ts';
import { ALICE, BOB, orderFigures, placed, send, uid } from './orders-helpers.ts';
import { entryCount, expectRefusedWrite } from './stored-rows.ts';
import { KITCHEN_TERMS } from '../lib/order-terms.ts';

const KITCHEN = { product_id: 'B00006JSUA', category: 'kitchen', unit_price: 10_000 };

function trackingOf(status: string): string {
  const found = Object.values(programTable.influencers).find((i) => i.status === status);
  if (!found) throw new Error(`the sample content needs a ${status} creator`);
  return found.tracking_id;
}

const RECORDED_AT = Date.parse('2026-11-03T14:22:10Z');

/**
 * An order recorded under earlier content, written as the worker would have: its placed event
 * (one KITCHEN item at 100.00), its terms and its line's terms, and the pending ledger entry.
 */
async function recordedOrder(recorded: {
  /** Who it was credited to. */
  handle: string;
  trackingId: string;
  /** order_terms.program (null: recorded before migration 0012). */
  program: 'associate' | 'influencer' | null;
  /** The line's rate and the program its table named (null: a shared table). */
  bps: number;
  tableProgram: string | null;
}): Promise<string> {
  const orderId = uid('ord');
  const eventId = uid('msg');
  const at = RECORDED_AT;
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO order_events (event_id, source, order_id, order_seq, type, ordered_at, occurred_at, tracking_id,
         currency, items_json, status, handle, attribution, attribution_note, body, received_at)
       VALUES (?1, 'webhook', ?2, 1, 'order.placed', ?3, ?3, ?4, 'USD', ?5, 'processed', ?6, 'tracking_id', 'no click id', '{}', ?3)`,
    ).bind(
      eventId,
      orderId,
      at,
      recorded.trackingId,
      JSON.stringify([{ ...KITCHEN, quantity: 1 }]),
      recorded.handle,
    ),
    env.DB.prepare(
      `INSERT INTO order_terms (order_id, handle, tracking_id, retailer, ordered_at, program, event_id, recorded_at)
       VALUES (?1, ?2, ?3, 'amazon-us', ?4, ?5, ?6, ?4)`,
    ).bind(orderId, recorded.handle, recorded.trackingId, at, recorded.program, eventId),
    env.DB.prepare(
      `INSERT INTO order_line_terms (order_id, product_id, category, rate_bps, rate_source, rate_retailer,
         rate_effective_from, rate_program, event_id, recorded_at)
       VALUES (?1, 'B00006JSUA', 'kitchen', ?2, 'category', 'amazon-us', '2026-10-01', ?3, ?4, ?5)`,
    ).bind(orderId, recorded.bps, recorded.tableProgram, eventId, at),
    env.DB.prepare(
      `INSERT INTO ledger_entries (order_id, product_id, handle, bucket, effective_at, ordered_at, quantity,
         amount_minor, revenue_minor, currency, category, unit_price_minor, rate_bps, event_id, created_at)
       VALUES (?1, 'B00006JSUA', ?2, 'pending', ?3, ?3, 1, ?4, 10000, 'USD', 'kitchen', 10000, ?4, ?5, ?3)`,
    ).bind(orderId, recorded.handle, at, recorded.bps, eventId),
  ]);
  return orderId;
}

describe('recorded order terms', () => {
  it('records the credited creator and each line with its rate and rate table when the order is first recorded', async () => {
    const body = placed({ items: [{ ...KITCHEN, quantity: 2 }] });
    expect((await send(body)).status).toBe(200);
    const order = await env.DB.prepare('SELECT * FROM order_terms WHERE order_id = ?1')
      .bind(body.order_id)
      .first();
    expect(order).toMatchObject({
      handle: ALICE.handle,
      tracking_id: ALICE.trackingId,
      retailer: 'amazon-us',
    });
    const lines = await env.DB.prepare('SELECT * FROM order_line_terms WHERE order_id = ?1')
      .bind(body.order_id)
      .all();
    expect(lines.results).toEqual([expect.objectContaining({ product_id: 'B00006JSUA', ...KITCHEN_TERMS })]);
  });

  it('values later events with the stored terms, not with what content says today', async () => {
    // An order recorded under earlier content: credited to BOB at 1234 bps, although its tracking id is ALICE's today.
    const orderId = await recordedOrder({
      handle: BOB.handle,
      trackingId: ALICE.trackingId,
      program: null,
      bps: 1234,
      tableProgram: null,
    });
    const shipped = placed({
      type: 'order.shipped',
      order_id: orderId,
      occurred_at: '2026-11-05T09:00:00Z',
      items: [{ ...KITCHEN, quantity: 1 }],
    });
    const res = await send(shipped);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'processed' });
    expect(await orderFigures(orderId)).toMatchObject({ pending: 0, earned: 1234 });
    const handles = await env.DB.prepare('SELECT DISTINCT handle FROM ledger_entries WHERE order_id = ?1')
      .bind(orderId)
      .all();
    expect(handles.results).toEqual([{ handle: BOB.handle }]);
  });

  it('rates a line first seen later with the program the order was credited under, not the one in content today', async () => {
    // Kitchen: 450 bps from the shared table (influencers), 300 from the associates' own table.
    const associate = inject('associateHandles')[0];
    const associateTracking = associate && programTable.influencers[associate]?.tracking_id;
    if (!associate || !associateTracking) throw new Error('the sample content needs an approved associate');
    const shared = { bps: 450, program: null };
    const associates = { bps: 300, program: 'associate' };
    const cases = [
      // ALICE is an influencer today; her order was credited while she was an associate.
      { name: 'recorded associate', member: ALICE, program: 'associate', table: associates },
      // Recorded before migration 0012: the program is read back from the line's table.
      { name: 'before 0012, associate table', member: ALICE, program: null, table: associates },
      // An associate today, whose order was credited while an influencer (the shared table names no program).
      {
        name: 'before 0012, shared table',
        member: { handle: associate, trackingId: associateTracking },
        program: null,
        table: shared,
      },
    ] as const;
    for (const c of cases) {
      const orderId = await recordedOrder({
        ...c.member,
        program: c.program,
        bps: c.table.bps,
        tableProgram: c.table.program,
      });
      const shipped = placed({
        type: 'order.shipped',
        order_id: orderId,
        tracking_id: c.member.trackingId,
        occurred_at: '2026-11-05T09:00:00Z',
        items: [
          { ...KITCHEN, quantity: 1 },
          { product_id: 'B0NEWLINE1', category: 'kitchen', quantity: 1, unit_price: 10_000 },
        ],
      });
      const res = await send(shipped);
      expect(res.status, c.name).toBe(200);
      const line = await env.DB.prepare(
        "SELECT rate_bps, rate_program FROM order_line_terms WHERE order_id = ?1 AND product_id = 'B0NEWLINE1'",
      )
        .bind(orderId)
        .first();
      expect(line, c.name).toEqual({ rate_bps: c.table.bps, rate_program: c.table.program });
      expect((await orderFigures(orderId)).earned, c.name).toBe(2 * c.table.bps);
    }
    // A new order records the program it is credited under.
    const fresh = placed();
    expect((await send(fresh)).status).toBe(200);
    const terms = await env.DB.prepare('SELECT program FROM order_terms WHERE order_id = ?1')
      .bind(fresh.order_id)
      .first();
    expect(terms).toEqual({ program: 'influencer' });
  });

  it('refuses to edit or delete recorded terms', async () => {
    const body = placed();
    expect((await send(body)).status).toBe(200);
    await expectRefusedWrite("UPDATE order_terms SET handle = 'someone' WHERE order_id = ?1", [
      body.order_id,
    ]);
    await expectRefusedWrite('DELETE FROM order_line_terms WHERE order_id = ?1', [body.order_id]);
  });
});

describe('who gets credited', () => {
  it('202 unattributed for applied and suspended creators, with nothing in the ledger, like an unknown id', async () => {
    for (const status of ['applied', 'suspended']) {
      const body = placed({ tracking_id: trackingOf(status) });
      const res = await send(body);
      expect(res.status, status).toBe(202);
      expect(await res.json()).toEqual({ status: 'unattributed' });
      expect(await entryCount(body.order_id)).toBe(0);
      const row = await env.DB.prepare('SELECT status, handle FROM order_events WHERE order_id = ?1')
        .bind(body.order_id)
        .first();
      expect(row).toEqual({ status: 'unattributed', handle: null });
    }
  });
});

describe('bounds', () => {
  it('400 naming the item when a line would pass 10,000 of one kind; the order and other events are unaffected', async () => {
    const base = placed({ items: [{ ...KITCHEN, quantity: 1000 }] });
    for (let i = 0; i < 10; i++)
      expect((await send({ ...base, occurred_at: `2026-11-03T15:0${i}:00Z` })).status).toBe(200);
    const before = await orderFigures(base.order_id);
    const res = await send({
      ...base,
      occurred_at: '2026-11-03T16:00:00Z',
      items: [{ ...KITCHEN, quantity: 1 }],
    });
    expect(res.status).toBe(400);
    const body = await res.json<{ issues: { path: string; message: string }[] }>();
    expect(body.issues).toEqual([
      { path: 'items[0].quantity', message: expect.stringContaining('at most 10000 per line') },
    ]);
    expect(await orderFigures(base.order_id)).toEqual(before);
    // Shipping is another kind: still room.
    expect((await send({ ...base, type: 'order.shipped', occurred_at: '2026-11-04T10:00:00Z' })).status).toBe(
      200,
    );
    // Other orders are untouched.
    expect((await send(placed())).status).toBe(200);
  });

  it('400 with issues for quantity, unit price and item count outside the documented bounds', async () => {
    const items = Array.from({ length: 101 }, (_, i) => ({
      ...KITCHEN,
      product_id: `B0${String(i).padStart(8, '0')}`,
      quantity: 1,
    }));
    const cases: [object, string][] = [
      [{ items: [{ ...KITCHEN, quantity: 1001 }] }, 'items[0].quantity'],
      [{ items: [{ ...KITCHEN, quantity: 1, unit_price: 100_000_000_001 }] }, 'items[0].unit_price'],
      [{ items }, 'items'],
    ];
    for (const [override, path] of cases) {
      const res = await send({ ...placed(), ...override });
      expect(res.status, path).toBe(400);
      const body = await res.json<{ issues: { path: string }[] }>();
      expect(body.issues.map((i) => i.path)).toContain(path);
    }
  });

  it('a cancellation after shipping voids nothing, and a return never exceeds what shipped', async () => {
    const base = placed({ items: [{ ...KITCHEN, quantity: 2 }] });
    const at = (type: typeof base.type, occurred_at: string, quantity: number) =>
      send({ ...base, type, occurred_at, items: [{ ...KITCHEN, quantity }] });
    expect((await at('order.placed', '2026-11-03T14:22:10Z', 2)).status).toBe(200);
    expect((await at('order.shipped', '2026-11-04T10:00:00Z', 2)).status).toBe(200);
    expect((await at('order.cancelled', '2026-11-05T10:00:00Z', 2)).status).toBe(200);
    expect((await at('order.returned', '2026-11-06T10:00:00Z', 3)).status).toBe(200);
    // 2 x 100.00 x 4.5% = 9.00 earned, all of it returned, nothing voided.
    expect(await orderFigures(base.order_id)).toEqual({
      pending: 0,
      earned: 900,
      reversed: 900,
      void: 0,
      net: 0,
    });
  });
});
