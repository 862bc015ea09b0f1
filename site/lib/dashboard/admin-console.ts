/**
 * The front matter every deciding page of the admin console shares (holds.astro, disputes.astro):
 *   not signed in                -> redirect to /dashboard/ (303)
 *   signed in, not the admin     -> the page says "Admins only" (403); a post is refused unread
 *   POST                         -> the feature's form answer (worker/lib/form-posts.ts):
 *                                   refused (403, shown on the page) or a redirect back (303,
 *                                   post/redirect/get) with its one message kept in the session
 *   GET after that redirect      -> the message, shown once (taken out of the session)
 */
import { z } from 'zod';
import type { AstroGlobal } from 'astro';
import type { SessionPrincipal } from '../../../worker/auth/tokens.ts';
import type { ConsoleAnswer } from '../../../worker/lib/form-posts.ts';
import { STATUS_OF } from '../../../worker/lib/reasons.ts';
import { currentPrincipal } from './session.ts';

const flashShape = z.object({ ok: z.boolean(), message: z.string().max(4000) });

export interface ConsolePage {
  who: SessionPrincipal;
  isAdmin: boolean;
  /** Why a post was refused unread (the page shows only this). */
  refusal: string | null;
  /** The message a redirect carried here, once. */
  result: z.infer<typeof flashShape> | null;
}

/** The page's state, or the Response to answer instead (a redirect). `flash` names its session key. */
export async function consolePage(
  astro: Pick<AstroGlobal, 'session' | 'request' | 'response' | 'redirect'>,
  flash: string,
  answer: (request: Request, isAdmin: boolean) => Promise<ConsoleAnswer>,
): Promise<ConsolePage | Response> {
  const who = await currentPrincipal(astro);
  if (!who) return astro.redirect('/dashboard/', 303);
  const isAdmin = who.role === 'admin';
  let refusal: string | null = null;
  if (astro.request.method === 'POST') {
    const answered = await answer(astro.request, isAdmin);
    if (answered.kind === 'redirect') {
      astro.session?.set(flash, answered.flash);
      return astro.redirect(answered.location, 303);
    }
    astro.response.status = answered.status;
    refusal = answered.message;
  } else if (!isAdmin) astro.response.status = STATUS_OF.forbidden;
  const stored =
    isAdmin && astro.request.method === 'GET' ? flashShape.safeParse(await astro.session?.get(flash)) : null;
  if (stored?.success) astro.session?.delete(flash);
  return { who, isAdmin, refusal, result: stored?.success ? stored.data : null };
}
