/**
 * The redirect's lookup, read from shard files the build writes next to the static
 * assets (docs/scale.md): a handle's shard (tracking ids, or the handle it was renamed
 * to) and a product's shard (retailer and URL, and its URLs at other marketplaces: market.ts);
 * for a shopper sent to a search, the product's query shard (its title, encoded). Nothing here reads D1, so a D1 outage
 * never stops a redirect, and nothing grows the Worker bundle with the catalog.
 *
 * Parsed shards stay in this isolate (worker/lib/shard-cache.ts), so hot links are
 * answered from memory.
 */
import { z } from 'zod';
import { linkShardPath, shardOf } from '../../domain/links/shards.ts';
import type { LinkConfig, RouteTable } from '../../domain/links/route-table.ts';
import { ShardCache, ShardUnavailable } from '../lib/shard-cache.ts';

/** The link data could not be read: the redirect answers 503, never a wrong 404. */
export { ShardUnavailable as LinkStoreUnavailable };

const handleShard = z.object({
  influencers: z.record(z.string(), z.string()),
  associates: z.record(z.string(), z.literal(1)),
  aliases: z.record(z.string(), z.string()),
  tracking_ids: z.record(z.string(), z.record(z.string(), z.string())).default({}),
});
const productShard = z.record(
  z.string(),
  z.union([
    z.tuple([z.int().min(0), z.string()]),
    z.tuple([z.int().min(0), z.string(), z.record(z.string(), z.string())]),
  ]),
);
const queryShard = z.record(z.string(), z.string());

type HandleShard = z.infer<typeof handleShard>;
type ProductShard = z.infer<typeof productShard>;

/** Shards kept per isolate: about 20 KB each at 100,000 creators, so at most ~10 MB. */
const shards = new ShardCache(512);

/** Hit and miss counts of this isolate, for tests and /healthz. */
export const linkStoreCounters = shards.counters;

function readShard<T>(assets: Fetcher, path: string, schema: z.ZodType<T>): Promise<T> {
  return shards.read(assets, path, (json) => schema.parse(json));
}

const handlePath = (config: LinkConfig, handle: string) =>
  linkShardPath('h', shardOf(handle, config.shards.handles));
const productPath = (config: LinkConfig, productId: string) =>
  linkShardPath('p', shardOf(productId, config.shards.products));

/**
 * The part of the route table one request needs: the handle (and, after a rename,
 * its current handle) and the product, in the shape `destination.ts` reads. Answered without a
 * promise when this isolate holds every shard it needs (the hot path of a redirect), else read.
 */
export function routeTableFor(
  config: LinkConfig,
  assets: Fetcher,
  handle: string,
  productId: string | null,
): RouteTable | Promise<RouteTable> {
  const own = shards.cached<HandleShard>(handlePath(config, handle));
  const products = productId === null ? null : shards.cached<ProductShard>(productPath(config, productId));
  if (own !== undefined && products !== undefined) {
    const current = currentHandle(own, handle);
    const shard = current === handle ? own : shards.cached<HandleShard>(handlePath(config, current));
    if (shard !== undefined) return tableOf(config, own, handle, current, shard, productId, products);
  }
  return readRouteTable(config, assets, handle, productId);
}

async function readRouteTable(
  config: LinkConfig,
  assets: Fetcher,
  handle: string,
  productId: string | null,
): Promise<RouteTable> {
  const [own, products] = await Promise.all([
    readShard(assets, handlePath(config, handle), handleShard),
    productId === null ? null : readShard(assets, productPath(config, productId), productShard),
  ]);
  const current = currentHandle(own, handle);
  const shard = current === handle ? own : await readShard(assets, handlePath(config, current), handleShard);
  return tableOf(config, own, handle, current, shard, productId, products);
}

/** The handle a renamed one leads to (its alias), else the handle itself. */
function currentHandle(own: HandleShard, handle: string): string {
  return Object.hasOwn(own.aliases, handle) ? (own.aliases[handle] ?? handle) : handle;
}

/** The route table from the shards read: `own` is the handle's shard, `shard` its current handle's. */
function tableOf(
  config: LinkConfig,
  own: HandleShard,
  handle: string,
  current: string,
  shard: HandleShard,
  productId: string | null,
  products: ProductShard | null,
): RouteTable {
  const table: RouteTable = {
    retailers: config.retailers,
    countries: config.countries,
    influencers: {},
    tracking_ids: {},
    associates: {},
    aliases: Object.hasOwn(own.aliases, handle) ? { [handle]: current } : {},
    products: {},
    queries: {},
  };
  const trackingId = Object.hasOwn(shard.influencers, current) ? shard.influencers[current] : undefined;
  if (trackingId !== undefined) table.influencers[current] = trackingId;
  const trackingIds = Object.hasOwn(shard.tracking_ids, current) ? shard.tracking_ids[current] : undefined;
  if (trackingIds !== undefined) table.tracking_ids[current] = trackingIds;
  if (Object.hasOwn(shard.associates, current)) table.associates[current] = 1;
  if (productId !== null && products && Object.hasOwn(products, productId)) {
    const entry = products[productId];
    if (entry) table.products[productId] = entry;
  }
  return table;
}

/**
 * A product's title percent-encoded for a marketplace's search (section 14), from its query
 * shard: read only when a shopper is routed to a search, so product shards stay small.
 */
export async function searchQueryFor(
  config: LinkConfig,
  assets: Fetcher,
  productId: string,
): Promise<string | undefined> {
  const shard = await readShard(
    assets,
    linkShardPath('q', shardOf(productId, config.shards.products)),
    queryShard,
  );
  return Object.hasOwn(shard, productId) ? shard[productId] : undefined;
}

/** Forgets every cached shard (tests). */
export function clearLinkStore(): void {
  shards.clear();
}
