import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineCommission, MAX_QUANTITY } from '../../../domain/orders/commission.ts';
import { MAX_MINOR } from '../../../domain/money.ts';

/** Half-up rounding of n / 10000 by an independent route: the exact rational compared with its floor. */
function exactHalfUp(unit: bigint, quantity: bigint, bps: bigint): bigint {
  const numerator = unit * quantity * bps;
  const floor = numerator / 10_000n;
  const remainder = numerator - floor * 10_000n; // the fractional part is remainder / 10000
  return 2n * remainder >= 10_000n ? floor + 1n : floor;
}

describe('lineCommission', () => {
  it('is unit price x quantity x rate / 10000, rounded half up', () => {
    expect(lineCommission(2999, 2, 350)).toBe(210); // 209.93
    expect(lineCommission(2999, 1, 350)).toBe(105); // 104.965
    expect(lineCommission(1550, 1, 450)).toBe(70); // 69.75
    expect(lineCommission(100, 1, 50)).toBe(1); // 0.5 exactly: half goes up
    expect(lineCommission(100, 1, 49)).toBe(0); // 0.49
    expect(lineCommission(1, 1, 5000)).toBe(1); // 0.5
    expect(lineCommission(3, 1, 5000)).toBe(2); // 1.5
    expect(lineCommission(0, 5, 1000)).toBe(0);
    expect(lineCommission(2499, 3, 0)).toBe(0);
    expect(lineCommission(MAX_MINOR, MAX_QUANTITY, 10_000)).toBe(MAX_MINOR * MAX_QUANTITY);
  });

  it('equals the exact rational rounded half up, for any valid line', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_MINOR }),
        fc.integer({ min: 0, max: MAX_QUANTITY }),
        fc.integer({ min: 0, max: 10_000 }),
        (unit, quantity, bps) => {
          const got = lineCommission(unit, quantity, bps);
          expect(BigInt(got)).toBe(exactHalfUp(BigInt(unit), BigInt(quantity), BigInt(bps)));
          // Within half a minor unit of the exact value, and never a float artefact.
          expect(Number.isSafeInteger(got)).toBe(true);
          const error = BigInt(got) * 10_000n - BigInt(unit) * BigInt(quantity) * BigInt(bps);
          expect(error >= -5_000n && error <= 5_000n).toBe(true);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('rounds ties up for prices that make exact halves', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (k) => {
        // unit x 5000 / 10000 = unit / 2: an exact half whenever unit is odd.
        const unit = 2 * k + 1;
        expect(lineCommission(unit, 1, 5_000)).toBe(k + 1);
      }),
    );
  });

  it('refuses inputs outside its domain instead of producing a wrong figure', () => {
    expect(() => lineCommission(1.5, 1, 100)).toThrow(RangeError);
    expect(() => lineCommission(-1, 1, 100)).toThrow(RangeError);
    expect(() => lineCommission(100, 1, 10_001)).toThrow(RangeError);
    expect(() => lineCommission(100, -1, 100)).toThrow(RangeError);
  });
});
