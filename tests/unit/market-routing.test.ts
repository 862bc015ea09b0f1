/**
 * The marketplace rules of a tracked link (CONTRACT.md section 14, domain/links/market.ts) on a
 * hand-built table: an amazon group of four marketplaces and a retailer of its own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  route,
  searchWanted,
  type ProductEntry,
  type RetailerLink,
  type RouteInput,
} from '../../domain/links/market.ts';

/** An Amazon marketplace; `home` 0 for one of amazon-us's group. */
const amazon = (id: string, rest: Partial<RetailerLink>): RetailerLink => ({
  id,
  tag: 'tag',
  subtag: 'ascsubtag',
  ...rest,
});
const retailers: RetailerLink[] = [
  amazon('amazon-us', { search: ['https://www.amazon.com/s?k=', ''] }),
  amazon('amazon-uk', { home: 0, search: ['https://www.amazon.co.uk/s?k=', ''] }),
  amazon('amazon-de', { home: 0, search: ['https://www.amazon.de/s?k=', '&language=de_DE'] }),
  // No search: only products listed there can go there.
  amazon('amazon-ca', { home: 0 }),
  { id: 'books-r-us', tag: 'aff', subtag: 'sub', search: ['https://books.example/find/', '?x=1'] },
];
const HOSTS: Record<string, string[]> = {
  'amazon-us': ['www.amazon.com', 'amazon.com'],
  'amazon-uk': ['www.amazon.co.uk'],
  'amazon-de': ['www.amazon.de'],
  'amazon-ca': ['www.amazon.ca'],
  'books-r-us': ['books.example'],
};
const countries = { US: [0], GB: [1], IE: [1], DE: [2], AT: [2], CA: [3], FR: [4] };
const TITLE = encodeURIComponent('Salt, Fat, Acid & Heat: 100% Good');
const SKILLET: ProductEntry = [
  0,
  'https://www.amazon.com/dp/B00006JSUA?th=1&tag=old',
  { 1: 'https://www.amazon.co.uk/dp/B00006JSUA' },
];

const input = (over: Partial<RouteInput>): RouteInput => ({
  retailers,
  countries,
  product: SKILLET,
  query: TITLE,
  trackingId: 'ana-20',
  trackingIds: { 1: 'ana-21', 2: 'ana0c-21', 3: 'anaca-20' },
  country: null,
  market: null,
  clickId: 'CLICK',
  ...over,
});

describe('route (section 14)', () => {
  it("sends a shopper in a served country, where the member has a tag, to the product's URL there", () => {
    expect(route(input({ country: 'GB' }))).toEqual({
      url: 'https://www.amazon.co.uk/dp/B00006JSUA?tag=ana-21&ascsubtag=CLICK',
      marketplace: 'amazon-uk',
      kind: 'listed',
    });
    expect(route(input({ country: 'IE' }))?.marketplace).toBe('amazon-uk');
  });

  it("else to that marketplace's search for the title, encoded, tagged", () => {
    expect(route(input({ country: 'AT' }))).toEqual({
      url: `https://www.amazon.de/s?k=Salt%2C%20Fat%2C%20Acid%20%26%20Heat%3A%20100%25%20Good&language=de_DE&tag=ana0c-21&ascsubtag=CLICK`,
      marketplace: 'amazon-de',
      kind: 'search',
    });
  });

  it('else home: no marketplace serves the country, no tag there, no URL there, no country', () => {
    const home = {
      url: 'https://www.amazon.com/dp/B00006JSUA?th=1&tag=ana-20&ascsubtag=CLICK',
      marketplace: 'amazon-us',
      kind: 'home',
    };
    expect(route(input({ country: 'JP' }))).toEqual(home);
    expect(route(input({ country: null }))).toEqual(home);
    expect(route(input({ country: 'US' }))).toEqual(home);
    // FR is served by a retailer of another group: not the product's.
    expect(route(input({ country: 'FR' }))).toEqual(home);
    expect(route(input({ country: 'GB', trackingIds: undefined }))).toEqual(home);
    expect(route(input({ country: 'DE', trackingIds: { 1: 'ana-21' } }))).toEqual(home);
    // amazon-ca has no search and the product is not listed there.
    expect(route(input({ country: 'CA' }))).toEqual(home);
    expect(route(input({ country: '__proto__' }))).toEqual(home);
  });

  it('?market= forces a marketplace of the group; without a tag there, the home one; an unknown id is ignored', () => {
    expect(route(input({ country: 'GB', market: 'amazon-de' }))?.url).toBe(
      `https://www.amazon.de/s?k=${TITLE}&language=de_DE&tag=ana0c-21&ascsubtag=CLICK`,
    );
    expect(route(input({ country: 'GB', market: 'amazon-us' }))?.marketplace).toBe('amazon-us');
    expect(route(input({ country: 'GB', market: 'amazon-de', trackingIds: { 1: 'ana-21' } }))).toMatchObject({
      marketplace: 'amazon-us',
      kind: 'home',
    });
    for (const unknown of ['amazon-jp', 'books-r-us', '', 'constructor'])
      expect(route(input({ country: 'GB', market: unknown }))?.marketplace, unknown).toBe('amazon-uk');
  });

  it('needs the title only for a search (searchWanted); an unknown title falls back home', () => {
    const { query: _query, ...noTitle } = input({ country: 'AT' });
    expect(searchWanted(noTitle)).toBe('search');
    expect(searchWanted({ ...noTitle, country: 'GB' })).toMatchObject({
      marketplace: 'amazon-uk',
      kind: 'listed',
    });
    expect(searchWanted({ ...noTitle, country: 'JP' })).toMatchObject({
      marketplace: 'amazon-us',
      kind: 'home',
    });
    expect(route(input({ country: 'AT', query: undefined }))).toMatchObject({
      marketplace: 'amazon-us',
      kind: 'home',
    });
  });

  it('a product of a non-home marketplace: home is its own URL, tagged with the tag there', () => {
    const uk: ProductEntry = [1, 'https://www.amazon.co.uk/dp/X1'];
    expect(route(input({ product: uk, query: 'X', country: 'JP' }))?.url).toBe(
      'https://www.amazon.co.uk/dp/X1?tag=ana-21&ascsubtag=CLICK',
    );
    // The home marketplace's search when a US shopper follows it.
    expect(route(input({ product: uk, query: 'X', country: 'US' }))?.url).toBe(
      'https://www.amazon.com/s?k=X&tag=ana-20&ascsubtag=CLICK',
    );
    // A member without a UK tag keeps the link working with their home tag, as before.
    expect(route(input({ product: uk, country: 'JP', trackingIds: undefined }))?.url).toBe(
      'https://www.amazon.co.uk/dp/X1?tag=ana-20&ascsubtag=CLICK',
    );
  });

  it('a retailer of its own group goes home, whatever the country or market', () => {
    const book: ProductEntry = [4, 'https://books.example/b/1'];
    for (const country of ['FR', 'GB', null])
      expect(route(input({ product: book, country, market: 'amazon-uk' }))?.url).toBe(
        'https://books.example/b/1?aff=ana-20&sub=CLICK',
      );
  });

  it('never leaves the chosen marketplace of the product group, whatever the title, URL, country, market and ids', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: retailers.length - 1 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.string({ maxLength: 20 }),
        fc.dictionary(fc.constantFrom('1', '2', '3', '0', '4'), fc.webPath()),
        fc.option(fc.constantFrom('US', 'GB', 'DE', 'CA', 'FR', 'JP', 'T1')),
        fc.option(fc.string({ maxLength: 12 })),
        fc.string({ minLength: 1, maxLength: 30 }),
        (own, title, query, paths, country, market, tag) => {
          const id = retailers[own]!.id;
          const home = (HOSTS[id] ?? [])[0];
          const markets = Object.fromEntries(
            Object.entries(paths).map(([m, path]) => [
              m,
              `https://${HOSTS[retailers[Number(m)]!.id]![0]}${path}`,
            ]),
          );
          const product: ProductEntry = [own, `https://${home}/p?${query.replace(/[#\s]/g, '')}`, markets];
          const result = route(
            input({
              product,
              query: encodeURIComponent(title),
              country,
              market,
              trackingId: tag,
              trackingIds: { 1: tag, 2: tag },
            }),
          );
          expect(result).not.toBeNull();
          if (!result) return;
          const group = (r: number) => retailers[r]?.home ?? r;
          const chosen = retailers.findIndex((r) => r.id === result.marketplace);
          expect(group(chosen)).toBe(group(own));
          expect(HOSTS[result.marketplace]).toContain(new URL(result.url).hostname);
          expect(new URL(result.url).protocol).toBe('https:');
        },
      ),
      { numRuns: 300 },
    );
  });
});
