/**
 * Reading (and writing) a D1 database from Node, two ways:
 * - through wrangler (`wrangler d1 execute DB`): the local state `wrangler dev` uses
 *   (default .wrangler/state, or `persistTo`) or, with `remote`, the deployed database.
 *   SQL goes through a temporary file, so nothing is escaped for a shell;
 * - straight from the local SQLite file under a `--persist-to` folder, read-only, while
 *   wrangler dev runs (SQLite in WAL mode allows a concurrent reader; a read-only
 *   connection never rolls anything back). Much faster: no wrangler start per query.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';

export interface D1Target {
  remote?: boolean;
  /** A local state directory other than wrangler's default (.wrangler/state). */
  persistTo?: string;
  /** A wrangler config other than the project's wrangler.toml. */
  config?: string;
}

/** Runs SQL statements through wrangler; returns each statement's result rows. Throws with wrangler's message on failure. */
export function d1Execute(sql: string, target: D1Target = {}): Record<string, unknown>[][] {
  const dir = mkdtempSync(join(tmpdir(), 'shopfront-sql-'));
  const file = join(dir, 'statements.sql');
  try {
    writeFileSync(file, sql);
    const args = ['d1', 'execute', 'DB', target.remote ? '--remote' : '--local', '--json', '--file', file];
    if (target.persistTo) args.push('--persist-to', target.persistTo);
    if (target.config) args.push('--config', target.config);
    if (target.remote) args.push('--yes');
    // The caller's PATH as it is (npm puts the project's wrangler first; tests put a stand-in there).
    const run = spawnSync('wrangler', args, {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (run.status !== 0)
      throw new Error(`wrangler d1 execute failed: ${describeFailure(run.stdout, run.stderr)}`);
    return parseResults(run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseResults(stdout: string): Record<string, unknown>[][] {
  const start = stdout.indexOf('[');
  const parsed: unknown = JSON.parse(start >= 0 ? stdout.slice(start) : '[]');
  if (!Array.isArray(parsed)) throw new Error('wrangler d1 execute: unexpected output');
  return parsed.map((item: unknown) => {
    if (typeof item === 'object' && item !== null && 'results' in item && Array.isArray(item.results))
      return item.results.filter(
        (r: unknown): r is Record<string, unknown> => typeof r === 'object' && r !== null,
      );
    return [];
  });
}

function describeFailure(stdout: string, stderr: string): string {
  try {
    const parsed: unknown = JSON.parse(stdout.slice(stdout.indexOf('{')));
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed)
      return JSON.stringify(parsed.error);
  } catch {
    // not JSON: fall through to the raw text
  }
  return (stderr || stdout).trim().split('\n').slice(-5).join('\n');
}

/** The SQLite file of the local D1 database under a `--persist-to` folder, or null before migrations. */
export function d1File(persistTo: string): string | null {
  const dir = join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  if (!existsSync(dir)) return null;
  const name = readdirSync(dir).find((n) => /^[0-9a-f]{64}\.sqlite$/.test(n));
  return name ? join(dir, name) : null;
}

/** Rows of one query on the local D1 file of `persistTo`, read-only. Throws when there is no database. */
export function queryLocalD1<T = Record<string, unknown>>(
  persistTo: string,
  sql: string,
  ...params: SQLInputValue[]
): T[] {
  const file = d1File(persistTo);
  if (!file) throw new Error(`no local D1 database under ${persistTo} (migrations not applied?)`);
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export interface ClickCounts {
  total: number;
  bots: number;
  heads: number;
  humans: number;
}

export const CLICK_COUNTS_SQL = `SELECT COUNT(*) AS total, COALESCE(SUM(is_bot), 0) AS bots,
  COALESCE(SUM(method = 'HEAD'), 0) AS heads, COALESCE(SUM(is_bot = 0), 0) AS humans FROM clicks`;

export function toCounts(row: Record<string, unknown>): ClickCounts {
  return {
    total: Number(row.total),
    bots: Number(row.bots),
    heads: Number(row.heads),
    humans: Number(row.humans),
  };
}

/** Click rows of the local D1 file while wrangler dev writes it; null while the file is missing or busy. */
export function readClickCounts(persistTo: string): ClickCounts | null {
  try {
    const row = queryLocalD1(persistTo, CLICK_COUNTS_SQL)[0];
    return row ? toCounts(row) : null;
  } catch {
    return null;
  }
}
