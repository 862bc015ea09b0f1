-- Disputes about missing or wrong commission (CONTRACT.md section 16; docs/orders.md "Disputes").
--
-- A member files a dispute from the dashboard (order id, order day, products, note). An admin
-- resolves it once: credit (a manual ledger entry that names the dispute) or decline (with a
-- reason). Both tables are append-only (triggers refuse UPDATE and DELETE); a dispute's state is
-- derived, never stored:  open = no decision;  credited / declined = its one decision's action.
--
-- One decision per dispute (dispute_decisions.dispute_id UNIQUE) and one dispute per member and
-- order (disputes UNIQUE (member_id, order_id)), so a credit can never be recorded, or paid, twice.
--
-- A credit counts like earned commission dated when it was decided (decided_at): in the payout
-- month that holds decided_at (worker/payouts/store.ts reads `dispute_credits`). That month is
-- open when the credit is recorded (a month closes only after its hold has passed), so no closed
-- month ever changes. Exactly once whatever the clocks say: a close stores the highest decision
-- it read (payout_runs.dispute_watermark); a credit recorded after that and dated inside a closed
-- month is late money, counted once as an adjustment in the first open month (section 7).
CREATE TABLE disputes (
  dispute_id INTEGER PRIMARY KEY,
  -- The member's stable id (docs/decisions.md) and its handle when it filed.
  member_id TEXT NOT NULL CHECK (length(member_id) BETWEEN 1 AND 64),
  handle TEXT NOT NULL CHECK (length(handle) BETWEEN 1 AND 64),
  order_id TEXT NOT NULL CHECK (length(order_id) BETWEEN 1 AND 128),
  -- The day the order was placed, as the member says (UTC, YYYY-MM-DD).
  order_day TEXT NOT NULL CHECK (order_day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  products TEXT NOT NULL CHECK (length(products) BETWEEN 1 AND 500),
  note TEXT NOT NULL CHECK (length(note) BETWEEN 1 AND 2000),
  filed_at INTEGER NOT NULL,
  UNIQUE (member_id, order_id)
) STRICT;

CREATE INDEX disputes_filed ON disputes (filed_at);

CREATE TABLE dispute_decisions (
  decision_id INTEGER PRIMARY KEY,
  dispute_id INTEGER NOT NULL UNIQUE REFERENCES disputes (dispute_id),
  action TEXT NOT NULL CHECK (action IN ('credit', 'decline')),
  -- credit: the admin's note; decline: the reason the member reads.
  note TEXT NOT NULL CHECK (length(note) BETWEEN 1 AND 500),
  -- credit only: a positive, bounded amount (domain/disputes/rules.ts MAX_CREDIT_MINOR) and its currency.
  amount_minor INTEGER,
  currency TEXT,
  decided_at INTEGER NOT NULL,
  CHECK (
    -- IS NOT NULL: a CHECK that evaluates to NULL passes, so NULLs are refused by name.
    (action = 'credit' AND amount_minor IS NOT NULL AND amount_minor BETWEEN 1 AND 10000000
      AND currency IS NOT NULL AND length(currency) = 3)
    OR (action = 'decline' AND amount_minor IS NULL AND currency IS NULL)
  )
) STRICT;

CREATE INDEX dispute_decisions_decided ON dispute_decisions (decided_at);

CREATE TRIGGER disputes_append_only_update BEFORE UPDATE ON disputes
BEGIN
  SELECT RAISE(ABORT, 'disputes is append-only: a dispute once filed stays');
END;
CREATE TRIGGER disputes_append_only_delete BEFORE DELETE ON disputes
BEGIN
  SELECT RAISE(ABORT, 'disputes is append-only: a dispute once filed stays');
END;
CREATE TRIGGER dispute_decisions_append_only_update BEFORE UPDATE ON dispute_decisions
BEGIN
  SELECT RAISE(ABORT, 'dispute_decisions is append-only: a decision once recorded stays');
END;
CREATE TRIGGER dispute_decisions_append_only_delete BEFORE DELETE ON dispute_decisions
BEGIN
  SELECT RAISE(ABORT, 'dispute_decisions is append-only: a decision once recorded stays');
END;

-- Every credit, as the ledger and payouts count it: earned commission of the handle that filed,
-- dated decided_at.
CREATE VIEW dispute_credits AS
SELECT d.decision_id, d.dispute_id, s.member_id, s.handle, s.order_id, d.amount_minor, d.currency, d.note, d.decided_at
FROM dispute_decisions AS d JOIN disputes AS s ON s.dispute_id = d.dispute_id
WHERE d.action = 'credit';

-- The highest dispute decision a close read (like ledger_watermark for ledger entries): a credit
-- recorded after that read and dated inside the closed month is late money, an adjustment in
-- the first open month; one recorded before was counted by that close. Months closed before
-- this migration had no credits: 0.
ALTER TABLE payout_runs ADD COLUMN dispute_watermark INTEGER NOT NULL DEFAULT 0 CHECK (dispute_watermark >= 0);
