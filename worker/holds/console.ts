/**
 * Holds for review as the admin console shows them (site/pages/dashboard/admin/holds.astro),
 * and its two forms (release; void with a reason), without any script. The forms call the
 * same service as `POST /api/admin/holds/<order id>/release|void` (service.ts `decide`),
 * never the routes: the page is no second implementation of a decision.
 *
 * Order of checks for a posted form (1 to 3 every deciding console form's: worker/lib/form-posts.ts):
 *   1. not signed in as the admin                -> 403, nothing read
 *   2. cross-site post (Sec-Fetch-Site / Origin) -> 403, nothing read
 *   3. body over HOLD_FORM_MAX_BYTES             -> refused with a message (413), nothing decided
 *   4. form: `action` release|void, `order` id of at most 128 characters -> refused (400)
 *   5. the service's checks (reason, held, final) -> refused with its message and status
 * Anything past 2 ends in a redirect back to the page (post/redirect/get) carrying one
 * message: `{ ok, message }`, shown once at the top of the page.
 */
import { formatMoney } from '../../domain/money.ts';
import { isCurrency } from '../../domain/currency.ts';
import { program } from '../orders/program.ts';
import { PageStoreUnavailable, readStorefront } from '../pages/page-store.ts';
import { answerAdminForm, backTo, issuesText, type ConsoleAnswer } from '../lib/form-posts.ts';
import { STATUS_OF } from '../lib/reasons.ts';
import { decide, listHolds } from './service.ts';
import type { Hold, HoldAction } from './store.ts';

export const HOLDS_PAGE = '/dashboard/admin/holds/';
/** The most undecided and decided holds the page lists (each oldest held first); the API has the rest. */
export const HOLDS_PAGE_LIMIT = 500;
/** A release or void form is a few short fields; an order id is at most 128 characters (migrations/0019). */
export const HOLD_FORM_MAX_BYTES = 4096;
const ORDER_MAX = 128;
const HOLD_FORM = { page: HOLDS_PAGE, maxBytes: HOLD_FORM_MAX_BYTES };

export interface HoldRow extends Hold {
  /** The member's display name (its storefront's), else its handle. */
  member_name: string;
  /** The held amount, formatted in its own currency. */
  held: string;
  /** A decided hold's amount (positive: released; negative: voided), formatted. */
  decided: string | null;
}

export interface HoldsView {
  ok: true;
  held: HoldRow[];
  decided: HoldRow[];
  /** Approved members under review (`review: true`): all their commission waits, cleared in content. */
  underReview: { handle: string; member_name: string }[];
}

const money = (minor: number, currency: string) =>
  isCurrency(currency) ? formatMoney(minor, currency) : `${minor} ${currency} (minor units)`;

/** Display names of members by handle, from the storefront page store (influencers); else the handle. */
async function memberNames(assets: Fetcher, handles: Iterable<string>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const handle of new Set(handles)) {
    try {
      const found = await readStorefront(assets, handle);
      names.set(handle, found.kind === 'page' ? found.influencer.name : handle);
    } catch (error) {
      if (!(error instanceof PageStoreUnavailable)) throw error;
      names.set(handle, handle);
    }
  }
  return names;
}

/** Everything the holds page shows; `{ ok: false }` with a message when the holds cannot be read. */
export async function holdsView(
  env: Pick<Env, 'DB' | 'ASSETS'>,
): Promise<HoldsView | { ok: false; message: string }> {
  // Two reads, so decided holds (which only grow) never crowd undecided ones off the page.
  const held = await listHolds(env.DB, { status: 'held', limit: HOLDS_PAGE_LIMIT });
  if ('reason' in held) return { ok: false, message: held.message };
  const decided = await listHolds(env.DB, { status: 'decided', limit: HOLDS_PAGE_LIMIT });
  if ('reason' in decided) return { ok: false, message: decided.message };
  const reviewed = Object.entries(program.table.influencers)
    .filter(([, m]) => m.review && m.status === 'approved')
    .map(([handle]) => handle);
  const all = [...held.holds, ...decided.holds];
  const names = await memberNames(env.ASSETS, [...all.map((h) => h.handle), ...reviewed]);
  const row = (h: Hold): HoldRow => ({
    ...h,
    member_name: names.get(h.handle) ?? h.handle,
    held: money(h.held_minor, h.currency),
    decided: h.decision ? money(h.decision.amount_minor, h.currency) : null,
  });
  return {
    ok: true,
    held: held.holds.map(row),
    // Newest decision first: the history an admin reads after deciding.
    decided: decided.holds
      .map(row)
      .sort((a, b) => (b.decision?.decided_at ?? '').localeCompare(a.decision?.decided_at ?? '')),
    underReview: reviewed.map((handle) => ({ handle, member_name: names.get(handle) ?? handle })),
  };
}

const back = (status: number, ok: boolean, message: string) => backTo(HOLDS_PAGE, status, ok, message);

/** A posted release or void form, checked in the order of the header. */
export async function holdFormAnswer(
  env: Pick<Env, 'DB'>,
  request: Request,
  isAdmin: boolean,
  now = Date.now(),
): Promise<ConsoleAnswer> {
  return answerAdminForm(request, isAdmin, HOLD_FORM, (form) => decideFromForm(env.DB, form, now));
}

/** Checks 4 and 5 of the header, on a form read by answerAdminForm. */
async function decideFromForm(db: D1Database, form: FormData, now: number): Promise<ConsoleAnswer> {
  const action = form.get('action');
  const order = form.get('order');
  if ((action !== 'release' && action !== 'void') || typeof order !== 'string' || order.length > ORDER_MAX)
    return back(
      STATUS_OF.invalid,
      false,
      `Nothing decided: the form must name an order (at most ${ORDER_MAX} characters) and release or void.`,
    );
  const reason = form.get('reason');
  // An empty reason on a release means the default; a void's reason is required (the service says so).
  const body = typeof reason === 'string' && (action === 'void' || reason.trim() !== '') ? { reason } : {};
  const result = await decide(db, action as HoldAction, order, body, now);
  if (!result.ok) {
    const detail = issuesText(result.issues);
    const hint = action === 'void' && result.reason === 'invalid' ? ' A void needs a reason.' : '';
    return back(
      STATUS_OF[result.reason],
      false,
      `Order ${order} not ${action === 'void' ? 'voided' : 'released'}: ${result.message}${detail}.${hint}`,
    );
  }
  const h = result.hold;
  const amount = money(Math.abs(result.hold.decision?.amount_minor ?? h.held_minor), h.currency);
  const again = result.created ? '' : ' (already recorded; nothing changed)';
  return back(
    result.created ? 201 : 200,
    true,
    action === 'release'
      ? `Released order ${h.order_id}${again}: ${amount} of ${h.handle}'s commission counts from now on (into the first open month if its month is closed).`
      : `Voided order ${h.order_id}${again}: ${amount} of ${h.handle}'s commission will never be paid. Reason: ${h.decision?.reason ?? ''}`,
  );
}
