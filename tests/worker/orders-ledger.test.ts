/**
 * The ledger in D1 through the webhook: lifecycles, out-of-order arrival,
 * concurrency, rates on a date boundary, unknown categories and attribution.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ALICE, BOB, orderFigures, placed, send, uid, type EventBody } from './orders-helpers.ts';
import { expectRefusedWrite } from './stored-rows.ts';

const SPORTS = { product_id: 'B07XJ8C8F5', category: 'sports', unit_price: 2999 };
const KITCHEN = { product_id: 'B00006JSUA', category: 'kitchen', unit_price: 1550 };

function lifecycle(orderId: string): EventBody[] {
  const base = { ...placed(), order_id: orderId, ordered_at: '2026-10-05T10:00:00Z' };
  const step = (type: EventBody['type'], occurred_at: string, sports: number, kitchen = 0): EventBody => ({
    ...base,
    type,
    occurred_at,
    items: [{ ...SPORTS, quantity: sports }, ...(kitchen > 0 ? [{ ...KITCHEN, quantity: kitchen }] : [])],
  });
  return [
    step('order.placed', '2026-10-05T10:00:00Z', 3, 1),
    step('order.cancelled', '2026-10-05T22:00:00Z', 1),
    step('order.shipped', '2026-10-06T10:00:00Z', 2, 1),
    step('order.returned', '2026-10-15T10:00:00Z', 1),
  ];
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Ledger sums per key, to compare two orders' ledgers (order id aside). */
async function sums(orderId: string) {
  const { results } = await env.DB.prepare(
    `SELECT handle, product_id, bucket, effective_at, ordered_at,
            SUM(quantity) AS quantity, SUM(amount_minor) AS amount, SUM(revenue_minor) AS revenue
     FROM ledger_entries WHERE order_id = ?1
     GROUP BY handle, product_id, bucket, effective_at, ordered_at
     HAVING SUM(quantity) <> 0 OR SUM(amount_minor) <> 0 OR SUM(revenue_minor) <> 0
     ORDER BY product_id, bucket, effective_at`,
  )
    .bind(orderId)
    .all();
  return results;
}

async function sendAll(events: EventBody[]) {
  for (const e of events) expect((await send(e)).status).toBe(200);
}

describe('ledger through the webhook', () => {
  it('every arrival order of placed, partial cancel, shipped and partial return converges to the same ledger', async () => {
    const reference = uid('perm');
    await sendAll(lifecycle(reference));
    // sports 350 bps (table from 2026-10-01), kitchen 450 bps.
    expect(await orderFigures(reference)).toEqual({
      pending: 0,
      earned: 280,
      reversed: 105,
      void: 105,
      net: 175,
    });
    const expected = await sums(reference);

    const orders = permutations([0, 1, 2, 3]);
    expect(orders).toHaveLength(24);
    for (const order of orders) {
      const id = uid('perm');
      const events = lifecycle(id);
      await sendAll(order.map((i) => events[i]!));
      expect(await sums(id), order.join(',')).toEqual(expected);
    }
    // 100 webhook deliveries: generous on a loaded machine.
  }, 60_000);

  it('converges when the events of one order arrive concurrently', async () => {
    for (let round = 0; round < 5; round++) {
      const id = uid('conc');
      const responses = await Promise.all(lifecycle(id).map((e) => send(e)));
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(await orderFigures(id)).toEqual({ pending: 0, earned: 280, reversed: 105, void: 105, net: 175 });
      const { results } = await env.DB.prepare(
        'SELECT order_seq FROM order_events WHERE order_id = ?1 ORDER BY order_seq',
      )
        .bind(id)
        .all<{ order_seq: number }>();
      expect(results.map((r) => r.order_seq)).toEqual([1, 2, 3, 4]);
    }
  });

  it('applies one webhook-id once when it is delivered twice at the same moment', async () => {
    const body = placed();
    const id = uid('msg');
    const answers = await Promise.all([send(body, { id }), send(body, { id }), send(body, { id })]);
    const statuses = await Promise.all(answers.map((r) => r.json<{ status: string }>()));
    expect(statuses.map((s) => s.status).sort()).toEqual(['duplicate', 'duplicate', 'processed']);
    expect(await orderFigures(body.order_id)).toMatchObject({ pending: 112 });
  });

  it('partial shipments and returns: earned stays, each return adds a reversal', async () => {
    const id = uid('part');
    const base = { ...placed(), order_id: id, ordered_at: '2026-11-02T09:00:00Z' };
    const item = (quantity: number) => [{ ...KITCHEN, quantity }];
    await sendAll([
      { ...base, type: 'order.placed', occurred_at: '2026-11-02T09:00:00Z', items: item(5) },
      { ...base, type: 'order.shipped', occurred_at: '2026-11-03T09:00:00Z', items: item(2) },
    ]);
    // pending: 3 x 15.50 x 4.5% = 2.0925 -> 209; earned: 2 units = 1.395 -> 140
    expect(await orderFigures(id)).toEqual({ pending: 209, earned: 140, reversed: 0, void: 0, net: 140 });
    await sendAll([
      { ...base, type: 'order.shipped', occurred_at: '2026-11-04T09:00:00Z', items: item(3) },
      { ...base, type: 'order.returned', occurred_at: '2026-11-10T09:00:00Z', items: item(1) },
    ]);
    // earned: 5 units = 3.4875 -> 349; reversed: 1 unit = 0.6975 -> 70
    expect(await orderFigures(id)).toEqual({ pending: 0, earned: 349, reversed: 70, void: 0, net: 279 });
    await sendAll([{ ...base, type: 'order.returned', occurred_at: '2026-11-12T09:00:00Z', items: item(1) }]);
    // reversed: 2 units = 1.395 -> 140 (cumulative: the second return adds 70)
    expect(await orderFigures(id)).toEqual({ pending: 0, earned: 349, reversed: 140, void: 0, net: 209 });
    const { results } = await env.DB.prepare(
      "SELECT amount_minor, quantity FROM ledger_entries WHERE order_id = ?1 AND bucket = 'reversed' ORDER BY entry_id",
    )
      .bind(id)
      .all();
    expect(results).toEqual([
      { amount_minor: -70, quantity: -1 },
      { amount_minor: -70, quantity: -1 },
    ]);
  });

  it('a cancellation voids only pending quantities', async () => {
    const id = uid('void');
    const base = { ...placed(), order_id: id };
    await sendAll([
      { ...base, type: 'order.placed', items: [{ ...KITCHEN, quantity: 2 }] },
      {
        ...base,
        type: 'order.cancelled',
        occurred_at: '2026-11-03T18:00:00Z',
        items: [{ ...KITCHEN, quantity: 2 }],
      },
    ]);
    expect(await orderFigures(id)).toEqual({ pending: 0, earned: 0, reversed: 0, void: 140, net: 0 });
  });

  it('never updates or deletes ledger history', async () => {
    const id = uid('hist');
    await sendAll(lifecycle(id));
    await expectRefusedWrite('UPDATE ledger_entries SET amount_minor = 0 WHERE order_id = ?1', [id]);
    await expectRefusedWrite('DELETE FROM ledger_entries WHERE order_id = ?1', [id]);
    await expectRefusedWrite('DELETE FROM order_events WHERE order_id = ?1', [id]);
  });
});

describe('rates', () => {
  async function rateOn(
    orderedAt: string,
    category: string,
  ): Promise<{ rate_bps: number; amount_minor: number }> {
    const body = placed({
      ordered_at: orderedAt,
      occurred_at: orderedAt,
      items: [{ product_id: 'B07XJ8C8F5', category, quantity: 1, unit_price: 10_000 }],
    });
    expect((await send(body)).status).toBe(200);
    const row = await env.DB.prepare('SELECT rate_bps, amount_minor FROM ledger_entries WHERE order_id = ?1')
      .bind(body.order_id)
      .first<{ rate_bps: number; amount_minor: number }>();
    if (!row) throw new Error('no ledger entry');
    return row;
  }

  it('uses the table in force on the UTC day the order was placed (sports: 300 -> 350 on 2026-10-01)', async () => {
    expect(await rateOn('2026-09-30T23:59:59Z', 'sports')).toEqual({ rate_bps: 300, amount_minor: 300 });
    expect(await rateOn('2026-10-01T00:00:00Z', 'sports')).toEqual({ rate_bps: 350, amount_minor: 350 });
    // 17:30 on 30 September in California is 00:30 on 1 October in UTC.
    expect(await rateOn('2026-09-30T17:30:00-07:00', 'sports')).toEqual({ rate_bps: 350, amount_minor: 350 });
  });

  it('values a shipment by the rate at ordered_at, not at shipping time', async () => {
    const id = uid('rate');
    const base = { ...placed(), order_id: id, ordered_at: '2026-09-30T20:00:00Z' };
    const items = [{ ...SPORTS, unit_price: 10_000, quantity: 1 }];
    await sendAll([
      { ...base, type: 'order.placed', occurred_at: '2026-09-30T20:00:00Z', items },
      { ...base, type: 'order.shipped', occurred_at: '2026-10-02T08:00:00Z', items },
    ]);
    expect(await orderFigures(id)).toMatchObject({ pending: 0, earned: 300 });
  });

  it('gives an unknown category the table default (400 bps)', async () => {
    expect(await rateOn('2026-11-03T12:00:00Z', 'garden-furniture')).toEqual({
      rate_bps: 400,
      amount_minor: 400,
    });
  });

  it('answers 400 for an order placed before any rate table', async () => {
    const res = await send(
      placed({ ordered_at: '2019-01-01T00:00:00Z', occurred_at: '2019-01-01T00:00:00Z' }),
    );
    expect(res.status).toBe(400);
    expect((await res.json<{ issues: { path: string }[] }>()).issues[0]?.path).toBe('ordered_at');
  });
});

describe('attribution', () => {
  async function click(handle: string, at: string): Promise<string> {
    const clickId = uid('clk').padEnd(22, '0');
    await env.DB.prepare(
      `INSERT INTO clicks (click_id, at, handle, product_id, device, visitor_hash, method)
       VALUES (?1, ?2, ?3, 'B00006JSUA', 'mobile', 'test-visitor', 'GET')`,
    )
      .bind(clickId, Date.parse(at), handle)
      .run();
    return clickId;
  }

  async function attributionOf(body: EventBody) {
    expect((await send(body)).status).toBe(200);
    return env.DB.prepare(
      'SELECT attribution, attributed_click_id, attribution_note FROM order_events WHERE order_id = ?1',
    )
      .bind(body.order_id)
      .first();
  }

  it('links the order to a click of the same influencer within the window', async () => {
    const clickId = await click(ALICE.handle, '2026-11-02T14:22:10Z'); // exactly 24 h before
    expect(await attributionOf(placed({ click_id: clickId }))).toEqual({
      attribution: 'click',
      attributed_click_id: clickId,
      attribution_note: null,
    });
  });

  it("credits by tracking id alone when the click is older than the window, another influencer's, later or unknown", async () => {
    const old = await click(ALICE.handle, '2026-11-02T14:22:09Z'); // 24 h + 1 s before
    const bobs = await click(BOB.handle, '2026-11-03T14:00:00Z');
    const later = await click(ALICE.handle, '2026-11-03T14:30:00Z');
    const cases: [string | undefined, string][] = [
      [old, 'click outside the window'],
      [bobs, 'click of another influencer'],
      [later, 'click after the order'],
      ['never-logged-click-id-0', 'unknown click'],
      [undefined, 'no click id'],
    ];
    for (const [clickId, note] of cases) {
      const body = placed(clickId ? { click_id: clickId } : {});
      expect(await attributionOf(body)).toEqual({
        attribution: 'tracking_id',
        attributed_click_id: null,
        attribution_note: note,
      });
      // Commission follows the tracking id either way.
      expect(await orderFigures(body.order_id)).toMatchObject({ pending: 112 });
    }
  });
});
