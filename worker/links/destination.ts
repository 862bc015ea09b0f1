/** Where a tracked link goes: only ever a URL from built content, never from the request. */
import type { RouteTable } from '../../domain/links/route-table.ts';
import { taggedUrl } from '../../domain/links/tagged-url.ts';

export interface Resolved {
  handle: string;
  trackingId: string;
}

/** The approved influencer a handle (or a previous handle) names, or null. */
export function resolveHandle(table: RouteTable, handle: string): Resolved | null {
  const current = Object.hasOwn(table.influencers, handle) ? handle : table.aliases[handle];
  if (current === undefined || !Object.hasOwn(table.influencers, current)) return null;
  const trackingId = table.influencers[current];
  return trackingId === undefined ? null : { handle: current, trackingId };
}

/**
 * The retailer URL with the tag and sub-tag set; the rest of the product URL is kept byte for
 * byte. Null when it could not be sent as a Location header.
 */
export function destination(
  table: RouteTable,
  productId: string,
  trackingId: string,
  clickId: string,
): string | null {
  if (!Object.hasOwn(table.products, productId)) return null;
  const entry = table.products[productId];
  const retailer = entry ? table.retailers[entry[0]] : undefined;
  if (!entry || !retailer) return null;
  const url = taggedUrl(entry[1], [
    [retailer.tag, trackingId],
    [retailer.subtag, clickId],
  ]);
  // A Location header may hold only visible ASCII: a product URL with CR, LF or any other
  // control or non-ASCII character (URL parsing drops tabs and newlines, so a content check by
  // URL.canParse lets them through) leads nowhere rather than failing the response (section 16).
  return SENDABLE.test(url) ? url : null;
}

const SENDABLE = /^[\x21-\x7e]+$/;
