/** Hono middleware for admin-only routes: 401 without the admin token. */
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { problem } from '../lib/problem.ts';
import { authenticate, UNAUTHORIZED_HEADERS } from './tokens.ts';

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const principal = await authenticate(c.env, c.req.header('authorization'));
  if (principal?.role !== 'admin') return problem(401, 'admin token required', undefined, UNAUTHORIZED_HEADERS);
  await next();
});
