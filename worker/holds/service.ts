/**
 * Holds for review as one service, called by the admin API (routes.ts) and the admin
 * console alike. Inputs are validated here with zod; refusals are `{ reason, message }`
 * and worker/lib/reasons.ts is the one table mapping a reason to its HTTP status.
 * Order of checks for a decision: order id (400), body (400), hold exists (404),
 * not decided otherwise before (409), then the one guarded insert.
 */
import { z } from 'zod';
import { issuesOf, type Issue } from '../../domain/issues.ts';
import { inRange } from '../lib/in-range.ts';
import { log } from '../lib/log.ts';
import { decideHold, readHolds, type Hold, type HoldAction } from './store.ts';

/** Why a holds call is refused; worker/lib/reasons.ts gives each its HTTP status. */
export type HoldRefusalReason = 'invalid' | 'not_held' | 'already_decided' | 'out_of_range';
export interface HoldRefusal {
  ok: false;
  reason: HoldRefusalReason;
  message: string;
  issues?: Issue[];
}

export const orderId = z
  .string({ error: 'is required' })
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters');

const reasonText = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, 'must not be empty')
  .max(500, 'must be at most 500 characters')
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must be one line of text');

export const decisionBody = {
  release: z.strictObject({ reason: reasonText.default('released by an admin') }),
  void: z.strictObject({ reason: reasonText }),
} as const;

export const holdsQuery = z.object({
  status: z.enum(['held', 'decided']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

function invalid(what: string, error: { issues: readonly z.core.$ZodIssue[] }): HoldRefusal {
  return { ok: false, reason: 'invalid', message: `invalid ${what}`, issues: issuesOf(error) };
}

/** Every hold (or only undecided / decided ones), oldest first. */
export async function listHolds(
  db: D1Database,
  query: unknown = {},
): Promise<{ holds: Hold[] } | HoldRefusal> {
  const parsed = holdsQuery.safeParse(query);
  if (!parsed.success) return invalid('query', parsed.error);
  const { status, limit } = parsed.data;
  const holds = await inRange(() => readHolds(db, { ...(status ? { status } : {}), limit }));
  return 'reason' in holds ? holds : { holds };
}

/** Releases or voids one hold; the same decision again answers the stored one (`created: false`). */
export async function decide(
  db: D1Database,
  action: HoldAction,
  id: unknown,
  body: unknown,
  now = Date.now(),
): Promise<{ ok: true; hold: Hold; created: boolean } | HoldRefusal> {
  const parsedId = orderId.safeParse(id);
  if (!parsedId.success) return invalid('order id', parsedId.error);
  const parsed = decisionBody[action].safeParse(body ?? {});
  if (!parsed.success) return invalid(`${action}`, parsed.error);
  const result = await inRange(() =>
    decideHold(db, { orderId: parsedId.data, action, reason: parsed.data.reason }, now),
  );
  if (result.ok && result.created)
    log('info', `holds.${action}`, {
      order_id: parsedId.data,
      amount_minor: result.hold.decision?.amount_minor,
    });
  return result;
}
