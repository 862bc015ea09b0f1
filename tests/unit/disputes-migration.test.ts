/**
 * migrations/0021_disputes.sql on a database that already has closed months: their stored
 * answers are not touched (dispute_watermark 0: there were no credits), the new tables are
 * append-only, one decision per dispute and one dispute per member and order hold in SQL, and a
 * credit outside its bounds is refused by SQL whatever the caller. Real files on node:sqlite.
 */
import { describe, expect, it } from 'vitest';
import { MAX_CREDIT_MINOR } from '../../domain/disputes/rules.ts';
import { CLOSED_RUN, withClosedMonth } from './migration-files.ts';

const database = () => withClosedMonth('0021_disputes.sql');

const FILE = `INSERT INTO disputes (member_id, handle, order_id, order_day, products, note, marketplace, filed_at)
  VALUES ('ana', 'ana', ?, '2025-01-02', 'skillet', 'missing', 'amazon-us', 1)`;
const DECIDE = `INSERT INTO dispute_decisions (dispute_id, action, note, amount_minor, currency, decided_at)
  VALUES (?, ?, 'n', ?, ?, 2)`;

describe('0021 disputes', () => {
  it('leaves closed months as they were, with dispute watermark 0', () => {
    const db = database();
    expect(db.prepare('SELECT * FROM payout_runs').all()).toEqual([{ ...CLOSED_RUN, dispute_watermark: 0 }]);
  });

  it('keeps one dispute per member and order, one decision per dispute, append-only', () => {
    const db = database();
    db.prepare(FILE).run('o-1');
    expect(() => db.prepare(FILE).run('o-1')).toThrow(/UNIQUE/);
    db.prepare(DECIDE).run(1, 'credit', 500, 'USD');
    expect(() => db.prepare(DECIDE).run(1, 'credit', 500, 'USD')).toThrow(/UNIQUE/);
    expect(() => db.prepare(DECIDE).run(1, 'decline', null, null)).toThrow(/UNIQUE/);
    expect(() => db.exec('UPDATE dispute_decisions SET amount_minor = 1')).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM dispute_decisions')).toThrow(/append-only/);
    expect(() => db.exec("UPDATE disputes SET note = 'x'")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM disputes')).toThrow(/append-only/);
    expect(() => db.prepare(DECIDE).run(99, 'decline', null, null)).toThrow(/FOREIGN KEY/);
    expect(
      db.prepare('SELECT dispute_id, handle, amount_minor, currency FROM dispute_credits').all(),
    ).toEqual([{ dispute_id: 1, handle: 'ana', amount_minor: 500, currency: 'USD' }]);
  });

  it('refuses a credit outside its bounds and a decline carrying money', () => {
    const db = database();
    for (let i = 1; i <= 6; i++) db.prepare(FILE).run(`o-${i}`);
    expect(() => db.prepare(DECIDE).run(1, 'credit', 0, 'USD')).toThrow(/CHECK/);
    expect(() => db.prepare(DECIDE).run(2, 'credit', -5, 'USD')).toThrow(/CHECK/);
    expect(() => db.prepare(DECIDE).run(3, 'credit', MAX_CREDIT_MINOR + 1, 'USD')).toThrow(/CHECK/);
    expect(() => db.prepare(DECIDE).run(4, 'credit', 5, null)).toThrow(/CHECK/);
    expect(() => db.prepare(DECIDE).run(5, 'decline', 5, 'USD')).toThrow(/CHECK/);
    db.prepare(DECIDE).run(6, 'credit', MAX_CREDIT_MINOR, 'USD');
  });
});
