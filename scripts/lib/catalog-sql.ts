/**
 * The SQL that makes D1's catalog (migration 0009) equal to content/products/:
 * every product upserted with this sync's generation, rows of older generations
 * (products removed from content) deleted, and the search index rebuilt from
 * the table. Run by `npm start` (local) and `npm run catalog:sync -- --remote`.
 */
import type { Content } from '../../domain/content/validate.ts';
import { insertRows, sqlLiteral } from './orders/sql.ts';

export const CATALOG_COLUMNS = [
  'product_id',
  'retailer',
  'title',
  'brand',
  'category',
  'price_minor',
  'currency',
  'price_checked_at',
  'available',
  'generation',
] as const;

export function catalogSyncSql(products: Content['products'], generation: string): string[] {
  const rows = products.map((p) => [
    p.id,
    p.retailer,
    p.title,
    p.brand,
    p.category,
    p.price_minor,
    p.currency,
    p.price_checked_at,
    p.available ? 1 : 0,
    generation,
  ]);
  return [
    ...insertRows('catalog_products', CATALOG_COLUMNS, rows).map((sql) =>
      sql.replace(/^INSERT INTO/, 'INSERT OR REPLACE INTO'),
    ),
    `DELETE FROM catalog_products WHERE generation <> ${sqlLiteral(generation)};`,
    'DELETE FROM catalog_search;',
    `INSERT INTO catalog_search (product_id, title, brand, category)
SELECT product_id, title, brand, category FROM catalog_products;`,
  ];
}
