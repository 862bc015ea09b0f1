-- Order events as received (webhook or report import), and the commission ledger
-- derived from them. Both are append-only: triggers refuse UPDATE and DELETE.
-- Times are unix milliseconds (UTC); money is integer minor units.

CREATE TABLE order_events (
  -- The webhook-id, or "amzr_<sha256>" of an imported report row: the idempotency key.
  event_id TEXT PRIMARY KEY CHECK (length(event_id) BETWEEN 1 AND 256),
  source TEXT NOT NULL CHECK (source IN ('webhook', 'amazon_report', 'seed')),
  order_id TEXT NOT NULL CHECK (length(order_id) BETWEEN 1 AND 128),
  -- 1, 2, ... per order. Writers of one order race on (order_id, order_seq): the loser re-reads and re-derives.
  order_seq INTEGER NOT NULL CHECK (order_seq >= 1),
  type TEXT NOT NULL CHECK (type IN ('order.placed', 'order.shipped', 'order.cancelled', 'order.returned')),
  ordered_at INTEGER NOT NULL,
  occurred_at INTEGER NOT NULL,
  tracking_id TEXT NOT NULL,
  click_id TEXT,
  retailer TEXT,
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  -- The items as validated: [{ product_id, category, quantity, unit_price }].
  items_json TEXT NOT NULL CHECK (json_valid(items_json) AND json_type(items_json) = 'array'),
  -- unattributed: the tracking id belongs to no influencer; kept for admins, no ledger entries.
  status TEXT NOT NULL CHECK (status IN ('processed', 'unattributed')),
  handle TEXT,
  -- click: the named click was the influencer's and inside the window; tracking_id: credited by tracking id alone.
  attribution TEXT CHECK (attribution IN ('click', 'tracking_id')),
  attributed_click_id TEXT,
  attribution_note TEXT,
  -- The raw event: the webhook body exactly as received, or the report row as JSON.
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (order_id, order_seq),
  CHECK ((status = 'processed') = (handle IS NOT NULL AND attribution IS NOT NULL)),
  CHECK ((attribution = 'click') = (attributed_click_id IS NOT NULL))
) STRICT;

CREATE INDEX order_events_status_received ON order_events (status, received_at);

CREATE TABLE ledger_entries (
  entry_id INTEGER PRIMARY KEY,
  order_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  handle TEXT NOT NULL,
  -- pending | earned | reversed | void; reversal figures are negative (they reduce the balance).
  bucket TEXT NOT NULL CHECK (bucket IN ('pending', 'earned', 'reversed', 'void')),
  -- When the figure counts: placed (pending), shipped (earned), cancelled (void), returned (reversed).
  effective_at INTEGER NOT NULL,
  ordered_at INTEGER NOT NULL,
  -- Deltas: the ledger's figures are sums of these.
  quantity INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL,
  revenue_minor INTEGER NOT NULL,
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  -- How the line was valued when the entry was made (audit).
  category TEXT NOT NULL,
  unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
  rate_bps INTEGER NOT NULL CHECK (rate_bps BETWEEN 0 AND 10000),
  -- The event whose arrival made this entry.
  event_id TEXT NOT NULL REFERENCES order_events (event_id),
  created_at INTEGER NOT NULL,
  CHECK (quantity <> 0 OR amount_minor <> 0 OR revenue_minor <> 0)
) STRICT;

CREATE INDEX ledger_entries_order ON ledger_entries (order_id);
CREATE INDEX ledger_entries_handle_effective ON ledger_entries (handle, effective_at);
CREATE INDEX ledger_entries_handle_ordered ON ledger_entries (handle, ordered_at);
CREATE INDEX ledger_entries_effective ON ledger_entries (effective_at);

CREATE TRIGGER order_events_append_only_update BEFORE UPDATE ON order_events
BEGIN
  SELECT RAISE(ABORT, 'order_events is append-only');
END;

CREATE TRIGGER order_events_append_only_delete BEFORE DELETE ON order_events
BEGIN
  SELECT RAISE(ABORT, 'order_events is append-only');
END;

CREATE TRIGGER ledger_entries_append_only_update BEFORE UPDATE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger_entries is append-only: add a correcting entry instead');
END;

CREATE TRIGGER ledger_entries_append_only_delete BEFORE DELETE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger_entries is append-only: add a correcting entry instead');
END;
