-- Faults never lose a click (CONTRACT.md section 10).
--
-- 1. A click whose derived fields cannot all be computed is stored all the same, and says which
--    are missing and why: space-separated "<field>:<reason>", e.g. "visitor_hash:no-secret" when
--    VISITOR_HASH_SECRET is missing (the visitor hash is then stored as '', which never counts as
--    a duplicate), "referrer_host:malformed". NULL when the click is complete.
--    (Added with ALTER TABLE, not by rebuilding the table, so that the order in which this and
--    later migrations run on an existing database never drops their indexes or triggers.)
ALTER TABLE clicks ADD COLUMN incomplete TEXT;

-- 2. How clicks reached D1, counted in the same transaction as the rows they count (so a
--    redelivered batch, which inserts nothing, counts nothing): queue | direct | dead_letter |
--    recovered. /healthz reports them next to its per-isolate counters.
CREATE TABLE click_write_counts (
  path TEXT PRIMARY KEY,
  clicks INTEGER NOT NULL DEFAULT 0 CHECK (clicks >= 0)
) STRICT;
