-- Holds for review (CONTRACT.md section 16; docs/orders.md "Holds for review").
--
-- An order is held for review when the click it was attributed to (order_events.attributed_click_id)
-- is flagged: is_bot <> 0 OR flags <> 0 (domain/clicks/flags.ts FLAGGED_CLICK_SQL). The hold is
-- derived, not stored: `review_holds` lists every such order with the click's reason. Its ledger
-- entries count in no payout (activity or adjustment) until an admin releases it; a void keeps them
-- out for good. Distinct from the return-window hold (`on_hold`) and from Amazon statements.
--
-- A decision is recorded once per order (append-only; a second decision is refused):
--   release: the order's money counts from now on; entries dated in a closed month count as an
--            adjustment in the first open month (like late money, section 7).
--   void:    a reversing entry: amount_minor = -(held earned - reversed) at the time of the void,
--            with a reason; the held money never counts, so no month (open or closed) changes.
CREATE TABLE hold_decisions (
  decision_id INTEGER PRIMARY KEY,
  order_id TEXT NOT NULL UNIQUE CHECK (length(order_id) BETWEEN 1 AND 128),
  action TEXT NOT NULL CHECK (action IN ('release', 'void')),
  reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  handle TEXT NOT NULL,
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  -- The held amount when decided: positive for a release, its negation for a void.
  amount_minor INTEGER NOT NULL,
  decided_at INTEGER NOT NULL,
  CHECK ((action = 'release' AND amount_minor >= 0) OR (action = 'void' AND amount_minor <= 0))
) STRICT;

CREATE INDEX hold_decisions_decided ON hold_decisions (decided_at);

CREATE TRIGGER hold_decisions_append_only_update BEFORE UPDATE ON hold_decisions
BEGIN
  SELECT RAISE(ABORT, 'hold_decisions is append-only: a decision once recorded stays');
END;
CREATE TRIGGER hold_decisions_append_only_delete BEFORE DELETE ON hold_decisions
BEGIN
  SELECT RAISE(ABORT, 'hold_decisions is append-only: a decision once recorded stays');
END;

CREATE INDEX order_events_attributed_click ON order_events (attributed_click_id)
  WHERE attributed_click_id IS NOT NULL;

-- Every order held for review (decided or not), with the flagged click and its reason.
CREATE VIEW review_holds AS
SELECT e.order_id, t.handle, MIN(e.attributed_click_id) AS click_id,
       MAX(c.is_bot) AS is_bot, MAX(c.bot_reason) AS bot_reason, MAX(c.flags) AS flags,
       MIN(e.received_at) AS held_at
FROM order_events AS e
JOIN clicks AS c ON c.click_id = e.attributed_click_id
JOIN order_terms AS t ON t.order_id = e.order_id
WHERE e.status = 'processed' AND (c.is_bot <> 0 OR c.flags <> 0)
GROUP BY e.order_id, t.handle;

-- Orders whose money counts in no payout now: held and not released.
CREATE VIEW held_orders AS
SELECT h.order_id FROM review_holds AS h
WHERE NOT EXISTS (SELECT 1 FROM hold_decisions AS d WHERE d.order_id = h.order_id AND d.action = 'release');
