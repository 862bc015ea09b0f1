/**
 * Product data from the retailer's own product API (CONTRACT section 17, Amazon's display
 * rules, docs/storefronts.md): the only source of a price or a Prime badge a page may show.
 * A member never types one: prices written in content/products/ are never displayed.
 *
 * Rules, with `max_age_ms = price_max_age_hours × 3,600,000` (content/program.yaml, default 24):
 *   expires_at_ms(offer)        = checked_at_ms + max_age_ms
 *   shown(offer, now_ms)        ⇔ checked_at_ms ≤ now_ms + CLOCK_SKEW_MS  ∧  now_ms < expires_at_ms
 *   page_expires_at_ms(offers)  = min over the offers the page shows of expires_at_ms   (none: ∞)
 *   edge_ttl_s(page, now_ms)    = min(edge_ttl_s, ⌊(page_expires_at_ms − now_ms) / 1000⌋)
 *   browser_ttl_s(page, now_ms) = min(browser_ttl_s, edge_ttl_s(page, now_ms))
 * so a cached copy of a page is never served after the youngest-expiring price it shows is too
 * old. A check dated in the future (beyond a minute of clock skew) is refused: it would stay
 * "fresh" too long.
 */
import { z } from 'zod';
import { CURRENCIES } from '../currency.ts';
import { HOUR_MS } from '../time.ts';

export const DEFAULT_PRICE_MAX_AGE_HOURS = 24;
/** Clocks of the refreshing machine and the edge may disagree this much. */
export const CLOCK_SKEW_MS = 60_000;

/** One product's price and Prime eligibility as the product API answered it at `checked_at`. */
export const offer = z.strictObject({
  price_minor: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  currency: z.enum(CURRENCIES),
  prime: z.boolean(),
  /** When the product API was asked, ISO 8601 UTC with time ("2026-12-07T09:12:00.000Z"). */
  checked_at: z.iso.datetime(),
});
export type Offer = z.output<typeof offer>;

export const PRODUCT_DATA_SOURCES = ['creators-api', 'fixture', 'none'] as const;

/** What `npm run catalog:refresh` writes and the build reads (scripts/catalog-refresh.ts). */
export const productDataFile = z.strictObject({
  v: z.literal(1),
  /** Where the offers came from: Amazon's Creators API, a recorded fixture (never deployed), or none (no credentials). */
  source: z.enum(PRODUCT_DATA_SOURCES),
  /** When the refresh ran. */
  refreshed_at: z.iso.datetime(),
  /** Product id (ASIN) -> its offer; a product the API did not answer for has none. */
  offers: z.record(z.string(), offer),
});
export type ProductData = z.output<typeof productDataFile>;

export function maxAgeMs(maxAgeHours: number): number {
  return maxAgeHours * HOUR_MS;
}

/** Unix ms after which the offer's price may no longer be shown. */
export function offerExpiresAt(o: Offer, maxAgeHours: number): number {
  return Date.parse(o.checked_at) + maxAgeMs(maxAgeHours);
}

/** The offer if a page rendered at `nowMs` may show it, else null ("See price on Amazon"). */
export function shownOffer(o: Offer | undefined, nowMs: number, maxAgeHours: number): Offer | null {
  if (!o) return null;
  const checked = Date.parse(o.checked_at);
  if (!Number.isFinite(checked) || checked > nowMs + CLOCK_SKEW_MS) return null;
  return nowMs < offerExpiresAt(o, maxAgeHours) ? o : null;
}

/** The earliest expiry among the offers a page shows, or null when it shows no price. */
export function pageExpiresAt(shown: readonly Offer[], maxAgeHours: number): number | null {
  if (shown.length === 0) return null;
  return Math.min(...shown.map((o) => offerExpiresAt(o, maxAgeHours)));
}

/** Seconds a copy of the page may be kept: `limitSeconds`, cut to the page's price expiry. */
export function cacheSeconds(limitSeconds: number, expiresAtMs: number | null, nowMs: number): number {
  if (expiresAtMs === null) return limitSeconds;
  return Math.max(0, Math.min(limitSeconds, Math.floor((expiresAtMs - nowMs) / 1000)));
}
