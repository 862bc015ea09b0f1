/** Reads the content collections once per build into the plain `Catalog` the page helpers take. */
import { getCollection } from 'astro:content';
import type { Catalog } from './catalog.ts';

let cached: Promise<Catalog> | undefined;

export function loadCatalog(): Promise<Catalog> {
  cached ??= read();
  return cached;
}

async function read(): Promise<Catalog> {
  const [influencers, products, retailers, categories] = await Promise.all([
    getCollection('influencers'),
    getCollection('products'),
    getCollection('retailers'),
    getCollection('categories'),
  ]);
  return {
    influencers: influencers.map((e) => e.data),
    products: new Map(products.map((e) => [e.data.id, e.data])),
    retailers: new Map(retailers.map((e) => [e.data.id, e.data])),
    categories: categories.map((e) => e.data),
  };
}

export async function siteName(): Promise<string> {
  const [site] = await getCollection('site');
  return site?.data.name ?? 'shopfront';
}
