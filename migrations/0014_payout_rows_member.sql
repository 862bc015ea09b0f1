-- Payout rows and payments belong to a member and a currency (CONTRACT.md sections 13 and 14,
-- docs/decisions.md): one row per (period, member_id, currency), where member_id is the
-- member's stable id (its `id`, else its first handle), so a renamed member keeps one balance
-- and a member earning in two currencies has two. `handle` stays on each row for people to
-- read: the member's handle when the row was written.
--
-- SQLite cannot change a primary key in place, so both tables are rebuilt: every existing row
-- is copied with the same values (payout_rows and payout_payments stay append-only, and the
-- closed months' answers in payout_runs, body_json and body_csv, are not touched, so every
-- closed month stays byte-identical).
--
-- Rows copied here get member_id NULL: they were written before member ids existed and are
-- read as the member one of whose handles (current or previous) is their `handle`. Content
-- never drops or reorders a previous handle (vet), so that reading never changes. Rows written
-- from now on carry the member id. The key of a row is (period, COALESCE(member_id, handle),
-- currency): unique, and a payment names the row it pays by the same key.
--
-- New reasons: held_for_review (a member under `review`), member_missing (a member no longer
-- in content: held, never paid).
PRAGMA defer_foreign_keys = true;

CREATE TABLE payout_rows_0014 (
  period TEXT NOT NULL REFERENCES payout_runs (period),
  member_id TEXT CHECK (member_id IS NULL OR length(member_id) BETWEEN 1 AND 64),
  handle TEXT NOT NULL,
  program TEXT NOT NULL DEFAULT 'influencer',
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
  reason TEXT NOT NULL CHECK (
    reason IN ('payable', 'below_threshold', 'suspended', 'on_hold', 'held_for_review', 'member_missing')
  ),
  CHECK (balance_minor = carried_in_minor + adjustment_minor + earned_minor - reversed_minor),
  CHECK (payout_minor + carried_forward_minor = balance_minor),
  CHECK ((payable = 1) = (payout_minor > 0)),
  CHECK (payable = 0 OR reason = 'payable')
) STRICT;

INSERT INTO payout_rows_0014 (
  period, member_id, handle, program, tracking_id, status, currency, carried_in_minor, adjustment_minor,
  earned_minor, reversed_minor, balance_minor, payable, payout_minor, carried_forward_minor, reason
)
SELECT period, NULL, handle, program, tracking_id, status, currency, carried_in_minor, adjustment_minor,
       earned_minor, reversed_minor, balance_minor, payable, payout_minor, carried_forward_minor, reason
FROM payout_rows;

-- Money sent for a closed month's payable row, named by the row's key. One per row: the same
-- reference again changes nothing, another reference is refused. Inserted only by selecting
-- the payable row it pays (worker/payouts/store.ts).
CREATE TABLE payout_payments_0014 (
  period TEXT NOT NULL REFERENCES payout_runs (period),
  member_id TEXT CHECK (member_id IS NULL OR length(member_id) BETWEEN 1 AND 64),
  handle TEXT NOT NULL,
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  reference TEXT NOT NULL CHECK (length(reference) BETWEEN 1 AND 128),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  paid_at INTEGER NOT NULL
) STRICT;

INSERT INTO payout_payments_0014 (period, member_id, handle, currency, reference, amount_minor, paid_at)
SELECT p.period, NULL, p.handle, w.currency, p.reference, p.amount_minor, p.paid_at
FROM payout_payments AS p
JOIN payout_rows AS w ON w.period = p.period AND w.handle = p.handle;

-- The old tables' triggers and index go with them.
DROP TABLE payout_payments;
DROP TABLE payout_rows;
ALTER TABLE payout_rows_0014 RENAME TO payout_rows;
ALTER TABLE payout_payments_0014 RENAME TO payout_payments;

CREATE UNIQUE INDEX payout_rows_key ON payout_rows (period, COALESCE(member_id, handle), currency);
CREATE INDEX payout_rows_member ON payout_rows (COALESCE(member_id, handle), period);
CREATE INDEX payout_rows_handle ON payout_rows (handle, period);
CREATE UNIQUE INDEX payout_payments_key ON payout_payments (period, COALESCE(member_id, handle), currency);

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
