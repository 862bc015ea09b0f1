import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney, toMinorUnits } from '../../domain/money.ts';

describe('toMinorUnits', () => {
  it.each([
    ['24.99', 'USD', 2499],
    [24.99, 'USD', 2499],
    [0.1, 'USD', 10],
    [0.29, 'USD', 29], // 0.29 * 100 is 28.999999999999996 in float math
    [1.005, 'KWD', 1005],
    [129, 'USD', 12900],
    ['129.00', 'USD', 12900],
    [1299.99, 'USD', 129999],
    [4.35, 'USD', 435], // 4.35 * 100 is 434.99999999999994
    [1500, 'JPY', 1500],
    ['12.345', 'KWD', 12345],
    [0, 'USD', 0],
  ] as const)('converts %s %s to %i', (value, currency, minor) => {
    expect(toMinorUnits(value, currency)).toEqual({ ok: true, minor });
  });

  it.each([
    ['24.999', 'USD', 'USD allows at most 2 decimal places, got 24.999'],
    [1500.5, 'JPY', 'JPY has no minor unit, so the price must be a whole number, got 1500.5'],
    [-1, 'USD', 'must be a plain decimal amount like 24.99'],
    ['1e3', 'USD', 'must be a plain non-negative decimal like 24.99, got "1e3"'],
    ['$24.99', 'USD', 'must be a plain non-negative decimal like 24.99, got "$24.99"'],
    [1e21, 'USD', 'must be a plain decimal amount like 24.99'],
    [Number.NaN, 'USD', 'must be a plain decimal amount like 24.99'],
  ] as const)('refuses %s %s', (value, currency, message) => {
    expect(toMinorUnits(value, currency)).toEqual({ ok: false, message });
  });

  it('is exact for every price a YAML parser can hand over (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (cents) => {
        const text = `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
        // What a YAML parser produces from the unquoted literal, and the quoted text itself.
        expect(toMinorUnits(Number(text), 'USD')).toEqual({ ok: true, minor: cents });
        expect(toMinorUnits(text, 'USD')).toEqual({ ok: true, minor: cents });
      }),
    );
  });
});

describe('formatMoney', () => {
  it.each([
    [2499, 'USD', '$24.99'],
    [129999, 'USD', '$1,299.99'],
    [-150, 'USD', '-$1.50'],
    [1500, 'JPY', '¥1,500'],
    [12345, 'KWD', 'KWD 12.345'],
  ] as const)('formats %i %s as %s', (minor, currency, text) => {
    expect(formatMoney(minor, currency).replace(/\u00a0/g, ' ')).toBe(text);
  });
});
