/**
 * Commission of a line: unit_price x quantity x rate_bps / 10000, rounded half
 * up to an integer number of minor units. Exact integer arithmetic (BigInt): no
 * float ever touches money.
 */
import { MAX_MINOR } from '../money.ts';

/** Largest quantity of one line in one event; with MAX_MINOR it keeps every figure a safe integer. */
export const MAX_QUANTITY = 1_000;

export function lineCommission(unitPriceMinor: number, quantity: number, rateBps: number): number {
  if (!isCount(unitPriceMinor, MAX_MINOR))
    throw new RangeError(`unit price ${unitPriceMinor} is not a valid amount`);
  if (!Number.isSafeInteger(quantity) || quantity < 0)
    throw new RangeError(`quantity ${quantity} is not valid`);
  if (!isCount(rateBps, 10_000)) throw new RangeError(`rate ${rateBps} bps is not between 0 and 10000`);
  const scaled = BigInt(unitPriceMinor) * BigInt(quantity) * BigInt(rateBps);
  // Half up for a non-negative value: floor((n + 5000) / 10000).
  const rounded = (scaled + 5_000n) / 10_000n;
  if (rounded > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('commission is too large');
  return Number(rounded);
}

function isCount(value: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= max;
}
