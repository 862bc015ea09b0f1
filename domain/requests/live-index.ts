/**
 * What the deployed build contains, as the worker needs it to mark change requests `live`
 * (CONTRACT.md section 15): the SHA-256 of every member and product file's bytes the build
 * was made from, filed by digest in fixed shards beside the static assets.
 *
 *   shard(d)  = parseInt(d[0..2], 16)            (256 shards; 100,000 members ≈ 26 KB each)
 *   file      = the shard's digests, sorted
 *   live(r)   = r.file_sha256 ∈ shard(r.file_sha256)   for r not declined or superseded
 *
 * A request is live when the exact file it proposed is deployed. A file an admin changed
 * before merging (an application approved with its tracking id, a product given its price)
 * has another digest: it stays `merged` (docs/requests.md).
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
