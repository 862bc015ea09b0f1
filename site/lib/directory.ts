/**
 * The storefront directory in pages of a fixed size, so no page grows with the program
 * (CONTRACT section 11): the home page and each category filter are page 1 of their
 * listing, `/page/<n>/` and `/category/<id>/page/<n>/` the rest. Listings are computed
 * once per build and category, not once per page.
 */
import { approvedInfluencers, inCategory, type Catalog } from './catalog.ts';
import type { Influencer } from '../../domain/content/schema.ts';

/** Storefronts a page: divides evenly into grids of 2, 3, 4, 5 and 6 columns. */
export const DIRECTORY_PAGE_SIZE = 60;

const listings = new WeakMap<Catalog, Map<string, Influencer[]>>();

/** Approved storefronts in directory order (by name), all or of one category; memoized per catalog. */
export function listing(catalog: Catalog, category?: string): Influencer[] {
  let byCategory = listings.get(catalog);
  if (!byCategory) listings.set(catalog, (byCategory = new Map()));
  const key = category ?? '';
  let found = byCategory.get(key);
  if (!found) {
    const all = byCategory.get('') ?? approvedInfluencers(catalog.influencers);
    byCategory.set('', all);
    found = category === undefined ? all : inCategory(all, category);
    byCategory.set(key, found);
  }
  return found;
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / DIRECTORY_PAGE_SIZE));
}

/** One page of a listing: its storefronts and where it sits. `n` starts at 1. */
export function directoryPage<T>(items: readonly T[], n: number): { items: T[]; n: number; last: number } {
  const last = pageCount(items.length);
  const start = (n - 1) * DIRECTORY_PAGE_SIZE;
  return { items: items.slice(start, start + DIRECTORY_PAGE_SIZE), n, last };
}

/** Page numbers 2..last, the static paths beyond each listing's first page. */
export function laterPages(total: number): number[] {
  return Array.from({ length: pageCount(total) - 1 }, (_, i) => i + 2);
}
