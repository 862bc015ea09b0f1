/**
 * Synthetic programs for the benches. `writeSyntheticContent`: N approved storefronts of 30
 * products each (5 featured, 3 lists of 10 with notes, like the largest sample storefront),
 * drawn from a shared catalog; program, retailer and rate files are the sample's. Each file is
 * written as JSON, which is valid YAML. `cycledMembers`: the sample's approved storefronts with
 * lists, cycled under new handles, for benches that need members but no files.
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isInfluencer, type Influencer } from '../../domain/content/schema.ts';
import type { Content } from '../../domain/content/validate.ts';
import { ROOT } from '../../scripts/lib/harness/process.ts';

// prettier-ignore
const CATEGORIES = ['home', 'kitchen', 'pc', 'devices', 'beauty', 'books', 'toys', 'sports', 'fashion', 'baby', 'pets', 'tv'];
const PLATFORMS = ['instagram', 'tiktok', 'youtube', 'newsletter', 'pinterest'];
// prettier-ignore
const WORDS = ['compact', 'quiet', 'wireless', 'stainless', 'foldable', 'rechargeable', 'organic', 'ergonomic', 'classic', 'portable'];
// prettier-ignore
const NOUNS = ['kettle', 'desk lamp', 'backpack', 'blender', 'headphones', 'yoga mat', 'storage bin', 'cast iron pan', 'monitor arm', 'water bottle'];
const PER_STOREFRONT = 30;
const pick = (list: readonly string[], i: number) => list[i % list.length] ?? '';

/** The sample's images of a folder under site/public/images, as paths. */
const sampleImages = (folder: string) =>
  readdirSync(join(ROOT, 'site', 'public', 'images', folder))
    .filter((n) => /\.(svg|png|jpe?g|webp|avif)$/.test(n))
    .sort()
    .map((n) => `/images/${folder}/${n}`);

export const productId = (i: number) => `SYN${String(i).padStart(7, '0')}`;
export const handleOf = (i: number) => `creator-${String(i).padStart(6, '0')}`;

// prettier-ignore
const product = (i: number, images: string[]) => ({
  id: productId(i), retailer: 'amazon-us', title: `${pick(WORDS, i)} ${pick(NOUNS, i >> 3)} model ${i}`,
  brand: `Brand ${i % 97}`, category: pick(CATEGORIES, i), url: `https://www.amazon.com/dp/${productId(i)}`,
  image: pick(images, i), price: (500 + ((i * 7919) % 29500)) / 100, currency: 'USD', price_checked_at: '2026-11-01',
  prime: i % 3 !== 0, rating: (35 + (i % 15)) / 10, reviews: (i * 131) % 40000,
});

function storefront(i: number, catalog: number, avatars: string[]) {
  const handle = handleOf(i);
  // A spread of catalog products, distinct within the storefront.
  const start = (i * 37) % catalog;
  const products = Array.from({ length: PER_STOREFRONT }, (_, k) => productId((start + k * 101) % catalog));
  const note = (k: number) => `Used it daily for ${k + 2} months; ${pick(WORDS, i + k)} and easy to clean.`;
  const lists = [0, 1, 2].map((l) => ({
    slug: `list-${l + 1}`,
    title: `Picks ${l + 1}: ${pick(NOUNS, i + l)} and more`,
    description: 'Things I have used for months and would buy again, with what I like and what I do not.',
    items: products.slice(l * 10, l * 10 + 10).map((product, k) => ({ product, note: note(k) })),
  }));
  const platform = pick(PLATFORMS, i);
  const bio = `I test ${pick(NOUNS, i)}s and everyday gear so you do not have to. Honest notes, no sponsored picks.`;
  const followers = 1000 + ((i * 7331) % 900000);
  const socials = [{ platform, url: `https://example.com/${platform}/${handle}`, followers }];
  // prettier-ignore
  return {
    handle, name: `Creator ${i}`, owner: 'self', bio, avatar: pick(avatars, i), status: 'approved', applied_on: '2025-06-01',
    tracking_id: `creator${String(i).padStart(6, '0')}-20`, socials, categories: [pick(CATEGORIES, i), pick(CATEGORIES, i + 5)],
    featured: products.slice(0, 5), lists,
  };
}

/** Writes the program into `dir` (content/ layout); returns the number of files written. */
export async function writeSyntheticContent(dir: string, o: { storefronts: number; catalog: number }) {
  if (o.catalog < PER_STOREFRONT * 4)
    throw new Error(`catalog of ${o.catalog} products is too small for ${PER_STOREFRONT} per storefront`);
  for (const folder of ['influencers', 'products']) mkdirSync(join(dir, folder), { recursive: true });
  for (const file of ['program.yaml', 'retailers.yaml', 'commission-rates.yaml'])
    copyFileSync(join(ROOT, 'content', file), join(dir, file));
  const [images, avatars] = [sampleImages('products'), sampleImages('avatars')];
  const file = (i: number, k = i - o.catalog + 1) =>
    i < o.catalog
      ? { name: `products/${productId(i)}`, data: product(i, images) }
      : { name: `influencers/${handleOf(k)}`, data: storefront(k, o.catalog, avatars) };
  const total = o.catalog + o.storefronts;
  // A few hundred files made and written at a time: fast, without exhausting memory or file handles.
  for (let start = 0; start < total; start += 256) {
    const batch = Array.from({ length: Math.min(256, total - start) }, (_, k) => file(start + k));
    const write = ({ name, data }: ReturnType<typeof file>) =>
      writeFile(join(dir, `${name}.yaml`), JSON.stringify(data, null, 1));
    await Promise.all(batch.map(write));
  }
  return total + 3;
}

/** `count` members: the sample's approved storefronts with lists, cycled as "creator-<i>", with `lists` lists each if given. */
export function cycledMembers(content: Content, count: number, lists?: number): Influencer[] {
  const samples = content.influencers
    .filter(isInfluencer)
    .filter((i) => i.status === 'approved' && i.lists.length);
  if (samples.length === 0) throw new Error('no approved storefront with lists in the content');
  return Array.from({ length: count }, (_, i) => {
    const s = samples[i % samples.length]!;
    const list = (_: unknown, l: number) => ({ ...s.lists[l % s.lists.length]!, slug: `list-${l}` });
    const own = lists === undefined ? s.lists : Array.from({ length: lists }, list);
    return { ...s, handle: `creator-${i}`, previous_handles: [], name: `${s.name} ${i}`, lists: own };
  });
}
