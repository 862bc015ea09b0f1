/**
 * What a merge changes on the live site: only approved influencers have pages,
 * so this compares the approved storefronts (and the catalog they link to) of the
 * base revision with those of the head.
 */
import { isInfluencer, type Influencer, type Product } from '../content/schema.ts';
import type { Snapshot } from './snapshot.ts';

export interface SiteChanges {
  newPages: string[];
  /** Base pages with nothing at head, not even through a redirect: links to them will 404. */
  removedPages: string[];
  /** Redirects a merge adds (renames). */
  redirects: { from: string; to: string }[];
  storefronts: { handle: string; changes: StorefrontEdit[] }[];
  /** Products whose tracked links stop working (deleted or marked unavailable). */
  leavingCatalog: { id: string; reason: 'deleted' | 'unavailable'; storefronts: string[] }[];
  /** Products still live whose details change (price, title, url...). */
  changedProducts: { id: string; fields: string[]; storefronts: string[] }[];
}

/** One change to a live storefront, as data; the report words it. */
export type StorefrontEdit =
  | { kind: 'renamed'; from: string }
  | { kind: 'field'; field: 'name' | 'bio' | 'avatar' | 'categories' }
  | { kind: 'tracking-id'; from: string; to: string }
  | { kind: 'featured'; added: string[]; removed: string[] }
  | { kind: 'list-added'; slug: string; items: number }
  | { kind: 'list-removed'; slug: string; items: number }
  | {
      kind: 'list-changed';
      slug: string;
      added: string[];
      removed: string[];
      reordered: boolean;
      retitled: boolean;
      notes: number;
    };

export function shopPath(handle: string, slug?: string): string {
  return slug ? `/shop/${handle}/${slug}/` : `/shop/${handle}/`;
}

/** Approved influencers: the members with pages (associates have none). */
function approved(snapshot: Snapshot): Map<string, Influencer> {
  const out = new Map<string, Influencer>();
  for (const i of snapshot.influencers.values())
    if (isInfluencer(i) && i.status === 'approved') out.set(i.handle, i);
  return out;
}

function pagesOf(storefronts: Map<string, Influencer>): Set<string> {
  const pages = new Set<string>();
  for (const [handle, i] of storefronts) {
    pages.add(shopPath(handle));
    for (const l of i.lists) pages.add(shopPath(handle, l.slug));
  }
  return pages;
}

/** Old handle -> current handle, for approved storefronts. */
function redirectsOf(storefronts: Map<string, Influencer>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [handle, i] of storefronts) for (const prev of i.previous_handles) out.set(prev, handle);
  return out;
}

function productsUsed(i: Influencer): string[] {
  return [...new Set([...i.featured, ...i.lists.flatMap((l) => l.items.map((it) => it.product))])];
}

export function siteChanges(base: Snapshot, head: Snapshot): SiteChanges {
  const before = approved(base);
  const after = approved(head);
  const basePages = pagesOf(before);
  const headPages = pagesOf(after);
  const baseRedirects = redirectsOf(before);
  const headRedirects = redirectsOf(after);

  const newPages = [...headPages].filter((p) => !basePages.has(p)).sort();
  const removedPages = [...basePages]
    .filter((page) => {
      if (headPages.has(page)) return false;
      const [, , handle = '', slug] = page.split('/');
      const target = headRedirects.get(handle);
      return !(target && headPages.has(shopPath(target, slug || undefined)));
    })
    .sort();
  const redirects = [...headRedirects]
    .filter(([from, to]) => baseRedirects.get(from) !== to)
    .map(([from, to]) => ({ from: shopPath(from), to: shopPath(to) }));

  const storefronts: SiteChanges['storefronts'] = [];
  for (const [handle, now] of after) {
    const renamedFrom = now.previous_handles.find((p) => before.has(p) && !after.has(p));
    const then = before.get(handle) ?? (renamedFrom ? before.get(renamedFrom) : undefined);
    if (!then) continue;
    const changes = storefrontEdits(then, now);
    if (changes.length > 0) storefronts.push({ handle, changes });
  }

  // Storefronts linking a product, by their handle at head (a renamed one counts once).
  const users = (id: string) =>
    [
      ...new Set(
        [...before, ...after]
          .filter(([, i]) => productsUsed(i).includes(id))
          .map(([h]) => (after.has(h) ? h : (headRedirects.get(h) ?? h))),
      ),
    ].sort();
  const leavingCatalog: SiteChanges['leavingCatalog'] = [];
  const changedProducts: SiteChanges['changedProducts'] = [];
  for (const [id, was] of base.products) {
    if (!was.available) continue;
    const now = head.products.get(id);
    if (!now || !now.available) {
      leavingCatalog.push({ id, reason: now ? 'unavailable' : 'deleted', storefronts: users(id) });
      continue;
    }
    const fields = changedFields(was, now);
    if (fields.length > 0) changedProducts.push({ id, fields, storefronts: users(id) });
  }

  return { newPages, removedPages, redirects, storefronts, leavingCatalog, changedProducts };
}

function changedFields(was: Product, now: Product): string[] {
  const keys = new Set([...Object.keys(was), ...Object.keys(now)]) as Set<keyof Product>;
  return [...keys].filter((k) => JSON.stringify(was[k]) !== JSON.stringify(now[k])).sort();
}

export function storefrontEdits(then: Influencer, now: Influencer): StorefrontEdit[] {
  const edits: StorefrontEdit[] = [];
  if (then.handle !== now.handle) edits.push({ kind: 'renamed', from: then.handle });
  for (const field of ['name', 'bio', 'avatar', 'categories'] as const)
    if (JSON.stringify(then[field]) !== JSON.stringify(now[field])) edits.push({ kind: 'field', field });
  if (then.tracking_id !== now.tracking_id)
    edits.push({ kind: 'tracking-id', from: then.tracking_id, to: now.tracking_id });

  const featuredAdded = now.featured.filter((id) => !then.featured.includes(id));
  const featuredRemoved = then.featured.filter((id) => !now.featured.includes(id));
  if (featuredAdded.length + featuredRemoved.length > 0)
    edits.push({ kind: 'featured', added: featuredAdded, removed: featuredRemoved });

  for (const list of now.lists) {
    const old = then.lists.find((l) => l.slug === list.slug);
    if (!old) {
      edits.push({ kind: 'list-added', slug: list.slug, items: list.items.length });
      continue;
    }
    const ids = list.items.map((i) => i.product);
    const oldIds = old.items.map((i) => i.product);
    const added = ids.filter((id) => !oldIds.includes(id));
    const removed = oldIds.filter((id) => !ids.includes(id));
    const kept = ids.filter((id) => oldIds.includes(id));
    const reordered = kept.join() !== oldIds.filter((id) => ids.includes(id)).join();
    const retitled = old.title !== list.title || old.description !== list.description;
    const notes = list.items.filter((item) => {
      const was = old.items.find((o) => o.product === item.product);
      return was !== undefined && (was.note ?? '') !== (item.note ?? '');
    }).length;
    if (added.length + removed.length + notes > 0 || reordered || retitled)
      edits.push({ kind: 'list-changed', slug: list.slug, added, removed, reordered, retitled, notes });
  }
  for (const old of then.lists)
    if (!now.lists.some((l) => l.slug === old.slug))
      edits.push({ kind: 'list-removed', slug: old.slug, items: old.items.length });
  return edits;
}
