/**
 * The redirect's lookup, read from shard files the build writes next to the static
 * assets (docs/scale.md): a handle's shard (tracking id, or the handle it was renamed
 * to) and a product's shard (retailer and URL). Nothing here reads D1, so a D1 outage
 * never stops a redirect, and nothing grows the Worker bundle with the catalog.
 *
 * Parsed shards stay in this isolate (least recently used first out), so hot links
 * are answered from memory. Only settled values are cached: no request ever awaits a
 * fetch another request started.
 */
import { z } from 'zod';
import { linkShardPath, shardOf } from '../../domain/links/shards.ts';
import type { LinkConfig, RouteTable } from '../../domain/links/route-table.ts';

/** The assets binding could not give a shard: the redirect answers 503, never a wrong 404. */
export class LinkStoreUnavailable extends Error {}

const handleShard = z.object({
  influencers: z.record(z.string(), z.string()),
  associates: z.record(z.string(), z.literal(1)),
  aliases: z.record(z.string(), z.string()),
});
const productShard = z.record(z.string(), z.tuple([z.int().min(0), z.string()]));

type HandleShard = z.infer<typeof handleShard>;
type ProductShard = z.infer<typeof productShard>;

/** Shards kept per isolate: about 20 KB each at 100,000 creators, so at most ~10 MB. */
const MAX_SHARDS = 512;
const shards = new Map<string, HandleShard | ProductShard>();

/** Hit and miss counts of this isolate, for tests and /healthz. */
export const linkStoreCounters = { hits: 0, misses: 0, failures: 0 };

async function readShard<T extends HandleShard | ProductShard>(
  assets: Fetcher,
  path: string,
  schema: z.ZodType<T>,
): Promise<T> {
  const cached = shards.get(path);
  if (cached !== undefined) {
    linkStoreCounters.hits++;
    // Most recently used last.
    shards.delete(path);
    shards.set(path, cached);
    return cached as T;
  }
  linkStoreCounters.misses++;
  let value: T;
  try {
    const res = await assets.fetch(new Request(`https://assets.invalid${path}`));
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    value = schema.parse(await res.json());
  } catch (error) {
    linkStoreCounters.failures++;
    throw new LinkStoreUnavailable(`link data unavailable: ${String(error)}`);
  }
  shards.set(path, value);
  if (shards.size > MAX_SHARDS) {
    const oldest = shards.keys().next().value;
    if (oldest !== undefined) shards.delete(oldest);
  }
  return value;
}

function handleShardOf(config: LinkConfig, assets: Fetcher, handle: string): Promise<HandleShard> {
  return readShard(assets, linkShardPath('h', shardOf(handle, config.shards.handles)), handleShard);
}

/**
 * The part of the route table one request needs: the handle (and, after a rename,
 * its current handle) and the product, in the shape `destination.ts` reads.
 */
export async function routeTableFor(
  config: LinkConfig,
  assets: Fetcher,
  handle: string,
  productId: string | null,
): Promise<RouteTable> {
  const table: RouteTable = {
    retailers: config.retailers,
    influencers: {},
    associates: {},
    aliases: {},
    products: {},
  };
  const [own, products] = await Promise.all([
    handleShardOf(config, assets, handle),
    productId === null
      ? null
      : readShard(assets, linkShardPath('p', shardOf(productId, config.shards.products)), productShard),
  ]);
  let current = handle;
  if (Object.hasOwn(own.aliases, handle)) {
    current = own.aliases[handle] ?? handle;
    table.aliases[handle] = current;
  }
  const shard = current === handle ? own : await handleShardOf(config, assets, current);
  const trackingId = Object.hasOwn(shard.influencers, current) ? shard.influencers[current] : undefined;
  if (trackingId !== undefined) table.influencers[current] = trackingId;
  if (Object.hasOwn(shard.associates, current)) table.associates[current] = 1;
  if (productId !== null && products && Object.hasOwn(products, productId)) {
    const entry = products[productId];
    if (entry) table.products[productId] = entry;
  }
  return table;
}

/** Forgets every cached shard (tests). */
export function clearLinkStore(): void {
  shards.clear();
}
