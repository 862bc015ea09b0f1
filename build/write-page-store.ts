/**
 * Writes the page store (domain/pages/page-store.ts) under the static assets folder from
 * validated content: one file per shard, rewritten only when its bytes change, so a
 * change to one creator's file rewrites (and a deploy re-uploads) one shard. With a cache
 * folder (the build's: pageStoreCacheDir), a shard whose records are made of the same data as
 * in the last build is copied from the cache instead of serialized again (build/page-store-cache.ts):
 * a rebuild after one creator's change serializes that creator's shard, not 150 MB at 10,000.
 */
import { join } from 'node:path';
import type { Content } from '../domain/content/validate.ts';
import { buildPageShards, pageShardPath } from '../domain/pages/page-store.ts';
import type { Catalog } from '../domain/pages/catalog.ts';
import type { ProductData } from '../domain/catalog/offers.ts';
import { priceMaxAgeHours, readProductData } from './product-data.ts';
import { ShardDigests, writeShards, type ShardWrite } from './page-store-cache.ts';

export function catalogFromContent(content: Content, productData: ProductData | null = null): Catalog {
  return {
    influencers: content.influencers,
    products: new Map(content.products.map((p) => [p.id, p])),
    retailers: new Map(content.retailers.map((r) => [r.id, r])),
    categories: content.program.categories,
    offers: new Map(Object.entries(productData?.offers ?? {})),
  };
}

/** The page store, with the offers of the last product data refresh (`npm run catalog:refresh`). */
export function writePageStore(
  content: Content,
  assetsDir: string,
  productData: ProductData | null = readProductData(),
  /** The share cards this build has (build/share-cards.ts), by path. */
  cards: ReadonlySet<string> = new Set(),
  /** Serialized shards by key (build/page-store-cache.ts); none: every shard serialized. */
  cacheDir: string | null = null,
): { files: number; written: number; serialized: number } {
  const shards = buildPageShards(
    catalogFromContent(content, productData),
    { site: content.program.site.name, price_max_age_hours: priceMaxAgeHours(content.program) },
    undefined,
    cards,
  );
  const digests = new ShardDigests();
  const writes = shards.map((shard, i): ShardWrite => {
    const { pages, ...head } = shard;
    return {
      path: pageShardPath(i),
      key: digests.key([Object.keys(shard), head], Object.entries(pages)),
      text: () => JSON.stringify(shard),
    };
  });
  return writeShards(assetsDir, writes, cacheDir);
}

/** The build's cache of page store shards (beside the parse cache, build/parse-cache.ts). */
export function pageStoreCacheDir(): string {
  return process.env.SHOPFRONT_PAGE_STORE_CACHE ?? join('node_modules', '.cache', 'shopfront', 'page-store');
}
