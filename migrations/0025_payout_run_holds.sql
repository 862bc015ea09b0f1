-- What each close left out because its order was held for review (CONTRACT.md sections 7 and 16;
-- docs/orders.md "Holds for review"; the rule in worker/payouts/store.ts, ADJUSTMENTS).
--
-- A close reads the month's money and the orders held for review now (held_orders) in one
-- transaction and leaves those orders out. This table stores that set, as the close read it, in
-- the close's one guarded write (only into the run that is ours, only once), so "did the close
-- that read this money leave its order out?" is a recorded fact instead of a guess from clocks
-- (review_holds.held_at against closed_at). A close records the held orders that can still come
-- back: undecided ones (a void is final, so a voided order is never recorded).
--
-- Months closed before this migration recorded nothing: holds_recorded = 0 tells them apart
-- (new closes store 1), and for them the rule falls back to the clocks (held_at <= closed_at).
-- Their stored answers are not touched.
ALTER TABLE payout_runs ADD COLUMN holds_recorded INTEGER NOT NULL DEFAULT 0 CHECK (holds_recorded IN (0, 1));

CREATE TABLE payout_run_holds (
  period TEXT NOT NULL REFERENCES payout_runs (period),
  order_id TEXT NOT NULL CHECK (length(order_id) BETWEEN 1 AND 128),
  PRIMARY KEY (period, order_id)
) STRICT, WITHOUT ROWID;

-- "Which orders did the close of L leave out?" and "was o left out by the close of P?" both read
-- the primary key (period first); no other index.

CREATE TRIGGER payout_run_holds_append_only_update BEFORE UPDATE ON payout_run_holds
BEGIN
  SELECT RAISE(ABORT, 'payout_run_holds is append-only: a closed month stays closed');
END;
CREATE TRIGGER payout_run_holds_append_only_delete BEFORE DELETE ON payout_run_holds
BEGIN
  SELECT RAISE(ABORT, 'payout_run_holds is append-only: a closed month stays closed');
END;
