import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IncomingEvent } from '../../../domain/orders/apply.ts';
import type { OrderEvent } from '../../../domain/orders/event.ts';
import {
  commissionFigures,
  deriveTargets,
  sumEntries,
  type LedgerSum,
} from '../../../domain/orders/ledger.ts';
import { createMemoryLedger } from '../../../domain/orders/memory-ledger.ts';
import { termsOf } from '../../../domain/orders/terms.ts';
import { DAY_MS, HOUR_MS } from '../../../domain/time.ts';
import {
  event,
  fixtureProgram,
  permutations,
  T0,
  withAllRates,
  withProgram,
  withStatus,
  withTrackingId,
} from './helpers.ts';

const program = fixtureProgram();
const SPORTS = { product_id: 'B000TEST02', category: 'sports', unit_price: 2999 };
const KITCHEN = { product_id: 'B000TEST01', category: 'kitchen', unit_price: 1550 };

/** Placed 3 + 1, a partial cancel, a partial shipment, then a partial return. */
const FOUR = [
  event('e1-placed', 'order.placed', T0, [
    { ...SPORTS, quantity: 3 },
    { ...KITCHEN, quantity: 1 },
  ]),
  event('e2-cancel', 'order.cancelled', T0 + 12 * HOUR_MS, [{ ...SPORTS, quantity: 1 }]),
  event('e3-shipped', 'order.shipped', T0 + DAY_MS, [
    { ...SPORTS, quantity: 2 },
    { ...KITCHEN, quantity: 1 },
  ]),
  event('e4-return', 'order.returned', T0 + 10 * DAY_MS, [{ ...SPORTS, quantity: 1 }]),
];

function sorted(sums: LedgerSum[]): LedgerSum[] {
  return [...sums].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function replay(events: readonly IncomingEvent[]) {
  const ledger = createMemoryLedger(program);
  for (const e of events) {
    ledger.apply([e]);
    // After every application the ledger equals the targets of what it has seen.
    const seen = ledger.events.map((row) => events.find((x) => x.event_id === row.event_id)!);
    expect(sorted(sumEntries(ledger.entries))).toEqual(
      sorted(deriveTargets(seen, termsOf(seen, program))?.targets ?? []),
    );
  }
  return ledger;
}

describe('ledger derivation', () => {
  it("values an associate's order at the associate table, the same order of an influencer at the shared one", () => {
    const placed = (tracking_id: string) =>
      replay([event(`p-${tracking_id}`, 'order.placed', T0, [{ ...KITCHEN, quantity: 2 }], { tracking_id })]);
    const associate = placed('deereviews-20');
    const influencer = placed('anacooks-20');
    // 2 x 15.50 on 2026-10-05: associates 300 bps (their own 2026-10-01 table) -> 93; influencers 450 -> 139.5 -> 140.
    expect(associate.entries.map((e) => [e.handle, e.rate_bps, e.amount_minor])).toEqual([
      ['dee-reviews', 300, 93],
    ]);
    expect(influencer.entries.map((e) => [e.handle, e.rate_bps, e.amount_minor])).toEqual([
      ['ana-cooks', 450, 140],
    ]);
    // The frozen line terms name the table used, with its program (null: a shared table).
    const table = (l: (typeof associate.lineTerms)[number]) => [l.rate_effective_from, l.rate_program];
    expect(associate.lineTerms.map(table)).toEqual([['2026-10-01', 'associate']]);
    expect(influencer.lineTerms.map(table)).toEqual([['2026-10-01', null]]);
  });

  it('gives the contract figures for a placed, partly cancelled, shipped, partly returned order', () => {
    const ledger = replay(FOUR);
    const figures = commissionFigures(sumEntries(ledger.entries));
    // sports on 2026-10-05: 350 bps (the 2026-10-01 table); kitchen 450 bps.
    // earned: 2 x 29.99 x 3.5% = 2.0993 -> 210, plus 15.50 x 4.5% = 0.6975 -> 70
    // void: 1 x 29.99 x 3.5% = 1.04965 -> 105; reversed: the same for one returned unit.
    expect(figures).toEqual({ pending: 0, earned: 280, reversed: 105, void: 105, net: 175 });
    const quantities = Object.fromEntries(
      ['pending', 'earned', 'reversed', 'void'].map((b) => [
        b,
        ledger.entries.filter((e) => e.bucket === b).reduce((s, e) => s + e.quantity, 0),
      ]),
    );
    expect(quantities).toEqual({ pending: 0, earned: 3, reversed: -1, void: 1 });
  });

  it('keeps history: placing makes entries pending and shipping moves them by new entries, never edits', () => {
    const ledger = createMemoryLedger(program);
    ledger.apply([FOUR[0]!]);
    const afterPlaced = structuredClone(ledger.entries);
    expect(commissionFigures(afterPlaced)).toMatchObject({ pending: 315 + 70, earned: 0 }); // 3 x 29.99 x 3.5% = 314.895
    ledger.apply([FOUR[2]!]);
    expect(ledger.entries.slice(0, afterPlaced.length)).toEqual(afterPlaced);
    const moved = ledger.entries.slice(afterPlaced.length);
    expect(moved.every((e) => e.event_id === 'e3-shipped')).toBe(true);
    expect(commissionFigures(sumEntries(ledger.entries))).toMatchObject({ pending: 105, earned: 280 });
  });

  it('converges to identical figures for every arrival order of the four events', () => {
    const reference = sorted(sumEntries(replay(FOUR).entries));
    const orders = permutations(FOUR);
    expect(orders).toHaveLength(24);
    for (const order of orders) {
      const final = sorted(sumEntries(replay(order).entries));
      expect(final, order.map((e) => e.event_id).join(' ')).toEqual(reference);
    }
  });

  it('dates each figure by its own event, so payout months do not depend on arrival order', () => {
    const sums = sumEntries(replay([...FOUR].reverse()).entries);
    const at = (bucket: string) => [
      ...new Set(sums.filter((s) => s.bucket === bucket).map((s) => s.effective_at)),
    ];
    expect(at('earned')).toEqual([T0 + DAY_MS]);
    expect(at('void')).toEqual([T0 + 12 * HOUR_MS]);
    expect(at('reversed')).toEqual([T0 + 10 * DAY_MS]);
  });

  it('splits shipments with cumulative rounding: the total is the commission of the total quantity', () => {
    // 1 x 0.05 x 450 bps = 0.00225 each: per-part rounding would give 0 + 0 + 0.
    const cheap = { product_id: 'B000TEST01', category: 'kitchen', unit_price: 5 };
    const ledger = replay([
      event('p', 'order.placed', T0, [{ ...cheap, quantity: 300 }]),
      ...[1, 2, 3].map((n) =>
        event(`s${n}`, 'order.shipped', T0 + n * DAY_MS, [{ ...cheap, quantity: 100 }]),
      ),
    ]);
    // 300 x 5 x 450 / 10000 = 67.5 -> 68
    expect(commissionFigures(sumEntries(ledger.entries)).earned).toBe(68);
  });

  it('values every bucket at the placed event price when events disagree, whatever arrives first', () => {
    const placed = event('p', 'order.placed', T0, [{ ...KITCHEN, quantity: 1, unit_price: 2000 }]);
    const shipped = event('s', 'order.shipped', T0 + DAY_MS, [{ ...KITCHEN, quantity: 1, unit_price: 1900 }]);
    for (const order of [
      [placed, shipped],
      [shipped, placed],
    ]) {
      const sums = sumEntries(replay(order).entries);
      expect(commissionFigures(sums).earned).toBe(90); // 20.00 x 4.5%
      expect(sums.find((s) => s.bucket === 'earned')?.revenue_minor).toBe(2000);
    }
  });

  it('uses the default rate for an unknown category', () => {
    const ledger = replay([
      event('p', 'order.placed', T0, [{ product_id: 'X1', category: 'garden', unit_price: 10_000 }]),
    ]);
    expect(ledger.entries[0]).toMatchObject({ category: 'garden', rate_bps: 400, amount_minor: 400 });
  });

  it('applies the rate table in force on the UTC day the order was placed', () => {
    const at = (iso: string) => {
      const t = Date.parse(iso);
      const ledger = replay([
        event(`p-${iso}`, 'order.placed', t, [{ ...SPORTS, unit_price: 10_000 }], { ordered_at: t }),
      ]);
      return ledger.entries[0]?.rate_bps;
    };
    expect(at('2026-09-30T23:59:59.999Z')).toBe(300);
    expect(at('2026-10-01T00:00:00Z')).toBe(350);
    // 2026-09-30 17:30 in California is already 2026-10-01 in UTC.
    expect(at('2026-09-30T17:30:00-07:00')).toBe(350);
  });

  it('keeps no ledger for an unknown tracking id, and stores the event as unattributed', () => {
    const ledger = createMemoryLedger(program);
    const outcomes = ledger.apply([event('u', 'order.placed', T0, [KITCHEN], { tracking_id: 'nobody-20' })]);
    expect(outcomes.get('u')).toBe('unattributed');
    expect(ledger.events[0]).toMatchObject({ status: 'unattributed', handle: null });
    expect(ledger.entries).toEqual([]);
  });

  it('credits only approved creators: applied and suspended tracking ids are unattributed like unknown ones', () => {
    const ledger = createMemoryLedger(program);
    const outcomes = ledger.apply([
      event('c', 'order.placed', T0, [KITCHEN], { tracking_id: 'cypaused-20', order_id: 'O-C' }),
      event('b', 'order.placed', T0, [KITCHEN], { tracking_id: 'benapplies-20', order_id: 'O-B' }),
    ]);
    expect([outcomes.get('c'), outcomes.get('b')]).toEqual(['unattributed', 'unattributed']);
    expect(ledger.events.map((e) => [e.status, e.handle])).toEqual([
      ['unattributed', null],
      ['unattributed', null],
    ]);
    expect(ledger.entries).toEqual([]);
    expect(ledger.orderTerms).toEqual([]);
  });

  it("keeps crediting an order recorded while its creator was approved after the creator's suspension", () => {
    const ledger = createMemoryLedger(program);
    ledger.apply([event('p', 'order.placed', T0, [KITCHEN], { tracking_id: 'anacooks-20' })]);
    const suspended = withStatus(program, 'ana-cooks', 'suspended');
    expect(ledger.apply([event('s', 'order.shipped', T0 + DAY_MS, [KITCHEN])], suspended).get('s')).toBe(
      'processed',
    );
    expect(ledger.events.map((e) => e.handle)).toEqual(['ana-cooks', 'ana-cooks']);
    expect(commissionFigures(sumEntries(ledger.entries))).toMatchObject({ earned: 70, pending: 0 });
  });

  it('voids only quantities not yet shipped and never reverses more than shipped', () => {
    const ledger = replay([
      event('p', 'order.placed', T0, [{ ...KITCHEN, quantity: 2 }]),
      event('s', 'order.shipped', T0 + DAY_MS, [{ ...KITCHEN, quantity: 2 }]),
      event('c', 'order.cancelled', T0 + 2 * DAY_MS, [{ ...KITCHEN, quantity: 2 }]),
      event('r', 'order.returned', T0 + 3 * DAY_MS, [{ ...KITCHEN, quantity: 5 }]),
    ]);
    const figures = commissionFigures(sumEntries(ledger.entries));
    // 2 x 15.50 x 4.5% = 1.395 -> 140 earned, all of it returned, nothing voided.
    expect(figures).toEqual({ pending: 0, earned: 140, reversed: 140, void: 0, net: 0 });
  });

  it('applies an event id once; a second delivery is a duplicate with no effect', () => {
    const ledger = createMemoryLedger(program);
    ledger.apply([FOUR[0]!]);
    const before = structuredClone(ledger.entries);
    const again = { ...FOUR[2]!, event_id: FOUR[0]!.event_id };
    expect(ledger.apply([again]).get(FOUR[0]!.event_id)).toBe('duplicate');
    expect(ledger.entries).toEqual(before);
  });
});

// ---------------------------------------------------------------- property

const PRODUCTS = [
  { product_id: 'P1', category: 'sports', unit_price: 2999 },
  { product_id: 'P2', category: 'kitchen', unit_price: 1 },
  { product_id: 'P3', category: 'garden', unit_price: 123_457 },
];
const TYPES: OrderEvent['type'][] = ['order.placed', 'order.shipped', 'order.cancelled', 'order.returned'];

const arbitraryEvent = fc.record({
  type: fc.constantFrom(...TYPES),
  offsetHours: fc.integer({ min: 0, max: 24 * 60 }),
  lines: fc.uniqueArray(
    fc.record({ product: fc.integer({ min: 0, max: 2 }), quantity: fc.integer({ min: 1, max: 7 }) }),
    {
      minLength: 1,
      maxLength: 3,
      selector: (l) => l.product,
    },
  ),
  price: fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: undefined }),
});

const arbitraryOrder = fc.array(arbitraryEvent, { minLength: 1, maxLength: 7 }).map((specs) =>
  specs.map((s, i) =>
    event(
      `ev-${i}`,
      s.type,
      T0 + s.offsetHours * HOUR_MS,
      s.lines.map((l) => ({
        ...PRODUCTS[l.product]!,
        quantity: l.quantity,
        unit_price: s.price ?? PRODUCTS[l.product]!.unit_price,
      })),
    ),
  ),
);

describe('ledger convergence (property)', () => {
  it('any arrival order, with redeliveries, ends at the targets of the set of events', () => {
    fc.assert(
      fc.property(
        arbitraryOrder.chain((events) =>
          fc.tuple(
            fc.constant(events),
            fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
            fc.shuffledSubarray(events, { minLength: 0, maxLength: events.length }),
          ),
        ),
        ([events, arrival, redelivered]) => {
          const inOrder = createMemoryLedger(program);
          for (const e of events) inOrder.apply([e]);
          const shuffled = createMemoryLedger(program);
          for (const e of [...arrival, ...redelivered]) shuffled.apply([e]);

          const want = sorted(deriveTargets(events, termsOf(events, program))?.targets ?? []);
          expect(sorted(sumEntries(inOrder.entries))).toEqual(want);
          expect(sorted(sumEntries(shuffled.entries))).toEqual(want);
          expect(shuffled.events).toHaveLength(events.length);

          // The figures follow the contract's definitions from the quantities alone.
          const figures = commissionFigures(sumEntries(shuffled.entries));
          expect(figures.pending).toBeGreaterThanOrEqual(0);
          expect(figures.net).toBe(figures.earned - figures.reversed);
          for (const p of PRODUCTS) {
            const qty = (type: OrderEvent['type']) =>
              events
                .filter((e) => e.event.type === type)
                .flatMap((e) => e.event.items)
                .filter((i) => i.product_id === p.product_id)
                .reduce((s, i) => s + i.quantity, 0);
            const line = sumEntries(shuffled.entries).filter((s) => s.product_id === p.product_id);
            const q = (bucket: string) =>
              line.filter((s) => s.bucket === bucket).reduce((s, x) => s + x.quantity, 0);
            expect(q('pending')).toBe(
              Math.max(0, qty('order.placed') - qty('order.shipped') - qty('order.cancelled')),
            );
            expect(q('earned')).toBe(qty('order.shipped'));
            // A cancellation voids only what was placed and not shipped; a return never exceeds what shipped.
            expect(q('void')).toBe(
              Math.min(qty('order.cancelled'), Math.max(0, qty('order.placed') - qty('order.shipped'))),
            );
            expect(q('reversed')).toBe(0 - Math.min(qty('order.returned'), qty('order.shipped')));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the whole batch at once gives the same ledger as one event at a time', () => {
    fc.assert(
      fc.property(arbitraryOrder, (events) => {
        const batch = createMemoryLedger(program);
        batch.apply(events);
        const single = createMemoryLedger(program);
        for (const e of events) single.apply([e]);
        expect(sorted(sumEntries(batch.entries))).toEqual(sorted(sumEntries(single.entries)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('recorded terms (property)', () => {
  const edits = [
    withAllRates(program, 9_000),
    withStatus(program, 'ana-cooks', 'suspended'),
    withTrackingId(program, 'ben-applies', 'anacooks-20'),
  ];

  it('content edits after an order and its lines are recorded never move or revalue them, in any arrival order', () => {
    fc.assert(
      fc.property(
        arbitraryOrder.chain((events) =>
          fc.tuple(
            fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
            fc.nat(),
            fc.constantFrom(...edits),
          ),
        ),
        ([arrival, extra, edited]) => {
          // The edit lands once every line has been recorded (a line first seen later gets the rate in force then).
          const products = new Set(arrival.flatMap((e) => e.event.items.map((i) => i.product_id)));
          let split = 0;
          const seen = new Set<string>();
          while (seen.size < products.size)
            for (const i of arrival[split++]!.event.items) seen.add(i.product_id);
          split += extra % (arrival.length - split + 1);

          const unchanged = createMemoryLedger(program);
          for (const e of arrival) unchanged.apply([e]);
          const changed = createMemoryLedger(program);
          for (const e of arrival.slice(0, split)) changed.apply([e]);
          for (const e of arrival.slice(split)) changed.apply([e], edited);

          expect(sorted(sumEntries(changed.entries))).toEqual(sorted(sumEntries(unchanged.entries)));
          expect(changed.events.map((e) => [e.event_id, e.status, e.handle])).toEqual(
            unchanged.events.map((e) => [e.event_id, e.status, e.handle]),
          );
          expect(changed.lineTerms).toEqual(unchanged.lineTerms);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('moving the member to another program after the order is credited never revalues it, even lines first seen after the move', () => {
    // ana-cooks is an influencer (kitchen 450 bps); as an associate the fixture's own table gives 300.
    const moved = withProgram(program, 'ana-cooks', 'associate');
    fc.assert(
      fc.property(
        arbitraryOrder.chain((events) =>
          fc.tuple(
            fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
            fc.integer({ min: 1, max: events.length }),
          ),
        ),
        ([arrival, split]) => {
          const unchanged = createMemoryLedger(program);
          for (const e of arrival) unchanged.apply([e]);
          const changed = createMemoryLedger(program);
          for (const e of arrival.slice(0, split)) changed.apply([e]);
          for (const e of arrival.slice(split)) changed.apply([e], moved);

          expect(changed.orderTerms.map((t) => t.program)).toEqual(['influencer']);
          expect(sorted(sumEntries(changed.entries))).toEqual(sorted(sumEntries(unchanged.entries)));
          expect(changed.lineTerms).toEqual(unchanged.lineTerms);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('records the credited creator once, and each line with its rate and the table it came from', () => {
    const ledger = replay(FOUR);
    expect(ledger.orderTerms).toEqual([
      expect.objectContaining({ order_id: 'ORDER-1', handle: 'ana-cooks', tracking_id: 'anacooks-20' }),
    ]);
    expect(
      ledger.lineTerms.map((l) => [l.product_id, l.rate_bps, l.rate_retailer, l.rate_effective_from]),
    ).toEqual([
      ['B000TEST02', 350, 'amazon-us', '2026-10-01'],
      ['B000TEST01', 450, 'amazon-us', '2026-10-01'],
    ]);
    expect(ledger.lineTerms.every((l) => l.rate_program === null && l.event_id === 'e1-placed')).toBe(true);
  });
});

describe('bounds', () => {
  it('refuses an event that would take a line past 10,000 of one kind, naming the item, and stores nothing', () => {
    const ledger = createMemoryLedger(program);
    const many = Array.from({ length: 10 }, (_, i) =>
      event(`p${i}`, 'order.placed', T0 + i, [{ ...KITCHEN, quantity: 1000 }]),
    );
    for (const e of many) expect(ledger.apply([e]).get(e.event_id)).toBe('processed');
    const over = event('p-over', 'order.placed', T0 + 99, [
      { ...SPORTS, quantity: 1 },
      { ...KITCHEN, quantity: 1 },
    ]);
    const outcome = ledger.apply([over]).get('p-over');
    expect(outcome).toEqual({
      status: 'rejected',
      issues: [{ path: 'items[1].quantity', message: expect.stringContaining('at most 10000 per line') }],
    });
    expect(ledger.events).toHaveLength(10);
    // Other kinds of the same line still have room.
    expect(
      ledger.apply([event('s', 'order.shipped', T0 + DAY_MS, [{ ...KITCHEN, quantity: 1000 }])]).get('s'),
    ).toBe('processed');
  });
});
