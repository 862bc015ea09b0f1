/**
 * The lookup the redirect path uses, compiled from content at build time so that no
 * tracked link ever reads D1 or takes its destination from a request. The worker
 * bundles only `LinkConfig` (retailer parameters, shard counts: nothing that grows with
 * the program); handles and products go to shard files (worker/links/link-store.ts).
 */
import type { Content } from '../content/validate.ts';
import { SHARDS, shardOf } from './shards.ts';

export interface RouteTable {
  /** Retailer link parameters, indexed by position. */
  retailers: { id: string; tag: string; subtag: string }[];
  /** Approved handle -> tracking id, influencers and associates alike (both have /go/ links). */
  influencers: Record<string, string>;
  /** Approved associates: no storefront page, so `/go/<handle>` has nowhere to go (404). */
  associates: Record<string, 1>;
  /** Previous handle of an approved influencer -> current handle (renames keep old links working). */
  aliases: Record<string, string>;
  /** Available product id -> [retailer index, product URL]. */
  products: Record<string, [number, string]>;
}

/** What the worker bundles (worker/generated/route-table.ts). */
export interface LinkConfig {
  retailers: RouteTable['retailers'];
  shards: { handles: number; products: number };
}

export interface HandleShard {
  influencers: RouteTable['influencers'];
  associates: RouteTable['associates'];
  aliases: RouteTable['aliases'];
}
export type ProductShard = RouteTable['products'];

export function buildRouteTable(content: Content): RouteTable {
  const retailers = content.retailers.map((r) => ({ id: r.id, tag: r.tag_param, subtag: r.subtag_param }));
  const index = new Map(retailers.map((r, i) => [r.id, i]));
  const influencers: RouteTable['influencers'] = {};
  const aliases: RouteTable['aliases'] = {};
  const associates: RouteTable['associates'] = {};
  for (const i of content.influencers) {
    if (i.status !== 'approved') continue;
    influencers[i.handle] = i.tracking_id;
    if (i.program === 'associate') associates[i.handle] = 1;
    for (const old of i.previous_handles) aliases[old] = i.handle;
  }
  const products: RouteTable['products'] = {};
  for (const p of content.products) {
    const r = index.get(p.retailer);
    if (p.available && r !== undefined) products[p.id] = [r, p.url];
  }
  return { retailers, influencers, associates, aliases, products };
}

/** The table split into the bundled config and the shard files' contents, by index. */
export function splitRouteTable(
  table: RouteTable,
  shards: { handles: number; products: number } = SHARDS,
): { config: LinkConfig; handles: HandleShard[]; products: ProductShard[] } {
  const handles: HandleShard[] = Array.from({ length: shards.handles }, () => ({
    influencers: {},
    associates: {},
    aliases: {},
  }));
  const products: ProductShard[] = Array.from({ length: shards.products }, () => ({}));
  const at = <T>(list: T[], key: string): T => {
    const shard = list[shardOf(key, list.length)];
    if (shard === undefined) throw new Error(`no shard for ${key}`);
    return shard;
  };
  for (const [handle, trackingId] of Object.entries(table.influencers))
    at(handles, handle).influencers[handle] = trackingId;
  for (const handle of Object.keys(table.associates)) at(handles, handle).associates[handle] = 1;
  for (const [old, current] of Object.entries(table.aliases)) at(handles, old).aliases[old] = current;
  for (const [id, entry] of Object.entries(table.products)) at(products, id)[id] = entry;
  return {
    config: { retailers: table.retailers, shards: { handles: shards.handles, products: shards.products } },
    handles,
    products,
  };
}
