/** Reads the content collections once per build into the `Directory` the prerendered pages take. */
import { getCollection } from 'astro:content';
import type { Directory } from '../../domain/pages/directory.ts';

let cached: Promise<Directory> | undefined;

export function loadDirectory(): Promise<Directory> {
  cached ??= read();
  return cached;
}

async function read(): Promise<Directory> {
  const [storefronts, categories] = await Promise.all([
    getCollection('storefronts'),
    getCollection('categories'),
  ]);
  return {
    // Collections come back in no promised order: the directory's order is stored with each entry.
    entries: storefronts
      .map((e) => e.data)
      .sort((a, b) => a.order - b.order)
      .map(({ order: _order, ...entry }) => entry),
    categories: categories.map((e) => e.data),
  };
}

export async function siteName(): Promise<string> {
  const [site] = await getCollection('site');
  return site?.data.name ?? 'shopfront';
}
