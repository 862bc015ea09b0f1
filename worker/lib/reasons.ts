/**
 * The one table from a reason to its HTTP status. The domain and the worker's services
 * answer *why* (a named reason, a string union next to the rule); only the edge knows
 * HTTP, and it knows it here. `problem()` (problem.ts) takes a reason, never a number, so
 * every route answers its errors through this table. `Record<Reason, ErrorStatus>` makes a
 * reason without a status a type error; tests/unit/reasons.test.ts checks the same at
 * run time for the domain's reason lists.
 *
 *   400  the request is malformed: a part fails its schema (named by `issues`)
 *   401  no valid credential           403  a credential without the right
 *   404  nothing there                  405  not this method
 *   409  the state does not allow it now (decided, closed, another reference)
 *   410  used up                        413  body too large
 *   422  well-formed, but a rule refuses it (layout, currency, marketplace, range)
 *   429  too many attempts              500  our bug (never for bad input)
 *   503  we cannot do it now (missing setting, store down): retry later
 */
import type { MarketplaceRefusal } from '../../domain/orders/marketplace.ts';
import type { CloseRefusal } from '../../domain/orders/payouts.ts';
import type { ReportRefusalReason } from '../../domain/orders/report-file.ts';
import type { DisputeReason } from '../../domain/disputes/rules.ts';
import type { HoldRefusalReason } from '../holds/service.ts';
import type { PayoutRefusalReason } from '../payouts/service.ts';

/** Why the worker itself refuses a request, before or beside any rule (imports, claims, health). */
export type EdgeReason =
  | 'invalid'
  | 'unauthenticated'
  | 'bad_signature'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'session_committed'
  | 'legacy_days'
  | 'already_used'
  | 'expired'
  | 'not_approved'
  | 'body_too_large'
  | 'too_many_attempts'
  | 'internal'
  | 'misconfigured'
  | 'degraded'
  | 'store_unavailable';

export type Reason =
  | EdgeReason
  | ReportRefusalReason
  | MarketplaceRefusal
  | CloseRefusal
  | PayoutRefusalReason
  | HoldRefusalReason
  | DisputeReason;

/** The statuses an error answer may have (each a Hono ContentfulStatusCode). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 422 | 429 | 500 | 503;

export const STATUS_OF: Readonly<Record<Reason, ErrorStatus>> = {
  // the edge
  invalid: 400,
  unauthenticated: 401,
  bad_signature: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  session_committed: 409,
  legacy_days: 409,
  already_used: 410,
  expired: 410,
  not_approved: 409,
  body_too_large: 413,
  too_many_attempts: 429,
  internal: 500,
  misconfigured: 503,
  degraded: 503,
  store_unavailable: 503,
  // a report file (domain/orders/report-file.ts)
  unreadable: 400,
  missing_columns: 400,
  bad_rows: 400,
  no_rows: 400,
  no_header: 422,
  unknown_layout: 422,
  localised_layout: 422,
  unknown_marketplace: 422,
  currency_mismatch: 422,
  other_marketplace: 422,
  imported_elsewhere: 422,
  bad_coverage: 422,
  unsafe_sum: 422,
  // an order event's marketplace (domain/orders/marketplace.ts)
  not_a_marketplace: 422,
  // closing a month (domain/orders/payouts.ts) and recording a payment (worker/payouts)
  already_closed: 409,
  closed_later: 409,
  earlier_open: 409,
  changed_meanwhile: 409,
  hold_not_passed: 422,
  skipped: 404,
  no_row: 404,
  currency_needed: 400,
  not_closed: 409,
  not_payable: 409,
  other_reference: 409,
  under_review: 409,
  member_missing: 409,
  // holds for review (worker/holds)
  not_held: 404,
  already_decided: 409,
  // disputes (domain/disputes/rules.ts; invalid, not_found and already_decided above)
  unknown_member: 404,
  already_filed: 409,
  order_of_other_member: 409,
  order_held: 409,
  already_earned: 409,
  too_many_open_disputes: 429,
  not_the_order_marketplace: 422,
  not_the_order_currency: 422,
  // a sum outside the exact integer range (domain/money.ts)
  out_of_range: 422,
};

/** The status of an answer: a success as is, a refusal through the table. */
export function statusOf<S extends 200 | 201>(outcome: S | Reason): S | ErrorStatus {
  return typeof outcome === 'number' ? outcome : STATUS_OF[outcome];
}
