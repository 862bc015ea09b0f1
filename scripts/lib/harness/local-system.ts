/**
 * Starts the whole system the way `npm start` does (build, migrations, catalog copy,
 * wrangler dev) but on a free loopback port with its own throwaway state and fresh
 * secrets, for end-to-end tests and the benches that serve the built site. `stop()` ends
 * wrangler and removes the state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDevVars } from '../dev-vars.ts';
import { queryLocalD1 } from './d1.ts';
import { mustRun, ROOT } from './process.ts';
import { applyMigrations, startWranglerDev, writeEnvFile } from './wrangler.ts';

export interface LocalSystem {
  url: string;
  persistTo: string;
  secrets: Record<string, string>;
  /** Rows of one query on this system's local D1 (read-only). */
  query<T = Record<string, unknown>>(sql: string): T[];
  stop(): Promise<void>;
}

export async function startLocalSystem(
  options: {
    build?: boolean;
    /** The built Worker's config (default: dist/server/wrangler.json, what `astro build` writes). */
    config?: string;
    /** Copy the catalog into D1 for the link builder (default true). */
    syncCatalog?: boolean;
    /** wrangler dev's log level (default "info", every request logged; the benches use "warn"). */
    logLevel?: string;
  } = {},
): Promise<LocalSystem> {
  const node = (args: string[]) => mustRun(process.execPath, args, { cwd: ROOT, timeoutMs: 15 * 60_000 });
  if (options.build ?? true) await node(['scripts/build.ts']);
  const persistTo = mkdtempSync(join(tmpdir(), 'shopfront-state-'));
  const secrets = freshDevVars();
  // The built config, named explicitly: .wrangler/deploy/config.json points at whatever was built last,
  // which a concurrent test build may have changed.
  const config = options.config ?? join(ROOT, 'dist', 'server', 'wrangler.json');
  try {
    await applyMigrations(config, persistTo, ROOT);
    if (options.syncCatalog ?? true) await node(['scripts/sync-catalog.ts', '--persist-to', persistTo]);
    const dev = await startWranglerDev({
      config,
      cwd: ROOT,
      persistTo,
      envFile: writeEnvFile(join(persistTo, '.dev.vars'), secrets),
      logFile: join(persistTo, 'wrangler-dev.log'),
      readyPath: '/healthz',
      readyOk: true,
      logLevel: options.logLevel,
    });
    return {
      url: dev.url,
      persistTo,
      secrets,
      query: <T>(sql: string) => queryLocalD1<T>(persistTo, sql),
      stop: async () => {
        await dev.stop();
        rmSync(persistTo, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(persistTo, { recursive: true, force: true });
    throw error;
  }
}
