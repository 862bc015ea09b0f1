-- The duplicate flag reads no rows (issue 26). The click consumer's flag statement
-- (worker/clicks/store.ts, FLAG_REPEATS) looks, for each click it may flag, for an earlier human
-- click of the same visitor on the same product within the hour, through clicks_visitor_at
-- (visitor_hash, at; 0018): it walked the visitor's clicks of that hour in the index and read each
-- row from the table for product_id and is_bot. A visitor clicking once a second (a script, a shared
-- office address) has 3,600 clicks in an hour: 3,600 row reads for each of its clicks. With the two
-- columns in the index, that walk reads the index alone, and so does the burst count of
-- navigations (is_bot is there; bot_reason is read only for a bot's click). Same name and still
-- one index: every secondary index is paid by every click inserted, so this one replaces the old
-- instead of adding a (visitor_hash, product_id, is_bot, at) index next to it. Built once at
-- deploy: about 1 s per million clicks locally (docs/scale.md, "Our own CPU per click").
DROP INDEX IF EXISTS clicks_visitor_at;
CREATE INDEX clicks_visitor_at ON clicks (visitor_hash, at, product_id, is_bot);
