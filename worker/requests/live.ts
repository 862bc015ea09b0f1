/**
 * The `live` state (CONTRACT.md section 15): a request whose member file the deployed build holds
 * at or after the merge (domain/requests/live-index.ts): the file it proposed is the build's, or
 * is a version of that path in the git history the build was made from (so an admin's fix-up
 * on the request branch before merging does not keep it `merged`).
 *
 *   candidates = requests in pending | changes_needed | merged
 *   live       = candidates r with r.file_sha256 or version(r.file_path, r.file_text) in the index
 * Those become `live` in D1 in one guarded batch (only from those states, so a declined or
 * superseded request never does, and a later build without the file leaves it live: it was
 * deployed). Without a readable index the states stay as recorded (logged). Run where a member's requests are read: the dashboard and GET /api/requests/<handle>.
 */
import { fileVersionKey, gitBlobId } from '../../domain/requests/live-index.ts';
import { sha256Hex } from '../../domain/requests/signature.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { text, type Row } from '../lib/rows.ts';
import { builtDigests } from './base-store.ts';
import type { RequestSummary } from './store.ts';
import { log } from '../lib/log.ts';

const FILE_TEXTS = `SELECT id, file_path, file_text FROM change_requests WHERE id IN (SELECT value FROM json_each(?1))`;

/** Each candidate's live index entries: its file's digest and its version's (path, git blob id). */
async function entriesOf(
  db: D1Database,
  candidates: readonly RequestSummary[],
): Promise<Map<string, string[]>> {
  const { results } = await withRetry(() =>
    db
      .prepare(FILE_TEXTS)
      .bind(JSON.stringify(candidates.map((r) => r.id)))
      .all<Row>(),
  );
  const byId = new Map((results ?? []).map((row) => [text(row, 'id'), row]));
  const entries = new Map<string, string[]>();
  for (const r of candidates) {
    const row = byId.get(r.id);
    const version = row
      ? await sha256Hex(
          fileVersionKey(
            text(row, 'file_path'),
            await gitBlobId(new TextEncoder().encode(text(row, 'file_text'))),
          ),
        )
      : null;
    entries.set(r.id, version ? [r.file_sha256, version] : [r.file_sha256]);
  }
  return entries;
}

const CAN_GO_LIVE = new Set(['pending', 'changes_needed', 'merged']);

export async function withLiveStates(
  env: Env,
  requests: readonly RequestSummary[],
  now: Date,
): Promise<RequestSummary[]> {
  const candidates = requests.filter((r) => CAN_GO_LIVE.has(r.state));
  if (candidates.length === 0) return [...requests];
  const entries = await entriesOf(env.DB, candidates);
  let deployed: Set<string>;
  try {
    deployed = await builtDigests(env.ASSETS, [...entries.values()].flat());
  } catch (error) {
    // A build without the index (or an unreadable shard): the states stay as recorded.
    log('error', 'requests.live_unavailable', { error: String(error) });
    return [...requests];
  }
  const live = new Set(
    candidates.filter((r) => (entries.get(r.id) ?? []).some((e) => deployed.has(e))).map((r) => r.id),
  );
  if (live.size === 0) return [...requests];
  const at = now.toISOString();
  await withRetry(() =>
    env.DB.batch(
      [...live].map((id) =>
        env.DB.prepare(
          `UPDATE change_requests SET state = 'live', updated_at = ?2
           WHERE id = ?1 AND state IN ('pending', 'changes_needed', 'merged')`,
        ).bind(id, at),
      ),
    ),
  );
  log('info', 'requests.live', { requests: [...live] });
  return requests.map((r) => (live.has(r.id) ? { ...r, state: 'live', updated_at: at } : r));
}
