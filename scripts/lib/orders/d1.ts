/**
 * The D1 database from scripts, through wrangler (`wrangler d1 execute DB`), on
 * the local state `wrangler dev` uses or, with `remote`, the deployed database.
 * SQL goes through a temporary file, so nothing is escaped for a shell.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface D1Target {
  remote?: boolean;
  /** A local state directory other than wrangler's default (.wrangler/state). */
  persistTo?: string;
}

/** Runs SQL statements; returns each statement's result rows. Throws with wrangler's message on failure. */
export function d1Execute(sql: string, target: D1Target = {}): Record<string, unknown>[][] {
  const dir = mkdtempSync(join(tmpdir(), 'shopfront-sql-'));
  const file = join(dir, 'statements.sql');
  try {
    writeFileSync(file, sql);
    const args = ['d1', 'execute', 'DB', target.remote ? '--remote' : '--local', '--json', '--file', file];
    if (target.persistTo) args.push('--persist-to', target.persistTo);
    if (target.remote) args.push('--yes');
    const run = spawnSync('wrangler', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
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
