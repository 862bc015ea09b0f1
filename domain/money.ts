import { CURRENCY_EXPONENTS, type Currency } from './currency.ts';

/** Largest amount we accept in minor units; keeps every sum a safe integer. */
export const MAX_MINOR = 1_000_000_000_000;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Converts a price as written in major units ("24.99", or the number 24.99 a YAML
 * parser produced) into integer minor units by the currency's ISO 4217 exponent.
 *
 * Numbers are turned back into their shortest round-trip decimal text first: for
 * any literal of at most 15 significant digits that text is exactly what was
 * written, so the conversion is string arithmetic, never float arithmetic.
 */
export function toMinorUnits(
  value: number | string,
  currency: Currency,
): { ok: true; minor: number } | { ok: false; message: string } {
  const exponent = CURRENCY_EXPONENTS[currency];
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  if (text === null) return { ok: false, message: 'must be a plain decimal amount like 24.99' };
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, message: `must be a plain non-negative decimal like 24.99, got "${text}"` };
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) {
    return {
      ok: false,
      message:
        exponent === 0
          ? `${currency} has no minor unit, so the price must be a whole number, got ${text}`
          : `${currency} allows at most ${exponent} decimal places, got ${text}`,
    };
  }
  const digits = (whole + fraction.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 15) return { ok: false, message: `is too large: ${text}` };
  const minor = Number(digits);
  if (minor > MAX_MINOR) return { ok: false, message: `is too large: ${text}` };
  return { ok: true, minor };
}

function numberText(value: number): string | null {
  if (!Number.isFinite(value) || value < 0) return null;
  const text = String(value);
  // Exponent notation means more digits than a price has; refuse rather than guess.
  return /e/i.test(text) ? null : text;
}

/** Formats integer minor units for display, e.g. 2499 USD -> "$24.99". */
export function formatMoney(minor: number, currency: Currency, locale = 'en-US'): string {
  const exponent = CURRENCY_EXPONENTS[currency];
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const scale = 10 ** exponent;
  const whole = Math.trunc(abs / scale);
  const fraction = String(abs % scale).padStart(exponent, '0');
  // Intl only sees a decimal string it can represent exactly, never a computed float.
  const decimal = exponent === 0 ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(decimal as unknown as number);
}

/** A sum of money that would leave the safe-integer range: refused, never rounded. */
export class MoneyRangeError extends RangeError {
  constructor(what: string) {
    super(`${what} would leave the safe-integer range of minor units`);
    this.name = 'MoneyRangeError';
  }
}

/**
 * a + b for integer minor units, exactly: throws MoneyRangeError when either is
 * not a safe integer or the sum is not. Every sum of money goes through this (or
 * `sumMinor`), so a float never stands in for an amount.
 */
export function addMinor(a: number, b: number, what = 'a sum'): number {
  const sum = a + b;
  // Inputs and result safe means the float addition was exact (|a + b| < 2^53).
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(sum))
    throw new MoneyRangeError(what);
  return sum;
}

/** The exact sum of integer minor units (BigInt inside), or MoneyRangeError. */
export function sumMinor(values: Iterable<number>, what = 'a sum'): number {
  let total = 0n;
  for (const v of values) {
    if (!Number.isSafeInteger(v)) throw new MoneyRangeError(what);
    total += BigInt(v);
  }
  if (total > BigInt(Number.MAX_SAFE_INTEGER) || total < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new MoneyRangeError(what);
  return Number(total);
}
