/**
 * Where the product data refresh keeps its result between `npm run catalog:refresh` and the
 * build (docs/storefronts.md): one JSON file, never in git (prices change daily and are not
 * content). The build copies the offers of each storefront's products into its page store
 * record, so a shopper's request reads them with the page and needs no D1 query.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_PRICE_MAX_AGE_HOURS, productDataFile, type ProductData } from '../domain/catalog/offers.ts';
import type { ProgramFile } from '../domain/content/schema.ts';

export function productDataPath(): string {
  return process.env.PRODUCT_DATA ?? join('node_modules', '.cache', 'shopfront', 'product-data.json');
}

/** The last refresh's data; none (every card says "See price on Amazon") when there is no file. */
export function readProductData(path: string = productDataPath()): ProductData | null {
  if (!existsSync(path)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = productDataFile.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** Written whole to a temporary file, then renamed: a build never reads half a file. */
export function writeProductData(data: ProductData, path: string = productDataPath()): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(productDataFile.parse(data), null, 1)}\n`);
  renameSync(temp, path);
}

/** content/program.yaml `price_max_age_hours` (default 24). */
export function priceMaxAgeHours(program: ProgramFile): number {
  return program.price_max_age_hours ?? DEFAULT_PRICE_MAX_AGE_HOURS;
}
