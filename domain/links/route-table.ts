/**
 * The compact lookup the redirect path uses, compiled from content at build time
 * so that no tracked link ever reads D1 or takes its destination from a request.
 */
import type { Content } from '../content/validate.ts';

export interface RouteTable {
  /** Retailer link parameters, indexed by position. */
  retailers: { id: string; tag: string; subtag: string }[];
  /** Approved handle -> tracking id. */
  influencers: Record<string, string>;
  /** Previous handle of an approved influencer -> current handle (renames keep old links working). */
  aliases: Record<string, string>;
  /** Available product id -> [retailer index, product URL]. */
  products: Record<string, [number, string]>;
}

export function buildRouteTable(content: Content): RouteTable {
  const retailers = content.retailers.map((r) => ({ id: r.id, tag: r.tag_param, subtag: r.subtag_param }));
  const index = new Map(retailers.map((r, i) => [r.id, i]));
  const influencers: RouteTable['influencers'] = {};
  const aliases: RouteTable['aliases'] = {};
  for (const i of content.influencers) {
    if (i.status !== 'approved') continue;
    influencers[i.handle] = i.tracking_id;
    for (const old of i.previous_handles) aliases[old] = i.handle;
  }
  const products: RouteTable['products'] = {};
  for (const p of content.products) {
    const r = index.get(p.retailer);
    if (p.available && r !== undefined) products[p.id] = [r, p.url];
  }
  return { retailers, influencers, aliases, products };
}
