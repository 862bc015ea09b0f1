/**
 * Who is signed in. The session lives server-side in KV (Astro sessions on the
 * adapter's SESSION binding); the cookie holds only its random id. What comes
 * back is validated, never trusted as-is, and the token that opened the session
 * is checked again on every request: a revoked creator token or a changed
 * ADMIN_TOKEN ends the session at once (CONTRACT.md section 9).
 */
import { env } from 'cloudflare:workers';
import { z } from 'zod';
import type { AstroGlobal } from 'astro';
import {
  sessionStillValid,
  type Principal as Who,
  type SessionPrincipal,
} from '../../../worker/auth/tokens.ts';

/** SHA-256 (hex) of the token that opened the session. */
const tokenHash = z.string().regex(/^[0-9a-f]{64}$/);

export const principal = z.discriminatedUnion('role', [
  z.object({ role: z.literal('admin'), token: tokenHash }),
  z.object({ role: z.literal('influencer'), handle: z.string().min(1), token: tokenHash }),
]);

/** Sessions end after 12 hours, or as soon as their token stops being valid. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export async function currentPrincipal(
  astro: Pick<AstroGlobal, 'session'>,
): Promise<SessionPrincipal | null> {
  const stored: unknown = await astro.session?.get('principal');
  const parsed = principal.safeParse(stored);
  if (!parsed.success) return null;
  if (!(await sessionStillValid(env, parsed.data))) {
    astro.session?.destroy();
    return null;
  }
  return parsed.data;
}

export function homePathOf(who: Who): string {
  return who.role === 'admin' ? '/dashboard/admin/' : `/dashboard/${who.handle}/`;
}

export function mayView(who: Who, handle: string): boolean {
  return who.role === 'admin' || who.handle === handle;
}
