/**
 * The admin console's disputes page (site/pages/dashboard/admin/disputes.astro): its credit and
 * decline forms, without any script. The forms call the same service as
 * `POST /api/admin/disputes/<id>/credit|decline` (service.ts `decideDispute`), never the routes.
 *
 * Order of checks for a posted form (like worker/holds/console.ts):
 *   1. not signed in as the admin                -> 403, nothing read
 *   2. cross-site post (Sec-Fetch-Site / Origin) -> 403, nothing read
 *   3. body over DISPUTE_FORM_MAX_BYTES          -> refused with a message (413), nothing decided
 *   4. form: `action` credit|decline             -> refused with a message (400)
 *   5. the service's checks (id, fields, ledger, final) -> refused with its message and status
 * Anything past 2 ends in a redirect back to the page (post/redirect/get) carrying one
 * message: `{ ok, message }`, shown once at the top of the page.
 */
import type { ProgramTable } from '../../domain/orders/program-table.ts';
import { readSmallForm } from '../lib/body.ts';
import { STATUS_OF } from '../lib/reasons.ts';
import { adminPostRefusal } from '../lib/form-posts.ts';
import { decideDispute } from './service.ts';

export const DISPUTES_PAGE = '/dashboard/admin/disputes/';
/** The most disputes the page lists at once ("N or more" and a next-page link beyond). */
export const DISPUTES_PAGE_LIMIT = 200;
/** A decision form is a few short fields: anything larger is refused unread. */
export const DISPUTE_FORM_MAX_BYTES = 8192;

export type DisputeFormAnswer =
  | { kind: 'refused'; status: 403; message: string }
  | { kind: 'redirect'; status: number; location: string; flash: { ok: boolean; message: string } };

const back = (status: number, ok: boolean, message: string, query = ''): DisputeFormAnswer => ({
  kind: 'redirect',
  status,
  location: `${DISPUTES_PAGE}${query}#result`,
  flash: { ok, message },
});

/** A posted credit or decline form, checked in the order of the header. */
export async function disputeFormAnswer(
  env: Pick<Env, 'DB'>,
  request: Request,
  isAdmin: boolean,
  program: ProgramTable,
  now = Date.now(),
): Promise<DisputeFormAnswer> {
  const refusal = adminPostRefusal(request, isAdmin);
  if (refusal !== null) return { kind: 'refused', status: 403, message: refusal };
  const form = await readSmallForm(request, DISPUTE_FORM_MAX_BYTES);
  if (typeof form === 'string')
    return back(
      form === 'too_large' ? STATUS_OF.body_too_large : STATUS_OF.invalid,
      false,
      'Nothing decided: the form could not be read. Send it again from this page.',
    );
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
  const decided = await decideDispute(env.DB, action, field('dispute_id'), body, program, now);
  if (!decided.ok) {
    const detail = (decided.issues ?? []).map((i) => ` (${i.path || 'form'}: ${i.message})`).join('');
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
