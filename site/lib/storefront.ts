/**
 * What a storefront page shows, section by section (CONTRACT section 17): "Most popular" (the
 * most-clicked products of the last 30 days), the creator's "Featured" picks, "Latest" (the
 * newest list items by `added_on`), then each list.
 *
 * Rules:
 *   - a product is shown as a card at most once on the page: sections in the order above, the
 *     first that has it shows it, later ones skip it (a list's own page still shows all of it);
 *   - Most popular: up to POPULAR_CARDS products in click order, only ones the storefront shows;
 *   - Latest: up to LATEST_CARDS list items, newest `added_on` first (ties: list order), each
 *     product once; items without `added_on` (written before round 3) are never "latest";
 *   - a list whose every product is shown above stays, as a title, a count and a link.
 */
import type { Influencer } from '../../domain/content/schema.ts';
import { featuredCards, listCards, type Card, type Catalog, type List } from '../../domain/pages/catalog.ts';

export const POPULAR_CARDS = 4;
export const LATEST_CARDS = 4;

export interface ListSection {
  list: List;
  /** The list's products not already shown above. */
  cards: Card[];
  /** How many of the list's available products were shown above instead. */
  shownAbove: number;
}

export interface StorefrontSections {
  popular: Card[];
  featured: Card[];
  latest: Card[];
  lists: ListSection[];
}

function latestCards(catalog: Catalog, influencer: Influencer): Card[] {
  const dated = influencer.lists.flatMap((list) =>
    list.items.flatMap((item, order) => {
      const day = item.added_on;
      return day ? [{ day, order, cards: listCards(catalog, { ...list, items: [item] }) }] : [];
    }),
  );
  dated.sort((a, b) => (a.day === b.day ? 0 : a.day > b.day ? -1 : 1));
  return dated.flatMap((d) => d.cards);
}

function popularCards(catalog: Catalog, influencer: Influencer, ranked: readonly string[]): Card[] {
  const onPage = new Map<string, Card>();
  for (const c of [
    ...featuredCards(catalog, influencer),
    ...influencer.lists.flatMap((l) => listCards(catalog, l)),
  ])
    if (!onPage.has(c.product.id)) onPage.set(c.product.id, c);
  return ranked.flatMap((id) => onPage.get(id) ?? []);
}

/** The storefront's sections; `popularIds` is the popularity refresh's ranking (most clicked first). */
export function storefrontSections(
  catalog: Catalog,
  influencer: Influencer,
  popularIds: readonly string[],
): StorefrontSections {
  const shown = new Set<string>();
  const take = (cards: readonly Card[], limit = Infinity): Card[] => {
    const out: Card[] = [];
    for (const c of cards) {
      if (out.length >= limit || shown.has(c.product.id)) continue;
      shown.add(c.product.id);
      out.push(c);
    }
    return out;
  };
  const popular = take(popularCards(catalog, influencer, popularIds), POPULAR_CARDS);
  const featured = take(featuredCards(catalog, influencer));
  const latest = take(latestCards(catalog, influencer), LATEST_CARDS);
  const lists = influencer.lists.flatMap((list) => {
    const all = listCards(catalog, list);
    if (all.length === 0) return [];
    const cards = take(all);
    return [{ list, cards, shownAbove: all.length - cards.length }];
  });
  return { popular, featured, latest, lists };
}
