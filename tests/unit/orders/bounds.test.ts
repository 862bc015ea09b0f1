/**
 * Exact bounds (CONTRACT.md section 12, last bullet): a rate-table commission never
 * exceeds its line's revenue; sums of money are checked, never rounded; events that
 * would take a line's figures out of bounds are refused before anything is stored.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMinor, MoneyRangeError, sumMinor } from '../../../domain/money.ts';
import {
  lineCommission,
  MAX_LINE_AMOUNT_MINOR,
  MAX_LINE_QUANTITY,
  MAX_QUANTITY,
  MAX_UNIT_PRICE_MINOR,
} from '../../../domain/orders/commission.ts';
import { createMemoryLedger } from '../../../domain/orders/memory-ledger.ts';
import { DAY_MS } from '../../../domain/time.ts';
import { event, fixtureProgram, T0 } from './helpers.ts';

const program = fixtureProgram();
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Any line the ledger admits: a price, a quantity and a rate, up to their bounds. */
const anyLine = fc.tuple(
  fc.integer({ min: 0, max: MAX_UNIT_PRICE_MINOR }),
  fc.integer({ min: 0, max: MAX_LINE_QUANTITY }),
  fc.integer({ min: 0, max: 10_000 }),
);

describe('a rate-table commission never exceeds its line revenue', () => {
  it('for any price, quantity and rate (property)', () => {
    fc.assert(
      fc.property(anyLine, ([price, quantity, bps]) => {
        const c = lineCommission(price, quantity, bps);
        expect(Number.isSafeInteger(c)).toBe(true);
        expect(BigInt(c) <= BigInt(price) * BigInt(quantity)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(lineCommission(1, 1, 10_000)).toBe(1);
    expect(lineCommission(1, 1, 9_999)).toBe(1);
    expect(lineCommission(1, 1, 4_999)).toBe(0);
  });
});

describe('checked sums of minor units', () => {
  it('addMinor and sumMinor equal the exact (BigInt) sum, or refuse when it leaves the safe range (property)', () => {
    const amount = fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 52),
      fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    );
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 30 }), (values) => {
        const exact = values.reduce((s, v) => s + BigInt(v), 0n);
        const safe = exact <= SAFE && exact >= -SAFE;
        if (safe) expect(sumMinor(values)).toBe(Number(exact));
        else expect(() => sumMinor(values)).toThrow(MoneyRangeError);
        const [a = 0, b = 0] = values;
        const pair = BigInt(a) + BigInt(b);
        if (pair <= SAFE && pair >= -SAFE) expect(addMinor(a, b)).toBe(Number(pair));
        else expect(() => addMinor(a, b)).toThrow(MoneyRangeError);
      }),
      { numRuns: 2000 },
    );
    expect(() => addMinor(0.5, 1)).toThrow(MoneyRangeError);
  });
});

describe('reported commission is bounded per line over all events', () => {
  it('100 events of a $0.01 item reporting 10^14 each: refused once the line would pass its bound, figures stay safe', () => {
    const ledger = createMemoryLedger(program);
    const item = { product_id: 'B000PENNY1', category: 'kitchen', unit_price: 1, quantity: 1 };
    ledger.apply([event('placed', 'order.placed', T0, [{ ...item, quantity: 100 }])]);
    const outcomes = [];
    for (let i = 0; i < 100; i++) {
      const shipped = event(`ship-${i}`, 'order.shipped', T0 + DAY_MS + i, [
        { ...item, reported_commission_minor: MAX_UNIT_PRICE_MINOR * MAX_QUANTITY },
      ]);
      outcomes.push(ledger.apply([shipped]).get(`ship-${i}`));
    }
    const accepted = outcomes.filter((o) => o === 'processed').length;
    expect(accepted).toBe(
      Number(BigInt(MAX_LINE_AMOUNT_MINOR) / BigInt(MAX_UNIT_PRICE_MINOR * MAX_QUANTITY)),
    );
    expect(outcomes.at(-1)).toMatchObject({
      status: 'rejected',
      issues: [{ path: 'items[0].reported_commission_minor' }],
    });
    const earned = sumMinor(ledger.entries.filter((e) => e.bucket === 'earned').map((e) => e.amount_minor));
    expect(earned).toBeLessThanOrEqual(MAX_LINE_AMOUNT_MINOR);
    // Refused events left nothing behind.
    expect(ledger.events.filter((e) => e.type === 'order.shipped')).toHaveLength(accepted);
  });

  it('any sequence of events keeps every ledger figure and every running sum a safe integer (property)', () => {
    const part = fc.record({
      type: fc.constantFrom('order.shipped', 'order.returned', 'order.cancelled') as fc.Arbitrary<
        'order.shipped' | 'order.returned' | 'order.cancelled'
      >,
      quantity: fc.integer({ min: 1, max: MAX_QUANTITY }),
      unit_price: fc.constantFrom(0, 1, 999, MAX_UNIT_PRICE_MINOR),
      reported: fc.option(fc.integer({ min: 0, max: MAX_UNIT_PRICE_MINOR * MAX_QUANTITY }), {
        nil: undefined,
      }),
    });
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 40 }), (parts) => {
        const ledger = createMemoryLedger(program);
        const first = parts[0]!;
        ledger.apply([
          event('p', 'order.placed', T0, [
            { product_id: 'B000BOUND1', quantity: MAX_QUANTITY, unit_price: first.unit_price },
          ]),
        ]);
        parts.forEach((p, i) =>
          ledger.apply([
            event(`e${i}`, p.type, T0 + DAY_MS + i, [
              {
                product_id: 'B000BOUND1',
                quantity: p.quantity,
                unit_price: first.unit_price,
                ...(p.reported === undefined ? {} : { reported_commission_minor: p.reported }),
              },
            ]),
          ]),
        );
        for (const e of ledger.entries) {
          expect(Number.isSafeInteger(e.amount_minor)).toBe(true);
          expect(Math.abs(e.amount_minor)).toBeLessThanOrEqual(MAX_LINE_AMOUNT_MINOR);
          expect(Math.abs(e.revenue_minor)).toBeLessThanOrEqual(MAX_LINE_AMOUNT_MINOR);
        }
        // The whole ledger of the line sums without leaving the safe range.
        expect(() => sumMinor(ledger.entries.map((e) => e.amount_minor))).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });
});
