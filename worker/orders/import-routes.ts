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
 * file (statement-import.ts, the service the admin console calls too: 400 listing bad
 * cells, 422 layout / currency / sums, 409 legacy days; each a reason, its status from
 * the one table, worker/lib/reasons.ts).
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
import {
  commitFields,
  importFile,
  MAX_SINGLE_BYTES,
  newSessionId,
  runImport,
  sessionFields,
  type ImportOutcome,
} from './statement-import.ts';
import { readUnattributedKeys } from './unattributed.ts';
import { createSession, readParts, readSession, storedAnswer, storePart } from './statement-store.ts';

/** One part: under D1's 2 MB per value. */
export const MAX_PART_BYTES = 1024 * 1024;

const sessionId = z.string().regex(/^[0-9a-f]{32}$/, 'must be a session id');
const partNumber = z.coerce.number().int().min(0).max(9999);

const singleLimit = limitBody(
  MAX_SINGLE_BYTES,
  `report exceeds ${MAX_SINGLE_BYTES / 1024 / 1024} MiB in one request; send it in parts to an import session (POST /api/admin/import/amazon/sessions; npm run import:amazon does this)`,
);
const partLimit = limitBody(MAX_PART_BYTES, `a part may hold at most ${MAX_PART_BYTES} bytes`);

/** The service's outcome as the API answers it: the result as JSON, a refusal as a problem. */
function answer(outcome: ImportOutcome): Response {
  if (outcome.ok) return Response.json(outcome.answer, { headers: { 'Cache-Control': 'no-store' } });
  const retry: Record<string, string> = outcome.reason === 'store_unavailable' ? { 'Retry-After': '30' } : {};
  return problem(outcome.reason, outcome.message, outcome.issues, retry);
}

export const reportImport = new Hono<AppEnv>()
  .post('/amazon', requireAdmin, singleLimit, async (c) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    return answer(await importFile(c.env.DB, bytes, c.req.query()));
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
    const q = commitFields.safeParse(c.req.query());
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
    return answer(
      await runImport(c.env.DB, {
        bytes: parts.bytes,
        options,
        session_id: id.data,
        imported_by: session.imported_by,
        dry_run: q.data.dry_run ?? false,
      }),
    );
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
