/**
 * The catalog copy in D1 (migration 0009), one module for its questions: search
 * it by words or a product id (the link builder), and name products by title
 * (dashboards and CSVs show the title with the id beside it).
 */
import { currency as currencySchema } from '../../domain/content/schema.ts';
import type { Currency } from '../../domain/currency.ts';
import { closeness, pastedLink, searchWords, stems, type PastedLink } from '../../domain/catalog/lookup.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { integer, rowReader, text, type Row } from '../lib/rows.ts';

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

const productOf: (row: Row) => CatalogProduct = rowReader({
  product_id: text,
  retailer: text,
  title: text,
  brand: text,
  category: text,
  price_minor: integer,
  // Written from validated content; a currency outside the schema means a damaged table.
  currency: (row, key) => currencySchema.parse(text(row, key)),
  price_checked_at: text,
  available: (row, key) => integer(row, key) === 1,
});

/**
 * The FTS5 query for what a member typed: each word (letters and digits only, so
 * nothing the user types is FTS syntax) as a prefix, all of them required; a
 * plural also as the prefix of each of its stems ("batteries" finds "battery", "knives" "knife",
 * domain/catalog/lookup.ts). Null when nothing searchable is left.
 */
export function matchQuery(input: string): string | null {
  const words = searchWords(input);
  if (words.length === 0) return null;
  return (
    words
      .map((w) => {
        // The word and its stems, less any that another one is a prefix of (it finds nothing more).
        const all = [...new Set([w, ...stems(w)])];
        const terms = all.filter((t) => !all.some((o) => o !== t && t.startsWith(o)));
        return terms.length === 1 ? `"${terms[0]}"*` : `(${terms.map((t) => `"${t}"*`).join(' OR ')})`;
      })
      // AND spelled out: FTS5 refuses a group after a term without it ("aa" ("batteries" OR ...)).
      .join(' AND ')
  );
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

/** What the link builder found for a search, and how. */
export interface Found {
  products: CatalogProduct[];
  /** id: a product id or a pasted link named it; words: every word matched; close: after plurals and typos; none. */
  how: 'id' | 'words' | 'close' | 'none';
  /** The product page, when a URL was pasted (found or not: then it can be proposed). */
  pasted: PastedLink | null;
}

/** Candidates read for the typo fallback: enough for a member's search, bounded whatever the catalog's size. */
const CLOSE_CANDIDATES = 400;

/**
 * The link builder's search: a pasted product page by its id (domain/catalog/lookup.ts), else
 * words (searchCatalog), else close words: candidates sharing each word's first letters (two
 * for short words, three otherwise), ranked by `closeness` in the isolate.
 */
export async function findProducts(db: D1Database, input: string, limit = 20): Promise<Found> {
  const pasted = pastedLink(input);
  if (pasted) {
    const products = await readCatalogProducts(db, pasted.candidates);
    return {
      products: products.filter((p) => p.available),
      how: products.length > 0 ? 'id' : 'none',
      pasted,
    };
  }
  const direct = await searchCatalog(db, input, limit);
  if (direct.length > 0)
    return {
      products: direct,
      how:
        PRODUCT_ID.test(input.trim()) && direct[0]?.product_id.toLowerCase() === input.trim().toLowerCase()
          ? 'id'
          : 'words',
      pasted: null,
    };
  const words = searchWords(input).filter((w) => w.length >= 4);
  if (words.length === 0) return { products: [], how: 'none', pasted: null };
  const prefixes = [...new Set(words.map((w) => w.slice(0, w.length <= 5 ? 2 : 3)))];
  const { results } = await withRetry(() =>
    db
      .prepare(
        `SELECT ${COLUMNS} FROM catalog_search AS s JOIN catalog_products AS p ON p.product_id = s.product_id
         WHERE catalog_search MATCH ?1 AND p.available = 1 LIMIT ?2`,
      )
      .bind(prefixes.map((p) => `"${p}"*`).join(' OR '), CLOSE_CANDIDATES)
      .all<Row>(),
  );
  const scored = results
    .map(productOf)
    .map((p) => ({ p, d: closeness(searchWords(input), `${p.title} ${p.brand} ${p.category}`) }))
    .filter((x): x is { p: CatalogProduct; d: number } => x.d !== null)
    .sort((a, b) => a.d - b.d || a.p.product_id.localeCompare(b.p.product_id));
  const products = scored.slice(0, limit).map((x) => x.p);
  return { products, how: products.length > 0 ? 'close' : 'none', pasted: null };
}

/** Products by id, in the order asked (available or not). */
async function readCatalogProducts(db: D1Database, ids: readonly string[]): Promise<CatalogProduct[]> {
  const valid = [...new Set(ids)].filter((id) => PRODUCT_ID.test(id)).slice(0, IDS_PER_QUERY);
  if (valid.length === 0) return [];
  const { results } = await withRetry(() =>
    db
      .prepare(
        `SELECT ${COLUMNS} FROM catalog_products AS p WHERE p.product_id COLLATE NOCASE IN (${valid.map((_, n) => `?${n + 1}`).join(', ')})`,
      )
      .bind(...valid)
      .all<Row>(),
  );
  const rank = (id: string) => valid.findIndex((v) => v.toLowerCase() === id.toLowerCase());
  return results.map(productOf).sort((a, b) => rank(a.product_id) - rank(b.product_id));
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
