/** Reads whose sums may leave the safe-integer range (domain/money.ts). */
import { MoneyRangeError } from '../../domain/money.ts';

export interface OutOfRange {
  ok: false;
  reason: 'out_of_range';
  message: string;
}

/** A sum that would leave the safe-integer range is refused (422), never answered rounded or as a 500. */
export async function inRange<T>(read: () => Promise<T>): Promise<T | OutOfRange> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof MoneyRangeError)) throw error;
    return { ok: false, reason: 'out_of_range', message: error.message };
  }
}
