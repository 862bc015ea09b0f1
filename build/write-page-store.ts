/**
 * Writes the page store (domain/pages/page-store.ts) under the static assets folder from
 * validated content: one file per shard, rewritten only when its bytes change, so a
 * change to one creator's file rewrites (and a deploy re-uploads) one shard.
 */
import type { Content } from '../domain/content/validate.ts';
import { buildPageShards, pageShardPath } from '../domain/pages/page-store.ts';
import type { Catalog } from '../domain/pages/catalog.ts';
import type { ProductData } from '../domain/catalog/offers.ts';
import { priceMaxAgeHours, readProductData } from './product-data.ts';
import { writeIfChanged } from './write-if-changed.ts';

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
): { files: number; written: number } {
  const shards = buildPageShards(
    catalogFromContent(content, productData),
    { site: content.program.site.name, price_max_age_hours: priceMaxAgeHours(content.program) },
    undefined,
    cards,
  );
  let written = 0;
  shards.forEach((shard, i) => {
    if (writeIfChanged(assetsDir, pageShardPath(i), JSON.stringify(shard))) written++;
  });
  return { files: shards.length, written };
}
