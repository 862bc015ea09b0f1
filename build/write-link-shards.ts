import { linkShardPath } from '../domain/links/shards.ts';
import type { HandleShard, ProductShard, QueryShard } from '../domain/links/route-table.ts';
import { writeIfChanged } from './write-if-changed.ts';

/**
 * Writes the redirect's shard files under `root` (the static assets folder) and
 * returns how many were (re)written: a file whose content is unchanged is left alone,
 * so an incremental build touches only the shards a change moved.
 */
export function writeLinkShards(
  root: string,
  shards: { handles: HandleShard[]; products: ProductShard[]; queries: QueryShard[] },
): { files: number; written: number } {
  let written = 0;
  const write = (path: string, value: unknown) => {
    if (writeIfChanged(root, path, JSON.stringify(value))) written++;
  };
  shards.handles.forEach((shard, i) => write(linkShardPath('h', i), shard));
  shards.products.forEach((shard, i) => write(linkShardPath('p', i), shard));
  shards.queries.forEach((shard, i) => write(linkShardPath('q', i), shard));
  return { files: shards.handles.length + shards.products.length + shards.queries.length, written };
}
