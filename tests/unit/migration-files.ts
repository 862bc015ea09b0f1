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
