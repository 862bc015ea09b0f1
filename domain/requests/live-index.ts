/**
 * What the deployed build contains, as the worker needs it to mark change requests `live`
 * (CONTRACT.md section 15): the SHA-256 of every member and product file's bytes the build
 * was made from, filed by digest in fixed shards beside the static assets.
 *
 *   shard(d)  = parseInt(d[0..2], 16)            (256 shards; 100,000 members ≈ 26 KB each)
 *   file      = the shard's digests, sorted
 *   live(r)   = r.file_sha256 ∈ shard(r.file_sha256)   for r not declined or superseded
 *
 * Besides the files as built, the index holds every version of them in the git history the
 * build was made from (build/write-live-index.ts), as
 *
 *   version(path, bytes) = SHA-256 of "<path>\n<git blob id of bytes>"
 *   blob id(bytes)       = SHA-1 of "blob <byte length>\0" + bytes   (git's object id)
 *   live(r)   = r.file_sha256 ∈ index  or  version(r.file_path, r.file_text) ∈ index
 *
 * so a request is live once the deployed build holds its member file at or after the merge: its
 * branch's commit (request/<id>, the exact file it proposed) is an ancestor of the build's
 * commit, also when an admin fixed the file up on the branch before merging (the fix-up is a
 * later version; the request's own version is still in the history). Nothing but the history
 * the build was made from puts a version there: a branch not merged is no ancestor, and the
 * path is part of the entry (docs/requests.md).
 */
import { DATA_PREFIX } from '../links/shards.ts';

export const LIVE_INDEX_SHARDS = 256;
const DIGEST = /^[0-9a-f]{64}$/;

export function liveIndexPath(index: number): string {
  return `${DATA_PREFIX}requests/live/${index}.json`;
}

export function liveIndexShardOf(digest: string): number {
  if (!DIGEST.test(digest)) throw new Error(`not a SHA-256 hex digest: "${digest}"`);
  return Number.parseInt(digest.slice(0, 2), 16);
}

export function buildLiveIndex(digests: Iterable<string>): string[][] {
  const shards: string[][] = Array.from({ length: LIVE_INDEX_SHARDS }, () => []);
  for (const d of new Set(digests)) shards[liveIndexShardOf(d)]!.push(d);
  for (const shard of shards) shard.sort();
  return shards;
}

/** Git's object id of a file's bytes (SHA-1 of "blob <length>\0" + bytes, as `git hash-object`). */
export async function gitBlobId(bytes: Uint8Array): Promise<string> {
  const head = new TextEncoder().encode(`blob ${bytes.length}\0`);
  const all = new Uint8Array(head.length + bytes.length);
  all.set(head);
  all.set(bytes, head.length);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', all));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** What the live index's entry for a version of a file is the SHA-256 of: its repository path and git blob id. */
export function fileVersionKey(path: string, blobId: string): string {
  return `${path}\n${blobId}`;
}
