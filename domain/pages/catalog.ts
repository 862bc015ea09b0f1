/**
 * Page data as small pure functions over validated content: which storefronts
 * exist, what each page shows, and where renamed handles point.
 */
import {
  isInfluencer,
  type Influencer,
  type Member,
  type Product,
  type Retailer,
} from '../content/schema.ts';
import { pageExpiresAt, shownOffer, type Offer } from '../catalog/offers.ts';

export interface Category {
  id: string;
  name: string;
}

export interface Catalog {
  /** Every member file: influencers and associates (who get no page). */
  influencers: readonly Member[];
  products: ReadonlyMap<string, Product>;
  retailers: ReadonlyMap<string, Retailer>;
  /** In program.yaml order. */
  categories: readonly Category[];
  /** Offers of the product data refresh, by product id (the page store carries them). */
  offers?: ReadonlyMap<string, Offer>;
}

/** One product as a creator presents it. */
export interface Card {
  product: Product;
  retailer: Retailer;
  note?: string | undefined;
  /** The price and Prime badge to show: only a fresh offer of the product data refresh. */
  offer?: Offer | null;
}

export type List = Influencer['lists'][number];

/**
 * Only approved influencers get pages (associates never do: CONTRACT.md section 8),
 * sorted by name for a neutral directory order.
 */
export function approvedInfluencers(members: readonly Member[]): Influencer[] {
  return members
    .filter(isInfluencer)
    .filter((i) => i.status === 'approved')
    .sort((a, b) => a.name.localeCompare(b.name, 'en') || a.handle.localeCompare(b.handle));
}

function card(catalog: Catalog, productId: string, note: string | undefined): Card | null {
  const product = catalog.products.get(productId);
  if (!product || !product.available) return null;
  const retailer = catalog.retailers.get(product.retailer);
  if (!retailer) return null;
  return { product, retailer, note };
}

/** A list's items as cards, in list order; unavailable products are left out. */
export function listCards(catalog: Catalog, list: List): Card[] {
  return list.items.flatMap((item) => card(catalog, item.product, item.note) ?? []);
}

/** Featured products, each with the creator's note from the first list that carries one. */
export function featuredCards(catalog: Catalog, influencer: Influencer): Card[] {
  const notes = new Map<string, string>();
  for (const list of influencer.lists)
    for (const item of list.items)
      if (item.note && !notes.has(item.product)) notes.set(item.product, item.note);
  return [...new Set(influencer.featured)].flatMap((id) => card(catalog, id, notes.get(id)) ?? []);
}

/** The storefront's lists that still have something to show, with their cards. */
export function visibleLists(catalog: Catalog, influencer: Influencer): { list: List; cards: Card[] }[] {
  return influencer.lists
    .map((list) => ({ list, cards: listCards(catalog, list) }))
    .filter((entry) => entry.cards.length > 0);
}

/**
 * Prices for the cards of one rendered page (Amazon's display rules, domain/catalog/offers.ts):
 * a card gets its product's offer only while it is fresh at `nowMs`; `expiresAt()` is when the
 * first shown price goes stale, which bounds how long any copy of the page is kept.
 */
export class PagePricing {
  private readonly shown = new Map<string, Offer>();
  private readonly offers: ReadonlyMap<string, Offer> | undefined;
  private readonly maxAgeHours: number;
  private readonly nowMs: number;

  constructor(offers: ReadonlyMap<string, Offer> | undefined, maxAgeHours: number, nowMs: number) {
    this.offers = offers;
    this.maxAgeHours = maxAgeHours;
    this.nowMs = nowMs;
  }

  cards(cards: readonly Card[]): Card[] {
    return cards.map((c) => {
      const offer = shownOffer(this.offers?.get(c.product.id), this.nowMs, this.maxAgeHours);
      if (offer) this.shown.set(c.product.id, offer);
      return { ...c, offer };
    });
  }

  /** Whether any card of the page shows a price (the page then carries Amazon's price disclaimer). */
  showsPrices(): boolean {
    return this.shown.size > 0;
  }

  /** Unix ms when the first shown price goes stale, or null when the page shows none. */
  expiresAt(): number | null {
    return pageExpiresAt([...this.shown.values()], this.maxAgeHours);
  }
}

/** Retailers whose links appear among the cards, each once, in order of first appearance. */
export function retailersOf(cards: readonly Card[]): Retailer[] {
  const seen = new Map<string, Retailer>();
  for (const c of cards) if (!seen.has(c.retailer.id)) seen.set(c.retailer.id, c.retailer);
  return [...seen.values()];
}

/** Categories that at least one of the given storefronts covers, in program order. */
export function categoriesInUse(
  categories: readonly Category[],
  influencers: readonly Pick<Influencer, 'categories'>[],
): Category[] {
  const used = new Set(influencers.flatMap((i) => i.categories));
  return categories.filter((c) => used.has(c.id));
}

export function inCategory<T extends Pick<Influencer, 'categories'>>(
  influencers: readonly T[],
  categoryId: string,
): T[] {
  return influencers.filter((i) => i.categories.includes(categoryId));
}

/** Followers summed over every listed profile. */
export function totalFollowers(influencer: { socials: readonly { followers: number }[] }): number {
  return influencer.socials.reduce((sum, s) => sum + s.followers, 0);
}

export type FollowerTier = 'Nano' | 'Micro' | 'Mid-tier' | 'Macro' | 'Mega';

/** The usual creator tiers, by the biggest single audience (reach on the main platform). */
export function followerTier(influencer: { socials: readonly { followers: number }[] }): FollowerTier {
  const top = Math.max(0, ...influencer.socials.map((s) => s.followers));
  if (top >= 1_000_000) return 'Mega';
  if (top >= 500_000) return 'Macro';
  if (top >= 100_000) return 'Mid-tier';
  if (top >= 10_000) return 'Micro';
  return 'Nano';
}

export interface HandleRedirect {
  /** The old handle, whose pages now redirect. */
  from: string;
  to: Influencer;
}

/**
 * Old handles of approved storefronts. A handle that is some storefront's current
 * handle, or an old handle claimed twice, would give two pages one URL: refuse it.
 */
export function handleRedirects(influencers: readonly Member[]): HandleRedirect[] {
  const current = new Set(influencers.map((i) => i.handle));
  const owner = new Map<string, string>();
  const redirects: HandleRedirect[] = [];
  for (const influencer of approvedInfluencers(influencers)) {
    influencer.previous_handles.forEach((from, index) => {
      const field = `influencers/${influencer.handle}.yaml: previous_handles[${index}]`;
      if (current.has(from)) throw new Error(`${field}: "${from}" is the handle of a storefront`);
      const other = owner.get(from);
      if (other !== undefined && other !== influencer.handle)
        throw new Error(`${field}: "${from}" is also a previous handle of ${other}`);
      if (other === undefined) redirects.push({ from, to: influencer });
      owner.set(from, influencer.handle);
    });
  }
  return redirects;
}
