/**
 * The `live` state (CONTRACT.md section 15): a request whose proposed file the deployed build
 * was made from (its digest is in the build's live index, domain/requests/live-index.ts).
 *
 *   candidates = requests in pending | changes_needed | merged
 *   live       = candidates whose file_sha256 the build holds
 * Those become `live` in D1 in one guarded batch (only from those states, so a declined or
 * superseded request never does, and a later build without the file leaves it live: it was
 * deployed). Without a readable index the states stay as recorded (logged). Run where a member's requests are read: the dashboard and GET /api/requests/<handle>.
 */
import { withRetry } from '../lib/d1-retry.ts';
import { builtDigests } from './base-store.ts';
import type { RequestSummary } from './store.ts';
import { log } from '../lib/log.ts';

const CAN_GO_LIVE = new Set(['pending', 'changes_needed', 'merged']);

export async function withLiveStates(
  env: Env,
  requests: readonly RequestSummary[],
  now: Date,
): Promise<RequestSummary[]> {
  const candidates = requests.filter((r) => CAN_GO_LIVE.has(r.state));
  if (candidates.length === 0) return [...requests];
  let deployed: Set<string>;
  try {
    deployed = await builtDigests(
      env.ASSETS,
      candidates.map((r) => r.file_sha256),
    );
  } catch (error) {
    // A build without the index (or an unreadable shard): the states stay as recorded.
    log('error', 'requests.live_unavailable', { error: String(error) });
    return [...requests];
  }
  const live = new Set(candidates.filter((r) => deployed.has(r.file_sha256)).map((r) => r.id));
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
