-- Money as recorded facts (CONTRACT.md section 7): the terms an order was recorded
-- with, closed payout months, and payments sent. Every table here is append-only:
-- triggers refuse UPDATE and DELETE. Times are unix milliseconds (UTC); money is
-- integer minor units.

-- Who an order is credited to, fixed when the order is first credited (its first
-- event whose tracking id belonged to an approved creator). Later events use it,
-- whatever content says by then.
CREATE TABLE order_terms (
  order_id TEXT PRIMARY KEY CHECK (length(order_id) BETWEEN 1 AND 128),
  handle TEXT NOT NULL,
  -- The tracking id the credit was given for.
  tracking_id TEXT NOT NULL,
  -- The retailer whose rate tables value the order's lines.
  retailer TEXT,
  ordered_at INTEGER NOT NULL,
  -- The event whose arrival recorded these terms, and when.
  event_id TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
) STRICT;

-- The rate of each line, fixed when the line is first recorded, with the rate table
-- it came from: (rate_retailer, rate_effective_from, rate_program). rate_program is
-- NULL until programmes have their own tables. Lines of orders recorded before this
-- migration carry the rate their first ledger entry used (source 'backfill', table unknown).
CREATE TABLE order_line_terms (
  order_id TEXT NOT NULL REFERENCES order_terms (order_id),
  product_id TEXT NOT NULL,
  category TEXT NOT NULL,
  rate_bps INTEGER NOT NULL CHECK (rate_bps BETWEEN 0 AND 10000),
  rate_source TEXT NOT NULL CHECK (rate_source IN ('category', 'default', 'backfill')),
  rate_retailer TEXT,
  rate_effective_from TEXT,
  rate_program TEXT,
  event_id TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (order_id, product_id),
  CHECK ((rate_source = 'backfill') = (rate_effective_from IS NULL))
) STRICT;

-- Orders recorded before this migration keep what their ledger already says.
INSERT INTO order_terms (order_id, handle, tracking_id, retailer, ordered_at, event_id, recorded_at)
SELECT l.order_id, l.handle, e.tracking_id, e.retailer, l.ordered_at, l.event_id, l.created_at
FROM (
  SELECT order_id, handle, ordered_at, event_id, created_at, MIN(entry_id) AS first_entry
  FROM ledger_entries GROUP BY order_id
) AS l
JOIN order_events AS e ON e.event_id = l.event_id;

INSERT INTO order_line_terms (order_id, product_id, category, rate_bps, rate_source, event_id, recorded_at)
SELECT order_id, product_id, category, rate_bps, 'backfill', event_id, created_at
FROM (
  SELECT order_id, product_id, category, rate_bps, event_id, created_at, MIN(entry_id) AS first_entry
  FROM ledger_entries GROUP BY order_id, product_id
)
WHERE order_id IN (SELECT order_id FROM order_terms);

-- A closed month: its answer exactly as first given (JSON and CSV bytes), and the
-- highest ledger entry it counted. Entries with a higher entry_id dated on or before
-- the month are late money: an adjustment in the month after the last closed one.
CREATE TABLE payout_runs (
  period TEXT PRIMARY KEY CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
  -- Random; lets the rows' insert prove it belongs to this run.
  run_id TEXT NOT NULL UNIQUE,
  closed_at INTEGER NOT NULL,
  ledger_watermark INTEGER NOT NULL CHECK (ledger_watermark >= 0),
  body_json TEXT NOT NULL CHECK (json_valid(body_json)),
  body_csv TEXT NOT NULL
) STRICT;

-- The same rows, one per creator, for carry-forward and payments.
CREATE TABLE payout_rows (
  period TEXT NOT NULL REFERENCES payout_runs (period),
  handle TEXT NOT NULL,
  tracking_id TEXT,
  status TEXT NOT NULL,
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  carried_in_minor INTEGER NOT NULL,
  adjustment_minor INTEGER NOT NULL,
  earned_minor INTEGER NOT NULL,
  reversed_minor INTEGER NOT NULL,
  balance_minor INTEGER NOT NULL,
  payable INTEGER NOT NULL CHECK (payable IN (0, 1)),
  payout_minor INTEGER NOT NULL CHECK (payout_minor >= 0),
  carried_forward_minor INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('payable', 'below_threshold', 'suspended', 'on_hold')),
  PRIMARY KEY (period, handle),
  CHECK (balance_minor = carried_in_minor + adjustment_minor + earned_minor - reversed_minor),
  CHECK (payout_minor + carried_forward_minor = balance_minor),
  CHECK ((payable = 1) = (payout_minor > 0))
) STRICT;

CREATE INDEX payout_rows_handle ON payout_rows (handle, period);

-- Money sent for a closed month's payable row. One per row: the same reference again
-- changes nothing, another reference is refused.
CREATE TABLE payout_payments (
  period TEXT NOT NULL,
  handle TEXT NOT NULL,
  reference TEXT NOT NULL CHECK (length(reference) BETWEEN 1 AND 128),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  paid_at INTEGER NOT NULL,
  PRIMARY KEY (period, handle),
  FOREIGN KEY (period, handle) REFERENCES payout_rows (period, handle)
) STRICT;

CREATE TRIGGER order_terms_append_only_update BEFORE UPDATE ON order_terms
BEGIN
  SELECT RAISE(ABORT, 'order_terms is append-only: recorded orders keep their terms');
END;
CREATE TRIGGER order_terms_append_only_delete BEFORE DELETE ON order_terms
BEGIN
  SELECT RAISE(ABORT, 'order_terms is append-only: recorded orders keep their terms');
END;
CREATE TRIGGER order_line_terms_append_only_update BEFORE UPDATE ON order_line_terms
BEGIN
  SELECT RAISE(ABORT, 'order_line_terms is append-only: recorded lines keep their rates');
END;
CREATE TRIGGER order_line_terms_append_only_delete BEFORE DELETE ON order_line_terms
BEGIN
  SELECT RAISE(ABORT, 'order_line_terms is append-only: recorded lines keep their rates');
END;
CREATE TRIGGER payout_runs_append_only_update BEFORE UPDATE ON payout_runs
BEGIN
  SELECT RAISE(ABORT, 'payout_runs is append-only: a closed month stays closed');
END;
CREATE TRIGGER payout_runs_append_only_delete BEFORE DELETE ON payout_runs
BEGIN
  SELECT RAISE(ABORT, 'payout_runs is append-only: a closed month stays closed');
END;
CREATE TRIGGER payout_rows_append_only_update BEFORE UPDATE ON payout_rows
BEGIN
  SELECT RAISE(ABORT, 'payout_rows is append-only: a closed month stays closed');
END;
CREATE TRIGGER payout_rows_append_only_delete BEFORE DELETE ON payout_rows
BEGIN
  SELECT RAISE(ABORT, 'payout_rows is append-only: a closed month stays closed');
END;
CREATE TRIGGER payout_payments_append_only_update BEFORE UPDATE ON payout_payments
BEGIN
  SELECT RAISE(ABORT, 'payout_payments is append-only: a payment once recorded stays');
END;
CREATE TRIGGER payout_payments_append_only_delete BEFORE DELETE ON payout_payments
BEGIN
  SELECT RAISE(ABORT, 'payout_payments is append-only: a payment once recorded stays');
END;
