/**
 * Who is signed in. The session lives server-side in KV (Astro sessions on the
 * adapter's SESSION binding); the cookie holds only its random id. What comes
 * back is validated, never trusted as-is.
 */
import { z } from 'zod';
import type { AstroGlobal } from 'astro';

export const principal = z.discriminatedUnion('role', [
  z.object({ role: z.literal('admin') }),
  z.object({ role: z.literal('influencer'), handle: z.string().min(1) }),
]);
export type Principal = z.infer<typeof principal>;

/** Sessions end after 12 hours. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export async function currentPrincipal(astro: Pick<AstroGlobal, 'session'>): Promise<Principal | null> {
  const stored: unknown = await astro.session?.get('principal');
  const parsed = principal.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

export function homeOf(who: Principal): string {
  return who.role === 'admin' ? '/dashboard/admin/' : `/dashboard/${who.handle}/`;
}

export function mayView(who: Principal, handle: string): boolean {
  return who.role === 'admin' || who.handle === handle;
}
