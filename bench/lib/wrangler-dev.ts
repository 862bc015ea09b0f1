/** `wrangler dev` as users run it, on a free loopback port, with its own fresh local state. */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { freePort, mustRun, startProcess, toolEnv, waitForHttp, type Started } from './proc.ts';

export interface DevServer {
  url: string;
  persistTo: string;
  logFile: string;
  process: Started;
  stop: () => Promise<void>;
}

export interface DevOptions {
  config: string;
  /** Folder for this server's local state (D1, queues, KV). */
  persistTo: string;
  logFile: string;
  envFile?: string;
  /** Wait for this path to answer before returning. */
  readyPath?: string;
  /** wrangler's log level; "info" (the default) logs every request, as for a user. */
  logLevel?: string;
  /** Extra environment variables for wrangler (e.g. X_LOCAL_OBSERVABILITY=false). */
  env?: Record<string, string>;
}

/** Applies the D1 migrations to `persistTo`, as `npm start` does for .wrangler/state. */
export async function applyMigrations(config: string, persistTo: string): Promise<void> {
  await mustRun(
    'wrangler',
    ['d1', 'migrations', 'apply', 'DB', '--local', '-c', config, '--persist-to', persistTo],
    {
      cwd: dirname(config),
      timeoutMs: 120_000,
    },
  );
}

export async function startWranglerDev(options: DevOptions): Promise<DevServer> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const args = [
    'dev',
    '-c',
    options.config,
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspectorPort),
    '--persist-to',
    options.persistTo,
    '--show-interactive-dev-session=false',
    '--log-level',
    options.logLevel ?? 'info',
  ];
  if (options.envFile) args.push('--env-file', options.envFile);
  const started = startProcess('wrangler', args, {
    cwd: dirname(options.config),
    logFile: options.logFile,
    env: toolEnv(options.env),
  });
  const url = `http://127.0.0.1:${port}`;
  const alive = () => started.child.exitCode === null && started.child.signalCode === null;
  try {
    await waitForHttp(`${url}${options.readyPath ?? '/'}`, 90_000, alive);
  } catch (error) {
    await started.stop();
    throw new Error(`wrangler dev did not start (log: ${options.logFile}): ${String(error)}`);
  }
  return {
    url,
    persistTo: options.persistTo,
    logFile: options.logFile,
    process: started,
    stop: () => started.stop('SIGINT'),
  };
}

/** The SQLite file of the local D1 database under a `--persist-to` folder. */
export function d1File(persistTo: string): string | null {
  const dir = join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  if (!existsSync(dir)) return null;
  const name = readdirSync(dir).find((n) => /^[0-9a-f]{64}\.sqlite$/.test(n));
  return name ? join(dir, name) : null;
}

export interface ClickCounts {
  total: number;
  bots: number;
  heads: number;
  humans: number;
}

export const CLICK_COUNTS_SQL = `SELECT COUNT(*) AS total, COALESCE(SUM(is_bot), 0) AS bots,
  COALESCE(SUM(method = 'HEAD'), 0) AS heads, COALESCE(SUM(is_bot = 0), 0) AS humans FROM clicks`;

/**
 * Counts click rows by reading the local D1 file read-only, while wrangler dev
 * runs (SQLite in WAL mode allows a concurrent reader; a read-only connection
 * never rolls anything back). Returns null while the file is busy.
 */
export function readClickCounts(persistTo: string): ClickCounts | null {
  const file = d1File(persistTo);
  if (!file) return null;
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    db.exec('PRAGMA busy_timeout = 2000');
    const row = db.prepare(CLICK_COUNTS_SQL).get() as Record<string, number> | undefined;
    return row ? toCounts(row) : null;
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

export function toCounts(row: Record<string, unknown>): ClickCounts {
  return {
    total: Number(row.total),
    bots: Number(row.bots),
    heads: Number(row.heads),
    humans: Number(row.humans),
  };
}

/**
 * A snapshot of the build (bench/lib/built-site.ts) served as a shopper gets it: fresh local
 * state with the migrations applied, `wrangler dev` quiet, ready when `/` answers.
 */
export async function serveSnapshot(snapshot: {
  dir: string;
  config: string;
  envFile: string;
}): Promise<DevServer> {
  const state = join(snapshot.dir, 'state');
  await applyMigrations(snapshot.config, state);
  return startWranglerDev({
    config: snapshot.config,
    persistTo: state,
    envFile: snapshot.envFile,
    logFile: join(snapshot.dir, 'wrangler-dev.log'),
    readyPath: '/',
    logLevel: 'warn',
  });
}
