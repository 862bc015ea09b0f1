/**
 * Disputes as one service, called by the API (routes.ts) and the dashboard pages alike: read,
 * pure plan (domain/disputes/rules.ts), one guarded write. Inputs are validated here with zod;
 * refusals are `{ reason, message, issues? }`; the edge maps a reason to its HTTP status through the
 * one table (worker/lib/reasons.ts).
 *
 * Order of checks for a filing: member known (404), body (400 naming the field), the order
 * disputed before (same filing: the stored one; another: 409), then the one guarded insert.
 * Order of checks for a decision: dispute id (400), body (400), dispute exists (404), decided
 * before (the same decision: the stored one; another: 409), then the one guarded insert.
 */
import { z } from 'zod';
import { disputesCsv } from '../../domain/disputes/export.ts';
import {
  creditSchema,
  declineSchema,
  DISPUTE_STATES,
  filingSchema,
  planDecision,
  planFiling,
  type DecisionInput,
  type Dispute,
  type DisputeAction,
  type DisputeReason,
} from '../../domain/disputes/rules.ts';
import { issuesOf, type Issue } from '../../domain/issues.ts';
import { memberIndex } from '../../domain/orders/payouts.ts';
import type { ProgramTable } from '../../domain/orders/program-table.ts';
import { utcDay } from '../../domain/time.ts';
import { log } from '../lib/log.ts';
import { insertDecision, insertDispute, readDispute, readDisputeOfOrder, readDisputes } from './store.ts';

export interface DisputeRefusal {
  ok: false;
  reason: DisputeReason;
  message: string;
  issues?: Issue[];
}
export type Done = { ok: true; dispute: Dispute; created: boolean };

/** A listing is bounded: the oldest `limit` disputes of the filter. */
export const listQuery = z.object({
  state: z.enum([...DISPUTE_STATES, 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
  format: z.enum(['json', 'csv']).optional(),
});

const disputeId = z.coerce
  .number({ error: 'must be a dispute number' })
  .int('must be a dispute number')
  .min(1, 'must be a dispute number')
  .max(Number.MAX_SAFE_INTEGER, 'must be a dispute number');

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
  const filing = parsed.data;
  const memberId = memberIndex(program).idOf(handle);
  const stored = await readDisputeOfOrder(db, memberId, filing.order_id);
  const asStored = stored && { ...stored, order_day: stored.order_date };
  const plan = planFiling(asStored, filing);
  if (plan.kind === 'refuse') return { ok: false, reason: plan.reason, message: plan.message };
  if (plan.kind === 'repeat' && stored) return { ok: true, dispute: stored, created: false };
  const result = await insertDispute(db, { memberId, handle }, filing, now);
  // Filed meanwhile by another request: judge this filing against what won.
  const again = result.created
    ? plan
    : planFiling({ ...result.dispute, order_day: result.dispute.order_date }, filing);
  if (again.kind === 'refuse') return { ok: false, reason: again.reason, message: again.message };
  if (result.created)
    log('info', 'disputes.filed', { dispute_id: result.dispute.dispute_id, member_id: memberId });
  return { ok: true, ...result };
}

/** One member's disputes (whatever handle each was filed under), newest first, with their decisions. */
export async function memberDisputes(
  db: D1Database,
  program: ProgramTable,
  handle: string,
): Promise<Dispute[] | DisputeRefusal> {
  if (!Object.hasOwn(program.influencers, handle))
    return { ok: false, reason: 'unknown_member', message: `no member is named "${handle}"` };
  const memberId = memberIndex(program).idOf(handle);
  return (await readDisputes(db, { memberId, limit: 5000 })).reverse();
}

/** Disputes for admins, oldest first: open ones unless `state` says otherwise (`all` for every one). */
export async function listDisputes(
  db: D1Database,
  query: unknown = {},
): Promise<{ state: string; disputes: Dispute[]; csv: () => string } | DisputeRefusal> {
  const parsed = listQuery.safeParse(query);
  if (!parsed.success) return invalid('query', parsed.error);
  const { state, limit } = parsed.data;
  const disputes = await readDisputes(db, { ...(state === 'all' ? {} : { state }), limit });
  return { state, disputes, csv: () => disputesCsv(disputes) };
}

function decisionInput(action: DisputeAction, body: unknown, home: string): DecisionInput | DisputeRefusal {
  if (action === 'credit') {
    const parsed = creditSchema.safeParse(body ?? {});
    if (!parsed.success) return invalid('credit', parsed.error);
    const { amount_minor, currency, note } = parsed.data;
    return { action, amount_minor, currency: currency ?? home, note };
  }
  const parsed = declineSchema.safeParse(body ?? {});
  if (!parsed.success) return invalid('decline', parsed.error);
  return { action, note: parsed.data.reason };
}

/** Credits or declines one dispute (once); the same decision again answers the stored one. */
export async function decideDispute(
  db: D1Database,
  action: DisputeAction,
  id: unknown,
  body: unknown,
  homeCurrency: string,
  now = Date.now(),
): Promise<Done | DisputeRefusal> {
  const parsedId = disputeId.safeParse(id);
  if (!parsedId.success) return invalid('dispute id', parsedId.error);
  const input = decisionInput(action, body, homeCurrency);
  if ('ok' in input) return input;
  const found = await readDispute(db, parsedId.data);
  if (!found) return { ok: false, reason: 'not_found', message: `there is no dispute ${parsedId.data}` };
  const plan = planDecision(found.dispute_id, found.decision, input);
  if (plan.kind === 'refuse') return { ok: false, reason: plan.reason, message: plan.message };
  if (plan.kind === 'repeat') return { ok: true, dispute: found, created: false };
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
