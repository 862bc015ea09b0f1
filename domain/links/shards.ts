/**
 * Build-time data split into shard files, so that neither the Worker bundle nor the
 * number of deployed files grows with the program (CONTRACT section 11, docs/scale.md).
 * The build and the worker find a key's shard with the same pure function.
 */

/**
 * Shard counts. Fixed, so the deployed file count is the same for 10 creators or 100,000.
 * `images`: the packs of avatars and local product images (domain/images/packs.ts), about
 * 0.7 MB each at 100,000 avatars of ~7 KB, far under the 25 MiB a static asset may hold.
 */
export const SHARDS = { handles: 256, products: 1024, pages: 4096, images: 1024 } as const;

/** FNV-1a (32 bit) over the UTF-16 code units of `key`, mod `count`. */
export function shardOf(key: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

/** Where the static-assets binding serves a shard. The worker answers 404 to the public for /_data/. */
export const DATA_PREFIX = '/_data/';

/** h: handles, p: products, q: products' search queries (read only for a search, section 14). */
export function linkShardPath(kind: 'h' | 'p' | 'q', index: number): string {
  return `${DATA_PREFIX}links/${kind}/${index}.json`;
}
