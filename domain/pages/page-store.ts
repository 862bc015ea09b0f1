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
import { DEFAULT_PRICE_MAX_AGE_HOURS, offer, type Offer } from '../catalog/offers.ts';
import { approvedInfluencers, handleRedirects, type Catalog } from './catalog.ts';
import { shareCardPath } from './share-card.ts';

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
    /**
     * Offers from the product data refresh (domain/catalog/offers.ts) for the products above that
     * have one: the only prices and Prime badges a page shows, while fresh when it is rendered.
     */
    offers: z.record(z.string(), offer).default({}),
    /** The share cards the build has for this storefront and its lists (domain/pages/share-card.ts). */
    cards: z.array(z.string()).default([]),
  }),
  z.strictObject({ kind: z.literal('redirect'), to: z.string() }),
]);
export type PageRecord = z.output<typeof pageRecord>;

/** One shard file. Records stay unparsed until a request names their handle. */
export const pageShard = z.strictObject({
  v: z.literal(1),
  /** The site's public name (program.yaml), which every page shows. */
  site: z.string(),
  /** content/program.yaml `price_max_age_hours`: how long after its check a price may be shown. */
  price_max_age_hours: z.number().positive().default(DEFAULT_PRICE_MAX_AGE_HOURS),
  /** Category id -> display name (program.yaml), which search matches as well as the id. */
  categories: z.record(z.string(), z.string()).default({}),
  pages: z.record(z.string(), z.unknown()),
});
export type PageShard = z.output<typeof pageShard>;

/**
 * Set by a rendered storefront or list page that shows prices: unix ms when its first price goes
 * stale. worker/pages/routes.ts cuts the page's cache lifetime to it and never sends it on.
 */
export const PRICE_EXPIRES_HEADER = 'X-Shopfront-Price-Expires';

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

function storefrontRecord(catalog: Catalog, member: Influencer, ready: ReadonlySet<string>): PageRecord {
  const ids = new Set([...member.featured, ...member.lists.flatMap((l) => l.items.map((i) => i.product))]);
  // Maps by id without a prototype: V8 keeps them as dictionaries from the start, where a plain
  // object made a new hidden class per distinct id sequence (0.4 s of a 10,000-storefront build).
  // JSON.stringify and Object.entries see the same keys in the same order.
  const products: Record<string, Product> = Object.create(null);
  const retailers: Record<string, Retailer> = Object.create(null);
  const offers: Record<string, Offer> = Object.create(null);
  for (const id of [...ids].sort()) {
    const p = catalog.products.get(id);
    if (!p) continue;
    products[id] = p;
    const r = catalog.retailers.get(p.retailer);
    if (r) retailers[r.id] = r;
    const o = catalog.offers?.get(id);
    if (o) offers[id] = o;
  }
  const cards = [
    shareCardPath(member.handle),
    ...member.lists.map((l) => shareCardPath(member.handle, l.slug)),
  ];
  return {
    kind: 'page',
    influencer: member,
    products,
    retailers,
    offers,
    cards: cards.filter((c) => ready.has(c)),
  };
}

/** What every shard repeats about the program. */
export interface PageStoreProgram {
  site: string;
  price_max_age_hours: number;
}

/** Every shard's contents, by index: approved storefronts and the old handles of renamed ones. */
export function buildPageShards(
  catalog: Catalog,
  program: PageStoreProgram,
  count: number = SHARDS.pages,
  cards: ReadonlySet<string> = new Set(),
): PageShard[] {
  const categories = Object.fromEntries(catalog.categories.map((c) => [c.id, c.name]));
  const shards: PageShard[] = Array.from({ length: count }, () => ({
    v: 1,
    ...program,
    categories,
    pages: {},
  }));
  const put = (handle: string, record: PageRecord) => {
    const shard = shards[pageShardOf(handle, count)];
    if (shard) shard.pages[handle] = record;
  };
  // Sorted by handle inside each shard, so a shard's bytes change only when one of its handles does.
  const approved = [...approvedInfluencers(catalog.influencers)].sort((a, b) =>
    a.handle < b.handle ? -1 : 1,
  );
  for (const member of approved) put(member.handle, storefrontRecord(catalog, member, cards));
  for (const { from, to } of handleRedirects(catalog.influencers))
    put(from, { kind: 'redirect', to: to.handle });
  return shards;
}

/** The slice of the catalog one storefront's pages read, in the shape the page helpers take. */
export function catalogOf(
  record: Extract<PageRecord, { kind: 'page' }>,
  categories: Readonly<Record<string, string>> = {},
): Catalog {
  return {
    influencers: [record.influencer satisfies Member],
    products: new Map(Object.entries(record.products)),
    retailers: new Map(Object.entries(record.retailers)),
    offers: new Map(Object.entries(record.offers)),
    categories: Object.entries(categories).map(([id, name]) => ({ id, name })),
  };
}
