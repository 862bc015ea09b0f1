/**
 * Which marketplace a tracked link sends a shopper to (CONTRACT.md section 14), as a pure
 * function of build-time data and three request facts: the country (`cf.country`), the
 * `?market=` parameter and the click id. Nothing here parses content or URLs: the build
 * precomputes each retailer's group home, the country table, each search template split at
 * `{query}` and each product title percent-encoded (domain/links/route-table.ts).
 *
 * Rules, with P the product, G its retailer's group (a retailer without `group` is a group of
 * one), H the group's home marketplace (its first retailer), tag(M) the member's tracking id
 * at M (`tracking_id` at H, `tracking_ids[M]` elsewhere) and target(M) P's URL at M
 * (P's own URL when M is P's retailer, else `markets[M]`, else M's search for P's title):
 *
 *   forced  = the marketplace of G named by ?market=, if any (another group's id, or an
 *             unknown one, is ignored)
 *   forced and tag(forced) and target(forced)        -> target(forced), tagged
 *   forced otherwise                                 -> H: target(H) tagged with tag(H),
 *                                                       or P's own URL when target(H) is none
 *   else M  = the marketplace of G serving the country
 *   M and tag(M) and target(M)                       -> target(M), tagged
 *   otherwise                                        -> P's own URL, tagged as before
 *
 * "Tagged" is taggedUrl: the URL byte for byte with only the tag and sub-tag set. Every URL
 * is a content URL or a content search template around a percent-encoded title, so a route
 * never leaves the chosen marketplace's hosts (the template's host is checked at build:
 * domain/content/validate.ts, and `encodeURIComponent` leaves no "/", "?", "#" or "@").
 */
import { taggedUrl } from './tagged-url.ts';

/** One retailer's link parameters, as bundled with the worker (LinkConfig). */
export interface RetailerLink {
  id: string;
  tag: string;
  subtag: string;
  /** Index of its group's home marketplace; absent when it is its group's home (or has no group). */
  home?: number;
  /** Its search URL template split at `{query}`: [before, after]. Absent when it has none. */
  search?: [string, string];
}

/**
 * A product as the product shards carry it: retailer index, URL, and its URLs at other
 * marketplaces of its group by retailer index (`markets`), when it lists some. Its title,
 * percent-encoded for a marketplace's search, is kept apart (the query shards): only a shopper
 * routed to a search needs it, and titles would triple a product shard's size.
 */
export type ProductEntry =
  [retailer: number, url: string] | [retailer: number, url: string, markets: Record<string, string>];

/** How the shopper was routed: the product's own URL, its URL at another marketplace, or a search there. */
export type RouteKind = 'listed' | 'search' | 'home';

export interface Route {
  url: string;
  /** The marketplace (retailer id) the URL is on. */
  marketplace: string;
  kind: RouteKind;
}

export interface RouteInput {
  retailers: readonly RetailerLink[];
  /** Country (ISO alpha-2) -> indices of the marketplaces serving it, at most one per group. */
  countries: Readonly<Record<string, readonly number[]>>;
  product: ProductEntry;
  /**
   * The product's title percent-encoded, for a search; undefined when unknown (a search then
   * is no target). See searchWanted for reading it only when a route would use it.
   */
  query: string | undefined;
  /** The member's `tracking_id`: its tag at the home marketplace. */
  trackingId: string;
  /** Retailer index -> the member's tracking id there (`tracking_ids`). */
  trackingIds: Readonly<Record<string, string>> | undefined;
  /** `cf.country`, or null. */
  country: string | null;
  /** The `?market=` parameter, or null. */
  market: string | null;
  clickId: string;
}

export function route(input: RouteInput): Route | null {
  const { retailers, product } = input;
  const own = product[0];
  const group = homeOf(retailers, own);
  if (group === null) return null;
  const forced = input.market === null ? -1 : retailers.findIndex((r) => r.id === input.market);
  if (forced !== -1 && homeOf(retailers, forced) === group) {
    return (
      routeTo(input, forced, group) ??
      routeTo(input, group, group, input.trackingId) ??
      routeTo(input, own, group, input.trackingId)
    );
  }
  const serving = countryMarket(input, group);
  return (
    (serving === null ? null : routeTo(input, serving, group)) ?? routeTo(input, own, group, input.trackingId)
  );
}

/** The marketplace of `group` that serves the request's country, or null. */
function countryMarket(input: RouteInput, group: number): number | null {
  const { country, countries, retailers } = input;
  if (country === null || !Object.hasOwn(countries, country)) return null;
  return countries[country]?.find((m) => homeOf(retailers, m) === group) ?? null;
}

/**
 * Marketplace `m`'s URL for the product, tagged with the member's tracking id there
 * (`fallbackTag` when the member has none there), or null when there is no tag or no URL.
 */
function routeTo(input: RouteInput, m: number, group: number, fallbackTag?: string): Route | null {
  const retailer = input.retailers[m];
  const tag = tagAt(input, m, group) ?? fallbackTag;
  const target = retailer ? targetAt(input, m, retailer) : null;
  if (!retailer || tag === undefined || target === null) return null;
  return {
    url: taggedUrl(target.url, [
      [retailer.tag, tag],
      [retailer.subtag, input.clickId],
    ]),
    marketplace: retailer.id,
    kind: target.kind,
  };
}

function tagAt(input: RouteInput, m: number, group: number): string | undefined {
  if (m === group) return input.trackingId;
  const ids = input.trackingIds;
  return ids && Object.hasOwn(ids, m) ? ids[m] : undefined;
}

function targetAt(
  input: RouteInput,
  m: number,
  retailer: RetailerLink,
): { url: string; kind: RouteKind } | null {
  const [own, url, markets] = input.product;
  const { query } = input;
  if (m === own) return { url, kind: 'home' };
  if (markets && Object.hasOwn(markets, m)) {
    const listed = markets[m];
    if (listed !== undefined) return { url: listed, kind: 'listed' };
  }
  if (retailer.search && query !== undefined)
    return { url: `${retailer.search[0]}${query}${retailer.search[1]}`, kind: 'search' };
  return null;
}

/**
 * Whether route() would send this request to a search if the title were known: the redirect
 * reads the title (a query shard) only then. Routes with an empty stand-in title, which only a
 * search would use.
 */
export function searchWanted(input: Omit<RouteInput, 'query'>): Route | 'search' | null {
  const probe = route({ ...input, query: '' });
  return probe?.kind === 'search' ? 'search' : probe;
}

/** The index of retailer `i`'s group home, or null for an index that names no retailer. */
export function homeOf(retailers: readonly RetailerLink[], i: number): number | null {
  const retailer = retailers[i];
  return retailer === undefined ? null : (retailer.home ?? i);
}

/** Where a member's link to a product can take a shopper, per marketplace of the product's group. */
export interface MarketReach {
  marketplace: string;
  /** How shoppers sent there land (the product, a search for it, its own URL); null: not reached. */
  kind: RouteKind | null;
  /** Countries whose shoppers it serves (ISO alpha-2), sorted. */
  countries: string[];
}

/** The link builder's view of route(): each marketplace of the group, forced as `?market=` would. */
export function marketReachOf(
  input: Omit<RouteInput, 'country' | 'market' | 'clickId' | 'query'>,
): MarketReach[] {
  const { retailers, countries, product } = input;
  const group = homeOf(retailers, product[0]);
  return retailers.flatMap((retailer, m) => {
    if (group === null || homeOf(retailers, m) !== group) return [];
    const sent = route({ ...input, query: '', country: null, market: retailer.id, clickId: '' });
    return [
      {
        marketplace: retailer.id,
        kind: sent?.marketplace === retailer.id ? sent.kind : null,
        countries: Object.keys(countries)
          .filter((c) => countries[c]?.includes(m))
          .sort(),
      },
    ];
  });
}
