/**
 * The lookup the redirect path uses, compiled from content at build time so that no
 * tracked link ever reads D1 or takes its destination from a request. The worker
 * bundles only `LinkConfig` (retailer parameters, shard counts: nothing that grows with
 * the program); handles and products go to shard files (worker/links/link-store.ts).
 */
import type { Content } from '../content/validate.ts';
import type { ProductEntry, RetailerLink } from './market.ts';
import { SHARDS, shardOf } from './shards.ts';

export interface RouteTable {
  /** Retailer link parameters, indexed by position (with their group home and search template). */
  retailers: RetailerLink[];
  /** Country (ISO alpha-2) -> indices of the marketplaces serving it, at most one per group. */
  countries: Record<string, number[]>;
  /** Approved handle -> tracking id, influencers and associates alike (both have /go/ links). */
  influencers: Record<string, string>;
  /** Approved handle -> retailer index -> its tracking id at that marketplace (`tracking_ids`). */
  tracking_ids: Record<string, Record<string, string>>;
  /** Approved associates: no storefront page, so `/go/<handle>` has nowhere to go (404). */
  associates: Record<string, 1>;
  /** Previous handle of an approved influencer -> current handle (renames keep old links working). */
  aliases: Record<string, string>;
  /**
   * Available product id -> [retailer index, product URL] and, when it lists URLs at other
   * marketplaces of its group, [..., { retailer index: URL there }] (market.ts).
   */
  products: Record<string, ProductEntry>;
  /**
   * Available product id -> its title percent-encoded, for a marketplace's search: only products
   * whose retailer's group has other marketplaces. Query shards, read only for a search.
   */
  queries: Record<string, string>;
}

/** What the worker bundles (worker/generated/route-table.ts). */
export interface LinkConfig {
  retailers: RouteTable['retailers'];
  countries: RouteTable['countries'];
  shards: { handles: number; products: number };
}

export interface HandleShard {
  influencers: RouteTable['influencers'];
  associates: RouteTable['associates'];
  aliases: RouteTable['aliases'];
  /** Only members with tracking ids at other marketplaces have an entry. */
  tracking_ids: RouteTable['tracking_ids'];
}
export type ProductShard = RouteTable['products'];
export type QueryShard = RouteTable['queries'];

export function buildRouteTable(content: Content): RouteTable {
  const { retailers, countries, grouped } = retailerLinks(content);
  const index = new Map(retailers.map((r, i) => [r.id, i]));
  const indexed = (byId: Readonly<Record<string, string>> | undefined) => {
    const out: Record<string, string> = {};
    for (const [id, value] of Object.entries(byId ?? {})) {
      const i = index.get(id);
      if (i !== undefined) out[i] = value;
    }
    return out;
  };
  const influencers: RouteTable['influencers'] = {};
  const trackingIds: RouteTable['tracking_ids'] = {};
  const aliases: RouteTable['aliases'] = {};
  const associates: RouteTable['associates'] = {};
  for (const i of content.influencers) {
    if (i.status !== 'approved') continue;
    influencers[i.handle] = i.tracking_id;
    const ids = indexed(i.tracking_ids);
    if (Object.keys(ids).length > 0) trackingIds[i.handle] = ids;
    if (i.program === 'associate') associates[i.handle] = 1;
    for (const old of i.previous_handles) aliases[old] = i.handle;
  }
  const products: RouteTable['products'] = {};
  const queries: RouteTable['queries'] = {};
  for (const p of content.products) {
    const r = index.get(p.retailer);
    if (!p.available || r === undefined) continue;
    const markets = indexed(p.markets);
    products[p.id] = Object.keys(markets).length > 0 ? [r, p.url, markets] : [r, p.url];
    // Encoded once here, so the redirect only concatenates (a lone surrogate would make it throw).
    if (grouped.has(r)) queries[p.id] = encodeURIComponent(p.title.toWellFormed());
  }
  return {
    retailers,
    countries,
    influencers,
    tracking_ids: trackingIds,
    associates,
    aliases,
    products,
    queries,
  };
}

/**
 * Retailers as the redirect reads them: each non-home marketplace points at its group's home
 * (the group's first retailer), search templates are split at `{query}`, and each country lists
 * the marketplaces serving it. `grouped`: retailers whose group has more than one marketplace.
 */
function retailerLinks(content: Content): {
  retailers: RetailerLink[];
  countries: RouteTable['countries'];
  grouped: Set<number>;
} {
  const homes = new Map<string, number>();
  const countries: RouteTable['countries'] = {};
  const retailers = content.retailers.map((r, i): RetailerLink => {
    const link: RetailerLink = { id: r.id, tag: r.tag_param, subtag: r.subtag_param };
    const home = r.group === undefined ? undefined : homes.get(r.group);
    if (r.group !== undefined && home === undefined) homes.set(r.group, i);
    if (home !== undefined) link.home = home;
    const at = r.search_url?.indexOf('{query}') ?? -1;
    if (r.search_url !== undefined && at !== -1)
      link.search = [r.search_url.slice(0, at), r.search_url.slice(at + '{query}'.length)];
    for (const country of r.countries ?? []) (countries[country] ??= []).push(i);
    return link;
  });
  const sizes = new Map<number, number>();
  retailers.forEach((r, i) => sizes.set(r.home ?? i, (sizes.get(r.home ?? i) ?? 0) + 1));
  const grouped = new Set(retailers.flatMap((r, i) => ((sizes.get(r.home ?? i) ?? 0) > 1 ? [i] : [])));
  return { retailers, countries, grouped };
}

/** The table split into the bundled config and the shard files' contents, by index. */
export function splitRouteTable(
  table: RouteTable,
  shards: { handles: number; products: number } = SHARDS,
): { config: LinkConfig; handles: HandleShard[]; products: ProductShard[]; queries: QueryShard[] } {
  const handles: HandleShard[] = Array.from({ length: shards.handles }, () => ({
    influencers: {},
    associates: {},
    aliases: {},
    tracking_ids: {},
  }));
  const products: ProductShard[] = Array.from({ length: shards.products }, () => ({}));
  // As many as product shards, by the same key: a product's query is in the query shard of its index.
  const queries: QueryShard[] = Array.from({ length: shards.products }, () => ({}));
  const at = <T>(list: T[], key: string): T => {
    const shard = list[shardOf(key, list.length)];
    if (shard === undefined) throw new Error(`no shard for ${key}`);
    return shard;
  };
  for (const [handle, trackingId] of Object.entries(table.influencers))
    at(handles, handle).influencers[handle] = trackingId;
  for (const [handle, ids] of Object.entries(table.tracking_ids))
    at(handles, handle).tracking_ids[handle] = ids;
  for (const handle of Object.keys(table.associates)) at(handles, handle).associates[handle] = 1;
  for (const [old, current] of Object.entries(table.aliases)) at(handles, old).aliases[old] = current;
  for (const [id, entry] of Object.entries(table.products)) at(products, id)[id] = entry;
  for (const [id, query] of Object.entries(table.queries)) at(queries, id)[id] = query;
  return {
    config: {
      retailers: table.retailers,
      countries: table.countries,
      shards: { handles: shards.handles, products: shards.products },
    },
    handles,
    products,
    queries,
  };
}
