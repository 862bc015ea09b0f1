/**
 * Who may post a form: a page of this site (CONTRACT.md section 15: cross-site posts refused),
 * and for the admin console's forms the admin. Checked before anything of the request is read.
 */

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
