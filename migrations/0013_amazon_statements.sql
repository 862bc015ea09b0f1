-- Amazon's reports as statements (CONTRACT.md section 12, domain/orders/statement.ts).
-- A statement is a recorded fact: which file (its SHA-256), what it covers, who imported
-- it and when. Each key (layout, marketplace, tracking id, ASIN, price, day) is recorded
-- once with the member it is credited to (never moves), and every statement appends the
-- change it made to each key: a key's figures are the sum of its changes. The money of
-- Fee-Earnings changes goes to ledger_entries (order_id = key_id), dated to the key's day,
-- with the statement's own order_events row as their event. Everything here but the
-- import sessions is append-only. Times are unix ms (UTC); money is integer minor units.

-- A file sent in parts (each at most one D1 value), committed once as one statement.
CREATE TABLE amazon_import_sessions (
  session_id TEXT PRIMARY KEY CHECK (length(session_id) = 32),
  -- The import's fields as given: marketplace, from, to, whole_account, file_name.
  options_json TEXT NOT NULL CHECK (json_valid(options_json)),
  imported_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE amazon_import_parts (
  session_id TEXT NOT NULL REFERENCES amazon_import_sessions (session_id),
  part INTEGER NOT NULL CHECK (part BETWEEN 0 AND 9999),
  bytes BLOB NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, part)
) STRICT;

CREATE TABLE amazon_statements (
  -- 1, 2, ...: the import order (the later import wins). Writers race on it: the loser re-reads.
  statement_id INTEGER PRIMARY KEY CHECK (statement_id >= 1),
  session_id TEXT NOT NULL UNIQUE,
  layout TEXT NOT NULL CHECK (layout IN ('fee-earnings', 'fee-orders')),
  marketplace TEXT NOT NULL,
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  from_day TEXT NOT NULL CHECK (from_day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  to_day TEXT NOT NULL CHECK (to_day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' AND to_day >= from_day),
  -- NULL: the whole account; else a JSON array of the tracking ids covered (lower case).
  tracking_ids_json TEXT CHECK (tracking_ids_json IS NULL OR json_valid(tracking_ids_json)),
  file_sha256 TEXT NOT NULL CHECK (length(file_sha256) = 64),
  file_bytes INTEGER NOT NULL CHECK (file_bytes >= 0),
  file_name TEXT,
  encoding TEXT NOT NULL,
  rows INTEGER NOT NULL,
  keys INTEGER NOT NULL,
  -- The statement's own event: what its ledger entries name as the event that made them.
  event_id TEXT NOT NULL UNIQUE REFERENCES order_events (event_id),
  imported_by TEXT NOT NULL,
  imported_at INTEGER NOT NULL,
  -- The import's answer exactly as first given: a repeated commit answers it again.
  result_json TEXT NOT NULL CHECK (json_valid(result_json))
) STRICT;

CREATE TABLE amazon_keys (
  key_id TEXT PRIMARY KEY CHECK (length(key_id) BETWEEN 1 AND 128),
  layout TEXT NOT NULL CHECK (layout IN ('fee-earnings', 'fee-orders')),
  marketplace TEXT NOT NULL,
  tracking_id TEXT NOT NULL,
  asin TEXT NOT NULL,
  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
  day TEXT NOT NULL,
  category TEXT NOT NULL,
  -- Credited when first recorded (the member who held the tracking id on the day, approved);
  -- NULL: unattributed. Never changes.
  member_id TEXT,
  handle TEXT,
  statement_id INTEGER NOT NULL REFERENCES amazon_statements (statement_id),
  CHECK ((member_id IS NULL) = (handle IS NULL))
) STRICT;

CREATE INDEX amazon_keys_coverage ON amazon_keys (layout, marketplace, day);
CREATE INDEX amazon_keys_unattributed ON amazon_keys (day) WHERE member_id IS NULL;

-- What a statement changed per key: after minus before (kind added, changed or reversed).
CREATE TABLE amazon_key_changes (
  key_id TEXT NOT NULL REFERENCES amazon_keys (key_id),
  statement_id INTEGER NOT NULL REFERENCES amazon_statements (statement_id),
  kind TEXT NOT NULL CHECK (kind IN ('added', 'changed', 'reversed')),
  ordered INTEGER NOT NULL,
  shipped INTEGER NOT NULL,
  returned INTEGER NOT NULL,
  fee_minor INTEGER NOT NULL,
  PRIMARY KEY (key_id, statement_id)
) STRICT;

CREATE INDEX amazon_key_changes_statement ON amazon_key_changes (statement_id);

CREATE TRIGGER amazon_statements_append_only_update BEFORE UPDATE ON amazon_statements
BEGIN
  SELECT RAISE(ABORT, 'amazon_statements is append-only: a statement is a recorded fact');
END;
CREATE TRIGGER amazon_statements_append_only_delete BEFORE DELETE ON amazon_statements
BEGIN
  SELECT RAISE(ABORT, 'amazon_statements is append-only: a statement is a recorded fact');
END;
CREATE TRIGGER amazon_keys_append_only_update BEFORE UPDATE ON amazon_keys
BEGIN
  SELECT RAISE(ABORT, 'amazon_keys is append-only: a key keeps its member');
END;
CREATE TRIGGER amazon_keys_append_only_delete BEFORE DELETE ON amazon_keys
BEGIN
  SELECT RAISE(ABORT, 'amazon_keys is append-only: a key keeps its member');
END;
CREATE TRIGGER amazon_key_changes_append_only_update BEFORE UPDATE ON amazon_key_changes
BEGIN
  SELECT RAISE(ABORT, 'amazon_key_changes is append-only: a correction is a later statement');
END;
CREATE TRIGGER amazon_key_changes_append_only_delete BEFORE DELETE ON amazon_key_changes
BEGIN
  SELECT RAISE(ABORT, 'amazon_key_changes is append-only: a correction is a later statement');
END;
