/**
 * `POST /api/admin/clicks/recover` (admin token): stores clicks that the worker could
 * not store and wrote to the log as `clicks.unsaved` lines. `npm run clicks:recover`
 * reads an exported log, picks those lines and sends them here in batches, so recovered
 * clicks take the same write path as every other click (store.ts: D1 limits, duplicate
 * flags, idempotent on the click id). Answers how many were new.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { issuesOf } from '../../domain/issues.ts';
import { requireAdmin } from '../auth/admin.ts';
import type { AppEnv } from '../env.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { problem } from '../lib/problem.ts';
import { decodeUtf8, limitBody } from '../lib/body.ts';
import { clickRecord } from '../../domain/clicks/message.ts';
import { insertClicks } from './store.ts';
import { log } from '../lib/log.ts';

export const MAX_RECOVER_BYTES = 1024 * 1024;
export const MAX_RECOVER_CLICKS = 1_000;

const recoverBody = z.strictObject({ clicks: z.array(clickRecord).min(1).max(MAX_RECOVER_CLICKS) });

const sizeLimit = limitBody(
  MAX_RECOVER_BYTES,
  `body exceeds ${MAX_RECOVER_BYTES} bytes; send fewer clicks per request`,
);

export const clickRecovery = new Hono<AppEnv>().post('/recover', requireAdmin, sizeLimit, async (c) => {
  const text = decodeUtf8(new Uint8Array(await c.req.arrayBuffer()));
  let data: unknown;
  try {
    data = JSON.parse(text ?? '');
  } catch {
    return problem('invalid', 'malformed JSON', [{ path: '(body)', message: 'must be UTF-8 JSON' }]);
  }
  const parsed = recoverBody.safeParse(data);
  if (!parsed.success) return problem('invalid', 'invalid clicks', issuesOf(parsed.error));
  try {
    const inserted = await withRetry(() => insertClicks(c.env.DB, parsed.data.clicks, 'recovered'));
    return c.json(
      { received: parsed.data.clicks.length, inserted, already_stored: parsed.data.clicks.length - inserted },
      200,
      { 'Cache-Control': 'no-store' },
    );
  } catch (error) {
    log('error', 'clicks.recover_failed', { error: String(error) });
    return problem('store_unavailable', 'click store unavailable, retry later', undefined, {
      'Retry-After': '30',
    });
  }
});
