/**
 * migrations/0014_payout_rows_member.sql on a database that already has closed
 * months: every payout row and payment is carried over with the same values, the
 * closed months' stored answers (payout_runs) are not touched, the tables stay
 * append-only, and a row's key becomes (period, member, currency). The worker tests
 * only see migrations applied to an empty database, so this runs the real files in
 * order on SQLite (node:sqlite, foreign keys on, as D1) with closed months in between.
 */
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { migrate } from './migration-files.ts';

const MINE = '0014_payout_rows_member.sql';

const ROW = `INSERT INTO payout_rows (period, handle, program, tracking_id, status, currency, carried_in_minor,
  adjustment_minor, earned_minor, reversed_minor, balance_minor, payable, payout_minor, carried_forward_minor, reason)
  VALUES (?, ?, 'influencer', ?, 'approved', 'USD', ?, 0, ?, 0, ?, ?, ?, ?, ?)`;

function before(db: DatabaseSync): void {
  const run = db.prepare(
    'INSERT INTO payout_runs (period, run_id, closed_at, ledger_watermark, body_json, body_csv) VALUES (?, ?, ?, 0, ?, ?)',
  );
  run.run(
    '2025-01',
    'run-1',
    1,
    '{"period":"2025-01","payouts":[{"handle":"ana"}]}',
    'period,handle\r\n2025-01,ana\r\n',
  );
  run.run('2025-02', 'run-2', 2, '{"period":"2025-02","payouts":[]}', 'period,handle\r\n');
  const row = db.prepare(ROW);
  row.run('2025-01', 'ana', 'ana-20', 0, 4500, 4500, 1, 4500, 0, 'payable');
  row.run('2025-01', 'ben', 'ben-20', 0, 1000, 1000, 0, 0, 1000, 'below_threshold');
  row.run('2025-02', 'ben', 'ben-20', 1000, 2000, 3000, 1, 3000, 0, 'payable');
  db.prepare(
    "INSERT INTO payout_payments (period, handle, reference, amount_minor, paid_at) VALUES ('2025-01', 'ana', 'BANK-1', 4500, 9)",
  ).run();
}

const dump = (db: DatabaseSync, sql: string) =>
  db
    .prepare(sql)
    .all()
    .map((r) => ({ ...r }));
const ROWS = `SELECT period, handle, program, tracking_id, status, currency, carried_in_minor, adjustment_minor, earned_minor,
  reversed_minor, balance_minor, payable, payout_minor, carried_forward_minor, reason FROM payout_rows ORDER BY period, handle`;

describe('migration 0014: payout rows per member and currency', () => {
  const db = new DatabaseSync(':memory:');
  migrate(db, (f) => f < MINE);
  before(db);
  const runs = dump(db, 'SELECT * FROM payout_runs ORDER BY period');
  const rows = dump(db, ROWS);
  migrate(db, (f) => f === MINE);

  it('keeps every closed month byte-identical and every row and payment with the same values', () => {
    expect(dump(db, 'SELECT * FROM payout_runs ORDER BY period')).toEqual(runs);
    expect(dump(db, ROWS)).toEqual(rows);
    expect(dump(db, 'SELECT member_id FROM payout_rows').every((r) => r.member_id === null)).toBe(true);
    expect(dump(db, 'SELECT * FROM payout_payments')).toEqual([
      {
        period: '2025-01',
        member_id: null,
        handle: 'ana',
        currency: 'USD',
        reference: 'BANK-1',
        amount_minor: 4500,
        paid_at: 9,
      },
    ]);
  });

  it('stays append-only, and keys rows and payments by (period, member, currency)', () => {
    expect(() => db.exec("UPDATE payout_rows SET payout_minor = 1 WHERE period = '2025-01'")).toThrow(
      /append-only/,
    );
    expect(() => db.exec('DELETE FROM payout_payments')).toThrow(/append-only/);
    db.prepare(
      "INSERT INTO payout_runs (period, run_id, closed_at, ledger_watermark, body_json, body_csv) VALUES ('2025-03', 'run-3', 3, 0, '{}', '')",
    ).run();
    const insert = (member: string, handle: string, currency: string) =>
      db
        .prepare(
          `INSERT INTO payout_rows (period, member_id, handle, program, tracking_id, status, currency, carried_in_minor,
             adjustment_minor, earned_minor, reversed_minor, balance_minor, payable, payout_minor, carried_forward_minor, reason)
           VALUES ('2025-03', ?, ?, 'influencer', NULL, 'approved', ?, 0, 0, 10, 0, 10, 0, 0, 10, 'held_for_review')`,
        )
        .run(member, handle, currency);
    insert('ana', 'ana-new', 'USD');
    insert('ana', 'ana-new', 'GBP');
    expect(() => insert('ana', 'ana-other', 'USD')).toThrow(/UNIQUE/);
    expect(() =>
      db.exec(
        `INSERT INTO payout_rows (period, member_id, handle, program, status, currency, carried_in_minor, adjustment_minor,
           earned_minor, reversed_minor, balance_minor, payable, payout_minor, carried_forward_minor, reason)
         VALUES ('2025-03', 'cy', 'cy', 'influencer', 'approved', 'USD', 0, 0, 1, 0, 1, 0, 0, 1, 'unknown_reason')`,
      ),
    ).toThrow(/CHECK/);
  });

  it('the migrations after it still apply', () => {
    expect(() => migrate(db, (f) => f > MINE)).not.toThrow();
    // Later migrations may add columns (0021: dispute_watermark); every stored value stays as it was.
    const after = dump(db, "SELECT * FROM payout_runs WHERE period < '2025-03' ORDER BY period");
    expect(after.length).toBe(runs.length);
    after.forEach((row, i) => expect(row).toMatchObject(runs[i]!));
  });
});
