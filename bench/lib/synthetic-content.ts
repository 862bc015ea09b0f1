/**
 * A synthetic program for build benchmarks: N approved storefronts of 30 products
 * each (5 featured, 3 lists of 10 with notes, like the largest sample storefront),
 * drawn from a shared catalog. Program, retailer and rate files are the sample's.
 * Strings are written as JSON, which is valid YAML.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib/harness/process.ts';

export interface SyntheticOptions {
  storefronts: number;
  /** Distinct products in the catalog; storefronts share them. */
  catalog: number;
  productsPerStorefront?: number;
}

// prettier-ignore
const CATEGORIES = ['home', 'kitchen', 'pc', 'devices', 'beauty', 'books', 'toys', 'sports', 'fashion', 'baby', 'pets', 'tv'];
const PLATFORMS = ['instagram', 'tiktok', 'youtube', 'newsletter', 'pinterest'] as const;
// prettier-ignore
const WORDS = ['compact', 'quiet', 'wireless', 'stainless', 'foldable', 'rechargeable', 'organic', 'ergonomic', 'classic', 'portable'];
// prettier-ignore
const NOUNS = ['kettle', 'desk lamp', 'backpack', 'blender', 'headphones', 'yoga mat', 'storage bin', 'cast iron pan', 'monitor arm', 'water bottle'];

const q = (value: string) => JSON.stringify(value);

function sampleImages(folder: string): string[] {
  const dir = join(ROOT, 'site', 'public', 'images', folder);
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => /\.(svg|png|jpe?g|webp|avif)$/.test(n)) : [];
  return names.length > 0
    ? names.sort().map((n) => `/images/${folder}/${n}`)
    : [`/images/${folder}/placeholder.svg`];
}

export function productId(i: number): string {
  return `SYN${String(i).padStart(7, '0')}`;
}

export function handleOf(i: number): string {
  return `creator-${String(i).padStart(6, '0')}`;
}

function productYaml(i: number, images: string[]): string {
  const id = productId(i);
  const price = (5 + ((i * 7919) % 29500) / 100).toFixed(2);
  return [
    `id: ${id}`,
    'retailer: amazon-us',
    `title: ${q(`${WORDS[i % WORDS.length]} ${NOUNS[(i >> 3) % NOUNS.length]} model ${i}`)}`,
    `brand: ${q(`Brand ${i % 97}`)}`,
    `category: ${CATEGORIES[i % CATEGORIES.length]}`,
    `url: https://www.amazon.com/dp/${id}`,
    `image: ${images[i % images.length]}`,
    `price: ${price}`,
    'currency: USD',
    'price_checked_at: 2026-11-01',
    `prime: ${i % 3 !== 0}`,
    `rating: ${(3.5 + (i % 15) / 10).toFixed(1)}`,
    `reviews: ${(i * 131) % 40000}`,
    '',
  ].join('\n');
}

function storefrontYaml(i: number, options: Required<SyntheticOptions>, avatars: string[]): string {
  const handle = handleOf(i);
  const per = options.productsPerStorefront;
  // A spread of catalog products, distinct within the storefront.
  const start = (i * 37) % options.catalog;
  const products = Array.from({ length: per }, (_, k) => productId((start + k * 101) % options.catalog));
  const lists = [0, 1, 2].map((l) => {
    const items = products.slice((l * per) / 3, ((l + 1) * per) / 3);
    return [
      `  - slug: list-${l + 1}`,
      `    title: ${q(`Picks ${l + 1}: ${NOUNS[(i + l) % NOUNS.length]} and more`)}`,
      `    description: ${q('Things I have used for months and would buy again, with what I like and what I do not.')}`,
      '    items:',
      ...items.flatMap((p, k) => [
        `      - product: ${p}`,
        `        note: ${q(`Used it daily for ${k + 2} months; ${WORDS[(i + k) % WORDS.length]} and easy to clean.`)}`,
      ]),
    ].join('\n');
  });
  const platform = PLATFORMS[i % PLATFORMS.length] ?? 'instagram';
  return [
    `handle: ${handle}`,
    `name: ${q(`Creator ${i}`)}`,
    'owner: self',
    `bio: ${q(`I test ${NOUNS[i % NOUNS.length]}s and everyday gear so you do not have to. Honest notes, no sponsored picks.`)}`,
    `avatar: ${avatars[i % avatars.length]}`,
    'status: approved',
    'applied_on: 2025-06-01',
    `tracking_id: creator${String(i).padStart(6, '0')}-20`,
    'socials:',
    `  - platform: ${platform}`,
    `    url: https://example.com/${platform}/${handle}`,
    `    followers: ${1000 + ((i * 7331) % 900000)}`,
    `categories: [${CATEGORIES[i % CATEGORIES.length]}, ${CATEGORIES[(i + 5) % CATEGORIES.length]}]`,
    'featured:',
    ...products.slice(0, 5).map((p) => `  - ${p}`),
    'lists:',
    ...lists,
    '',
  ].join('\n');
}

/** Writes the program into `dir` (content/ layout); returns the number of files written. */
export async function writeSyntheticContent(dir: string, input: SyntheticOptions): Promise<number> {
  const options: Required<SyntheticOptions> = { productsPerStorefront: 30, ...input };
  if (options.catalog < options.productsPerStorefront * 4)
    throw new Error(
      `catalog of ${options.catalog} products is too small for ${options.productsPerStorefront} per storefront`,
    );
  mkdirSync(join(dir, 'influencers'), { recursive: true });
  mkdirSync(join(dir, 'products'), { recursive: true });
  for (const file of ['program.yaml', 'retailers.yaml', 'commission-rates.yaml'])
    copyFileSync(join(ROOT, 'content', file), join(dir, file));
  const productImages = sampleImages('products');
  const avatars = sampleImages('avatars');
  const writes: (() => Promise<void>)[] = [];
  for (let i = 0; i < options.catalog; i++)
    writes.push(() =>
      writeFile(join(dir, 'products', `${productId(i)}.yaml`), productYaml(i, productImages)),
    );
  for (let i = 1; i <= options.storefronts; i++)
    writes.push(() =>
      writeFile(join(dir, 'influencers', `${handleOf(i)}.yaml`), storefrontYaml(i, options, avatars)),
    );
  // A few hundred writes in flight at a time: fast, without exhausting file handles.
  for (let i = 0; i < writes.length; i += 256) await Promise.all(writes.slice(i, i + 256).map((w) => w()));
  return writes.length + 3;
}
