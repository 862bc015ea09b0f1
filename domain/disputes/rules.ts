/**
 * Disputes about missing or wrong commission (CONTRACT.md section 16), as pure rules.
 *
 * A filing (what a member sends from the dashboard), with today = the UTC day it arrives:
 *   order_id    1..128 characters, one line (no control characters), trimmed
 *   order_date  a real day "YYYY-MM-DD" with  today - MAX_AGE_DAYS <= order_date <= today
 *   products    1..500 characters, one line: what was bought (titles, ASINs), as the member says
 *   note        1..2000 characters (line breaks allowed, no other control characters)
 * One dispute per member and order: filing the same order again answers the stored dispute
 * when it says the same (a resent form), and is refused (`already_filed`) when it differs.
 *
 * States and decisions (each dispute is decided at most once; decisions are final):
 *   open     --credit(amount_minor, currency, note)-->  credited
 *   open     --decline(reason)-------------------------> declined
 *   credited / declined, the same decision again      -> repeat (nothing recorded, stored answer)
 *   credited / declined, any other decision           -> refused: already_decided
 * A credit: amount_minor an integer with 1 <= amount_minor <= MAX_CREDIT_MINOR (minor units of
 * `currency`, an ISO 4217 code the program knows); note and reason 1..500 characters, one line.
 *
 * Reasons (never HTTP statuses; the worker maps them in one table):
 *   invalid, unknown_member, not_found, already_filed, already_decided.
 */
import { z } from 'zod';
import { isCurrency } from '../currency.ts';
import { MAX_MINOR } from '../money.ts';
import { addDays, isIsoDay } from '../time.ts';

/** How far back an order may be disputed: a year (networks answer inquiries within months). */
export const MAX_AGE_DAYS = 365;
/** The largest single credit: 100,000.00 in a two-decimal currency. */
export const MAX_CREDIT_MINOR = 10_000_000;
export const NOTE_MAX = 2000;
export const PRODUCTS_MAX = 500;
export const DECISION_TEXT_MAX = 500;

// A bound that could ever reach the money range would be a mistake here, not at run time.
if (MAX_CREDIT_MINOR > MAX_MINOR) throw new Error('MAX_CREDIT_MINOR exceeds MAX_MINOR');

export const DISPUTE_STATES = ['open', 'credited', 'declined'] as const;
export type DisputeState = (typeof DISPUTE_STATES)[number];
export const DISPUTE_ACTIONS = ['credit', 'decline'] as const;
export type DisputeAction = (typeof DISPUTE_ACTIONS)[number];

export type DisputeReason = 'invalid' | 'unknown_member' | 'not_found' | 'already_filed' | 'already_decided';

const ONE_LINE = /^[^\u0000-\u001f\u007f]+$/;
const NOTE_TEXT = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]+$/;

function line(max: number) {
  return z
    .string({ error: 'must be text' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(ONE_LINE, 'must be one line of text');
}

/** A filing as the member sends it; `today` bounds the order date. */
export function filingSchema(today: string) {
  const earliest = addDays(today, -MAX_AGE_DAYS);
  return z.strictObject({
    order_id: line(128),
    order_date: z
      .string({ error: 'must be a date' })
      .trim()
      .refine(isIsoDay, 'must be a date written YYYY-MM-DD')
      .refine((day) => day <= today, `must not be in the future (today is ${today}, UTC)`)
      .refine(
        (day) => day >= earliest,
        `must be within the last ${MAX_AGE_DAYS} days (on or after ${earliest})`,
      ),
    products: line(PRODUCTS_MAX),
    note: z
      .string({ error: 'must be text' })
      .trim()
      .min(1, 'must not be empty')
      .max(NOTE_MAX, `must be at most ${NOTE_MAX} characters`)
      .regex(NOTE_TEXT, 'must be text without control characters'),
  });
}
export type Filing = z.infer<ReturnType<typeof filingSchema>>;

export const creditSchema = z.strictObject({
  // A number, or digits (a form field); never a boolean or another type coerced into one.
  // A number, or digits (a form field); never a boolean or another type coerced into one.
  amount_minor: z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    z
      .number({ error: 'must be a number' })
      .int('must be a whole number of minor units')
      .min(1, 'must be positive')
      .max(MAX_CREDIT_MINOR, `must be at most ${MAX_CREDIT_MINOR} minor units`),
  ),
  currency: z
    .string({ error: 'must be text' })
    .trim()
    .toUpperCase()
    .refine(isCurrency, 'must be a currency code the program knows (ISO 4217)')
    .optional(),
  note: line(DECISION_TEXT_MAX),
});
export const declineSchema = z.strictObject({ reason: line(DECISION_TEXT_MAX) });

export type DecisionInput =
  | { action: 'credit'; amount_minor: number; currency: string; note: string }
  | { action: 'decline'; note: string };

export interface StoredDecision {
  action: DisputeAction;
  note: string;
  amount_minor: number | null;
  currency: string | null;
}

export function stateOf(decision: Pick<StoredDecision, 'action'> | null): DisputeState {
  return decision === null ? 'open' : decision.action === 'credit' ? 'credited' : 'declined';
}

function sameDecision(stored: StoredDecision, input: DecisionInput): boolean {
  if (stored.action !== input.action || stored.note !== input.note) return false;
  return (
    input.action === 'decline' ||
    (stored.amount_minor === input.amount_minor && stored.currency === input.currency)
  );
}

export type DecisionPlan =
  { kind: 'record' } | { kind: 'repeat' } | { kind: 'refuse'; reason: 'already_decided'; message: string };

/** What deciding a dispute does, given its stored decision (the state machine above). */
export function planDecision(
  disputeId: number,
  stored: StoredDecision | null,
  input: DecisionInput,
): DecisionPlan {
  if (stored === null) return { kind: 'record' };
  if (sameDecision(stored, input)) return { kind: 'repeat' };
  const what = stored.action === 'credit' ? `credited ${stored.amount_minor} ${stored.currency}` : 'declined';
  return {
    kind: 'refuse',
    reason: 'already_decided',
    message: `dispute ${disputeId} was already ${what} (${stored.note}): a decision is final`,
  };
}

export interface StoredFiling {
  order_id: string;
  order_day: string;
  products: string;
  note: string;
}

export type FilingPlan =
  { kind: 'record' } | { kind: 'repeat' } | { kind: 'refuse'; reason: 'already_filed'; message: string };

/** Filing an order again: the same filing answers the stored dispute; another is refused. */
export function planFiling(
  stored: (StoredFiling & { dispute_id: number }) | null,
  filing: Filing,
): FilingPlan {
  if (stored === null) return { kind: 'record' };
  const same =
    stored.order_day === filing.order_date &&
    stored.products === filing.products &&
    stored.note === filing.note;
  if (same) return { kind: 'repeat' };
  return {
    kind: 'refuse',
    reason: 'already_filed',
    message: `order ${filing.order_id} is already disputed (dispute ${stored.dispute_id}); an admin answers it there`,
  };
}

/** A dispute with its decision, as both sides read it. */
export interface Dispute {
  dispute_id: number;
  member_id: string;
  /** The member's handle when it filed. */
  handle: string;
  order_id: string;
  order_date: string;
  products: string;
  note: string;
  state: DisputeState;
  /** ISO time, UTC. */
  filed_at: string;
  decision: (StoredDecision & { decided_at: string }) | null;
}
