/**
 * `wrangler dev` as users run it, on a free loopback port, with its own local state
 * folder (`--persist-to`: D1, queues, KV), and the D1 migrations that state needs.
 * The process and its workerd are one process group, stopped by `stop()` or at exit
 * (./process.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { freePort, mustRun, startProcess, toolEnv, waitForHttp, type Started } from './process.ts';

export interface DevServer {
  url: string;
  persistTo: string;
  logFile: string;
  process: Started;
  stop: () => Promise<void>;
}

export interface DevOptions {
  /** The Worker's wrangler config (a built dist/server/wrangler.json, or a bench's own). */
  config: string;
  /** Folder for this server's local state (D1, queues, KV). */
  persistTo: string;
  logFile: string;
  envFile?: string;
  /** Working folder for wrangler (default: the config's folder). */
  cwd?: string;
  /** Wait for this path to answer before returning (default `/`); with `readyOk`, a 2xx. */
  readyPath?: string;
  readyOk?: boolean;
  /** wrangler's log level; "info" (the default) logs every request, as for a user. */
  logLevel?: string;
  /** Extra environment variables for wrangler (e.g. X_LOCAL_OBSERVABILITY=false). */
  env?: Record<string, string>;
}

/** Writes secrets as a `wrangler dev --env-file` file; returns its path. */
export function writeEnvFile(path: string, secrets: Record<string, string>): string {
  writeFileSync(
    path,
    Object.entries(secrets)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
    { mode: 0o600 },
  );
  return path;
}

/** Applies the D1 migrations to `persistTo`, as `npm start` does for .wrangler/state. */
export async function applyMigrations(
  config: string,
  persistTo: string,
  cwd = dirname(config),
): Promise<void> {
  await mustRun(
    'wrangler',
    ['d1', 'migrations', 'apply', 'DB', '--local', '-c', config, '--persist-to', persistTo],
    {
      cwd,
      timeoutMs: 120_000,
    },
  );
}

export async function startWranglerDev(options: DevOptions): Promise<DevServer> {
  const port = await freePort();
  const args = [
    'dev',
    ...['-c', options.config, '--ip', '127.0.0.1', '--port', String(port)],
    ...['--inspector-port', String(await freePort()), '--persist-to', options.persistTo],
    ...['--show-interactive-dev-session=false', '--log-level', options.logLevel ?? 'info'],
    ...(options.envFile ? ['--env-file', options.envFile] : []),
  ];
  const started = startProcess('wrangler', args, {
    cwd: options.cwd ?? dirname(options.config),
    logFile: options.logFile,
    env: toolEnv(options.env),
  });
  const url = `http://127.0.0.1:${port}`;
  const alive = () => started.child.exitCode === null && started.child.signalCode === null;
  try {
    await waitForHttp(`${url}${options.readyPath ?? '/'}`, 90_000, { alive, ok: options.readyOk });
  } catch (error) {
    await started.stop();
    throw new Error(
      `wrangler dev did not start (log: ${options.logFile}): ${String(error)}\n${logTail(options.logFile)}`,
    );
  }
  return {
    url,
    persistTo: options.persistTo,
    logFile: options.logFile,
    process: started,
    stop: () => started.stop('SIGINT'),
  };
}

function logTail(file: string, lines = 30): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
}
