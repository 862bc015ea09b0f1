/**
 * Which marketplaces a member's tracked link to a product reaches (the link builder,
 * site/pages/dashboard/[handle]/links.astro), read from the same link data and decided by the
 * same rules as the redirect (domain/links/market.ts), so the page cannot promise a route the
 * link does not take. Empty for a member or product the redirect does not know.
 */
import linkConfig from '../generated/route-table.ts';
import { marketReachOf, type MarketReach } from '../../domain/links/market.ts';
import { resolveHandle } from './destination.ts';
import { routeTableFor } from './link-store.ts';

export async function productReach(
  assets: Fetcher,
  handle: string,
  productId: string,
): Promise<MarketReach[]> {
  const table = await routeTableFor(linkConfig, assets, handle, productId);
  const who = resolveHandle(table, handle);
  const product = Object.hasOwn(table.products, productId) ? table.products[productId] : undefined;
  if (!who || !product) return [];
  return marketReachOf({
    retailers: table.retailers,
    countries: table.countries,
    product,
    trackingId: who.trackingId,
    trackingIds: who.trackingIds,
  });
}
