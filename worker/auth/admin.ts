/** Hono middleware for admin-only routes: 401 without a valid token, 403 with an influencer's. */
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { problem } from '../lib/problem.ts';
import { authenticate, UNAUTHORIZED_HEADERS } from './tokens.ts';

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const principal = await authenticate(c.env, c.req.header('authorization'));
  if (!principal) return problem(401, 'missing or invalid bearer token', undefined, UNAUTHORIZED_HEADERS);
  if (principal.role !== 'admin') return problem(403, 'this needs the admin token');
  await next();
});
