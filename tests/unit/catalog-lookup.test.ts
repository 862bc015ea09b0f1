import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closeness, osaDistance, pastedLink, stems } from '../../domain/catalog/lookup.ts';

describe('pastedLink', () => {
  it('reads the ASIN of an Amazon product page, however it was pasted', () => {
    for (const url of [
      'https://www.amazon.com/dp/B00006JSUA',
      'https://www.amazon.com/Lodge-Skillet/dp/B00006JSUA/ref=sr_1_1?keywords=skillet&tag=someone-20',
      'amazon.com/dp/b00006jsua',
      'www.amazon.com/gp/product/B00006JSUA?psc=1',
      'https://smile.amazon.com/gp/aw/d/B00006JSUA',
      'https://www.amazon.co.uk/exec/obidos/ASIN/B00006JSUA/',
    ]) {
      const read = pastedLink(url);
      expect(read?.asin, url).toBe('B00006JSUA');
      expect(read?.candidates, url).toEqual(['B00006JSUA']);
      expect(read?.canonical, url).toMatch(/^https:\/\/[a-z.]+\/dp\/B00006JSUA$/);
    }
    expect(pastedLink('https://www.amazon.com/dp/B00006JSUA?tag=x-20')?.canonical).toBe(
      'https://www.amazon.com/dp/B00006JSUA',
    );
  });

  it('offers path segments of other retailers and refuses words', () => {
    expect(pastedLink('https://shop.example/products/blue-mug-12')?.candidates).toEqual([
      'blue-mug-12',
      'products',
    ]);
    expect(pastedLink('https://shop.example/products/blue-mug-12')?.asin).toBeNull();
    expect(pastedLink('cast iron skillet')).toBeNull();
    expect(pastedLink('B00006JSUA')).toBeNull();
    expect(pastedLink('javascript:alert(1)')).toBeNull();
  });

  it('never throws on any input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 120 }), (s) => void pastedLink(s)));
  });
});

describe('plurals and typos', () => {
  it('stems plurals to prefixes of the singular: one rule for the link builder and storefronts', () => {
    expect(
      ['skillets', 'knives', 'gloves', 'batteries', 'boxes', 'brushes', 'glass', 'pan'].map(stems),
    ).toEqual([
      ['skillet'],
      ['knif', 'knive'],
      ['glof', 'glove'],
      ['battery'],
      ['box'],
      ['brush'],
      ['glass'],
      ['pan'],
    ]);
    // The cases the link builder's and the storefront's rules read differently: "-ves" plurals of
    // "-ve" words ("gloves", "drives", "olives") and of "-f(e)" words ("knives", "shelves").
    for (const [typed, title] of [
      ['gloves', 'Leather Work Glove'],
      ['drives', 'Internal Hard Drive'],
      ['olives', 'Olive Oil'],
      ['knives', 'Chef Knife'],
      ['shelves', 'Wall Shelf'],
    ])
      expect(closeness([typed!], title!), typed).toBe(0);
  });

  it('measures optimal string alignment distance, bounded', () => {
    expect(osaDistance('skilet', 'skillet', 2)).toBe(1);
    expect(osaDistance('skillte', 'skillet', 2)).toBe(1);
    expect(osaDistance('kettle', 'skillet', 2)).toBe(3);
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = osaDistance(a, b, 30);
        expect(d).toBe(osaDistance(b, a, 30));
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });

  it('matches a title when every word is close, and not otherwise', () => {
    const title = 'Lodge Cast Iron Skillet, 10.25 inch';
    expect(closeness(['skilet'], title)).toBe(1);
    expect(closeness(['cast', 'iorn', 'skillets'], title)).toBe(1);
    expect(closeness(['lodge'], title)).toBe(0);
    expect(closeness(['kettle'], title)).toBeNull();
    expect(closeness(['cst'], title)).toBeNull(); // three letters: no typo allowed
    expect(closeness(['creme'], 'Crème brûlée torch')).toBe(0);
  });
});
