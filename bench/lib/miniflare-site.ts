/**
 * The runtime alone: the BUILT Worker (dist/server/entry.mjs and its chunks) in a
 * Miniflare instance configured from the build's own wrangler.json, without
 * wrangler's dev proxy, request logging or file watching in the path.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { BENCH_SECRETS, builtConfig, type Snapshot } from './built-site.ts';
import { childPids } from './cpu.ts';
import { onCleanup } from '../../scripts/lib/harness/process.ts';
import { log } from './report.ts';
import { CLICK_COUNTS_SQL, toCounts, type ClickCounts } from '../../scripts/lib/harness/d1.ts';

export interface RuntimeServer {
  url: string;
  /** The workerd process(es) serving it, for CPU accounting. */
  pids: number[];
  /** Click rows in the Worker's D1 binding `DB`. */
  clickCounts: () => Promise<ClickCounts>;
  stop: () => Promise<void>;
}

interface BuiltConfig {
  main: string;
  compatibility_date: string;
  compatibility_flags?: string[];
  vars?: Record<string, string>;
  assets?: {
    directory: string;
    binding?: string;
    run_worker_first?: string[] | boolean;
    not_found_handling?: string;
    html_handling?: string;
  };
  d1_databases?: { binding: string; database_id: string }[];
  kv_namespaces?: { binding: string; id: string }[];
  queues?: {
    producers?: { binding: string; queue: string }[];
    consumers?: {
      queue: string;
      max_batch_size?: number;
      max_batch_timeout?: number;
      max_retries?: number;
      dead_letter_queue?: string;
    }[];
  };
}

type ModuleType = 'ESModule' | 'CompiledWasm' | 'Text' | 'Data';

/** Every module of a no-bundle build, the entry first (what wrangler's `rules` would collect). */
function modulesOf(root: string, main: string): { type: ModuleType; path: string }[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(root);
  const typeOf = (path: string): ModuleType | null =>
    /\.m?js$/.test(path) ? 'ESModule' : path.endsWith('.wasm') ? 'CompiledWasm' : null;
  const entry = resolve(root, main);
  const rest = files.filter((f) => f !== entry && typeOf(f) !== null).sort();
  return [entry, ...rest].map((path) => ({ type: typeOf(path) ?? 'ESModule', path }));
}

type MiniflareOptions = Parameters<typeof convertV4MiniflareOptions>[0];
type WorkerOptions = Record<string, unknown>;

/**
 * One Worker in its own Miniflare (workerd) on a free loopback port, stopped with the
 * bench; with `persistTo`, its D1/queue state in the layout of `wrangler dev --persist-to`,
 * so migrations applied by wrangler are found. Started one at a time by the callers, so the
 * new workerd is known (CPU accounting).
 */
async function startMiniflare(
  name: string,
  worker: WorkerOptions,
  persistTo?: string,
): Promise<RuntimeServer> {
  const before = new Set(childPids());
  let shown = 0;
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: '127.0.0.1',
      port: 0,
      logRequests: false,
      handleStructuredLogs: (entry: { level: string; message: string }) => {
        if ((entry.level === 'error' || entry.level === 'warn') && shown++ < 20)
          log(`[${name}] ${entry.message}`);
      },
      ...(persistTo ? { resourcePersistencePath: join(persistTo, 'v3') } : {}),
      workers: [{ name, compatibilityFlags: ['nodejs_compat'], ...worker }],
    } as unknown as MiniflareOptions),
  );
  let disposed: Promise<void> | undefined;
  const stop = () =>
    (disposed ??= mf.dispose().catch((error: unknown) => log(`miniflare dispose: ${String(error)}`)));
  onCleanup(stop);
  const url = (await mf.ready).toString().replace(/\/$/, '');
  const clickCounts = async () => {
    const db = await mf.getD1Database('DB');
    return toCounts((await db.prepare(CLICK_COUNTS_SQL).first<Record<string, unknown>>()) ?? {});
  };
  return { url, pids: childPids().filter((pid) => !before.has(pid)), clickCounts, stop };
}

/** Behind the static-assets router, as the shopfront's Worker runs. */
function assetsRouter(directory: string, runWorkerFirst: string[] | boolean | undefined, extra = {}) {
  return {
    assets: {
      directory,
      run_worker_first: runWorkerFirst ?? true,
      routerConfig: { has_user_worker: true },
      ...extra,
    },
  };
}

/** The built shopfront Worker, configured from the build's own wrangler.json. */
export async function startBuiltWorker(snapshot: Snapshot, persistTo: string): Promise<RuntimeServer> {
  const config = builtConfig(snapshot) as unknown as BuiltConfig;
  const serverDir = join(snapshot.dir, 'dist', 'server');
  const assets = config.assets;
  const server = await startMiniflare(
    'shopfront',
    {
      compatibilityDate: config.compatibility_date,
      compatibilityFlags: config.compatibility_flags ?? [],
      modules: modulesOf(serverDir, config.main),
      modulesRoot: serverDir,
      bindings: { ...config.vars, ...BENCH_SECRETS },
      d1Databases: Object.fromEntries((config.d1_databases ?? []).map((d) => [d.binding, d.database_id])),
      kvNamespaces: Object.fromEntries((config.kv_namespaces ?? []).map((k) => [k.binding, k.id])),
      queueProducers: Object.fromEntries(
        (config.queues?.producers ?? []).map((p) => [p.binding, { queueName: p.queue }]),
      ),
      queueConsumers: Object.fromEntries(
        (config.queues?.consumers ?? []).map((c) => [
          c.queue,
          {
            maxBatchSize: c.max_batch_size,
            maxBatchTimeout: c.max_batch_timeout,
            maxRetries: c.max_retries,
            deadLetterQueue: c.dead_letter_queue,
          },
        ]),
      ),
      ...(assets
        ? assetsRouter(resolve(serverDir, assets.directory), assets.run_worker_first, {
            binding: assets.binding,
            assetConfig: {
              ...(assets.not_found_handling ? { not_found_handling: assets.not_found_handling } : {}),
              ...(assets.html_handling ? { html_handling: assets.html_handling } : {}),
            },
          })
        : {}),
    },
    persistTo,
  );
  log(`miniflare shopfront on ${server.url} (modules from ${relative(snapshot.dir, serverDir)})`);
  return server;
}

/** The bare Worker; with `assetsDir`, behind the same assets router as the shopfront. */
export function startBareWorker(
  scriptPath: string,
  compatibilityDate: string,
  assetsDir?: string,
  runWorkerFirst?: string[],
): Promise<RuntimeServer> {
  return startMiniflare('bare', {
    compatibilityDate,
    modules: [{ type: 'ESModule', path: scriptPath }],
    ...(assetsDir ? assetsRouter(assetsDir, runWorkerFirst) : {}),
  });
}

/**
 * A reference Worker (bench/reference-worker.js) on the runtime alone: behind the same assets
 * router as the shopfront, with a queue consumed into its own D1, and the HMAC on or off.
 */
export function startReferenceWorker(
  scriptPath: string,
  compatibilityDate: string,
  assetsDir: string,
  runWorkerFirst: string[] | undefined,
  options: { hmac: boolean; persistTo: string },
): Promise<RuntimeServer> {
  const queue = options.hmac ? 'reference-r3' : 'reference-r2';
  return startMiniflare(
    queue,
    {
      compatibilityDate,
      modules: [{ type: 'ESModule', path: scriptPath }],
      bindings: { REFERENCE_HMAC: options.hmac ? '1' : '0', ...BENCH_SECRETS },
      d1Databases: { DB: `${queue}-db` },
      queueProducers: { CLICKS: { queueName: queue } },
      queueConsumers: { [queue]: { maxBatchSize: 100, maxBatchTimeout: 2 } },
      ...assetsRouter(assetsDir, runWorkerFirst),
    },
    options.persistTo,
  );
}

/** A Worker bundled into `dir` (`wrangler deploy --dry-run --outdir`), with one D1 database. */
export function startBundledWorker(
  name: string,
  dir: string,
  main: string,
  options: { databaseId: string; persistTo: string; bindings?: Record<string, string> },
): Promise<RuntimeServer> {
  return startMiniflare(
    name,
    {
      compatibilityDate: '2026-10-01',
      modules: [{ type: 'ESModule', path: join(dir, main) }],
      modulesRoot: dir,
      bindings: { ...BENCH_SECRETS, ...options.bindings },
      d1Databases: { DB: options.databaseId },
    },
    options.persistTo,
  );
}
