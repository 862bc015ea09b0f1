/**
 * Holds for review in D1 (CONTRACT.md section 16; migrations/0019_holds.sql). A hold is
 * derived: an order whose attributed click is flagged (`review_holds`). Its money counts in
 * no payout until released (worker/payouts/store.ts excludes `held_orders`). A decision is
 * one guarded insert, once per order:
 *   held_minor = Σ amount_minor of the order's earned and reversed entries (reversals negative)
 *   release:  amount_minor =  held_minor   (counts from now on; a closed month's share is an
 *                                           adjustment in the first open month)
 *   void:     amount_minor = -held_minor   (a reversing entry: the money never counts)
 * The same decision again (same action and reason) answers the stored one; another is refused.
 */
import { flagNames } from '../../domain/clicks/flags.ts';
import { MoneyRangeError } from '../../domain/money.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { integer, readRows, text, textOrNull, type Row } from '../lib/rows.ts';

export const HOLD_ACTIONS = ['release', 'void'] as const;
export type HoldAction = (typeof HOLD_ACTIONS)[number];

export interface Hold {
  order_id: string;
  handle: string;
  click_id: string;
  /** The click's bot reason, else its flags (no_activation, self, burst), comma-separated. */
  reason: string;
  currency: string;
  /** Earned minus reversed commission of the order: what counts once released. */
  held_minor: number;
  held_at: string;
  status: 'held_for_review' | 'released' | 'void';
  decision: { action: HoldAction; reason: string; amount_minor: number; decided_at: string } | null;
}

const HELD_SUM = `(SELECT SUM(l.amount_minor) FROM ledger_entries AS l
  WHERE l.order_id = h.order_id AND l.bucket IN ('earned', 'reversed'))`;
const CURRENCY = `(SELECT e.currency FROM order_events AS e WHERE e.order_id = h.order_id LIMIT 1)`;

const HOLDS = `
SELECT h.order_id, h.handle, h.click_id, h.is_bot, h.bot_reason, h.flags, h.held_at,
       ${CURRENCY} AS currency, COALESCE(${HELD_SUM}, 0) AS held_minor,
       d.action, d.reason, d.amount_minor, d.decided_at
FROM review_holds AS h LEFT JOIN hold_decisions AS d ON d.order_id = h.order_id
WHERE (?1 IS NULL OR h.order_id = ?1) AND (?2 IS NULL OR (d.action IS NULL) = (?2 = 'held'))
ORDER BY h.held_at, h.order_id LIMIT ?3`;

const DECIDE = `
INSERT INTO hold_decisions (order_id, action, reason, handle, currency, amount_minor, decided_at)
SELECT h.order_id, ?2, ?3, h.handle, ${CURRENCY}, CASE ?2 WHEN 'void' THEN 0 - COALESCE(${HELD_SUM}, 0)
       ELSE COALESCE(${HELD_SUM}, 0) END, ?4
FROM review_holds AS h WHERE h.order_id = ?1
ON CONFLICT (order_id) DO NOTHING`;

function holdOf(r: Row): Hold {
  const held = r.held_minor;
  if (typeof held !== 'number' || !Number.isSafeInteger(held))
    throw new MoneyRangeError(`the held commission of order ${String(r.order_id)}`);
  const action = textOrNull(r, 'action');
  const decided = action === 'release' || action === 'void' ? action : null;
  const reason =
    integer(r, 'is_bot') !== 0
      ? (textOrNull(r, 'bot_reason') ?? 'bot')
      : flagNames(integer(r, 'flags')).join(',') || 'flagged';
  return {
    order_id: text(r, 'order_id'),
    handle: text(r, 'handle'),
    click_id: text(r, 'click_id'),
    reason,
    currency: text(r, 'currency'),
    held_minor: held,
    held_at: new Date(integer(r, 'held_at')).toISOString(),
    status: decided === null ? 'held_for_review' : decided === 'release' ? 'released' : 'void',
    decision:
      decided === null
        ? null
        : {
            action: decided,
            reason: text(r, 'reason'),
            amount_minor: integer(r, 'amount_minor'),
            decided_at: new Date(integer(r, 'decided_at')).toISOString(),
          },
  };
}

/** Holds, oldest first: all, only undecided (`held`), or only decided (`decided`). */
export async function readHolds(
  db: D1Database,
  filter: { orderId?: string; status?: 'held' | 'decided'; limit: number },
): Promise<Hold[]> {
  const rows = await readRows(db, HOLDS, filter.orderId ?? null, filter.status ?? null, filter.limit);
  return rows.map(holdOf);
}

export type DecideResult =
  | { ok: true; hold: Hold; created: boolean }
  | { ok: false; reason: 'not_held' | 'already_decided'; message: string };

/** Records a release or void of one hold (append-only; once per order). */
export async function decideHold(
  db: D1Database,
  input: { orderId: string; action: HoldAction; reason: string },
  now: number,
): Promise<DecideResult> {
  const { orderId, action, reason } = input;
  const insert = await withRetry(() => db.prepare(DECIDE).bind(orderId, action, reason, now).run());
  const [hold] = await readHolds(db, { orderId, limit: 1 });
  if (!hold) return { ok: false, reason: 'not_held', message: `order ${orderId} is not held for review` };
  const decision = hold.decision;
  if (decision === null) throw new Error(`unreachable: order ${orderId} held but its decision not stored`);
  if ((insert.meta.changes ?? 0) > 0) return { ok: true, hold, created: true };
  if (decision.action === action && decision.reason === reason) return { ok: true, hold, created: false };
  return {
    ok: false,
    reason: 'already_decided',
    message: `order ${orderId}'s hold was already ${decision.action === 'release' ? 'released' : 'voided'} (${decision.reason}) on ${decision.decided_at}: a decision is final`,
  };
}
