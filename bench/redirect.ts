/**
 * `npm run bench:redirect`: tracked-link redirects of the built shopfront against
 * a bare Worker that only answers 302, alternating the two (bare, shopfront,
 * bare, shopfront, ...) with the same connections, at two levels:
 *   1. through `wrangler dev` (what users run locally);
 *   2. on the runtime alone: Miniflare serving the built Worker, no dev proxy.
 * Then checks that every redirect was logged: click rows in D1 = 302 answers.
 *
 * Flags: --quick (short rounds, for development), --rounds N, --seconds S per run,
 * --connections N, --level dev|runtime|both, --build (astro build first).
 * Last stdout line: the figures as JSON (see bench/lib/report.ts).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { builtConfig, ensureBuilt, snapshotBuild, tempDir, type Snapshot } from './lib/built-site.ts';
import { count, median, runLoad, type LoadRun } from './lib/load.ts';
import { startBareWorker, startBuiltWorker } from './lib/miniflare-site.ts';
import { ROOT, runBench, sleep, withTimeout } from './lib/proc.ts';
import { fmt, load1, log, numberArg, parseArgs, printResult, round, type Figure } from './lib/report.ts';
import { trafficMix, type Kind, type TrafficRequest } from './lib/traffic.ts';
import { applyMigrations, readClickCounts, startWranglerDev, type ClickCounts } from './lib/wrangler-dev.ts';

const args = parseArgs(process.argv.slice(2));
const quick = args.has('quick');
const options = {
  rounds: numberArg(args, 'rounds', quick ? 2 : 4),
  seconds: numberArg(args, 'seconds', quick ? 1.5 : 5),
  connections: numberArg(args, 'connections', 32),
  level: args.get('level') ?? 'both',
  build: args.has('build'),
};
if (!['dev', 'runtime', 'both'].includes(options.level)) throw new Error('--level must be dev, runtime or both');

/** Targets from the issue: shopfront / bare throughput, per level. */
const TARGET_RATIO = { dev: 0.9, runtime: 0.8 } as const;
type Level = keyof typeof TARGET_RATIO;
const LEVEL_NAME: Record<Level, string> = { dev: 'wrangler dev', runtime: 'runtime alone (Miniflare)' };

interface Target {
  url: string;
  /** Requests per second of the last run, to size the next one. */
  rate: number;
  runs: LoadRun[];
}

interface Servers {
  bare: { url: string };
  shopfront: { url: string };
  clickCounts: () => Promise<ClickCounts | null>;
  stop: () => Promise<void>;
}

interface ClickCheck {
  sent: { total: number; humans: number; heads: number; bots: number };
  stored: ClickCounts | null;
  lost: number | null;
  other: Record<string, number>;
  drainSeconds: number;
}

interface LevelResult {
  level: Level;
  bare: Summary;
  shopfront: Summary;
  ratio: number;
  clicks: ClickCheck;
  runs: { bare: LoadRun[]; shopfront: LoadRun[] };
}

interface Summary {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function summarize(runs: LoadRun[]): Summary {
  return {
    rps: round(median(runs.map((r) => r.rps))),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
  };
}

async function loadOnce(target: Target, traffic: TrafficRequest[], amount: number): Promise<LoadRun> {
  const limit = Math.max(60_000, options.seconds * 20_000);
  return withTimeout(runLoad(target.url, traffic, { connections: options.connections, amount }), limit, 'load run');
}

async function measure(level: Level, servers: Servers, traffic: TrafficRequest[]): Promise<LevelResult> {
  const targets = {
    bare: { url: servers.bare.url, rate: 0, runs: [] as LoadRun[] },
    shopfront: { url: servers.shopfront.url, rate: 0, runs: [] as LoadRun[] },
  };
  const warmups: LoadRun[] = [];
  for (const [name, target] of Object.entries(targets)) {
    const warm = await loadOnce(target, traffic, options.connections * 25);
    target.rate = warm.rps;
    if (name === 'shopfront') warmups.push(warm);
    log(`  warm-up ${name}: ${fmt(warm.rps)} req/s`);
  }
  for (let round = 1; round <= options.rounds; round++) {
    for (const [name, target] of Object.entries(targets)) {
      const amount = Math.max(options.connections * 10, Math.round(target.rate * options.seconds));
      const run = await loadOnce(target, traffic, amount);
      target.rate = run.rps;
      target.runs.push(run);
      log(
        `  round ${round} ${name.padEnd(9)} ${fmt(run.rps).padStart(7)} req/s  p50 ${fmt(run.p50, 1)} ms  p99 ${fmt(run.p99, 1)} ms` +
          (run.errors + run.timeouts > 0 ? `  errors ${run.errors} timeouts ${run.timeouts}` : ''),
      );
    }
  }
  const clicks = await checkClicks([...warmups, ...targets.shopfront.runs], servers.clickCounts);
  const bare = summarize(targets.bare.runs);
  const shopfront = summarize(targets.shopfront.runs);
  return {
    level,
    bare,
    shopfront,
    ratio: round(shopfront.rps / bare.rps, 3),
    clicks,
    runs: { bare: targets.bare.runs, shopfront: targets.shopfront.runs },
  };
}

/** Waits (bounded) until the queue has drained into D1, then compares rows with the 302s answered. */
async function checkClicks(runs: LoadRun[], clickCounts: () => Promise<ClickCounts | null>): Promise<ClickCheck> {
  const kinds: Kind[] = ['human', 'head', 'bot'];
  const sum = (kind: Kind, status: string) => runs.reduce((total, r) => total + count(r.statuses, kind, status), 0);
  const sent = { humans: sum('human', '302'), heads: sum('head', '302'), bots: sum('bot', '302'), total: 0 };
  sent.total = sent.humans + sent.heads + sent.bots;
  const other: Record<string, number> = {};
  for (const run of runs)
    for (const kind of kinds)
      for (const [status, n] of Object.entries(run.statuses[kind]))
        if (status !== '302') other[`${kind} ${status}`] = (other[`${kind} ${status}`] ?? 0) + n;
  const started = Date.now();
  let stored: ClickCounts | null = null;
  let lastTotal = -1;
  let stableSince = Date.now();
  while (Date.now() - started < 90_000) {
    stored = (await clickCounts().catch(() => null)) ?? stored;
    if (stored && stored.total >= sent.total) break;
    if (stored && stored.total !== lastTotal) {
      lastTotal = stored.total;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 10_000) break;
    await sleep(500);
  }
  const drainSeconds = round((Date.now() - started) / 1000, 1);
  return { sent, stored, lost: stored ? sent.total - stored.total : null, other, drainSeconds };
}

async function devServers(snapshot: Snapshot): Promise<Servers> {
  const bareDir = join(snapshot.dir, 'bare');
  mkdirSync(bareDir, { recursive: true });
  for (const file of ['bare-worker.js', 'bare.wrangler.toml']) copyFileSync(join(ROOT, 'bench', file), join(bareDir, file));
  const shopState = join(snapshot.dir, 'state-dev-shopfront');
  await applyMigrations(snapshot.config, shopState);
  const [shopfront, bare] = await Promise.all([
    startWranglerDev({
      config: snapshot.config,
      persistTo: shopState,
      envFile: snapshot.envFile,
      logFile: join(snapshot.dir, 'wrangler-dev-shopfront.log'),
      readyPath: '/healthz',
    }),
    startWranglerDev({
      config: join(bareDir, 'bare.wrangler.toml'),
      persistTo: join(snapshot.dir, 'state-dev-bare'),
      logFile: join(snapshot.dir, 'wrangler-dev-bare.log'),
    }),
  ]);
  log(`  wrangler dev: shopfront ${shopfront.url}, bare ${bare.url}`);
  return {
    bare,
    shopfront,
    clickCounts: async () => readClickCounts(shopState),
    stop: async () => {
      await Promise.all([shopfront.stop(), bare.stop()]);
    },
  };
}

async function runtimeServers(snapshot: Snapshot): Promise<Servers> {
  const state = join(snapshot.dir, 'state-runtime-shopfront');
  await applyMigrations(snapshot.config, state);
  const config = builtConfig(snapshot);
  const compatibilityDate = String(config.compatibility_date ?? '2026-10-01');
  const [shopfront, bare] = await Promise.all([
    startBuiltWorker(snapshot, state),
    startBareWorker(join(ROOT, 'bench', 'bare-worker.js'), compatibilityDate),
  ]);
  log(`  miniflare: shopfront ${shopfront.url}, bare ${bare.url}`);
  return {
    bare,
    shopfront,
    clickCounts: async () => (shopfront.clickCounts ? shopfront.clickCounts() : null),
    stop: async () => {
      await Promise.all([shopfront.stop(), bare.stop()]);
    },
  };
}

function figuresOf(result: LevelResult): Figure[] {
  const name = LEVEL_NAME[result.level];
  const target = TARGET_RATIO[result.level];
  const c = result.clicks;
  return [
    { name: `${name}: bare req/s`, value: result.bare.rps, unit: 'req/s' },
    { name: `${name}: shopfront req/s`, value: result.shopfront.rps, unit: 'req/s' },
    { name: `${name}: shopfront / bare`, value: result.ratio, unit: 'x', target: `>= ${target}`, met: result.ratio >= target },
    { name: `${name}: bare p50 / p99`, value: `${fmt(result.bare.p50, 1)} / ${fmt(result.bare.p99, 1)}`, unit: 'ms' },
    { name: `${name}: shopfront p50 / p99`, value: `${fmt(result.shopfront.p50, 1)} / ${fmt(result.shopfront.p99, 1)}`, unit: 'ms' },
    {
      name: `${name}: clicks sent / stored / lost`,
      value: `${c.sent.total} / ${c.stored?.total ?? 'n/a'} / ${c.lost ?? 'n/a'}`,
      target: '0 lost',
      met: c.lost === 0 && Object.keys(c.other).length === 0,
      note:
        `sent humans ${c.sent.humans}, HEAD ${c.sent.heads}, bots ${c.sent.bots}; stored humans ${c.stored?.humans ?? 'n/a'}, ` +
        `HEAD ${c.stored?.heads ?? 'n/a'}, flagged bots ${c.stored?.bots ?? 'n/a'} (HEAD included)` +
        (Object.keys(c.other).length > 0 ? `; non-302 answers: ${JSON.stringify(c.other)}` : ''),
    },
  ];
}

function printLevel(result: LevelResult): void {
  const c = result.clicks;
  log(`\n${LEVEL_NAME[result.level]} (median of ${options.rounds} rounds, ${options.connections} connections)`);
  log(`  bare       ${fmt(result.bare.rps).padStart(7)} req/s   p50 ${fmt(result.bare.p50, 1)} ms   p99 ${fmt(result.bare.p99, 1)} ms`);
  log(
    `  shopfront  ${fmt(result.shopfront.rps).padStart(7)} req/s   p50 ${fmt(result.shopfront.p50, 1)} ms   p99 ${fmt(result.shopfront.p99, 1)} ms`,
  );
  log(`  ratio shopfront / bare: ${result.ratio}x (target >= ${TARGET_RATIO[result.level]}x)`);
  log(
    `  clicks: sent ${c.sent.total} (humans ${c.sent.humans}, HEAD ${c.sent.heads}, bots ${c.sent.bots}) / stored ` +
      `${c.stored?.total ?? 'n/a'} (humans ${c.stored?.humans ?? 'n/a'}, HEAD ${c.stored?.heads ?? 'n/a'}, bot-flagged ` +
      `${c.stored?.bots ?? 'n/a'}) / lost ${c.lost ?? 'n/a'}  (drained in ${c.drainSeconds} s)`,
  );
  if (Object.keys(c.other).length > 0) log(`  non-302 answers: ${JSON.stringify(c.other)}`);
}

const loadStart = load1();
await runBench(main, (error) =>
  printResult({ bench: 'redirect', ok: false, load: { start: loadStart, end: load1() }, options, figures: [], error }),
);

async function main(): Promise<void> {
  await ensureBuilt(options.build);
  const dir = tempDir('redirect');
  const snapshot = snapshotBuild(dir);
  const traffic = trafficMix(1000);
  const levels: Level[] = options.level === 'both' ? ['dev', 'runtime'] : [options.level as Level];
  const results: LevelResult[] = [];
  for (const level of levels) {
    log(`\n== ${LEVEL_NAME[level]}`);
    const servers = level === 'dev' ? await devServers(snapshot) : await runtimeServers(snapshot);
    try {
      const result = await measure(level, servers, traffic);
      results.push(result);
      printLevel(result);
    } finally {
      await servers.stop();
    }
  }
  printResult({
    bench: 'redirect',
    ok: true,
    load: { start: loadStart, end: load1() },
    options: { ...options, traffic: '1000 requests: ~80% browser GET, ~8% HEAD, ~12% bot GET' },
    figures: results.flatMap(figuresOf),
    details: results,
  });
}
