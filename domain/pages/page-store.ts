/**
 * The page store: what the storefront and list pages of one handle need, split into
 * a fixed number of shard files beside the static assets, so pages are rendered on
 * demand (docs/scale.md) and neither the deployed file count nor the Worker bundle
 * grows with the program. The build writes it (build/write-page-store.ts) and
 * the worker reads it (worker/pages/page-store.ts); both find a handle's shard with
 * the same function, and both build the page's `Catalog` the same way.
 */
import { z } from 'zod';
import {
  influencer,
  product,
  retailer,
  type Influencer,
  type Member,
  type Product,
  type Retailer,
} from '../content/schema.ts';
import { DATA_PREFIX, SHARDS, shardOf } from '../links/shards.ts';
import { approvedInfluencers, handleRedirects, type Catalog } from './catalog.ts';

/** A product as the build stored it (validated content: price already in minor units). */
const pageProduct = product.in
  .omit({ price: true })
  .extend({ price_minor: z.int().min(0), available: z.boolean() });

/** A handle's record: its storefront with everything its pages show, or where a renamed handle went. */
export const pageRecord = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('page'),
    influencer,
    /** Every product the storefront's featured picks and lists name, by id (unavailable ones too). */
    products: z.record(z.string(), pageProduct),
    retailers: z.record(z.string(), retailer),
  }),
  z.strictObject({ kind: z.literal('redirect'), to: z.string() }),
]);
export type PageRecord = z.output<typeof pageRecord>;

/** One shard file. Records stay unparsed until a request names their handle. */
export const pageShard = z.strictObject({
  v: z.literal(1),
  /** The site's public name (program.yaml), which every page shows. */
  site: z.string(),
  pages: z.record(z.string(), z.unknown()),
});
export type PageShard = z.output<typeof pageShard>;

/** What the worker bundles about the page store (worker/generated/pages.ts). */
export interface PagesConfig {
  shards: number;
  /** Changes with every build: the key of the rendered pages in the Workers cache. */
  build: string;
}

export function pageShardPath(index: number): string {
  return `${DATA_PREFIX}pages/${index}.json`;
}

export function pageShardOf(handle: string, count: number = SHARDS.pages): number {
  return shardOf(handle, count);
}

function storefrontRecord(catalog: Catalog, member: Influencer): PageRecord {
  const ids = new Set([...member.featured, ...member.lists.flatMap((l) => l.items.map((i) => i.product))]);
  const products: Record<string, Product> = {};
  const retailers: Record<string, Retailer> = {};
  for (const id of [...ids].sort()) {
    const p = catalog.products.get(id);
    if (!p) continue;
    products[id] = p;
    const r = catalog.retailers.get(p.retailer);
    if (r) retailers[r.id] = r;
  }
  return { kind: 'page', influencer: member, products, retailers };
}

/** Every shard's contents, by index: approved storefronts and the old handles of renamed ones. */
export function buildPageShards(catalog: Catalog, site: string, count: number = SHARDS.pages): PageShard[] {
  const shards: PageShard[] = Array.from({ length: count }, () => ({ v: 1, site, pages: {} }));
  const put = (handle: string, record: PageRecord) => {
    const shard = shards[pageShardOf(handle, count)];
    if (shard) shard.pages[handle] = record;
  };
  // Sorted by handle inside each shard, so a shard's bytes change only when one of its handles does.
  const approved = [...approvedInfluencers(catalog.influencers)].sort((a, b) =>
    a.handle < b.handle ? -1 : 1,
  );
  for (const member of approved) put(member.handle, storefrontRecord(catalog, member));
  for (const { from, to } of handleRedirects(catalog.influencers))
    put(from, { kind: 'redirect', to: to.handle });
  return shards;
}

/** The slice of the catalog one storefront's pages read, in the shape the page helpers take. */
export function catalogOf(record: Extract<PageRecord, { kind: 'page' }>): Catalog {
  return {
    influencers: [record.influencer satisfies Member],
    products: new Map(Object.entries(record.products)),
    retailers: new Map(Object.entries(record.retailers)),
    categories: [],
  };
}
