-- The product catalog as the dashboards read it (the link builder's search, product
-- titles beside ids, current prices): a copy of content/products/ written only by
-- scripts (`npm start`, and `npm run catalog:sync -- --remote` on deploy), never by a
-- request. It lives in D1 rather than in the Worker bundle so that a catalog of any
-- size (CONTRACT.md section 11) adds nothing to the Worker.
CREATE TABLE catalog_products (
  product_id TEXT PRIMARY KEY,
  retailer TEXT NOT NULL,
  title TEXT NOT NULL,
  brand TEXT NOT NULL,
  category TEXT NOT NULL,
  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  -- "YYYY-MM-DD": the price is "as of" this day.
  price_checked_at TEXT NOT NULL,
  available INTEGER NOT NULL CHECK (available IN (0, 1)),
  -- The sync that last wrote the row: rows of an older sync are products no longer in content.
  generation TEXT NOT NULL
) STRICT;

-- Words of each product for search (FTS5: prefix queries, no table scan).
CREATE VIRTUAL TABLE catalog_search USING fts5(
  product_id UNINDEXED,
  title,
  brand,
  category,
  tokenize = 'unicode61 remove_diacritics 2'
);
