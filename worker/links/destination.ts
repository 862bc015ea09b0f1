/**
 * Where a tracked link goes: only ever a URL from built content, never from the request.
 * The request only chooses among them: its country (`cf.country`, nothing else) and its
 * `?market=` pick the marketplace (domain/links/market.ts, CONTRACT.md section 14).
 */
import { route, searchWanted, type Route, type RouteInput } from '../../domain/links/market.ts';
import type { RouteTable } from '../../domain/links/route-table.ts';
import { LinkStoreUnavailable } from './link-store.ts';
import { log } from '../lib/log.ts';

export interface Resolved {
  handle: string;
  trackingId: string;
  /** Retailer index -> the member's tracking id at that marketplace. */
  trackingIds: Readonly<Record<string, string>> | undefined;
}

/** The approved influencer a handle (or a previous handle) names, or null. */
export function resolveHandle(table: RouteTable, handle: string): Resolved | null {
  const current = Object.hasOwn(table.influencers, handle) ? handle : table.aliases[handle];
  if (current === undefined || !Object.hasOwn(table.influencers, current)) return null;
  const trackingId = table.influencers[current];
  const trackingIds = Object.hasOwn(table.tracking_ids, current) ? table.tracking_ids[current] : undefined;
  return trackingId === undefined ? null : { handle: current, trackingId, trackingIds };
}

/** A retailer id as `?market=` may name one; anything else is ignored like an unknown id. */
const MARKET = /^[a-z0-9-]{1,64}$/;

export interface Shopper {
  /** `cf.country`, or null. */
  country: string | null;
  /** The `?market=` parameter as received. */
  market: string | undefined;
}

/**
 * The marketplace URL with the tag and sub-tag set (the rest of the URL byte for byte), and
 * the marketplace it is on; null for a product not in the table. The product's title (a query
 * shard) is read only when the route is a search; if it cannot be read, the shopper gets the
 * next route (the product's own URL) rather than an error. Null as well when the URL could not
 * be sent as a Location header. Answered without a promise unless the route is a search (the
 * redirect's hot path stays synchronous: issue 26).
 */
export function destination(
  table: RouteTable,
  productId: string,
  who: Resolved,
  clickId: string,
  shopper: Shopper,
  readQuery: (productId: string) => Promise<string | undefined>,
): Route | null | Promise<Route | null> {
  if (!Object.hasOwn(table.products, productId)) return null;
  const product = table.products[productId];
  if (!product) return null;
  const input = {
    retailers: table.retailers,
    countries: table.countries,
    product,
    trackingId: who.trackingId,
    trackingIds: who.trackingIds,
    country: shopper.country,
    market: shopper.market !== undefined && MARKET.test(shopper.market) ? shopper.market : null,
    clickId,
  };
  const probe = searchWanted(input);
  return probe === 'search' ? searchDestination(input, productId, readQuery) : sendable(probe);
}

/** A search route: the product's title read from its query shard first. */
async function searchDestination(
  input: Omit<RouteInput, 'query'>,
  productId: string,
  readQuery: (productId: string) => Promise<string | undefined>,
): Promise<Route | null> {
  let query: string | undefined;
  try {
    query = await readQuery(productId);
  } catch (error) {
    if (!(error instanceof LinkStoreUnavailable)) throw error;
    log('error', 'links.query_unavailable', { product_id: productId, error: error.message });
  }
  return sendable(route({ ...input, query }));
}

/**
 * A Location header may hold only visible ASCII: a product URL with CR, LF or any other control
 * or non-ASCII character (URL parsing drops tabs and newlines, so a content check by
 * URL.canParse lets them through) leads nowhere rather than failing the response (section 16).
 */
const SENDABLE = /^[\x21-\x7e]+$/;

function sendable(result: Route | null): Route | null {
  return result && SENDABLE.test(result.url) ? result : null;
}
