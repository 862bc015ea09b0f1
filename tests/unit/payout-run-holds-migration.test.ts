/**
 * migrations/0025_payout_run_holds.sql on a database that already has a closed month: its stored
 * answer is not touched and it is told apart as closed before the migration (holds_recorded 0,
 * so late money keeps the clock rule for it); the new table is append-only, keyed by month and
 * order, and only for a closed month. Real files on node:sqlite.
 */
import { describe, expect, it } from 'vitest';
import { CLOSED_RUN, withClosedMonth } from './migration-files.ts';

const database = () => withClosedMonth('0025_payout_run_holds.sql');

describe('0025 payout_run_holds', () => {
  it('leaves closed months as they were, marked as closed before it (holds_recorded 0)', () => {
    const db = database();
    expect(db.prepare('SELECT * FROM payout_runs').all()).toEqual([
      { ...CLOSED_RUN, dispute_watermark: 0, holds_recorded: 0 },
    ]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM payout_run_holds').get()).toEqual({ n: 0 });
  });

  it('is append-only, one row per month and order, only for a closed month', () => {
    const db = database();
    const insert = db.prepare('INSERT INTO payout_run_holds (period, order_id) VALUES (?, ?)');
    insert.run('2025-01', 'ord-1');
    expect(() => insert.run('2025-01', 'ord-1')).toThrow(/UNIQUE/);
    expect(() => insert.run('2025-02', 'ord-1')).toThrow(/FOREIGN KEY/);
    expect(() => insert.run('2025-01', '')).toThrow(/CHECK/);
    expect(() => db.exec("UPDATE payout_run_holds SET order_id = 'x'")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM payout_run_holds')).toThrow(/append-only/);
    expect(() =>
      db.exec(
        "INSERT INTO payout_runs (period, run_id, closed_at, ledger_watermark, body_json, body_csv, holds_recorded) VALUES ('2025-02', 'r2', 2, 0, '{}', '', 2)",
      ),
    ).toThrow(/CHECK/);
  });
});
