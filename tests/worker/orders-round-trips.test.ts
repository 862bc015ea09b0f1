/**
 * One round trip to D1 per order event where the state is known (worker/orders/store.ts,
 * issue 26): a new order's placement and the later events of an order this isolate
 * remembers go out as one guarded write batch, with the same ledger as planning on a
 * fresh read; a remembered state that is no longer what D1 holds never lands a write.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { IncomingEvent } from '../../domain/orders/apply.ts';
import { parseOrderEvent } from '../../domain/orders/event.ts';
import { withMarketplace } from '../../domain/orders/marketplace.ts';
import { program } from '../../worker/orders/program.ts';
import { forget, recall, remember } from '../../worker/orders/recent-orders.ts';
import { applyEvents, readRecentOrder } from '../../worker/orders/store.ts';
import type { RecentOrder } from '../../worker/orders/recent-orders.ts';
import { orderFigures, placed, uid, type EventBody } from './orders-helpers.ts';

interface Counted {
  db: D1Database;
  batches: number[];
}

/** The real D1, counting each batch and its statements. */
function counted(): Counted {
  const out: Counted = { db: env.DB, batches: [] };
  out.db = new Proxy(env.DB, {
    get(target, key) {
      if (key === 'batch')
        return (statements: D1PreparedStatement[]) => {
          out.batches.push(statements.length);
          return target.batch(statements);
        };
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return out;
}

function incoming(body: EventBody | Record<string, unknown>, id = uid('msg')): IncomingEvent {
  const parsed = parseOrderEvent(body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const market = withMarketplace(parsed.event, program.table);
  if (!market.ok) throw new Error(JSON.stringify(market.issues));
  return {
    event_id: id,
    source: 'webhook',
    body: JSON.stringify(body),
    received_at: Date.now(),
    event: market.event,
  };
}

/** Placed 2, shipped 2, one returned: the bench's order. */
function lifecycle(orderId: string): EventBody[] {
  const base = placed({
    order_id: orderId,
    items: [{ product_id: 'B00006JSUA', category: 'kitchen', quantity: 2, unit_price: 2499 }],
  });
  const item = (quantity: number) => [{ ...base.items[0]!, quantity }];
  return [
    base,
    { ...base, type: 'order.shipped', occurred_at: '2026-11-04T10:00:00Z' },
    { ...base, type: 'order.returned', occurred_at: '2026-11-08T10:00:00Z', items: item(1) },
  ];
}

async function ledgerRows(orderId: string) {
  const { results } = await env.DB.prepare(
    `SELECT product_id, handle, bucket, effective_at, ordered_at, quantity, amount_minor, revenue_minor, rate_bps
     FROM ledger_entries WHERE order_id = ?1 ORDER BY entry_id`,
  )
    .bind(orderId)
    .all();
  return results;
}

async function eventSeqs(orderId: string) {
  const { results } = await env.DB.prepare(
    'SELECT event_id, order_seq FROM order_events WHERE order_id = ?1 ORDER BY order_seq',
  )
    .bind(orderId)
    .all<{ event_id: string; order_seq: number }>();
  return results;
}

describe('order events in one round trip', () => {
  it('a remembered order costs one batch an event and books the same ledger as a fresh read', async () => {
    const fast = counted();
    const slow = counted();
    const fastOrder = uid('ord');
    const slowOrder = uid('ord');
    for (const [i, body] of lifecycle(fastOrder).entries()) {
      const outcome = await applyEvents(fast.db, program, [incoming(body)]);
      expect([...outcome.values()]).toEqual(['processed']);
      const twin = { ...lifecycle(slowOrder)[i]!, order_id: slowOrder };
      forget([slowOrder]);
      // Not remembered and (after the placement) not a placement: read first, then write.
      const read = await applyEvents(slow.db, program, [incoming(twin)]);
      expect([...read.values()]).toEqual(['processed']);
    }
    // placed: event, order terms, line terms, entries; shipped and returned: event, entries.
    expect(fast.batches).toEqual([4, 2, 2]);
    // The placement is predicted (a new order) even when forgotten; the others read first.
    expect(slow.batches).toEqual([4, 1, 2, 1, 2]);
    expect(await ledgerRows(fastOrder)).toEqual(await ledgerRows(slowOrder));
    expect(await orderFigures(fastOrder)).toEqual(await orderFigures(slowOrder));
    expect(recall(fastOrder)?.stored.map((e) => e.order_seq)).toEqual([1, 2, 3]);
  });

  it('a remembered state another writer moved on from fails as a whole and is planned again', async () => {
    const orderId = uid('ord');
    const [place, ship, ret] = lifecycle(orderId);
    await applyEvents(env.DB, program, [incoming(place!)]);
    const afterPlacement = recall(orderId)!;
    await applyEvents(env.DB, program, [incoming(ship!)]);
    // The isolate's memory goes back to before the shipment (as if another isolate had shipped it).
    forget([orderId]);
    remember(orderId, afterPlacement);
    const c = counted();
    const outcome = await applyEvents(c.db, program, [incoming(ret!)]);
    expect([...outcome.values()]).toEqual(['processed']);
    // The guessed write (planned on no shipment: the return books nothing, the event alone) failed
    // on the taken seq 2 and left nothing; then a read and the real write (event and reversal).
    expect(c.batches).toEqual([1, 1, 2]);
    expect((await eventSeqs(orderId)).map((e) => e.order_seq)).toEqual([1, 2, 3]);
    // The same ledger as an order whose events all went the plain way.
    const twin = uid('ord');
    for (const body of lifecycle(twin)) await applyEvents(env.DB, program, [incoming(body)]);
    expect(await ledgerRows(orderId)).toEqual(await ledgerRows(twin));
  });

  it('never writes after an event D1 does not hold (a remembered event lost, e.g. a restore)', async () => {
    const orderId = uid('ord');
    const ghost = uid('ord');
    const [place] = lifecycle(ghost);
    await applyEvents(env.DB, program, [incoming(place!)]);
    // Remembered for orderId: one placed event D1 never stored for it.
    const remembered = recall(ghost)!;
    remember(orderId, {
      ...remembered,
      stored: remembered.stored.map((e) => ({ ...e, event: { ...e.event, order_id: orderId } })),
      terms: remembered.terms && {
        ...remembered.terms,
        order: { ...remembered.terms.order, order_id: orderId },
      },
    });
    const ship = { ...lifecycle(orderId)[1]! };
    const c = counted();
    const shipId = uid('msg');
    const outcome = await applyEvents(c.db, program, [incoming(ship, shipId)]);
    expect([...outcome.values()]).toEqual(['processed']);
    // Guarded write refused (its previous event is not there), then read and plan on what is there.
    expect(c.batches).toEqual([2, 1, 4]);
    expect(await eventSeqs(orderId)).toEqual([{ event_id: shipId, order_seq: 1 }]);
    // What D1 holds replaces the wrong memory.
    expect(recall(orderId)?.stored.map((e) => e.event_id)).toEqual([shipId]);
    // The ledger of a shipment alone, as an order never remembered books it: no pending never placed.
    const twin = uid('ord');
    await applyEvents(env.DB, program, [incoming({ ...lifecycle(twin)[1]! })]);
    expect(await ledgerRows(orderId)).toEqual(await ledgerRows(twin));
    expect(await orderFigures(orderId)).toMatchObject({ pending: 0 });
  });

  it('remembers after each write exactly what a fresh read of the order finds', async () => {
    // A marketplace named (the memory must not keep the event's `marketplace` field: a row has
    // none), an item with the retailer's own commission, a category written in capitals.
    const orderId = uid('ord');
    const base = {
      ...placed({ order_id: orderId, tracking_id: 'milacooks-21', currency: 'GBP' }),
      marketplace: 'amazon-uk',
      items: [
        { product_id: 'B00006JSUA', category: 'Kitchen', quantity: 2, unit_price: 2499 },
        {
          product_id: 'B07FZ8S74R',
          category: 'home',
          quantity: 1,
          unit_price: 1250,
          reported_commission_minor: 60,
        },
      ],
    };
    const bodies = [
      base,
      { ...base, type: 'order.shipped', occurred_at: '2026-11-04T10:00:00Z' },
      {
        ...base,
        type: 'order.returned',
        occurred_at: '2026-11-08T10:00:00Z',
        items: [{ ...base.items[1], reported_commission_minor: 60 }],
      },
    ];
    /** Sums in one order (a read groups them, the memory keeps them as booked). */
    const comparable = (state: RecentOrder | undefined) =>
      state && {
        ...state,
        sums: [...state.sums].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      };
    for (const body of bodies) {
      const c = counted();
      expect([...(await applyEvents(c.db, program, [incoming(body)])).values()]).toEqual(['processed']);
      // Planned on the memory (one write batch), and what it remembers is what D1 now holds.
      expect(c.batches).toHaveLength(1);
      expect(comparable(recall(orderId))).toEqual(comparable(await readRecentOrder(env.DB, orderId)));
    }
    expect(recall(orderId)?.stored.map((e) => [e.order_seq, e.event.type, e.event.retailer])).toEqual([
      [1, 'order.placed', 'amazon-uk'],
      [2, 'order.shipped', 'amazon-uk'],
      [3, 'order.returned', 'amazon-uk'],
    ]);
    expect(recall(orderId)?.terms?.lines.size).toBe(2);
  });

  it('answers a repeated event as a duplicate and books it once', async () => {
    const orderId = uid('ord');
    const [place] = lifecycle(orderId);
    const id = uid('msg');
    expect([...(await applyEvents(env.DB, program, [incoming(place!, id)])).values()]).toEqual(['processed']);
    const before = await ledgerRows(orderId);
    // Remembered: answered from a read. Forgotten: the guessed write fails on the id.
    expect([...(await applyEvents(env.DB, program, [incoming(place!, id)])).values()]).toEqual(['duplicate']);
    forget([orderId]);
    const c = counted();
    expect([...(await applyEvents(c.db, program, [incoming(place!, id)])).values()]).toEqual(['duplicate']);
    expect(c.batches).toEqual([4, 1]);
    expect(await ledgerRows(orderId)).toEqual(before);
  });
});
