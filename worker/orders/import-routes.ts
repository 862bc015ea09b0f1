/**
 * Amazon report imports (admin token), CONTRACT.md section 12:
 *
 *   POST /amazon?marketplace=&from=&to=&whole_account=&dry_run=&by=&file_name=
 *        the whole file as the body (up to MAX_SINGLE_BYTES), imported at once
 *   POST /amazon/sessions                      {marketplace?, from?, to?, whole_account?, by?, file_name?}
 *        -> 201 { session_id, part_max_bytes }: a file of any size, sent in parts
 *   PUT  /amazon/sessions/:id/parts/:n         bytes n (0, 1, ...; a part sent again replaces itself)
 *   POST /amazon/sessions/:id/commit?dry_run=  the parts joined, imported once as one statement;
 *        committed again -> the stored answer of the first commit
 *   GET  /amazon/unattributed?limit=&offset=   keys credited to nobody (admins see them)
 *
 * Order of checks: admin token (401/403), query or JSON fields (400 naming them),
 * body size (413), session known (404) and not committed (409 for a part), then the
 * file (statement-import.ts: 400 listing bad cells, 422 layout / currency / sums).
 * A dry run (the admin form's preview, `--dry-run`) answers what would be added,
 * changed and reversed, and stores nothing.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { issuesOf } from '../../domain/issues.ts';
import { requireAdmin } from '../auth/admin.ts';
import type { AppEnv } from '../env.ts';
import { limitBody } from '../lib/body.ts';
import { problem } from '../lib/problem.ts';
import { runImport } from './statement-import.ts';
import { readUnattributedKeys } from './unattributed.ts';
import { createSession, readParts, readSession, storedAnswer, storePart } from './statement-store.ts';

/** One request's file; larger files go to a session in parts. */
export const MAX_SINGLE_BYTES = 8 * 1024 * 1024;
/** One part: under D1's 2 MB per value. */
export const MAX_PART_BYTES = 1024 * 1024;

const day = z.iso.date({ error: 'must be a day like 2026-11-01' });
const flag = z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true');
const fields = {
  marketplace: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a retailer id like amazon-us')
    .optional(),
  from: day.optional(),
  to: day.optional(),
  by: z
    .string()
    .regex(/^[\x21-\x7e]{1,64}$/, 'must be 1 to 64 printable characters without spaces')
    .optional(),
  file_name: z.string().min(1).max(200).optional(),
};
const queryFields = z.strictObject({ ...fields, whole_account: flag.optional(), dry_run: flag.optional() });
const sessionFields = z.strictObject({ ...fields, whole_account: z.boolean().optional() });
const sessionId = z.string().regex(/^[0-9a-f]{32}$/, 'must be a session id');
const partNumber = z.coerce.number().int().min(0).max(9999);

const singleLimit = limitBody(
  MAX_SINGLE_BYTES,
  `report exceeds ${MAX_SINGLE_BYTES / 1024 / 1024} MiB in one request; send it in parts to an import session (POST /api/admin/import/amazon/sessions; npm run import:amazon does this)`,
);
const partLimit = limitBody(MAX_PART_BYTES, `a part may hold at most ${MAX_PART_BYTES} bytes`);

function query(c: { req: { query(): Record<string, string> } }) {
  return queryFields.safeParse(c.req.query());
}

function newSessionId(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export const reportImport = new Hono<AppEnv>()
  .post('/amazon', requireAdmin, singleLimit, async (c) => {
    const q = query(c);
    if (!q.success) return problem('invalid', 'invalid query', issuesOf(q.error));
    const { dry_run = false, by = 'admin', ...options } = q.data;
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    return runImport(c.env.DB, { bytes, options, session_id: newSessionId(), imported_by: by, dry_run });
  })
  .post('/amazon/sessions', requireAdmin, limitBody(64 * 1024, 'session fields exceed 64 KiB'), async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return problem('invalid', 'invalid body', [{ path: '(body)', message: 'must be a JSON object' }]);
    }
    const parsed = sessionFields.safeParse(body);
    if (!parsed.success) return problem('invalid', 'invalid body', issuesOf(parsed.error));
    const { by = 'admin', ...options } = parsed.data;
    const id = newSessionId();
    await createSession(c.env.DB, id, options, by, Date.now());
    return c.json({ session_id: id, part_max_bytes: MAX_PART_BYTES }, 201, { 'Cache-Control': 'no-store' });
  })
  .put('/amazon/sessions/:id/parts/:n', requireAdmin, partLimit, async (c) => {
    const id = sessionId.safeParse(c.req.param('id'));
    const n = partNumber.safeParse(c.req.param('n'));
    if (!id.success || !n.success)
      return problem('invalid', 'invalid path', [
        ...(id.success ? [] : [{ path: 'id', message: 'must be a session id' }]),
        ...(n.success ? [] : [{ path: 'n', message: 'must be a part number from 0 to 9999' }]),
      ]);
    const session = await readSession(c.env.DB, id.data);
    if (!session) return problem('not_found', `no import session ${id.data}`);
    if (session.committed)
      return problem('session_committed', `import session ${id.data} is committed; start a new one`);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    await storePart(c.env.DB, id.data, n.data, bytes, Date.now());
    return c.json({ part: n.data, bytes: bytes.byteLength }, 200, { 'Cache-Control': 'no-store' });
  })
  .post('/amazon/sessions/:id/commit', requireAdmin, async (c) => {
    const id = sessionId.safeParse(c.req.param('id'));
    if (!id.success)
      return problem('invalid', 'invalid path', [{ path: 'id', message: 'must be a session id' }]);
    const q = z.strictObject({ dry_run: flag.optional() }).safeParse(c.req.query());
    if (!q.success) return problem('invalid', 'invalid query', issuesOf(q.error));
    const session = await readSession(c.env.DB, id.data);
    if (!session) return problem('not_found', `no import session ${id.data}`);
    // Committed already (an answer lost on the way): the first commit's answer, unchanged.
    if (session.committed)
      return c.json(await storedAnswer(c.env.DB, id.data), 200, { 'Cache-Control': 'no-store' });
    const options = sessionFields.parse(session.options);
    const parts = await readParts(c.env.DB, id.data);
    if (!parts.ok)
      return problem('invalid', `part ${parts.missing} of session ${id.data} is missing`, [
        { path: `parts/${parts.missing}`, message: 'send every part, numbered from 0, before committing' },
      ]);
    return runImport(c.env.DB, {
      bytes: parts.bytes,
      options,
      session_id: id.data,
      imported_by: session.imported_by,
      dry_run: q.data.dry_run ?? false,
    });
  })
  .get('/amazon/unattributed', requireAdmin, async (c) => {
    const q = z
      .strictObject({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        offset: z.coerce.number().int().min(0).default(0),
      })
      .safeParse(c.req.query());
    if (!q.success) return problem('invalid', 'invalid query', issuesOf(q.error));
    return c.json(await readUnattributedKeys(c.env.DB, q.data.limit, q.data.offset), 200, {
      'Cache-Control': 'no-store',
    });
  });
