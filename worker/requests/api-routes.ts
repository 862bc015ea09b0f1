/**
 * Change requests over the API (CONTRACT.md section 15), bearer tokens:
 * - `GET /api/admin/requests?state=&limit=&offset=` (admin): oldest first, with `total`, so a
 *   listing is never silently cut short.
 * - `GET /api/admin/requests/<id>` (admin): one request whole (file text, signature, images as
 *   base64) for `npm run requests -- sync`. Never the contact email.
 * - `POST /api/admin/requests/<id>/state` (admin) `{ state, pull_request_url?, vet_errors? }`:
 *   what became of it (the sync records its pull request; vet's result; merged; declined).
 * - `GET /api/requests/<handle>`: a member's own requests (its token) or anyone's (admin); those
 *   the deployed build contains are marked `live` first (worker/requests/live.ts).
 * 401 without a valid token, 403 for another member's, 400 naming a bad parameter.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { z } from 'zod';
import { issuesOf } from '../../domain/issues.ts';
import { requireAdmin } from '../auth/admin.ts';
import { authenticate, UNAUTHORIZED_HEADERS } from '../auth/tokens.ts';
import type { AppEnv } from '../env.ts';
import { problem } from '../lib/problem.ts';
import { queryValidator } from '../lib/validation.ts';
import { base64Of } from './base64.ts';
import { withLiveStates } from './live.ts';
import { listRequests, readRequest, REQUEST_STATES, requestsOf, updateRequest } from './store.ts';

const NO_STORE = { 'Cache-Control': 'private, no-store' };
const REQUEST_ID = /^[0-9a-f]{16}$/;

const listQuery = z.object({
  state: z.enum(REQUEST_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const stateBody = z.strictObject({
  state: z.enum(REQUEST_STATES),
  pull_request_url: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
  vet_errors: z
    .array(
      z.strictObject({
        file: z.string().max(300),
        field: z.string().max(300),
        message: z.string().max(2000),
      }),
    )
    .max(200)
    .optional(),
});

export const adminRequests = new Hono<AppEnv>()
  .use(requireAdmin)
  .get('/', queryValidator(listQuery), async (c) => {
    const { state, limit, offset } = c.req.valid('query');
    const { total, requests } = await listRequests(c.env.DB, state ?? null, limit, offset);
    const next = offset + requests.length < total ? offset + requests.length : null;
    return c.json({ total, limit, offset, next_offset: next, requests }, 200, NO_STORE);
  })
  .get('/:id', async (c) => {
    const id = c.req.param('id');
    if (!REQUEST_ID.test(id))
      return problem('invalid', 'invalid request id', [
        { path: 'id', message: 'must be 16 lowercase hex characters' },
      ]);
    const found = await readRequest(c.env.DB, id);
    if (!found) return problem('not_found', `unknown request "${id}"`);
    const { image_bytes, ...rest } = found;
    return c.json(
      { ...rest, image_files: image_bytes.map((i) => ({ path: i.path, base64: base64Of(i.bytes) })) },
      200,
      NO_STORE,
    );
  })
  .post(
    '/:id/state',
    zValidator('json', stateBody, (result) => {
      if (!result.success) return problem('invalid', 'invalid body', issuesOf(result.error));
    }),
    async (c) => {
      const id = c.req.param('id');
      if (!REQUEST_ID.test(id))
        return problem('invalid', 'invalid request id', [
          { path: 'id', message: 'must be 16 lowercase hex characters' },
        ]);
      const updated = await updateRequest(c.env.DB, id, c.req.valid('json'), new Date());
      if (!updated) return problem('not_found', `unknown request "${id}"`);
      return c.json({ id, ...c.req.valid('json') }, 200, NO_STORE);
    },
  );

export const memberRequests = new Hono<AppEnv>().get('/:handle', async (c) => {
  const principal = await authenticate(c.env, c.req.header('authorization'));
  if (!principal)
    return problem('unauthenticated', 'missing or invalid bearer token', undefined, UNAUTHORIZED_HEADERS);
  const handle = c.req.param('handle');
  if (principal.role === 'influencer' && principal.handle !== handle)
    return problem('forbidden', 'this token may only read its own requests');
  const requests = await withLiveStates(c.env, await requestsOf(c.env.DB, handle), new Date());
  return c.json({ handle, requests }, 200, NO_STORE);
});
