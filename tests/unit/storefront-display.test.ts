/**
 * Amazon's display rules (domain/catalog/offers.ts, domain/pages/catalog.ts PagePricing), storefront
 * search (site/lib/search.ts) and the storefront's sections (site/lib/storefront.ts), on the
 * fixture content as the build validates it.
 */
import { describe, expect, it } from 'vitest';
import { AMAZON_US, testProduct } from '../lib/catalog-fixtures.ts';
import fc from 'fast-check';
import { cacheSeconds, offerExpiresAt, shownOffer, type Offer } from '../../domain/catalog/offers.ts';
import { validateContent } from '../../domain/content/validate.ts';
import type { Influencer } from '../../domain/content/schema.ts';
import {
  featuredCards,
  listCards,
  PagePricing,
  type Card,
  type Catalog,
} from '../../domain/pages/catalog.ts';
import { buildPageShards, catalogOf, pageRecord } from '../../domain/pages/page-store.ts';
import { parseQuery, searchCards, wordMatch } from '../../site/lib/search.ts';
import { storefrontSections } from '../../site/lib/storefront.ts';
import { catalogFromContent } from '../../build/write-page-store.ts';
import { readContentSources } from '../../build/load-content.ts';
import { HOUR_MS } from '../../domain/time.ts';

const NOW = Date.parse('2026-12-07T10:00:00Z');

function offerAt(checkedAt: number, price_minor = 2499, prime = true): Offer {
  return { price_minor, currency: 'USD', prime, checked_at: new Date(checkedAt).toISOString() };
}

function fixture() {
  const { content, errors } = validateContent(readContentSources('tests/fixtures/content'));
  if (!content) throw new Error(JSON.stringify(errors));
  return content;
}

describe('offers: a price only while fresh', () => {
  it('shows a price younger than the limit and never one as old, or checked in the future', () => {
    expect(shownOffer(offerAt(NOW - 23 * HOUR_MS), NOW, 24)).not.toBeNull();
    expect(shownOffer(offerAt(NOW - 24 * HOUR_MS), NOW, 24)).toBeNull();
    expect(shownOffer(offerAt(NOW - 25 * HOUR_MS), NOW, 24)).toBeNull();
    expect(shownOffer(offerAt(NOW + 2 * HOUR_MS), NOW, 24)).toBeNull();
    expect(shownOffer(undefined, NOW, 24)).toBeNull();
    expect(shownOffer(offerAt(NOW - 2 * HOUR_MS), NOW, 1)).toBeNull();
  });

  it('never lets a cached copy outlive the first price it shows (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 48 * 60 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 0, max: 86_400 }),
        (agesMinutes, maxAge, edgeTtl) => {
          const pricing = new PagePricing(
            new Map(agesMinutes.map((m, i) => [`P${i}`, offerAt(NOW - m * 60_000)])),
            maxAge,
            NOW,
          );
          const shown = pricing.cards(agesMinutes.map((_, i) => cardOf(`P${i}`))).filter((c) => c.offer);
          const ttl = cacheSeconds(edgeTtl, pricing.expiresAt(), NOW);
          for (const c of shown) {
            expect(NOW + ttl * 1000).toBeLessThanOrEqual(offerExpiresAt(c.offer!, maxAge));
            // At the end of the cache lifetime the price would still be allowed.
            expect(shownOffer(c.offer!, NOW + ttl * 1000 - 1, maxAge)).not.toBeNull();
          }
          if (shown.length === 0) expect(ttl).toBe(edgeTtl);
        },
      ),
    );
  });

  it("puts only the refresh offers of a storefront's products in its page store record, never typed prices as offers", () => {
    const content = fixture();
    const catalog = catalogFromContent(content, {
      v: 1,
      source: 'fixture',
      refreshed_at: new Date(NOW).toISOString(),
      offers: { B000TEST01: offerAt(NOW - HOUR_MS), OTHER: offerAt(NOW) },
    });
    const shards = buildPageShards(catalog, { site: 'x', price_max_age_hours: 24 });
    const record = pageRecord.parse(shards.find((s) => s.pages['ana-cooks'])?.pages['ana-cooks']);
    if (record.kind !== 'page') throw new Error('not a page');
    expect(Object.keys(record.offers)).toEqual(['B000TEST01']);
    const pricing = new PagePricing(catalogOf(record).offers, 24, NOW);
    const influencer = record.influencer;
    const cards = pricing.cards(listCards(catalogOf(record), influencer.lists[0]!));
    // B000TEST02 has a typed price in content and no refreshed offer: it shows none.
    expect(cards.map((c) => [c.product.id, c.offer?.price_minor ?? null])).toEqual([
      ['B000TEST01', 2499],
      ['B000TEST02', null],
    ]);
    expect(pricing.expiresAt()).toBe(NOW - HOUR_MS + 24 * HOUR_MS);
  });

  it('names in a record only the share cards the build has, so a page never points at a missing one', () => {
    const catalog = catalogFromContent(fixture());
    const record = (ready: string[]) => {
      const shards = buildPageShards(
        catalog,
        { site: 'x', price_max_age_hours: 24 },
        undefined,
        new Set(ready),
      );
      const r = pageRecord.parse(shards.find((s) => s.pages['ana-cooks'])?.pages['ana-cooks']);
      return r.kind === 'page' ? r.cards : null;
    };
    expect(record([])).toEqual([]);
    expect(record(['/images/cards/ana-cooks/pan-basics.png', '/images/cards/other.png'])).toEqual([
      '/images/cards/ana-cooks/pan-basics.png',
    ]);
  });
});

function cardOf(id: string, title = id, brand = 'Brand', category = 'kitchen', note?: string): Card {
  return {
    product: testProduct(id, { title, brand, category, price_checked_at: '2026-11-01', prime: true }),
    retailer: AMAZON_US,
    note,
  };
}

describe('search', () => {
  const cards = [
    cardOf('A', 'Cast Iron Skillet, 12 inch', 'Lodge', 'kitchen', 'Seasoned once, used daily.'),
    cardOf('B', 'Crème brûlée torch', 'Iwatani', 'kitchen'),
    cardOf('C', 'Vitamin C Serum', 'TruSkin', 'beauty', 'My morning routine, with knives-sharp focus'),
    cardOf('D', 'Chef knives set', 'Victorinox', 'kitchen'),
    cardOf('E', 'Baby bottle', 'Dr. Brown’s', 'baby'),
  ];
  const names = new Map([
    ['kitchen', 'Kitchen'],
    ['beauty', 'Beauty & Personal Care'],
    ['baby', 'Baby'],
  ]);
  const ids = (q: string) => {
    const parsed = parseQuery(q);
    return parsed.kind === 'words'
      ? searchCards(cards, parsed.words, names).map((c) => c.product.id)
      : parsed.kind;
  };

  it('finds by title, brand, category name and note, by prefix, whatever the accents and case', () => {
    expect(ids('skil')).toEqual(['A']);
    expect(ids('LODGE')).toEqual(['A']);
    expect(ids('creme brulee')).toEqual(['B']);
    expect(ids('Crème')).toEqual(['B']);
    expect(ids('personal care')).toEqual(['C']);
    expect(ids('seasoned')).toEqual(['A']);
    expect(ids('brown')).toEqual(['E']);
  });

  it('finds plurals both ways and one-letter typos in longer words, and ranks the title first', () => {
    expect(ids('skillets')).toEqual(['A']);
    expect(ids('knife')).toEqual(['D', 'C']); // "knive": one letter off
    expect(ids('knives')).toEqual(['D', 'C']);
    expect(ids('bottles')).toEqual(['E']);
    expect(ids('skilet')).toEqual(['A']);
    expect(ids('skilets')).toEqual(['A']);
    expect(ids('serun')).toEqual(['C']);
    expect(ids('lodgx')).toEqual(['A']);
    expect(ids('zzzzzz')).toEqual([]);
    expect(wordMatch('glasses', 'glass')).toBe(1);
    expect(wordMatch('batteries', 'battery')).toBe(1);
    expect(wordMatch('pan', 'panini')).toBe(1);
    // The plural rule of the link builder (domain/catalog/lookup.ts stems), both ways: a plural
    // of "-f(e)" or "-ve" is a full match, not a typo.
    for (const [q, w] of [
      ['knives', 'knife'],
      ['shelves', 'shelf'],
      ['gloves', 'glove'],
      ['glove', 'gloves'],
      ['shelf', 'shelves'],
    ])
      expect(wordMatch(q!, w!), `${q} ${w}`).toBe(1);
  });

  it('answers empty, odd and too long queries calmly', () => {
    expect(ids('')).toBe('empty');
    expect(ids('   ')).toBe('empty');
    expect(ids('%%% <> "\'')).toBe('empty');
    expect(ids('x'.repeat(101))).toBe('too_long');
    expect(ids('x'.repeat(100))).toEqual([]);
    expect(parseQuery(null)).toEqual({ kind: 'empty' });
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (q) => {
        const parsed = parseQuery(q);
        if (parsed.kind === 'words') searchCards(cards, parsed.words, names);
      }),
    );
  });
});

describe('storefront sections', () => {
  function storefront(): { catalog: Catalog; influencer: Influencer } {
    const content = fixture();
    const catalog = catalogFromContent(content);
    const ana = content.influencers.find((i) => i.handle === 'ana-cooks');
    if (!ana || ana.program !== 'influencer') throw new Error('no ana-cooks');
    return { catalog, influencer: ana };
  }

  it('shows each product once: most popular, then featured, then lists (a list page keeps all)', () => {
    const { catalog, influencer } = storefront();
    const none = storefrontSections(catalog, influencer, []);
    expect(none.popular).toEqual([]);
    expect(none.featured.map((c) => c.product.id)).toEqual(['B000TEST01']);
    expect(none.lists.map((l) => [l.list.slug, l.cards.map((c) => c.product.id), l.shownAbove])).toEqual([
      ['pan-basics', ['B000TEST02'], 1],
    ]);
    const popular = storefrontSections(catalog, influencer, ['B000TEST02', 'NOT-ON-PAGE', 'B000TEST01']);
    expect(popular.popular.map((c) => c.product.id)).toEqual(['B000TEST02', 'B000TEST01']);
    expect(popular.featured).toEqual([]);
    expect(popular.lists[0]).toMatchObject({ cards: [], shownAbove: 2 });
    expect(listCards(catalog, influencer.lists[0]!).map((c) => c.product.id)).toEqual([
      'B000TEST01',
      'B000TEST02',
    ]);
    expect(featuredCards(catalog, influencer)[0]?.note).toBe('Seasoned once, used daily for six years.');
  });

  it('shows the newest dated list items as Latest, newest first', () => {
    const { catalog, influencer } = storefront();
    const dated: Influencer = {
      ...influencer,
      featured: [],
      lists: [
        {
          ...influencer.lists[0]!,
          items: [
            { ...influencer.lists[0]!.items[0]!, added_on: '2026-11-01' },
            { ...influencer.lists[0]!.items[1]!, added_on: '2026-12-01' },
          ],
        },
      ],
    };
    const sections = storefrontSections(catalog, dated, []);
    expect(sections.latest.map((c) => c.product.id)).toEqual(['B000TEST02', 'B000TEST01']);
    expect(sections.lists[0]).toMatchObject({ cards: [], shownAbove: 2 });
  });
});
