/** The real migration files, applied in order on SQLite (node:sqlite) by the migration tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';

const DIR = 'migrations';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort();

/** Runs every migration file `which` selects, in file-name order. */
export function migrate(db: DatabaseSync, which: (file: string) => boolean): void {
  for (const file of files.filter(which)) db.exec(readFileSync(join(DIR, file), 'utf8'));
}
