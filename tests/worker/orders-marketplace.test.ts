/**
 * Webhook order events carry their marketplace (CONTRACT.md section 14): optional `marketplace`,
 * default the home marketplace of the event's retailer; the currency must be the marketplace's
 * (422 otherwise, nothing stored); the event is rated and stored as the marketplace's.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { parseOrderEvent } from '../../domain/orders/event.ts';
import { withMarketplace } from '../../domain/orders/marketplace.ts';
import { programFromTable } from '../../domain/orders/program-table.ts';
import { ingest } from '../../worker/orders/ingest.ts';
import { program } from '../../worker/orders/program.ts';
import { forget } from '../../worker/orders/recent-orders.ts';
import { orderFigures, placed, send, uid, type EventBody } from './orders-helpers.ts';

const facts = inject('marketplaceFacts');
const member = facts.members.find((m) => m.trackingIds['amazon-uk']);
const home = facts.retailers.find((r) => r.group === 'amazon');
if (!member || !home)
  throw new Error('the sample content needs an amazon group and a member with a UK tracking id');
const ukTrackingId = member.trackingIds['amazon-uk']!;
const { handle: memberHandle } = member;
const { id: homeId } = home;

type Problem = { error: string; issues: { path: string; message: string }[] };

/** The event row stored for an order, or null. */
async function stored(orderId: string) {
  return env.DB.prepare('SELECT retailer, currency, status, handle FROM order_events WHERE order_id = ?1')
    .bind(orderId)
    .first<{ retailer: string; currency: string; status: string; handle: string | null }>();
}

const ukEvent = (overrides: Partial<EventBody> & { marketplace?: string } = {}) =>
  placed({ order_id: uid('uk'), tracking_id: ukTrackingId, currency: 'GBP', ...overrides });

describe('POST /webhooks/orders with a marketplace', () => {
  it("stores an amazon-uk event in GBP as the marketplace's, credited to the member of its UK tracking id", async () => {
    const event = { ...ukEvent(), marketplace: 'amazon-uk' };
    const res = await send(event);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'processed' });
    expect(await stored(event.order_id)).toEqual({
      retailer: 'amazon-uk',
      currency: 'GBP',
      status: 'processed',
      handle: member.handle,
    });
    const { results } = await env.DB.prepare(
      'SELECT DISTINCT currency FROM ledger_entries WHERE order_id = ?1',
    )
      .bind(event.order_id)
      .all<{ currency: string }>();
    expect(results).toEqual([{ currency: 'GBP' }]);
  });

  it("422 for a currency that is not the marketplace's, named; nothing stored", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { ...ukEvent({ currency: 'USD' }), marketplace: 'amazon-uk' },
        'must be GBP, the currency of marketplace amazon-uk',
      ],
      // No marketplace: the home one, and its currency.
      [
        { ...ukEvent({ currency: 'EUR' }) },
        `must be ${home.currency}, the currency of marketplace ${home.id} (the home marketplace of ${home.id}; name another with "marketplace")`,
      ],
    ];
    for (const [event, message] of cases) {
      const res = await send(event as unknown as EventBody);
      expect(res.status).toBe(422);
      const body = await res.json<Problem>();
      expect(body).toEqual({
        error: 'order event not in its marketplace',
        issues: [{ path: 'currency', message }],
      });
      expect(await stored(String(event['order_id']))).toBeNull();
    }
  });

  it('422 for a marketplace that is not one of the retailer group, named', async () => {
    const event = { ...ukEvent(), marketplace: 'amazon-jp' };
    const res = await send(event as unknown as EventBody);
    expect(res.status).toBe(422);
    const body = await res.json<Problem>();
    expect(body.issues).toEqual([
      {
        path: 'marketplace',
        message: expect.stringMatching(
          new RegExp(`^"amazon-jp" is not a marketplace of ${home.id} \\(known: ${home.id}, amazon-uk`),
        ),
      },
    ]);
    expect(await stored(event.order_id)).toBeNull();
  });

  it("refuses a later event of an order in another marketplace, naming both; the order's entries stay in one currency", async () => {
    const first = { ...ukEvent(), marketplace: 'amazon-uk' };
    expect((await send(first)).status).toBe(200);
    // The member's home tracking id: an id of the home marketplace, so only the order's own rule refuses it.
    const elsewhere = placed({
      order_id: first.order_id,
      type: 'order.shipped',
      occurred_at: '2026-11-04T09:00:00Z',
      tracking_id: member.trackingId,
    });
    const res = await send(elsewhere);
    expect(res.status).toBe(400); // refused for what is stored, as the line bounds are
    expect((await res.json<Problem>()).issues).toEqual([
      {
        path: 'retailer',
        message: `order ${first.order_id} is in amazon-uk (GBP); this event names ${home.id} (${home.currency}): an order's events stay in its marketplace`,
      },
    ]);
    const { results } = await env.DB.prepare(
      'SELECT DISTINCT currency FROM ledger_entries WHERE order_id = ?1',
    )
      .bind(first.order_id)
      .all<{ currency: string }>();
    expect(results).toEqual([{ currency: 'GBP' }]);
  });

  it('keeps a home-marketplace event as before: USD, no marketplace named', async () => {
    const event = placed({ order_id: uid('us'), tracking_id: member.trackingId });
    expect((await send(event)).status).toBe(200);
    expect(await stored(event.order_id)).toMatchObject({ retailer: home.id, currency: 'USD' });
  });
});

describe("POST /webhooks/orders judges the tracking id's marketplace as the imports do", () => {
  // A marketplace of the group other than the home one and amazon-uk.
  const other = facts.retailers.find((r) => r.group === 'amazon' && r.id !== home.id && r.id !== 'amazon-uk');
  const ledgerRows = async (orderId: string) =>
    (
      await env.DB.prepare('SELECT COUNT(*) AS n FROM ledger_entries WHERE order_id = ?1')
        .bind(orderId)
        .first<{ n: number }>()
    )?.n;

  it('422 other_marketplace for a tracking id known only at another marketplace, naming tracking_id; nothing stored', async () => {
    const cases: [EventBody & { marketplace?: string }, RegExp][] = [
      // The UK id in a home-marketplace event (USD): amazon-uk's sales would be credited in dollars.
      [
        ukEvent({ currency: 'USD' }),
        new RegExp(
          `^"${ukTrackingId}" is a tracking id of amazon-uk, not of ${home.id} \\(the marketplace of this event\\): ` +
            `send it as an event of amazon-uk \\("marketplace"\\), or, if its member uses it at ${home.id} too, ` +
            `record it there in content \\(tracking_ids\\.${home.id}\\)$`,
        ),
      ],
      // The UK id in an event of another marketplace than the home one (in its currency).
      ...(other
        ? [
            [
              { ...ukEvent({ currency: other.currency }), marketplace: other.id },
              new RegExp(`^"${ukTrackingId}" is a tracking id of amazon-uk, not of ${other.id} `),
            ] as [EventBody & { marketplace?: string }, RegExp],
          ]
        : []),
    ];
    for (const [event, message] of cases) {
      const res = await send(event);
      expect(res.status, event.tracking_id).toBe(422);
      expect(await res.json<Problem>()).toEqual({
        error: 'order event not in its marketplace',
        issues: [{ path: 'tracking_id', message: expect.stringMatching(message) }],
      });
      expect(await stored(event.order_id)).toBeNull();
      expect(await ledgerRows(event.order_id)).toBe(0);
    }
  });

  it("still credits a tracking id at its own marketplace, a home id at any of its group's (links tag it there), and keeps an unknown one unattributed (202)", async () => {
    for (const event of [
      { ...ukEvent(), marketplace: 'amazon-uk' },
      // Links tag a product at a marketplace where its member has no id with the home id.
      { ...ukEvent({ tracking_id: member.trackingId }), marketplace: 'amazon-uk' },
    ]) {
      const res = await send(event);
      expect(res.status, event.tracking_id).toBe(200);
      expect(await res.json()).toEqual({ status: 'processed' });
      expect(await stored(event.order_id)).toMatchObject({ retailer: 'amazon-uk', handle: member.handle });
      expect(await ledgerRows(event.order_id)).toBeGreaterThan(0);
    }

    for (const event of [
      { ...ukEvent({ tracking_id: uid('nobody') }), marketplace: 'amazon-uk' },
      placed({ order_id: uid('us'), tracking_id: uid('nobody') }),
    ]) {
      const unknown = await send(event);
      expect(unknown.status).toBe(202);
      expect(await unknown.json()).toEqual({ status: 'unattributed' });
      expect(await stored(event.order_id)).toMatchObject({ status: 'unattributed', handle: null });
      expect(await ledgerRows(event.order_id)).toBe(0);
    }
  });
});

describe("the tracking id's marketplace is a rule of the event that decides an order's credit", () => {
  /**
   * The program as it stood when the order was placed: content then recorded the member's UK id
   * at the home marketplace too (a later edit narrowed it), so the webhook credited it in USD.
   */
  function programBefore() {
    const table = structuredClone(program.table);
    const credit = table.credit.find((m) => m.handle === memberHandle);
    if (!credit) throw new Error(`no ${memberHandle} in the program table`);
    credit.tracking_ids = { ...credit.tracking_ids, [homeId]: ukTrackingId };
    return programFromTable(table);
  }

  it('answers a redelivery 200 duplicate and books the later events of an order stored before, whatever its tracking id', async () => {
    const first = placed({ order_id: uid('legacy'), tracking_id: ukTrackingId, currency: 'USD' });
    const firstId = uid('msg');
    const parsed = parseOrderEvent(JSON.parse(JSON.stringify(first)));
    const market = parsed.ok ? withMarketplace(parsed.event, program.table) : null;
    if (!market?.ok) throw new Error('the placed event does not read');
    const before = await ingest(env.DB, programBefore(), {
      event_id: firstId,
      source: 'webhook',
      body: JSON.stringify(first),
      received_at: Date.now(),
      event: market.event,
    });
    expect(before).toBe('processed');
    // A new order with the same id today is refused: the rule holds for first events.
    expect((await send({ ...first, order_id: uid('new') })).status).toBe(422);

    // The sender redelivers the stored event (its answer lost): duplicate, as CONTRACT section 4 says.
    const again = await send(first, { id: firstId });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate' });

    const shipped = await send({ ...first, type: 'order.shipped', occurred_at: '2026-11-05T10:00:00Z' });
    expect(shipped.status).toBe(200);
    expect(await shipped.json()).toEqual({ status: 'processed' });
    const earned = await orderFigures(first.order_id);
    expect(earned.earned).toBeGreaterThan(0);

    // The return is booked: the commission paid on the returned order is reversed.
    const returned = await send({ ...first, type: 'order.returned', occurred_at: '2026-11-20T10:00:00Z' });
    expect(returned.status).toBe(200);
    expect(await returned.json()).toEqual({ status: 'processed' });
    const after = await orderFigures(first.order_id);
    expect(after.reversed).toBe(earned.earned);
    expect(after.net).toBe(0);

    // Sent as the other marketplace, the event is refused by the order's pinned marketplace (400).
    const moved = await send({
      ...first,
      type: 'order.returned',
      occurred_at: '2026-11-21T10:00:00Z',
      currency: 'GBP',
      marketplace: 'amazon-uk',
    } as EventBody);
    expect(moved.status).toBe(400);
    expect(await orderFigures(first.order_id)).toEqual(after);
  });

  /** The program as it stood before content knew the member's UK id at all: its orders were unattributed. */
  function programWithoutUkId() {
    const table = structuredClone(program.table);
    const other = ([, id]: [string, string]) => id.toLowerCase() !== ukTrackingId.toLowerCase();
    for (const i of Object.values(table.influencers))
      if (i.tracking_ids) i.tracking_ids = Object.fromEntries(Object.entries(i.tracking_ids).filter(other));
    for (const m of table.credit) {
      if (m.tracking_ids) m.tracking_ids = Object.fromEntries(Object.entries(m.tracking_ids).filter(other));
      if (m.history)
        m.history = m.history.filter((e) => e.tracking_id?.toLowerCase() !== ukTrackingId.toLowerCase());
    }
    return programFromTable(table);
  }

  it("refuses 422 the event that would credit a stored uncredited order by its head's id, now another marketplace's; the order stays uncredited", async () => {
    const first = placed({ order_id: uid('open'), tracking_id: ukTrackingId, currency: 'USD' });
    const firstId = uid('msg');
    const parsed = parseOrderEvent(JSON.parse(JSON.stringify(first)));
    const market = parsed.ok ? withMarketplace(parsed.event, program.table) : null;
    if (!market?.ok) throw new Error('the placed event does not read');
    const before = await ingest(env.DB, programWithoutUkId(), {
      event_id: firstId,
      source: 'webhook',
      body: JSON.stringify(first),
      received_at: Date.now(),
      event: market.event,
    });
    expect(before).toBe('unattributed');
    const shipped = { ...first, type: 'order.shipped' as const, occurred_at: '2026-11-05T10:00:00Z' };
    // Planned on what this isolate remembers of the order, then from a fresh read: the same answer.
    for (const remembered of [true, false]) {
      if (!remembered) forget([first.order_id]);
      const res = await send(shipped);
      expect(res.status, `remembered: ${remembered}`).toBe(422);
      expect(await res.json<Problem>()).toEqual({
        error: 'order event not in its marketplace',
        issues: [
          {
            path: 'tracking_id',
            message: expect.stringMatching(
              `^"${ukTrackingId}", the tracking id of order ${first.order_id}'s placed event stored before, ` +
                `which this event would credit the order by, is a tracking id of amazon-uk, not of ${homeId}`,
            ),
          },
        ],
      });
    }
    // The redelivered placed event stays a duplicate; the order keeps its one event, no terms, no money.
    const again = await send(first, { id: firstId });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    const rows = await env.DB.prepare(
      `SELECT (SELECT COUNT(*) FROM order_events WHERE order_id = ?1) AS events,
              (SELECT COUNT(*) FROM order_terms WHERE order_id = ?1) AS terms,
              (SELECT COUNT(*) FROM ledger_entries WHERE order_id = ?1) AS entries`,
    )
      .bind(first.order_id)
      .first();
    expect(rows).toEqual({ events: 1, terms: 0, entries: 0 });
    expect(await stored(first.order_id)).toMatchObject({ status: 'unattributed', handle: null });
  });

  it('refuses a first event of a new order 422 however it arrives after a refused one, nothing stored', async () => {
    const event = ukEvent({ currency: 'USD' });
    for (let i = 0; i < 2; i++) {
      const res = await send(event, { id: `${event.order_id}-msg` });
      expect(res.status).toBe(422);
      expect((await res.json<Problem>()).issues.map((x) => x.path)).toEqual(['tracking_id']);
    }
    expect(await stored(event.order_id)).toBeNull();
  });

  it("refuses 422 a placed event with another marketplace's id arriving after an unattributed shipment: it would be the head the credit goes to", async () => {
    const event = ukEvent({ currency: 'USD' });
    const shipment = await send({
      ...event,
      type: 'order.shipped',
      tracking_id: uid('nobody'),
      occurred_at: '2026-11-05T10:00:00Z',
    });
    expect(shipment.status).toBe(202);
    const res = await send(event);
    expect(res.status).toBe(422);
    expect(await res.json<Problem>()).toEqual({
      error: 'order event not in its marketplace',
      issues: [
        {
          path: 'tracking_id',
          message: expect.stringMatching(`^"${ukTrackingId}" is a tracking id of amazon-uk`),
        },
      ],
    });
    // Only the shipment is stored, credited to nobody: no dollars for the member's UK id.
    expect(await stored(event.order_id)).toMatchObject({ status: 'unattributed', handle: null });
    expect(await orderFigures(event.order_id)).toMatchObject({ pending: 0, earned: 0, net: 0 });
    const terms = await env.DB.prepare('SELECT COUNT(*) AS n FROM order_terms WHERE order_id = ?1')
      .bind(event.order_id)
      .first<{ n: number }>();
    expect(terms?.n).toBe(0);
  });
});
