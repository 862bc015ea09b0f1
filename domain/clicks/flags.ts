/**
 * Suspicion flags of a stored click (CONTRACT.md section 16; migrations/0018_click_flags.sql),
 * on top of the bot flag and the duplicate flag:
 *   flags = 1·no_activation + 2·self + 4·burst        (0 when none)
 * - no_activation: a cross-site navigation without user activation; set by the redirect.
 * - self:  the visitor hash equals the member's own dashboard visitor hash of that UTC day.
 * - burst: the visitor hash made more than burst_clicks_per_day navigations that UTC day.
 * A click is *flagged* (its commission is held for review) when it is a bot or carries a flag:
 *   flagged = is_bot ≠ 0 ∨ flags ≠ 0                  (FLAGGED_CLICK_SQL)
 */
import { z } from 'zod';

export const CLICK_FLAGS = { no_activation: 1, self: 2, burst: 4 } as const;
export const clickFlag = z.enum(['no_activation', 'self', 'burst']);
export type ClickFlag = z.infer<typeof clickFlag>;

/** The bit set stored in clicks.flags. */
export function flagBits(flags: readonly ClickFlag[] | undefined): number {
  let bits = 0;
  for (const flag of flags ?? []) bits |= CLICK_FLAGS[flag];
  return bits;
}

/** The flags of a stored bit set, in a fixed order. */
export function flagNames(bits: number): ClickFlag[] {
  return clickFlag.options.filter((flag) => (bits & CLICK_FLAGS[flag]) !== 0);
}

/** A click row (alias-free column names) whose commission waits for an admin. */
export const FLAGGED_CLICK_SQL = '(is_bot <> 0 OR flags <> 0)';

/** The reasons /api/stats counts (clicks.by_reason), besides each bot reason. */
export const COUNTED_REASONS = ['duplicate', ...clickFlag.options] as const;
