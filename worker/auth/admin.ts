/**
 * Hono middleware for admin-only routes: 503 while ADMIN_TOKEN is missing (a
 * misconfiguration, named in the answer and in /healthz), 401 without a valid
 * token, 403 with an influencer's.
 */
import { createMiddleware } from 'hono/factory';
import { describeProblem, settingProblem } from '../config/check.ts';
import type { AppEnv } from '../env.ts';
import { problem } from '../lib/problem.ts';
import { authenticate, UNAUTHORIZED_HEADERS } from './tokens.ts';
import { log } from '../lib/log.ts';

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const misconfigured = settingProblem(c.env, 'ADMIN_TOKEN');
  if (misconfigured) {
    log('error', 'auth.admin_misconfigured', {
      setting: misconfigured.setting,
      problem: misconfigured.problem,
    });
    return problem('misconfigured', `admin routes unavailable: ${describeProblem(misconfigured)}`);
  }
  const principal = await authenticate(c.env, c.req.header('authorization'));
  if (!principal)
    return problem('unauthenticated', 'missing or invalid bearer token', undefined, UNAUTHORIZED_HEADERS);
  if (principal.role !== 'admin') return problem('forbidden', 'this needs the admin token');
  await next();
});
