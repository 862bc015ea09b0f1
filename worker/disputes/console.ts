/**
 * The admin console's disputes page (site/pages/dashboard/admin/disputes.astro): its credit and
 * decline forms, without any script. The forms call the same service as
 * `POST /api/admin/disputes/<id>/credit|decline` (service.ts `decideDispute`), never the routes.
 *
 * Order of checks for a posted form (1 to 3 every deciding console form's: worker/lib/form-posts.ts):
 *   1. not signed in as the admin                -> 403, nothing read
 *   2. cross-site post (Sec-Fetch-Site / Origin) -> 403, nothing read
 *   3. body over DISPUTE_FORM_MAX_BYTES          -> refused with a message (413), nothing decided
 *   4. form: `action` credit|decline             -> refused with a message (400)
 *   5. the service's checks (id, fields, ledger, final) -> refused with its message and status
 * Anything past 2 ends in a redirect back to the page (post/redirect/get) carrying one
 * message: `{ ok, message }`, shown once at the top of the page.
 */
import type { ProgramTable } from '../../domain/orders/program-table.ts';
import { STATUS_OF } from '../lib/reasons.ts';
import { answerAdminForm, backTo, issuesText, type ConsoleAnswer } from '../lib/form-posts.ts';
import { decideDispute } from './service.ts';

export const DISPUTES_PAGE = '/dashboard/admin/disputes/';
/** The most disputes the page lists at once ("N or more" and a next-page link beyond). */
export const DISPUTES_PAGE_LIMIT = 200;
/** A decision form is a few short fields: anything larger is refused unread. */
export const DISPUTE_FORM_MAX_BYTES = 8192;
const DISPUTE_FORM = { page: DISPUTES_PAGE, maxBytes: DISPUTE_FORM_MAX_BYTES };

const back = (status: number, ok: boolean, message: string) => backTo(DISPUTES_PAGE, status, ok, message);

/** A posted credit or decline form, checked in the order of the header. */
export async function disputeFormAnswer(
  env: Pick<Env, 'DB'>,
  request: Request,
  isAdmin: boolean,
  program: ProgramTable,
  now = Date.now(),
): Promise<ConsoleAnswer> {
  return answerAdminForm(request, isAdmin, DISPUTE_FORM, (form) =>
    decideFromForm(env.DB, form, program, now),
  );
}

/** Checks 4 and 5 of the header, on a form read by answerAdminForm. */
async function decideFromForm(
  db: D1Database,
  form: FormData,
  program: ProgramTable,
  now: number,
): Promise<ConsoleAnswer> {
  const field = (name: string) => {
    const v = form.get(name);
    return typeof v === 'string' ? v : '';
  };
  const action = field('action');
  if (action !== 'credit' && action !== 'decline')
    return back(STATUS_OF.invalid, false, 'Nothing decided: the form must credit or decline a dispute.');
  const body =
    action === 'credit'
      ? {
          amount_minor: field('amount_minor'),
          currency: field('currency') || program.currency,
          note: field('note'),
          top_up: form.get('top_up') === 'on',
        }
      : { reason: field('reason') };
  const decided = await decideDispute(db, action, field('dispute_id'), body, program, now);
  if (!decided.ok) {
    const detail = issuesText(decided.issues);
    return back(STATUS_OF[decided.reason], false, `Nothing decided: ${decided.message}${detail}.`);
  }
  const d = decided.dispute;
  const what =
    d.decision?.action === 'credit'
      ? `credited ${d.decision.amount_minor} ${d.decision.currency} (minor units) to ${d.handle}`
      : 'declined';
  const again = decided.created ? '' : ' (already recorded; nothing changed)';
  return back(
    decided.created ? 201 : 200,
    true,
    `Dispute ${d.dispute_id} (order ${d.order_id}) ${what}${again}.`,
  );
}
