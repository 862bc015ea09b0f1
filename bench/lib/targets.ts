/**
 * A bench target is a Worker described by a wrangler config, served at one of two levels:
 *   dev      `wrangler dev` as users run it (the harness: scripts/lib/harness/wrangler.ts);
 *   runtime  the same config in Miniflare alone, no dev proxy, request log or file watcher in the
 *            path; its options come from wrangler's own reading of the config
 *            (`unstable_getMiniflareWorkerOptions`: bindings, assets router, queues), its modules
 *            from the build (`no_bundle`) or else bundled by `wrangler deploy --dry-run`.
 * Each target has its own local state folder in the `--persist-to` layout, migrations applied, so
 * both levels are read the same way (scripts/lib/harness/d1.ts). Start targets one at a time: the
 * new workerd is then known for CPU accounting, and two starts would fight over the cores.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { mustRun, onCleanup, ROOT } from '../../scripts/lib/harness/process.ts';
import { applyMigrations, startWranglerDev, type DevOptions } from '../../scripts/lib/harness/wrangler.ts';
import { BENCH_SECRETS } from './built-site.ts';
import { childPids, groupPids } from './cpu.ts';
import { log } from './report.ts';

export type Level = 'dev' | 'runtime';
export const LEVEL_NAME = { dev: 'wrangler dev', runtime: 'runtime alone (Miniflare)' } as const;

/** The levels a `--level dev|runtime|both` flag asks for. */
export function levelsOf(flag = 'both'): Level[] {
  if (!['dev', 'runtime', 'both'].includes(flag)) throw new Error('--level must be dev, runtime or both');
  return flag === 'both' ? ['dev', 'runtime'] : [flag as Level];
}

/**
 * How to start a target: its `name`, the folder `dir` for its state, logs and bundles, its secrets,
 * the path to wait for, `migrated` to skip `wrangler d1 migrations apply` (a config without D1, or
 * state written already), wrangler dev's log level (default "info": every request logged, as for a user).
 */
type TargetOptions = Pick<DevOptions, 'envFile' | 'readyPath' | 'logLevel'> & Named;
type Named = { name: string; dir: string; migrated?: boolean };
/** A started target; `pids`: its server processes (wrangler and workerd, or Miniflare's workerd), for CPU time per request. */
export type Target = Awaited<ReturnType<typeof startTarget>>;

/** A wrangler config for a bench Worker, written to `path`; `main` relative to its folder or absolute. */
export function writeConfig(path: string, name: string, main: string, extra: Record<string, unknown> = {}) {
  const flags = { compatibility_flags: ['nodejs_compat'], send_metrics: false };
  const config = { name: `shopfront-bench-${name}`, main, compatibility_date: '2026-10-01', ...flags };
  writeFileSync(path, JSON.stringify({ ...config, ...extra }));
  return path;
}

/** The D1 binding of a bench Worker that runs the project's migrations. */
const D1 = { binding: 'DB', database_name: 'shopfront', database_id: '00000000-0000-0000-0000-000000000000' };
export const MIGRATED_D1 = { d1_databases: [{ ...D1, migrations_dir: join(ROOT, 'migrations') }] };

export async function startTarget(level: Level, config: string, options: TargetOptions) {
  const persistTo = join(options.dir, `state-${level}-${options.name}`);
  if (!options.migrated) await applyMigrations(config, persistTo);
  if (level === 'runtime') return startMiniflare(config, persistTo, options);
  const logFile = join(options.dir, `wrangler-dev-${options.name}.log`);
  const dev = await startWranglerDev({ ...options, config, persistTo, logFile });
  const pid = dev.process.child.pid ?? -1;
  return { url: dev.url, persistTo, logFile: dev.logFile, pids: () => groupPids(pid), stop: dev.stop };
}

/** Every module under the entry's folder, the entry first (what wrangler's module rules collect). */
function modulesOf(entry: string) {
  const files = readdirSync(dirname(entry), { recursive: true, encoding: 'utf8' })
    .map((name) => join(dirname(entry), name))
    .filter((path) => /\.(m?js|wasm)$/.test(path) && path !== entry && statSync(path).isFile());
  const type = (path: string) => (path.endsWith('.wasm') ? 'CompiledWasm' : 'ESModule');
  return [entry, ...files.sort()].map((path) => ({ type: type(path), path }));
}

async function startMiniflare(config: string, persistTo: string, options: TargetOptions) {
  const { workerOptions, main } = unstable_getMiniflareWorkerOptions(config);
  let entry = resolve(dirname(config), main ?? '');
  // A built Worker (no_bundle) is served as built; any other is bundled as `wrangler deploy` would.
  if (!(JSON.parse(readFileSync(config, 'utf8')) as { no_bundle?: boolean }).no_bundle) {
    const outdir = join(options.dir, `bundle-${options.name}`);
    const dryRun = ['deploy', '--dry-run', '--outdir', outdir, '-c', config];
    await mustRun('wrangler', dryRun, { cwd: options.dir, timeoutMs: 120_000 });
    entry = join(outdir, readdirSync(outdir).find((f) => /\.m?js$/.test(f)) ?? 'index.js');
  }
  const [before, shown] = [new Set(childPids()), { n: 0 }];
  const handleStructuredLogs = ({ level, message }: { level: string; message: string }) =>
    ['error', 'warn'].includes(level) && shown.n++ < 20 && log(`[${options.name}] ${message}`);
  const bindings = { ...(workerOptions.bindings as Record<string, unknown>), ...BENCH_SECRETS };
  const modules = { modules: modulesOf(entry), modulesRoot: dirname(entry) };
  const worker = { ...workerOptions, ...modules, name: options.name, bindings };
  const server = { host: '127.0.0.1', port: 0, logRequests: false, handleStructuredLogs };
  const state = { resourcePersistencePath: join(persistTo, 'v3') };
  type V4 = Parameters<typeof convertV4MiniflareOptions>[0];
  const mf = new Miniflare(convertV4MiniflareOptions({ ...server, ...state, workers: [worker] } as V4));
  let disposed: Promise<void> | undefined;
  const stop = () =>
    (disposed ??= mf.dispose().catch((error: unknown) => log(`miniflare dispose: ${String(error)}`)));
  onCleanup(stop);
  const url = (await mf.ready).toString().replace(/\/$/, '');
  const pids = childPids().filter((pid) => !before.has(pid));
  log(`miniflare ${options.name} on ${url}`);
  return { url, persistTo, pids: () => pids, stop, logFile: undefined };
}
