/** The link builder's search on the D1 catalog copy (migration 0009) of the sample content. */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { findProducts, matchQuery } from '../../worker/catalog/queries.ts';

const ids = (found: { products: { product_id: string }[] }) => found.products.map((p) => p.product_id);

describe('findProducts', () => {
  it.each([
    'https://www.amazon.com/Lodge-Pre-Seasoned-Skillet/dp/B00006JSUA/ref=sr_1_3?tag=other-20',
    'amazon.com/dp/B00006JSUA',
    'www.amazon.com/gp/product/b00006jsua?psc=1',
  ])('finds the product of a pasted Amazon link, however it is written: %s', async (pasted) => {
    const found = await findProducts(env.DB, pasted);
    expect(found.how).toBe('id');
    expect(ids(found)).toEqual(['B00006JSUA']);
  });

  it('offers to propose a pasted product the catalog does not have, with its clean link', async () => {
    const found = await findProducts(env.DB, 'https://www.amazon.com/Some-Thing/dp/B0NOTHERE1?tag=x-20&th=1');
    expect(found.products).toEqual([]);
    expect(found.how).toBe('none');
    expect(found.pasted).toMatchObject({
      asin: 'B0NOTHERE1',
      canonical: 'https://www.amazon.com/dp/B0NOTHERE1',
    });
  });

  it('finds an id typed alone', async () => {
    expect(ids(await findProducts(env.DB, 'B00006JSUA'))).toEqual(['B00006JSUA']);
  });

  it('finds plurals of singular titles and singulars of plural ones', async () => {
    expect(ids(await findProducts(env.DB, 'cast iron skillets'))).toContain('B00006JSUA');
    const batteries = await findProducts(env.DB, 'batteries');
    expect(batteries.how).toBe('words');
    expect(batteries.products.some((p) => /Battery/.test(p.title))).toBe(true);
    const knives = await findProducts(env.DB, 'knives');
    expect(knives.products.some((p) => /Knife/.test(p.title))).toBe(true);
    // "-ves" plurals of "-ve" words, as storefront search reads them (domain/catalog/lookup.ts stems).
    for (const [typed, title] of [
      ['hard drives', /Hard Drive/],
      ['olives', /Olive Oil/],
    ] as const) {
      const found = await findProducts(env.DB, typed);
      expect(found.how, typed).toBe('words');
      expect(
        found.products.some((p) => title.test(p.title)),
        typed,
      ).toBe(true);
    }
  });

  it('finds small typos when nothing matches exactly', async () => {
    for (const typed of ['skilet', 'cast iorn skillet', 'lodeg']) {
      const found = await findProducts(env.DB, typed);
      expect(found.how, typed).toBe('close');
      expect(ids(found), typed).toContain('B00006JSUA');
    }
  });

  it('answers calmly to nothing found, FTS syntax and odd input', async () => {
    for (const typed of ['zzzzqqq', '"', 'NEAR(a b)', 'a OR b*', '*', '   ', 'http://', '../..', '\u0000']) {
      const found = await findProducts(env.DB, typed);
      expect(Array.isArray(found.products), typed).toBe(true);
    }
    expect((await findProducts(env.DB, 'zzzzqqq')).how).toBe('none');
    expect(matchQuery('knives')).toBe('("knif"* OR "knive"*)');
    // A plural after another word: every word required, the group too (FTS5 needs the AND spelled out).
    expect(matchQuery('aa batteries')).toBe('"aa"* AND ("batteries"* OR "battery"*)');
    expect(Array.isArray((await findProducts(env.DB, 'aa batteries')).products)).toBe(true); // no FTS5 syntax error
  });
});
