/**
 * Failed bearer tokens on /api/* count like failed dashboard sign-ins, in the
 * same per-visitor window (worker/dashboard/signin-limit.ts): a visitor with too
 * many failures gets 429 until the window ends, whichever door they knocked on,
 * and even a right token waits (or guessing would still pay).
 */
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { isLimited, recordFailure, signinVisitor, WINDOW_MS } from '../dashboard/signin-limit.ts';
import { problem } from '../lib/problem.ts';
import { bearerToken } from './tokens.ts';
import { log } from '../lib/log.ts';

export const limitBearerFailures = createMiddleware<AppEnv>(async (c, next) => {
  const now = new Date();
  const visitor = await visitorOf(c.env, c.req.raw, now);
  if (visitor !== null && (await isLimited(c.env.DB, visitor, now.getTime()))) {
    const retryAfter = Math.ceil((WINDOW_MS - (now.getTime() % WINDOW_MS)) / 1000);
    return problem('too_many_attempts', 'too many failed bearer tokens; wait and try again', undefined, {
      'Retry-After': String(retryAfter),
    });
  }
  await next();
  // Only a token that was given and refused is a failure; a missing one is not a guess.
  if (visitor !== null && c.res.status === 401 && bearerToken(c.req.header('authorization')) !== null)
    await recordFailure(c.env.DB, visitor, now.getTime());
});

/** The visitor's keyed hash; null (no limiting, logged) when the hash secret is missing. */
async function visitorOf(env: Env, request: Request, now: Date): Promise<string | null> {
  try {
    return await signinVisitor(env, request, now);
  } catch (error) {
    log('error', 'auth.bearer_limit_unavailable', { error: String(error) });
    return null;
  }
}
