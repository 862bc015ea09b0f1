/**
 * `POST /api/admin/<items>/<id>/<action>`: an admin's decision on one item, recorded once (a
 * hold's release or void, a dispute's credit or decline). Order of checks, the same for each:
 *   1. the admin token                                   -> 503 / 401 / 403 (requireAdmin)
 *   2. the body, declared or read, over the route's limit -> 413 (limitBody)
 *   3. not JSON                                          -> 400 "invalid <action>: the body must be JSON"
 *                                                           (an empty body is `{}`: the service names
 *                                                           the missing fields)
 *   4. the feature's service (`decide`)                  -> its answer: 201 when this call recorded the
 *                                                           decision, 200 the same one again, else its refusal
 */
import type { Context, MiddlewareHandler } from 'hono';
import { requireAdmin } from '../auth/admin.ts';
import type { AppEnv } from '../env.ts';
import { jsonBody } from './body.ts';

/** The handlers of one decision route (spread into `.post(path, ...)`). */
export function adminDecision(
  action: string,
  limit: MiddlewareHandler,
  decide: (c: Context<AppEnv>, body: unknown) => Promise<Response>,
) {
  return [
    requireAdmin,
    limit,
    async (c: Context<AppEnv>) => {
      const read = await jsonBody(c, action);
      return read instanceof Response ? read : decide(c, read.body);
    },
  ] as const;
}
