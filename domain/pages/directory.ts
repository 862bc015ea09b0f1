/**
 * The storefront directory: what the home page, the category filters and the sitemap
 * show of each approved storefront (a small entry, not the whole file: the build keeps
 * one per creator in memory), in pages of a fixed size so no page grows with the
 * program (CONTRACT section 11). The home page and each category filter are page 1 of
 * their listing; `/page/<n>/` and `/category/<id>/page/<n>/` are the rest.
 */
import type { Influencer } from '../content/schema.ts';
import { approvedInfluencers, categoriesInUse, inCategory, type Catalog, type Category } from './catalog.ts';

/** Storefronts a page: divides evenly into grids of 2, 3, 4, 5 and 6 columns. */
export const DIRECTORY_PAGE_SIZE = 60;

/** One approved storefront as the directory and the sitemap see it. */
export type DirectoryEntry = Pick<Influencer, 'handle' | 'name' | 'bio' | 'avatar' | 'categories'> & {
  socials: Pick<Influencer['socials'][number], 'platform' | 'followers'>[];
  /** The slugs of its lists (each has a page). */
  lists: string[];
};

export interface Directory {
  /** Approved storefronts in directory order (by name, then handle). */
  entries: readonly DirectoryEntry[];
  /** In program.yaml order. */
  categories: readonly Category[];
}

export function directoryEntry(influencer: Influencer): DirectoryEntry {
  const { handle, name, bio, avatar, categories } = influencer;
  return {
    handle,
    name,
    bio,
    avatar,
    categories,
    socials: influencer.socials.map(({ platform, followers }) => ({ platform, followers })),
    lists: influencer.lists.map((l) => l.slug),
  };
}

export function directoryOf(catalog: Pick<Catalog, 'influencers' | 'categories'>): Directory {
  return {
    entries: approvedInfluencers(catalog.influencers).map(directoryEntry),
    categories: catalog.categories,
  };
}

const inUse = new WeakMap<Directory, Category[]>();

/** Categories with at least one storefront, in program order; once per build, not once per page. */
export function categoriesOf(directory: Directory): Category[] {
  let found = inUse.get(directory);
  if (!found) inUse.set(directory, (found = categoriesInUse(directory.categories, directory.entries)));
  return found;
}

const listings = new WeakMap<Directory, Map<string, readonly DirectoryEntry[]>>();

/** The storefronts of one category, or all; computed once per build and category, not once per page. */
export function listing(directory: Directory, category?: string): readonly DirectoryEntry[] {
  if (category === undefined) return directory.entries;
  let byCategory = listings.get(directory);
  if (!byCategory) listings.set(directory, (byCategory = new Map()));
  let found = byCategory.get(category);
  if (!found) byCategory.set(category, (found = inCategory(directory.entries, category)));
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
