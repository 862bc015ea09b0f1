/**
 * Disputes as one service, called by the API (routes.ts) and the dashboard pages alike: read,
 * pure plan (domain/disputes/rules.ts), one guarded write. Inputs are validated here with zod;
 * refusals are `{ reason, message, issues? }`; the edge maps a reason to its HTTP status through the
 * one table (worker/lib/reasons.ts).
 *
 * Order of checks for a filing: member known (404), body (400 naming the field), the order's
 * record read once, its marketplace (rules.ts filingMarketplace: a known order's own, else 422
 * not_the_order_marketplace; an unknown order's one where the member can be credited, else 422
 * not_a_marketplace), the order disputed before (same filing: the stored one; another: 409), the
 * order credited in the ledger to another member (409), then the one guarded insert.
 * Order of checks for a decision: dispute id (400), body (400), dispute exists (404), the order's
 * record read once, a credit's currency (rules.ts creditCurrency: the order's recorded one when
 * known, else 422 not_the_order_currency; else its dispute's marketplace's, else 422
 * currency_mismatch) and within that currency's cap (400), decided before (the same decision:
 * the stored one; another: 409), the ledger (domain/disputes/rules.ts planAgainstLedger: another
 * member's order, held, already earned without top_up: 409), then the one guarded insert.
 */
import { z } from 'zod';
import { disputesCsv } from '../../domain/disputes/export.ts';
import {
  creditSchema,
  declineSchema,
  DISPUTE_STATES,
  creditCapMinor,
  creditCurrency,
  filingMarketplace,
  filingSchema,
  MAX_OPEN_DISPUTES,
  planDecision,
  planAgainstLedger,
  planFiling,
  orderPlace,
  type AdminDispute,
  type DecisionInput,
  type Dispute,
  type DisputeAction,
  type DisputeReason,
  type OrderRecord,
} from '../../domain/disputes/rules.ts';
import { issuesOf, type Issue } from '../../domain/issues.ts';
import { memberIndex } from '../../domain/orders/payouts.ts';
import type { ProgramTable } from '../../domain/orders/program-table.ts';
import { utcDay } from '../../domain/time.ts';
import { log } from '../lib/log.ts';
import {
  insertDecision,
  insertDispute,
  readAdminDisputes,
  readDispute,
  readDisputeOfOrder,
  readDisputes,
  readOrderRecord,
} from './store.ts';

export interface DisputeRefusal {
  ok: false;
  reason: DisputeReason;
  message: string;
  issues?: Issue[];
}
export type Done = { ok: true; dispute: Dispute; created: boolean };

/** A listing is bounded: `limit` disputes of the filter in id order, after `after` (keyset paging). */
export const listQuery = z.object({
  state: z.enum([...DISPUTE_STATES, 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
  after: z
    .string()
    .regex(/^(0|[1-9]\d{0,15})$/, 'must be a dispute number')
    .default('0')
    .transform(Number),
  format: z.enum(['json', 'csv']).optional(),
});

/** A dispute id: a number, or strictly decimal digits (a path or form field); never 0x…, 1e3, " 7". */
const disputeId = z.union(
  [
    z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    z
      .string()
      .regex(/^[1-9]\d{0,15}$/)
      .transform(Number)
      .pipe(z.number().max(Number.MAX_SAFE_INTEGER)),
  ],
  { error: 'must be a dispute number' },
);

function invalid(what: string, error: { issues: readonly z.core.$ZodIssue[] }): DisputeRefusal {
  return { ok: false, reason: 'invalid', message: `invalid ${what}`, issues: issuesOf(error) };
}

/** A member files a dispute; the same filing again answers the stored one (`created: false`). */
export async function fileDispute(
  db: D1Database,
  program: ProgramTable,
  handle: string,
  body: unknown,
  now = Date.now(),
): Promise<Done | DisputeRefusal> {
  if (!Object.hasOwn(program.influencers, handle))
    return { ok: false, reason: 'unknown_member', message: `no member is named "${handle}"` };
  const parsed = filingSchema(utcDay(now)).safeParse(body ?? {});
  if (!parsed.success) return invalid('dispute', parsed.error);
  const record = await readOrderRecord(db, parsed.data.order_id);
  const order = orderPlace(program, parsed.data.order_id, record);
  const where = filingMarketplace(program, handle, parsed.data.marketplace, order);
  if (!where.ok)
    return { ok: false, reason: where.reason, message: 'invalid dispute: marketplace', issues: where.issues };
  const filing = { ...parsed.data, marketplace: where.marketplace };
  const memberId = memberIndex(program).idOf(handle);
  const stored = await readDisputeOfOrder(db, memberId, filing.order_id);
  const asStored = stored && { ...stored, order_day: stored.order_date };
  const plan = planFiling(asStored, filing);
  if (plan.kind === 'refuse') return { ok: false, reason: plan.reason, message: plan.message };
  if (plan.kind === 'repeat' && stored) return { ok: true, dispute: stored, created: false };
  const members = memberIndex(program);
  const ledger = planAgainstLedger(record, members.handles(memberId), 'file', filing.order_id);
  if (ledger.kind === 'refuse') return { ok: false, reason: ledger.reason, message: ledger.message };
  const { created, dispute } = await insertDispute(db, { memberId, handle }, filing, now, MAX_OPEN_DISPUTES);
  if (dispute === null)
    return {
      ok: false,
      reason: 'too_many_open_disputes',
      message: `${handle} has ${MAX_OPEN_DISPUTES} open disputes: file more once an admin has answered some`,
    };
  // Filed meanwhile by another request: judge this filing against what won.
  const again = created ? plan : planFiling({ ...dispute, order_day: dispute.order_date }, filing);
  if (again.kind === 'refuse') return { ok: false, reason: again.reason, message: again.message };
  if (created) log('info', 'disputes.filed', { dispute_id: dispute.dispute_id, member_id: memberId });
  return { ok: true, created, dispute };
}

/** A member's page lists its newest disputes, at most this many ("N or more" when full). */
export const MEMBER_LIST_MAX = 200;

/** One member's disputes (whatever handle each was filed under), newest first, with their decisions. */
export async function memberDisputes(
  db: D1Database,
  program: ProgramTable,
  handle: string,
): Promise<Dispute[] | DisputeRefusal> {
  if (!Object.hasOwn(program.influencers, handle))
    return { ok: false, reason: 'unknown_member', message: `no member is named "${handle}"` };
  const memberId = memberIndex(program).idOf(handle);
  return readDisputes(db, { memberId, limit: MEMBER_LIST_MAX });
}

/**
 * Disputes for admins, oldest first (by id): open ones unless `state` says otherwise (`all` for
 * every one), each with what the ledger recorded for its order. One page of `limit` after `after`;
 * `next` is the id to pass as `after` for the following page (null: this was the last).
 */
export async function listDisputes(
  db: D1Database,
  query: unknown = {},
): Promise<
  { state: string; disputes: AdminDispute[]; next: number | null; csv: () => string } | DisputeRefusal
> {
  const parsed = listQuery.safeParse(query);
  if (!parsed.success) return invalid('query', parsed.error);
  const { state, limit, after } = parsed.data;
  const page = await readAdminDisputes(db, {
    ...(state === 'all' ? {} : { state }),
    afterId: after,
    limit: limit + 1,
  });
  const disputes = page.slice(0, limit);
  const next = page.length > limit ? (disputes.at(-1)?.dispute_id ?? null) : null;
  return { state, disputes, next, csv: () => disputesCsv(disputes) };
}

/** The decision as sent; a credit's currency is checked against its dispute's marketplace later (inMarketplace). */
function decisionInput(action: DisputeAction, body: unknown): DecisionInput | DisputeRefusal {
  if (action === 'credit') {
    const parsed = creditSchema.safeParse(body ?? {});
    if (!parsed.success) return invalid('credit', parsed.error);
    const { amount_minor, currency, note, top_up } = parsed.data;
    return { action, amount_minor, currency: currency ?? '', note, top_up: top_up === true };
  }
  const parsed = declineSchema.safeParse(body ?? {});
  if (!parsed.success) return invalid('decline', parsed.error);
  return { action, note: parsed.data.reason };
}

/**
 * A credit in the order's recorded currency when the store knows the order, else in its
 * dispute's marketplace's (the program's when that marketplace left the content): rules.ts
 * creditCurrency. An amount over creditCapMinor is invalid.
 */
function inMarketplace(
  input: DecisionInput,
  dispute: Dispute,
  record: OrderRecord,
  program: ProgramTable,
): DecisionInput | DisputeRefusal {
  if (input.action !== 'credit') return input;
  const market = Object.hasOwn(program.retailers, dispute.marketplace)
    ? program.retailers[dispute.marketplace]
    : undefined;
  const order = orderPlace(program, dispute.order_id, record);
  const resolved = creditCurrency(input.currency, dispute, market?.currency ?? program.currency, order);
  if (!resolved.ok)
    return {
      ok: false,
      reason: resolved.reason,
      message: 'invalid credit: currency',
      issues: resolved.issues,
    };
  const { currency } = resolved;
  const cap = creditCapMinor(currency);
  if (input.amount_minor > cap)
    return {
      ok: false,
      reason: 'invalid',
      message: 'invalid credit: amount_minor',
      issues: [{ path: 'amount_minor', message: `must be at most ${cap} minor units of ${currency}` }],
    };
  return { ...input, currency };
}

/** Credits or declines one dispute (once); the same decision again answers the stored one. */
export async function decideDispute(
  db: D1Database,
  action: DisputeAction,
  id: unknown,
  body: unknown,
  program: ProgramTable,
  now = Date.now(),
): Promise<Done | DisputeRefusal> {
  const parsedId = disputeId.safeParse(id);
  if (!parsedId.success) return invalid('dispute id', parsedId.error);
  const sent = decisionInput(action, body);
  if ('ok' in sent) return sent;
  const found = await readDispute(db, parsedId.data);
  if (!found) return { ok: false, reason: 'not_found', message: `there is no dispute ${parsedId.data}` };
  const record = await readOrderRecord(db, found.order_id);
  const input = inMarketplace(sent, found, record, program);
  if ('ok' in input) return input;
  const plan = planDecision(found.dispute_id, found.decision, input);
  if (plan.kind === 'refuse') return { ok: false, reason: plan.reason, message: plan.message };
  if (plan.kind === 'repeat') return { ok: true, dispute: found, created: false };
  const ledger = planAgainstLedger(
    record,
    memberIndex(program).handles(found.member_id),
    input,
    found.order_id,
  );
  if (ledger.kind === 'refuse') return { ok: false, reason: ledger.reason, message: ledger.message };
  const { created, dispute } = await insertDecision(db, found.dispute_id, input, now);
  if (!dispute) throw new Error(`unreachable: dispute ${found.dispute_id} read but gone`);
  if (!created) {
    // Decided meanwhile by another request: judge this decision against what won.
    const again = planDecision(dispute.dispute_id, dispute.decision, input);
    if (again.kind === 'refuse') return { ok: false, reason: again.reason, message: again.message };
  } else
    log('info', `disputes.${action}`, {
      dispute_id: dispute.dispute_id,
      member_id: dispute.member_id,
      amount_minor: dispute.decision?.amount_minor ?? null,
      currency: dispute.decision?.currency ?? null,
    });
  return { ok: true, dispute, created };
}
