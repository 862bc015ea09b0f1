/**
 * `GET/POST /claim/<token>` (CONTRACT.md section 15): the claim link an applicant saw once.
 * Once the application is merged as approved (the deployed build's program table says the
 * member exists and is approved), the link mints the member's own dashboard token and signs
 * them in, one time; D1 holds only SHA-256 hashes of the link and of the token.
 *
 * GET only shows a button: link previews and prefetches fetch with GET, so they never use the
 * link up. Order of checks for the POST:
 *   1. cross-site (as /apply/)                                        -> 403
 *   2. too many failed claims from this visitor (the sign-in limit)  -> 429
 *   3. the link: unknown 404, used 410, expired 410 (each a failure counted)
 *   4. not approved in the deployed build yet                         -> 409 (pending review)
 *   5. claim: mark it used and store the new token, in one batch      -> 201, the token once and a
 *      button that signs in with it (the dashboard's own sign-in form)
 */
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { sha256Hex } from '../../domain/requests/signature.ts';
import { isLimited, recordFailure, signinVisitor } from '../dashboard/signin-limit.ts';
import type { AppEnv } from '../env.ts';
import { base64url } from '../links/visitor-hash.ts';
import { program } from '../orders/program.ts';
import { layout, messagePage } from './apply-page.ts';
import { sameSitePost } from '../lib/form-posts.ts';
import { claim, lookUpClaim, type ClaimLookup } from './store.ts';
import { log } from '../lib/log.ts';
import { STATUS_OF, statusOf, type Reason } from '../lib/reasons.ts';

const CLAIM_TOKEN = /^sfc_[A-Za-z0-9_-]{43}$/;
const NO_STORE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

type Outcome = 200 | 201 | Reason;

async function answer(c: Context<AppEnv>, outcome: Outcome, body: ReturnType<typeof layout>) {
  return c.html(await body, statusOf(outcome), NO_STORE);
}

function isApproved(handle: string): boolean {
  return program.table.influencers[handle]?.status === 'approved';
}

/** The page for a link that cannot be used (now or ever), or null when it is open and approved. */
function refusal(found: ClaimLookup): [Reason, string, string] | null {
  switch (found.kind) {
    case 'unknown':
      return ['not_found', 'Unknown link', 'This claim link is not valid. Check that you copied all of it.'];
    case 'used':
      return [
        'already_used',
        'Already used',
        'This claim link has been used. Sign in at /dashboard/ with your token.',
      ];
    case 'expired':
      return [
        'expired',
        'Expired',
        'This claim link has expired. Write to the program admins to get a new one.',
      ];
    case 'open':
      if (!isApproved(found.handle))
        return [
          'not_approved',
          'Not approved yet',
          `The application for "${found.handle}" is still in review. This link works once it is approved and live; keep it until then.`,
        ];
      return null;
  }
}

export const claims = new Hono<AppEnv>()
  .get('/:token', async (c) => {
    const token = c.req.param('token');
    const found = CLAIM_TOKEN.test(token)
      ? await lookUpClaim(c.env.DB, await sha256Hex(token), Date.now())
      : { kind: 'unknown' as const };
    const refused = refusal(found);
    if (refused) return answer(c, refused[0], messagePage(refused[1], refused[2]));
    const handle = found.kind === 'open' ? found.handle : '';
    return answer(
      c,
      200,
      layout(
        'Claim your dashboard',
        html`<h1>Welcome, ${handle}</h1>
          <p>
            Your application was approved. Claim your dashboard: this makes your own access token and signs
            you in. The link works once.
          </p>
          <form method="post"><button type="submit">Claim my dashboard</button></form>`,
      ),
    );
  })
  .post('/:token', async (c) => {
    if (!sameSitePost(c.req.raw))
      return answer(c, 'forbidden', messagePage('Refused', 'Claims are accepted only from this site.'));
    const now = new Date();
    const visitor = await signinVisitor(c.env, c.req.raw, now);
    if (await isLimited(c.env.DB, visitor, now.getTime()))
      return c.html(
        await messagePage('Too many tries', 'Too many failed attempts. Wait 15 minutes.'),
        STATUS_OF.too_many_attempts,
        {
          ...NO_STORE,
          'Retry-After': '900',
        },
      );
    const link = c.req.param('token');
    const linkHash = CLAIM_TOKEN.test(link) ? await sha256Hex(link) : null;
    const found: ClaimLookup = linkHash
      ? await lookUpClaim(c.env.DB, linkHash, now.getTime())
      : { kind: 'unknown' };
    const refused = refusal(found);
    if (refused || found.kind !== 'open' || linkHash === null) {
      if (found.kind !== 'open') await recordFailure(c.env.DB, visitor, now.getTime());
      const [status, title, message] = refused ?? [
        'not_found' as const,
        'Unknown link',
        'This claim link is not valid.',
      ];
      return answer(c, status, messagePage(title, message));
    }
    // The member's own dashboard token, the same form as `npm run token -- create` makes.
    const token = `sft_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
    if (!(await claim(c.env.DB, linkHash, found.handle, await sha256Hex(token), now.getTime())))
      return answer(c, 'already_used', messagePage('Already used', 'This claim link has just been used.'));
    log('info', 'claim.used', { request: found.requestId, handle: found.handle });
    return answer(
      c,
      201,
      layout(
        'Your dashboard token',
        html`<h1>Your dashboard is yours, ${found.handle}</h1>
          <p>
            <strong>Save this access token now: it is shown only this once.</strong> It signs you in to your
            dashboard and the API; keep it like a password (if it leaks, ask the admins to revoke it).
          </p>
          <p class="claim"><code>${token}</code></p>
          <form method="post" action="/dashboard/">
            <input type="hidden" name="token" value="${token}" />
            <button type="submit">Sign in to my dashboard</button>
          </form>`,
      ),
    );
  });
