/**
 * Disputes about missing or wrong commission (CONTRACT.md section 16), as pure rules.
 *
 * A filing (what a member sends from the dashboard), with today = the UTC day it arrives:
 *   order_id    1..128 characters of [A-Za-z0-9._:/# -], trimmed
 * No text holds control characters (C0 but line breaks in the note, DEL, C1), zero-width
 * characters, U+2028/2029 or bidi overrides and isolates (U+202A-202E, U+2066-2069).
 *   order_date  a real day "YYYY-MM-DD" with  today - MAX_AGE_DAYS <= order_date <= today
 *   products    1..500 characters, one line: what was bought (titles, ASINs), as the member says
 *   note        1..2000 characters (line breaks allowed, no other control characters)
 *   marketplace optional (a retailer id, CONTRACT.md section 14), with O = the order as the store
 *               recorded it (orderPlace: its first stored event's marketplace and currency, the
 *               marketplace every event and ledger line of the order is in), or none:
 *                 O known    marketplace = O.marketplace (the default); another is
 *                            not_the_order_marketplace (422, "marketplace", the message naming
 *                            O's marketplace and currency)
 *                 O unknown  the member's word: one where it can be credited (memberMarketplaces:
 *                            the group rule of the links and the webhook, over every tracking id
 *                            it ever held); default the program's home marketplace; else
 *                            not_a_marketplace (422, "marketplace", listing the allowed ones)
 * A credit's currency (creditCurrency), with C = the currency sent, else the dispute's
 * marketplace's, and R = the order's recorded currency at the time of the credit:
 *   R known    C must be R, else not_the_order_currency (422, "currency"), whatever was filed
 *              (a dispute filed before the order arrived, or before this rule, may name another
 *              marketplace: the admin then credits it by sending currency R)
 *   R unknown  C must be the dispute's marketplace's, else currency_mismatch (422, "currency")
 * Its amount is at most creditCapMinor(C) (100,000 major units, never over MAX_CREDIT_MINOR).
 * At most MAX_OPEN_DISPUTES open disputes per member (too_many_open_disputes); decided ones do not count.
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
 * The ledger (what the order's own events recorded) is checked before any money moves:
 *   filing   refused (order_of_other_member) when the order is credited in the ledger to another member
 *   credit   refused (order_of_other_member) likewise; refused (order_held) while the order is held
 *            for review (migrations/0019_holds.sql held_orders); refused (already_earned) while the
 *            order has earned commission for this member (recorded_minor > 0) unless top_up = true
 *            (the admin saw the recorded figure and credits what is missing on top of it)
 *   a ledger entry recorded for a credited order after its credit (a late shipment) is counted as
 *   the ledger says, never netted against the credit: the admin list marks the dispute
 *   ledger_after_credit (with the recorded sum) so an admin sees both figures and corrects by a new
 *   entry. Nothing is paid twice without being shown.
 *
 * Reasons (never HTTP statuses; the worker maps them in one table):
 *   invalid, unknown_member, not_found, already_filed, already_decided, order_of_other_member,
 *   order_held, already_earned, too_many_open_disputes, not_a_marketplace, currency_mismatch,
 *   not_the_order_marketplace, not_the_order_currency.
 */
import { z } from 'zod';
import { CURRENCY_EXPONENTS, isCurrency, type Currency } from '../currency.ts';
import type { Issue } from '../issues.ts';
import { everHeld } from '../content/history.ts';
import type { ProgramTable } from '../orders/program-table.ts';
import { creditableMarkets } from '../orders/report-tracking.ts';
import { MAX_MINOR } from '../money.ts';
import { addDays, isIsoDay } from '../time.ts';

/** How far back an order may be disputed: a year (networks answer inquiries within months). */
export const MAX_AGE_DAYS = 365;
/** The largest single credit in any currency, in minor units (the CHECK of migrations/0021). */
export const MAX_CREDIT_MINOR = 10_000_000;
/** The largest single credit in major units: 100,000 of the credit's currency (bounded by MAX_CREDIT_MINOR). */
export const MAX_CREDIT_MAJOR = 100_000;

/** A credit's cap in `currency`:  min(MAX_CREDIT_MINOR, MAX_CREDIT_MAJOR * 10^decimals). */
export function creditCapMinor(currency: Currency): number {
  return Math.min(MAX_CREDIT_MINOR, MAX_CREDIT_MAJOR * 10 ** CURRENCY_EXPONENTS[currency]);
}
export const NOTE_MAX = 2000;
export const PRODUCTS_MAX = 500;
export const DECISION_TEXT_MAX = 500;
/** Open (undecided) disputes a member may have at once: more is flooding the admins' queue. */
export const MAX_OPEN_DISPUTES = 20;

// A bound that could ever reach the money range would be a mistake here, not at run time.
if (MAX_CREDIT_MINOR > MAX_MINOR) throw new Error('MAX_CREDIT_MINOR exceeds MAX_MINOR');

export const DISPUTE_STATES = ['open', 'credited', 'declined'] as const;
export type DisputeState = (typeof DISPUTE_STATES)[number];
export const DISPUTE_ACTIONS = ['credit', 'decline'] as const;
export type DisputeAction = (typeof DISPUTE_ACTIONS)[number];

export type DisputeReason =
  | 'invalid'
  | 'unknown_member'
  | 'not_found'
  | 'already_filed'
  | 'already_decided'
  | 'order_of_other_member'
  | 'order_held'
  | 'already_earned'
  | 'too_many_open_disputes'
  | 'not_a_marketplace'
  | 'currency_mismatch'
  | 'not_the_order_marketplace'
  | 'not_the_order_currency';

// Never in any text: C1 controls, zero-width characters and marks (U+200B-200F, U+FEFF), the line
// and paragraph separators (U+2028/2029), bidi embeddings, overrides and isolates (U+202A-202E,
// U+2066-2069): they hide or reorder what an admin reads.
const HIDDEN = '\u0080-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff';
const ONE_LINE = new RegExp(`^[^\u0000-\u001f\u007f${HIDDEN}]+$`);
const NOTE_TEXT = new RegExp(`^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f${HIDDEN}]+$`);
/** Order ids as retailers write them: letters, digits and . _ : / # - and space. */
const ORDER_ID = /^[A-Za-z0-9._:/# -]+$/;

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
    order_id: line(128).regex(ORDER_ID, 'must be letters, digits, spaces and . _ : / # - only'),
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
    marketplace: z.string({ error: 'must be a marketplace id' }).trim().min(1).max(64).optional(),
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
  // A credit on top of commission the ledger already recorded for this member (a form checkbox: "on").
  top_up: z
    .preprocess((v) => (v === 'on' || v === 'true' ? true : v), z.boolean({ error: 'must be true or false' }))
    .optional(),
});
export const declineSchema = z.strictObject({ reason: line(DECISION_TEXT_MAX) });

export type DecisionInput =
  | { action: 'credit'; amount_minor: number; currency: string; note: string; top_up?: boolean }
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

/**
 * Where a member may say an order was placed: exactly where it can be credited, by the one rule of
 * the links, the webhook and the imports (report-tracking.ts creditableMarkets over every tracking
 * id it ever held: a home id counts at every marketplace of its group, an id of tracking_ids or of
 * a dated history entry where it was held). Empty for a handle the table does not know.
 */
export function memberMarketplaces(table: ProgramTable, handle: string): string[] {
  const memberId = Object.hasOwn(table.influencers, handle)
    ? table.influencers[handle]?.member_id
    : undefined;
  const member = table.credit.find((m) => m.member_id === memberId);
  return member ? creditableMarkets(table, everHeld(member)) : [];
}

/** Where and in what currency the store recorded an order (the header's O), when it knows it. */
export interface OrderPlace {
  order_id: string;
  marketplace: string;
  currency: string;
}

/**
 * The order as the store recorded it, or null when it has no event of it: its first event pins
 * its marketplace and currency (domain/orders/apply.ts marketIssues: an event naming no retailer
 * is the default retailer's).
 */
export function orderPlace(
  table: ProgramTable,
  orderId: string,
  record: Pick<OrderRecord, 'recorded_marketplace' | 'recorded_currency'>,
): OrderPlace | null {
  if (record.recorded_currency === null) return null;
  const marketplace = record.recorded_marketplace ?? table.default_retailer;
  return { order_id: orderId, marketplace, currency: record.recorded_currency };
}

type MarketplaceRefusal = {
  ok: false;
  reason: 'not_a_marketplace' | 'not_the_order_marketplace';
  issues: Issue[];
};

/** A known order's dispute is at its marketplace (the header's "O known"). */
function orderMarketplace(
  table: ProgramTable,
  order: OrderPlace,
  requested: string | undefined,
): { ok: true; marketplace: string; currency: Currency } | MarketplaceRefusal {
  const id = requested ?? order.marketplace;
  if (id === order.marketplace) {
    const retailer = Object.hasOwn(table.retailers, id) ? table.retailers[id] : undefined;
    const currency = isCurrency(order.currency) ? order.currency : (retailer?.currency ?? table.currency);
    return { ok: true, marketplace: id, currency };
  }
  return {
    ok: false,
    reason: 'not_the_order_marketplace',
    issues: [
      {
        path: 'marketplace',
        message: `order ${order.order_id} is recorded at ${order.marketplace} (${order.currency}): name ${order.marketplace} or leave the marketplace out`,
      },
    ],
  };
}

/**
 * The filing's marketplace, or why not: a known order's own (orderPlace); for an order the store
 * does not know, one where the member can be credited (default: the home marketplace of the
 * program's default retailer).
 */
export function filingMarketplace(
  table: ProgramTable,
  handle: string,
  requested: string | undefined,
  order: OrderPlace | null = null,
): { ok: true; marketplace: string; currency: Currency } | MarketplaceRefusal {
  if (order !== null) return orderMarketplace(table, order, requested);
  const fallback = table.retailers[table.default_retailer]?.home ?? table.default_retailer;
  const id = requested ?? fallback;
  const allowed = memberMarketplaces(table, handle);
  const retailer = Object.hasOwn(table.retailers, id) ? table.retailers[id] : undefined;
  if (!retailer || !allowed.includes(id))
    return {
      ok: false,
      reason: 'not_a_marketplace',
      issues: [
        {
          path: 'marketplace',
          message: `"${id}" is not a marketplace where ${handle} can be credited (known: ${allowed.join(', ') || 'none'})`,
        },
      ],
    };
  return { ok: true, marketplace: id, currency: retailer.currency };
}

export interface StoredFiling {
  order_id: string;
  order_day: string;
  marketplace: string;
  products: string;
  note: string;
}

export type FilingPlan =
  { kind: 'record' } | { kind: 'repeat' } | { kind: 'refuse'; reason: 'already_filed'; message: string };

/** Filing an order again: the same filing answers the stored dispute; another is refused. */
export function planFiling(
  stored: (StoredFiling & { dispute_id: number }) | null,
  filing: Filing & { marketplace: string },
): FilingPlan {
  if (stored === null) return { kind: 'record' };
  const same =
    stored.order_day === filing.order_date &&
    stored.marketplace === filing.marketplace &&
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
  /** The marketplace (retailer id) the order was placed at: a credit is in its currency. */
  marketplace: string;
  products: string;
  note: string;
  state: DisputeState;
  /** ISO time, UTC. */
  filed_at: string;
  decision: (StoredDecision & { decided_at: string }) | null;
}

/** What the ledger recorded for a dispute's order (admins only: it may name another member). */
export interface OrderRecord {
  /** The handle the order is credited to (order_terms), or null when the ledger has no such order. */
  recorded_handle: string | null;
  /** Earned minus reversed commission recorded for the order, in its currency (0 when none). */
  recorded_minor: number;
  /** The marketplace of the order's first stored event (null: no event, or one naming no retailer). */
  recorded_marketplace: string | null;
  /** The currency of the order's first stored event, so of all its events and ledger lines (null: no event). */
  recorded_currency: string | null;
  /** Held for review now (not released): no credit until an admin decides the hold. */
  held: boolean;
  /** Credited, and a ledger entry for the order was recorded after the credit: both are counted. */
  ledger_after_credit: boolean;
}
export type AdminDispute = Dispute & OrderRecord;

/**
 * A credit's currency (the header's C), or why not: `sent` ('' when none) else the dispute's
 * marketplace's (`marketCurrency`); it must be the order's recorded currency when the store knows
 * the order, else the dispute's marketplace's.
 */
export function creditCurrency(
  sent: string,
  dispute: Pick<Dispute, 'dispute_id' | 'marketplace'>,
  marketCurrency: Currency,
  order: OrderPlace | null,
):
  | { ok: true; currency: Currency }
  | { ok: false; reason: 'currency_mismatch' | 'not_the_order_currency'; issues: Issue[] } {
  const currency = sent === '' ? marketCurrency : sent;
  if (order !== null && currency !== order.currency) {
    const filed =
      order.currency === marketCurrency
        ? ''
        : ` (dispute ${dispute.dispute_id} names ${dispute.marketplace}, in ${marketCurrency}: send currency ${order.currency})`;
    return {
      ok: false,
      reason: 'not_the_order_currency',
      issues: [
        {
          path: 'currency',
          message: `must be ${order.currency}, the currency order ${order.order_id} is recorded in at ${order.marketplace}${filed}`,
        },
      ],
    };
  }
  if (order === null && currency !== marketCurrency)
    return {
      ok: false,
      reason: 'currency_mismatch',
      issues: [
        {
          path: 'currency',
          message: `must be ${marketCurrency}, the currency of marketplace ${dispute.marketplace}`,
        },
      ],
    };
  if (!isCurrency(currency))
    return {
      ok: false,
      reason: 'currency_mismatch',
      issues: [{ path: 'currency', message: `${currency} is not a currency the program knows` }],
    };
  return { ok: true, currency };
}

/**
 * What the admin page shows beside a dispute: the order as recorded (null: the store does not know
 * it), whether the dispute names another marketplace or currency (filed before its order arrived,
 * or before the rule), and the currency its credit form preselects (creditCurrency's only choice).
 */
export function disputePlace(
  table: ProgramTable,
  dispute: Pick<AdminDispute, 'order_id' | 'marketplace' | 'recorded_marketplace' | 'recorded_currency'>,
): { order: OrderPlace | null; mismatch: boolean; currency: Currency } {
  const market = Object.hasOwn(table.retailers, dispute.marketplace)
    ? table.retailers[dispute.marketplace]
    : undefined;
  const marketCurrency = market?.currency ?? table.currency;
  const order = orderPlace(table, dispute.order_id, dispute);
  if (order === null) return { order, mismatch: false, currency: marketCurrency };
  const mismatch = order.marketplace !== dispute.marketplace || order.currency !== marketCurrency;
  return { order, mismatch, currency: isCurrency(order.currency) ? order.currency : marketCurrency };
}

export type LedgerPlan = { kind: 'ok' } | { kind: 'refuse'; reason: DisputeReason; message: string };

/** The ledger checks of the header, given the order's record and the member's handles. */
export function planAgainstLedger(
  record: Pick<OrderRecord, 'recorded_handle' | 'recorded_minor' | 'recorded_currency' | 'held'>,
  memberHandles: readonly string[],
  action: 'file' | DecisionInput,
  orderId: string,
): LedgerPlan {
  if (record.recorded_handle !== null && !memberHandles.includes(record.recorded_handle))
    return {
      kind: 'refuse',
      reason: 'order_of_other_member',
      message: `order ${orderId} is credited in the ledger to another member`,
    };
  if (action === 'file' || action.action === 'decline') return { kind: 'ok' };
  if (record.held)
    return {
      kind: 'refuse',
      reason: 'order_held',
      message: `order ${orderId} is held for review: release or void the hold first`,
    };
  if (record.recorded_minor > 0 && action.top_up !== true)
    return {
      kind: 'refuse',
      reason: 'already_earned',
      message: `order ${orderId} already has ${record.recorded_minor} ${record.recorded_currency} earned for this member: send top_up: true to credit on top of it`,
    };
  return { kind: 'ok' };
}
