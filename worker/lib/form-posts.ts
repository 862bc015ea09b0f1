/**
 * Who may post a form: a page of this site (CONTRACT.md section 15: cross-site posts refused),
 * and for the admin console's forms the admin. Checked before anything of the request is read.
 *
 * The admin console's deciding forms (holds, disputes: worker/<feature>/console.ts), without
 * any script, share checks 1 to 3 of their order of checks (answerAdminForm):
 *   1. not signed in as the admin                -> 403, nothing read
 *   2. cross-site post (Sec-Fetch-Site / Origin) -> 403, nothing read
 *   3. body over the form's maxBytes, or not a form -> refused with a message (413 / 400), nothing decided
 *   4. and on: the feature's own checks, then its decision
 * Anything past 2 ends in a redirect back to the page (post/redirect/get) carrying one message,
 * `{ ok, message }`, shown once at the top of the page (#result).
 */
import type { Issue } from '../../domain/issues.ts';
import { readSmallForm } from './body.ts';
import { STATUS_OF } from './reasons.ts';

/** Whether a post comes from a page of this site. */
export function sameSitePost(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin' || site === 'none';
  const origin = request.headers.get('origin');
  return origin === null || origin === new URL(request.url).origin;
}

/** Checks 1 and 2 of every admin console form: the refusal's message (answered 403), or null. */
export function adminPostRefusal(request: Request, isAdmin: boolean): string | null {
  if (!isAdmin) return 'Admins only: sign in with the admin token.';
  if (!sameSitePost(request)) return 'Refused: this form can only be sent from this site.';
  return null;
}

/** What a deciding console page answers a posted form (the page renders it; see the header). */
export type ConsoleAnswer =
  | { kind: 'refused'; status: 403; message: string }
  | { kind: 'redirect'; status: number; location: string; flash: { ok: boolean; message: string } };

/** A deciding console form: the page it posts from (and is sent back to), and its size limit. */
export interface ConsoleForm {
  page: string;
  maxBytes: number;
}

/** The redirect back to `page`, carrying one message shown at its top. */
export function backTo(page: string, status: number, ok: boolean, message: string): ConsoleAnswer {
  return { kind: 'redirect', status, location: `${page}#result`, flash: { ok, message } };
}

/** A refusal's issues as a console message reads them: ` (path: message)` each, `form` for the whole form. */
export function issuesText(issues: readonly Issue[] = []): string {
  return issues.map((i) => ` (${i.path || 'form'}: ${i.message})`).join('');
}

/** A posted console form: checks 1 to 3 of the header, then the feature's `decide` with the form read. */
export async function answerAdminForm(
  request: Request,
  isAdmin: boolean,
  where: ConsoleForm,
  decide: (form: FormData) => Promise<ConsoleAnswer>,
): Promise<ConsoleAnswer> {
  const refusal = adminPostRefusal(request, isAdmin);
  if (refusal !== null) return { kind: 'refused', status: 403, message: refusal };
  const form = await readSmallForm(request, where.maxBytes);
  if (typeof form === 'string')
    return backTo(
      where.page,
      form === 'too_large' ? STATUS_OF.body_too_large : STATUS_OF.invalid,
      false,
      `Nothing decided: the form could not be read (at most ${where.maxBytes} bytes). Send it again from this page.`,
    );
  return decide(form);
}
