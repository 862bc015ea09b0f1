/** The real migration files, applied in order on SQLite (node:sqlite) by the migration tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';

const DIR = 'migrations';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort();

/** Runs every migration file `which` selects, in file-name order. */
export function migrate(db: DatabaseSync, which: (file: string) => boolean): void {
  for (const file of files.filter(which)) db.exec(readFileSync(join(DIR, file), 'utf8'));
}

/** The closed month of withClosedMonth: its payout_runs columns older than 0021 (later ones take their defaults). */
export const CLOSED_RUN = {
  period: '2025-01',
  run_id: 'run-1',
  closed_at: 1,
  ledger_watermark: 3,
  body_json: '{"period":"2025-01","payouts":[]}',
  body_csv: 'period,handle\r\n',
};

/**
 * `migration` on a database that already has a closed month (CLOSED_RUN): the files before it run
 * on an empty database (foreign keys on, as D1), the month is closed, then `migration` alone runs.
 */
export function withClosedMonth(migration: string): DatabaseSync {
  const db = new DatabaseSync(':memory:');
  db.exec('PRAGMA foreign_keys = ON');
  migrate(db, (f) => f < migration);
  const run = CLOSED_RUN;
  db.prepare(
    'INSERT INTO payout_runs (period, run_id, closed_at, ledger_watermark, body_json, body_csv) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(run.period, run.run_id, run.closed_at, run.ledger_watermark, run.body_json, run.body_csv);
  migrate(db, (f) => f === migration);
  return db;
}

/** Random clicks over three days by two creators, some flagged duplicate, with the fields a test adds. */
export function clicksWith<F extends object>(fields: { [K in keyof F]: fc.Arbitrary<F[K]> }) {
  const base = fc.record({
    minute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
    handle: fc.constantFrom('a', 'b'),
    duplicate: fc.boolean(),
  });
  return fc.tuple(base, fc.record(fields)).map(([click, more]) => ({ ...click, ...more }));
}

/**
 * A migration on a database that already holds clicks (property, fast-check): the files before
 * `migration` run on an empty database, `before` clicks are written, `migration` and the files after
 * it run, and `agree` must hold; then `after` clicks are written, some clicks are re-flagged with
 * `reflag` (?1 the click id, ?2 1 for a bot, 0 for a human) and `agree` must hold again.
 */
export interface MigrationWithClicks<C> {
  migration: string;
  click: fc.Arbitrary<C>;
  insertBefore: (db: DatabaseSync, clicks: C[]) => void;
  insertAfter: (db: DatabaseSync, clicks: C[]) => void;
  reflag: string;
  agree: (db: DatabaseSync) => void;
}

export function checkMigrationWithClicks<C>(check: MigrationWithClicks<C>): void {
  fc.assert(
    fc.property(
      fc.array(check.click, { maxLength: 30 }),
      fc.array(check.click, { maxLength: 30 }),
      fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 5 }),
      (before, after, flips) => {
        const db = new DatabaseSync(':memory:');
        try {
          migrate(db, (f) => f < check.migration);
          check.insertBefore(db, before);
          migrate(db, (f) => f >= check.migration);
          check.agree(db);
          check.insertAfter(db, after);
          const ids = db.prepare('SELECT click_id FROM clicks ORDER BY click_id').all();
          for (const [n, bot] of flips) {
            const row = ids[n % Math.max(1, ids.length)];
            if (row) db.prepare(check.reflag).run(String(row['click_id']), bot ? 1 : 0);
          }
          check.agree(db);
        } finally {
          db.close();
        }
      },
    ),
    { numRuns: 40 },
  );
}
