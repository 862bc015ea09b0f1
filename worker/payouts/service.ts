/**
 * Payouts as one service, called by the admin API (routes.ts) and the admin
 * console (site/pages/dashboard/admin) alike, so a page and an API call can never
 * disagree and the console needs no token. Each function validates its input with
 * the schemas below, reads or writes through store.ts, and answers either a value
 * or a refusal `{ reason, message }`; worker/lib/reasons.ts is the one table that
 * maps a reason to its HTTP status.
 *
 * Callers authorise first: the API with the admin token, the console with the
 * admin's session.
 */
import { z } from 'zod';
import { issuesOf, type Issue } from '../../domain/issues.ts';
import { payoutsCsv, type PayoutReport } from '../../domain/orders/payouts.ts';
import { isCurrency } from '../../domain/currency.ts';
import { inRange } from '../lib/in-range.ts';
import { isIsoMonth } from '../../domain/time.ts';
import { readHolds } from '../holds/store.ts';
import { program } from '../orders/program.ts';
import { log } from '../lib/log.ts';
import {
  closeMonth,
  markPaid,
  readMonth,
  readRuns,
  type CloseResult,
  type PaidRefusal,
  type Payment,
  type RunsPage,
} from './store.ts';

export const period = z
  .string({ error: 'is required, written YYYY-MM' })
  .refine(isIsoMonth, 'must be a month written YYYY-MM');

const monthQuery = z.object({ period });

export const paidInput = z.strictObject({
  period,
  handle: z.string({ error: 'is required' }).min(1).max(64),
  /** Needed only when the member has rows in more than one currency that month. */
  currency: z.string().refine(isCurrency, 'must be a currency code the program knows, e.g. USD').optional(),
  reference: z
    .string({ error: 'is required: the bank or payment reference' })
    .trim()
    .min(1, 'must not be empty')
    .max(128)
    .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII'),
});
export type PaidInput = z.output<typeof paidInput>;

/** Every reason a payouts call is refused; worker/lib/reasons.ts gives each its HTTP status. */
export type PayoutRefusalReason =
  'invalid' | 'skipped' | 'out_of_range' | Extract<CloseResult, { ok: false }>['reason'] | PaidRefusal;

export interface Refusal {
  ok: false;
  reason: PayoutRefusalReason;
  message: string;
  issues?: Issue[];
}

function invalid(what: string, error: { issues: readonly z.core.$ZodIssue[] }): Refusal {
  return { ok: false, reason: 'invalid', message: `invalid ${what}`, issues: issuesOf(error) };
}

export type MonthView =
  | { ok: true; status: 'closed'; json: string; csv: string }
  | { ok: true; status: 'open'; report: PayoutReport; json: string; csv: string };

/** A month: closed exactly as stored (the same bytes every time), open computed now. */
export async function payoutMonth(
  db: D1Database,
  month: unknown,
  now = Date.now(),
): Promise<MonthView | Refusal> {
  const parsed = monthQuery.safeParse({ period: month });
  if (!parsed.success) return invalid('query', parsed.error);
  const { period: p } = parsed.data;
  const answer = await inRange(() => readMonth(db, p, program.table, now));
  if ('reason' in answer) return answer;
  if (answer.kind === 'skipped')
    return {
      ok: false,
      reason: 'skipped',
      message: `${p} was not closed: it had no activity when ${answer.closedAfter} closed, and its money is in later months`,
    };
  if (answer.kind === 'closed') return { ok: true, status: 'closed', json: answer.json, csv: answer.csv };
  // Commission held for review now (section 16) counts in no row until released: listed beside the rows.
  const held = await inRange(() => readHolds(db, { status: 'held', limit: 1000 }));
  if ('reason' in held) return held;
  const json = JSON.stringify({
    ...answer.report,
    held_for_review: held,
    generated_at: new Date(now).toISOString(),
  });
  return { ok: true, status: 'open', report: answer.report, json, csv: payoutsCsv(answer.report) };
}

/** Closes a month: its stored JSON (`created` when this call closed it; a repeat answers the same). */
export async function closePayoutMonth(
  db: D1Database,
  month: unknown,
  now = Date.now(),
): Promise<{ ok: true; json: string; created: boolean } | Refusal> {
  const parsed = monthQuery.safeParse({ period: month });
  if (!parsed.success) return invalid('query', parsed.error);
  const { period: p } = parsed.data;
  const result = await inRange(() => closeMonth(db, p, program.table, now));
  if (result.ok && result.created) log('info', 'payouts.closed', { period: p });
  return result;
}

/** Records that a closed month's payable row was paid; the same reference again changes nothing. */
export async function markPayoutPaid(
  db: D1Database,
  input: unknown,
  now = Date.now(),
): Promise<{ ok: true; payment: Payment } | Refusal> {
  const parsed = paidInput.safeParse(input, { reportInput: true });
  if (!parsed.success) return invalid('payment', parsed.error);
  return markPaid(db, parsed.data, program.table, now);
}

export const runsQuery = z.object({
  /** The `next` of the previous page. */
  after: z
    .string()
    .regex(/^\d{4}-\d{2}~[a-z0-9-]{1,64}~[A-Z]{3}$/, 'must be the `next` of a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

/** Closed months with payable, paid and owed per currency, and a page of the rows still owed ("N more" and a cursor). */
export async function payoutRuns(db: D1Database, query: unknown = {}): Promise<RunsPage | Refusal> {
  const parsed = runsQuery.safeParse(query);
  if (!parsed.success) return invalid('query', parsed.error);
  const [period = '', member_key = '', currency = ''] = parsed.data.after?.split('~') ?? [];
  const after = parsed.data.after === undefined ? undefined : { period, member_key, currency };
  return inRange(() => readRuns(db, program.table, { after, limit: parsed.data.limit }));
}
