/**
 * Commission of a line: unit_price x quantity x rate_bps / 10000, rounded half
 * up to an integer number of minor units. Exact integer arithmetic (BigInt): no
 * float ever touches money. Since rate_bps <= 10000 and rounding half up never
 * passes the integer the exact value is at most:
 *   commission <= unit_price x quantity   (the line's revenue)
 * which is checked, not assumed.
 */
import { MAX_MINOR } from '../money.ts';

/*
 * Bounds on what an order event may say (documented in docs/orders.md). Together
 * they keep every figure of a line (revenue, commission) at most 10^15 minor
 * units, inside safe integers with room to add thousands of lines:
 *   quantity of one item in one event       1 .. MAX_QUANTITY
 *   unit price                              0 .. MAX_UNIT_PRICE_MINOR
 *   items in one event                      1 .. MAX_ITEMS
 *   placed / shipped / cancelled / returned of one line over all events <= MAX_LINE_QUANTITY
 */
/** Largest quantity of one item in one event. */
export const MAX_QUANTITY = 1_000;
/** Largest unit price in minor units (1,000,000,000.00 in a two-decimal currency). */
export const MAX_UNIT_PRICE_MINOR = 100_000_000_000;
/** Most items (products) in one event. */
export const MAX_ITEMS = 100;
/** Largest total quantity of one line per event type, over all events of the order. */
export const MAX_LINE_QUANTITY = 10_000;
/**
 * Largest total commission a retailer may report for one line per event type, over
 * all events of the order: the largest revenue a line can have. With it, no figure
 * of a line exceeds 10^15 however many events report it (100 events of a $0.01
 * item reporting 10^14 each are refused, not summed past 2^53).
 */
export const MAX_LINE_AMOUNT_MINOR = MAX_UNIT_PRICE_MINOR * MAX_LINE_QUANTITY;

export function lineCommission(unitPriceMinor: number, quantity: number, rateBps: number): number {
  if (!isCount(unitPriceMinor, MAX_MINOR))
    throw new RangeError(`unit price ${unitPriceMinor} is not a valid amount`);
  if (!Number.isSafeInteger(quantity) || quantity < 0)
    throw new RangeError(`quantity ${quantity} is not valid`);
  if (!isCount(rateBps, 10_000)) throw new RangeError(`rate ${rateBps} bps is not between 0 and 10000`);
  const scaled = BigInt(unitPriceMinor) * BigInt(quantity) * BigInt(rateBps);
  // Half up for a non-negative value: floor((n + 5000) / 10000).
  const rounded = (scaled + 5_000n) / 10_000n;
  if (rounded > BigInt(unitPriceMinor) * BigInt(quantity))
    throw new RangeError('commission would exceed the line revenue');
  if (rounded > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('commission is too large');
  return Number(rounded);
}

function isCount(value: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= max;
}
