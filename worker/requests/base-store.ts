/**
 * What the worker vets requests against, read from the files the build writes beside the
 * static assets (build/write-request-base.ts): the program files as data, and the
 * handle index shard of a candidate's skeleton. Kept parsed in this isolate like the other
 * build-time stores; an unreadable file throws ShardUnavailable (the route answers 503).
 */
import { z } from 'zod';
import {
  handleIndexPath,
  handleIndexShardOf,
  handlesLike,
  REQUEST_BASE_PATH,
} from '../../domain/requests/handle-index.ts';
import { liveIndexPath, liveIndexShardOf } from '../../domain/requests/live-index.ts';
import { productIndexPath, productIndexShardOf } from '../../domain/requests/product-index.ts';
import type { RequestBase } from '../../domain/requests/vet-request.ts';
import { ShardCache } from '../lib/shard-cache.ts';

export { ShardUnavailable as RequestBaseUnavailable } from '../lib/shard-cache.ts';

const stores = new ShardCache(64);

/** Hit, miss and failure counts of this isolate, for /healthz. */
export const requestBaseCounters = stores.counters;

const baseFile = z.object({ program: z.unknown(), retailers: z.unknown(), rates: z.unknown() });
const handleShard = z.record(z.string(), z.array(z.string()));

export function readRequestBase(assets: Fetcher): Promise<RequestBase> {
  return stores.read(assets, REQUEST_BASE_PATH, (json) => baseFile.parse(json) as RequestBase);
}

/** The build's handles (current and previous, any status) that share `candidate`'s skeleton. */
export async function builtHandlesLike(assets: Fetcher, candidate: string): Promise<string[]> {
  const shard = await stores.read(assets, handleIndexPath(handleIndexShardOf(candidate)), (json) =>
    handleShard.parse(json),
  );
  return handlesLike(shard, candidate);
}

const productShard = z.record(z.string(), z.unknown());

/** The file data of each of `ids` the build's catalog has (the others are left out: vet names them unknown). */
export async function builtProducts(assets: Fetcher, ids: readonly string[]): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  for (const id of new Set(ids)) {
    const shard = await stores.read(assets, productIndexPath(productIndexShardOf(id)), (json) =>
      productShard.parse(json),
    );
    if (Object.hasOwn(shard, id)) found.set(id, shard[id]);
  }
  return found;
}

const liveShard = z.array(z.string());

/** Which of `digests` the deployed build was made from (domain/requests/live-index.ts). */
export async function builtDigests(assets: Fetcher, digests: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const digest of new Set(digests)) {
    const shard = await stores.read(assets, liveIndexPath(liveIndexShardOf(digest)), (json) =>
      liveShard.parse(json),
    );
    if (shard.includes(digest)) found.add(digest);
  }
  return found;
}
