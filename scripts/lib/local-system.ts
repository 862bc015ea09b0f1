/**
 * Starts the whole system the way `npm start` does (build, migrations, wrangler
 * dev) but on a free loopback port with its own throwaway state, for end-to-end
 * tests and benchmarks. Always call `stop()`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDevVars } from './dev-vars.ts';

export interface LocalSystem {
  url: string;
  persistTo: string;
  secrets: Record<string, string>;
  /** Runs SQL against this system's local D1 and returns the rows. */
  query<T = Record<string, unknown>>(sql: string): T[];
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}\n${result.stdout}`,
    );
  }
  return result.stdout;
}

export async function startLocalSystem(
  options: {
    build?: boolean;
    log?: (line: string) => void;
    /** The built Worker's config (default: dist/server/wrangler.json, what `astro build` writes). */
    config?: string;
    /** Copy the catalog into D1 for the link builder (default true). */
    syncCatalog?: boolean;
  } = {},
): Promise<LocalSystem> {
  if (options.build ?? true) run('node', ['scripts/build.ts']);
  const persistTo = mkdtempSync(join(tmpdir(), 'shopfront-state-'));
  const secrets = freshDevVars();
  const envFile = join(persistTo, '.dev.vars');
  writeFileSync(
    envFile,
    Object.entries(secrets)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  // The built config, named explicitly: .wrangler/deploy/config.json points at whatever was built last,
  // which a concurrent test build may have changed.
  const config = ['--config', options.config ?? 'dist/server/wrangler.json'];
  run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo, ...config]);
  if (options.syncCatalog ?? true) run('node', ['scripts/sync-catalog.ts', '--persist-to', persistTo]);

  const port = await freePort();
  const child: ChildProcess = spawn(
    'wrangler',
    [
      'dev',
      ...config,
      '--port',
      String(port),
      '--ip',
      '127.0.0.1',
      '--persist-to',
      persistTo,
      '--env-file',
      envFile,
      '--show-interactive-dev-session=false',
      '--inspector-port',
      String(await freePort()),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      detached: true,
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    options.log?.(chunk.toString());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
    rmSync(persistTo, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not become healthy in 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  return {
    url,
    persistTo,
    secrets,
    query<T>(sql: string): T[] {
      const out = run('wrangler', [
        'd1',
        'execute',
        'DB',
        ...config,
        '--local',
        '--persist-to',
        persistTo,
        '--json',
        '--command',
        sql,
      ]);
      const parsed: unknown = JSON.parse(out);
      const first = Array.isArray(parsed) ? (parsed[0] as { results?: T[] } | undefined) : undefined;
      return first?.results ?? [];
    },
    stop,
  };
}
