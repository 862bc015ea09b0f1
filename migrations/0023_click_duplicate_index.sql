-- One index fewer to write per click (issue 26). The duplicate flag (worker/clicks/store.ts,
-- FLAG_DUPLICATES) looked up each click's earlier clicks through clicks_visitor_product_at
-- (visitor_hash, product_id, at; migration 0001). clicks_visitor_at (visitor_hash, at; 0018),
-- which the rows to flag and the burst and self flags already read, bounds that lookup by time
-- just as well: a visitor's clicks of one hour, filtered by product. Nothing else reads the
-- older index, and every click inserted paid for it: in the local runtime the four secondary
-- indexes of clicks cost about 50 µs per inserted row, this one about half of it (docs/scale.md,
-- "Our own CPU per click").
DROP INDEX IF EXISTS clicks_visitor_product_at;
