/**
 * The catalog as vet needs it to judge a storefront edit (domain/requests/vet-request.ts):
 * each product's file data, filed by id in fixed shards beside the static assets, so the
 * worker reads only the shards of the products a member file names (CONTRACT.md section 11).
 *
 *   shard(id) = shardOf(id, PRODUCT_INDEX_SHARDS);  shard file = { id: product file data }
 *
 * The data is the product file as written: `price` in major units again, from `price_minor`
 * and the currency's ISO 4217 exponent, by string arithmetic (no float).
 */
import type { Product } from '../content/schema.ts';
import { CURRENCY_EXPONENTS } from '../currency.ts';
import { DATA_PREFIX, shardOf } from '../links/shards.ts';

export const PRODUCT_INDEX_SHARDS = 1024;

export function productIndexPath(index: number): string {
  return `${DATA_PREFIX}requests/products/${index}.json`;
}

export function productIndexShardOf(id: string): number {
  return shardOf(id, PRODUCT_INDEX_SHARDS);
}

/** 2499 USD -> "24.99"; 500 JPY -> "500"; 5 KWD -> "0.005". */
export function majorUnits(minor: number, exponent: number): string {
  if (exponent === 0) return String(minor);
  const digits = String(minor).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

export function productFileData(product: Product): Record<string, unknown> {
  const { price_minor, ...rest } = product;
  return { ...rest, price: majorUnits(price_minor, CURRENCY_EXPONENTS[product.currency]) };
}

export function buildProductIndex(products: readonly Product[]): Record<string, unknown>[] {
  const shards: Record<string, unknown>[] = Array.from({ length: PRODUCT_INDEX_SHARDS }, () => ({}));
  for (const p of products)
    (shards[productIndexShardOf(p.id)] as Record<string, unknown>)[p.id] = productFileData(p);
  return shards;
}
