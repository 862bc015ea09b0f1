/**
 * The catalog copy in D1 (migration 0009), one module for its questions: search
 * it by words or a product id (the link builder), and name products by title
 * (dashboards and CSVs show the title with the id beside it).
 */
import { currency as currencySchema } from '../../domain/content/schema.ts';
import type { Currency } from '../../domain/currency.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { integer, text, type Row } from '../lib/rows.ts';

export interface CatalogProduct {
  product_id: string;
  retailer: string;
  title: string;
  brand: string;
  category: string;
  price_minor: number;
  currency: Currency;
  price_checked_at: string;
  available: boolean;
}

const COLUMNS =
  'p.product_id, p.retailer, p.title, p.brand, p.category, p.price_minor, p.currency, p.price_checked_at, p.available';
const PRODUCT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** D1 binds at most 100 parameters per statement. */
const IDS_PER_QUERY = 90;

function productOf(row: Row): CatalogProduct {
  return {
    product_id: text(row, 'product_id'),
    retailer: text(row, 'retailer'),
    title: text(row, 'title'),
    brand: text(row, 'brand'),
    category: text(row, 'category'),
    price_minor: integer(row, 'price_minor'),
    // Written from validated content; a currency outside the schema means a damaged table.
    currency: currencySchema.parse(text(row, 'currency')),
    price_checked_at: text(row, 'price_checked_at'),
    available: integer(row, 'available') === 1,
  };
}

/**
 * The FTS5 query for what a member typed: each word (letters and digits only, so
 * nothing the user types is FTS syntax) as a prefix, all of them required.
 * Null when nothing searchable is left.
 */
export function matchQuery(input: string): string | null {
  const words = input
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 8);
  return words.length === 0 ? null : words.map((w) => `"${w}"*`).join(' ');
}

/**
 * Available products matching `input`: the product whose id it is first, then
 * the best word matches. At most `limit`.
 */
export async function searchCatalog(db: D1Database, input: string, limit = 20): Promise<CatalogProduct[]> {
  const query = input.trim();
  const match = matchQuery(query);
  const statements: D1PreparedStatement[] = [];
  if (PRODUCT_ID.test(query))
    statements.push(
      db
        .prepare(
          `SELECT ${COLUMNS} FROM catalog_products AS p WHERE p.product_id = ?1 COLLATE NOCASE AND p.available = 1`,
        )
        .bind(query),
    );
  if (match !== null)
    statements.push(
      db
        .prepare(
          `SELECT ${COLUMNS} FROM catalog_search AS s JOIN catalog_products AS p ON p.product_id = s.product_id
           WHERE catalog_search MATCH ?1 AND p.available = 1 ORDER BY s.rank, p.product_id LIMIT ?2`,
        )
        .bind(match, limit),
    );
  if (statements.length === 0) return [];
  const results = await withRetry(() => db.batch<Row>(statements));
  const seen = new Map<string, CatalogProduct>();
  for (const result of results)
    for (const row of result.results) {
      const product = productOf(row);
      if (!seen.has(product.product_id)) seen.set(product.product_id, product);
    }
  return [...seen.values()].slice(0, limit);
}

/** One product by id (available or not), or null. */
export async function readCatalogProduct(db: D1Database, productId: string): Promise<CatalogProduct | null> {
  if (!PRODUCT_ID.test(productId)) return null;
  const row = await withRetry(() =>
    db
      .prepare(`SELECT ${COLUMNS} FROM catalog_products AS p WHERE p.product_id = ?1`)
      .bind(productId)
      .first<Row>(),
  );
  return row ? productOf(row) : null;
}

/** Product id -> title, for the ids given that the catalog knows. */
export async function readProductTitles(
  db: D1Database,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const titles = new Map<string, string>();
  if (unique.length === 0) return titles;
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
    const chunk = unique.slice(i, i + IDS_PER_QUERY);
    statements.push(
      db
        .prepare(
          `SELECT product_id, title FROM catalog_products WHERE product_id IN (${chunk.map((_, n) => `?${n + 1}`).join(', ')})`,
        )
        .bind(...chunk),
    );
  }
  const results = await withRetry(() => db.batch<Row>(statements));
  for (const result of results)
    for (const row of result.results) titles.set(text(row, 'product_id'), text(row, 'title'));
  return titles;
}

/** Rows naming a product_id, each with the product's title beside it (null when the catalog has no such product). */
export async function withTitles<T extends { product_id: string }>(
  db: D1Database,
  rows: readonly T[],
): Promise<(T & { title: string | null })[]> {
  const titles = await readProductTitles(
    db,
    rows.map((r) => r.product_id),
  );
  return rows.map((r) => ({ ...r, title: titles.get(r.product_id) ?? null }));
}
