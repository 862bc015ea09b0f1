/**
 * `npm run bench:redirect`: tracked-link redirects of the built shopfront against
 * references, alternating them round by round with the same connections and the same
 * traffic (4,096 client addresses), at two levels:
 *   1. through `wrangler dev` (what users run locally);
 *   2. on the runtime alone: Miniflare serving the built Worker, no dev proxy.
 * References: a bare Worker that only answers 302 (alone, and behind the same static-assets
 * router as the shopfront), and two that do the click's mandatory platform work with none of
 * our code (bench/reference-worker.js): R2 = behind the router, one queue message per click
 * consumed into D1 with one statement per batch; R3 = R2 plus one HMAC (the visitor hash).
 * Targets (issue 26): shopfront >= 0.95x R2 through wrangler dev, >= 0.95x R3 on the runtime,
 * our own server CPU per click over R3 <= 60 µs, and every redirect logged (rows = 302s).
 *
 * Flags: --quick (short rounds, for development), --rounds N, --seconds S per run,
 * --connections N, --level dev|runtime|both, --build (astro build first).
 * Last stdout line: the figures as JSON (see bench/lib/report.ts).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtConfig, ensureBuilt, snapshotBuild, tempDir, type Snapshot } from './lib/built-site.ts';
import { cpuMs, groupPids } from './lib/cpu.ts';
import { count, runLoad, type LoadRun } from './lib/load.ts';
import { startBareWorker, startBuiltWorker, startReferenceWorker } from './lib/miniflare-site.ts';
import { progress } from '../scripts/lib/progress.ts';
import { ROOT, sleep } from '../scripts/lib/harness/process.ts';
import { benchArgs, fmt, log, median, numberArg, round, runBenchmark, type Figure } from './lib/report.ts';
import { trafficMix, type Kind, type TrafficRequest } from './lib/traffic.ts';
import { readClickCounts, type ClickCounts } from '../scripts/lib/harness/d1.ts';
import { applyMigrations, startWranglerDev } from '../scripts/lib/harness/wrangler.ts';

const args = benchArgs();
const quick = args.has('quick');
const options = {
  rounds: numberArg(args, 'rounds', quick ? 2 : 4),
  seconds: numberArg(args, 'seconds', quick ? 1.5 : 5),
  connections: numberArg(args, 'connections', 32),
  level: args.get('level') ?? 'both',
  build: args.has('build'),
};
if (!['dev', 'runtime', 'both'].includes(options.level))
  throw new Error('--level must be dev, runtime or both');

/** Targets from issue 26: shopfront / reference throughput, per level, and our own CPU per click over R3. */
const TARGET_RATIO = {
  dev: { reference: 'r2', ratio: 0.95 },
  runtime: { reference: 'r3', ratio: 0.95 },
} as const;
const TARGET_OWN_CPU_US = 60;
type Level = keyof typeof TARGET_RATIO;
const LEVEL_NAME: Record<Level, string> = { dev: 'wrangler dev', runtime: 'runtime alone (Miniflare)' };

type TargetKey = 'bare' | 'bareRouter' | 'r2' | 'r3' | 'shopfront';
const TARGET_NAME: Record<TargetKey, string> = {
  bare: 'bare',
  bareRouter: 'bare + assets router',
  r2: 'R2 router+queue+D1',
  r3: 'R3 R2+HMAC',
  shopfront: 'shopfront',
};

interface Server {
  url: string;
  /** Server processes, for CPU time per request. */
  pids: () => number[];
}

interface Servers {
  targets: Record<TargetKey, Server>;
  clickCounts: () => Promise<ClickCounts | null>;
  /** Errors the shopfront Worker reported while under load, where the level can see them. */
  workerErrors?: () => WorkerErrors;
  stop: () => Promise<void>;
}

interface Run extends LoadRun {
  /** Server CPU time (all its processes) per request, in microseconds. */
  serverCpuUs: number;
}

interface Summary {
  rps: number;
  p50: number;
  p99: number;
  serverCpuUs: number;
  errors: number;
}

interface ClickCheck {
  sent: { total: number; humans: number; heads: number; bots: number };
  stored: ClickCounts | null;
  lost: number | null;
  other: Record<string, number>;
  drainSeconds: number;
}

interface WorkerErrors {
  count: number;
  /** Distinct messages with their counts. */
  messages: Record<string, number>;
}

interface LevelResult {
  level: Level;
  workerErrors?: WorkerErrors;
  summary: Record<TargetKey, Summary>;
  /** Shopfront requests/s over each other target's. */
  ratios: Record<Exclude<TargetKey, 'shopfront'>, number>;
  /** Server CPU per click of the shopfront over R3's, in µs: what our own code costs. */
  ownCpuUs: number;
  clicks: ClickCheck;
  runs: Record<TargetKey, Run[]>;
}

const KEYS: TargetKey[] = ['bare', 'bareRouter', 'r2', 'r3', 'shopfront'];

function summarize(runs: Run[]): Summary {
  return {
    rps: round(median(runs.map((r) => r.rps))),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    serverCpuUs: round(median(runs.map((r) => r.serverCpuUs))),
    errors: runs.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
  };
}

async function loadOnce(server: Server, traffic: TrafficRequest[], amount: number): Promise<Run> {
  const limitMs = Math.max(60_000, options.seconds * 20_000);
  const pids = server.pids();
  const before = cpuMs(pids);
  const run = await runLoad(server.url, traffic, { connections: options.connections, amount, limitMs });
  const serverCpuUs = run.requests > 0 ? ((cpuMs(pids) - before) * 1000) / run.requests : 0;
  return { ...run, serverCpuUs };
}

async function measure(level: Level, servers: Servers, traffic: TrafficRequest[]): Promise<LevelResult> {
  const rate = {} as Record<TargetKey, number>;
  const runs = Object.fromEntries(KEYS.map((key) => [key, [] as Run[]])) as Record<TargetKey, Run[]>;
  const shopfrontWarmups: Run[] = [];
  const bar = progress(`bench:redirect ${level}`, KEYS.length * (options.rounds + 1), 'loads');
  for (const key of KEYS) {
    bar.tick(0, `warm-up ${TARGET_NAME[key]}`);
    const warm = await loadOnce(servers.targets[key], traffic, options.connections * 25);
    rate[key] = warm.rps;
    if (key === 'shopfront') shopfrontWarmups.push(warm);
    bar.tick();
    log(`  warm-up ${TARGET_NAME[key]}: ${fmt(warm.rps)} req/s`);
  }
  for (let round = 1; round <= options.rounds; round++) {
    for (const key of KEYS) {
      bar.tick(0, `round ${round} ${TARGET_NAME[key]}`);
      const amount = Math.max(options.connections * 10, Math.round(rate[key] * options.seconds));
      const run = await loadOnce(servers.targets[key], traffic, amount);
      rate[key] = run.rps;
      runs[key].push(run);
      bar.tick();
      log(
        `  round ${round} ${TARGET_NAME[key].padEnd(20)} ${fmt(run.rps).padStart(7)} req/s  p50 ${fmt(run.p50, 1)} ms` +
          `  p99 ${fmt(run.p99, 1)} ms  server CPU ${fmt(run.serverCpuUs)} µs/req` +
          (run.errors + run.timeouts > 0 ? `  errors ${run.errors} timeouts ${run.timeouts}` : ''),
      );
    }
  }
  log(`bench:redirect ${level}: ${KEYS.length * (options.rounds + 1)} load runs in ${bar.stop()} s`);
  const clicks = await checkClicks([...shopfrontWarmups, ...runs.shopfront], servers.clickCounts);
  const workerErrors = servers.workerErrors?.();
  const summary = Object.fromEntries(KEYS.map((key) => [key, summarize(runs[key])])) as Record<
    TargetKey,
    Summary
  >;
  const ratioTo = (key: TargetKey) => round(summary.shopfront.rps / summary[key].rps, 3);
  return {
    level,
    ...(workerErrors ? { workerErrors } : {}),
    summary,
    ratios: {
      bare: ratioTo('bare'),
      bareRouter: ratioTo('bareRouter'),
      r2: ratioTo('r2'),
      r3: ratioTo('r3'),
    },
    ownCpuUs: round(summary.shopfront.serverCpuUs - summary.r3.serverCpuUs),
    clicks,
    runs,
  };
}

/** Waits (bounded) until the queue has drained into D1, then compares rows with the 302s answered. */
async function checkClicks(
  runs: LoadRun[],
  clickCounts: () => Promise<ClickCounts | null>,
): Promise<ClickCheck> {
  const kinds: Kind[] = ['human', 'head', 'bot'];
  const sum = (kind: Kind, status: string) =>
    runs.reduce((total, r) => total + count(r.statuses, kind, status), 0);
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

/** The references' wrangler configs: bare plain and behind the shopfront's assets router; R2 and R3. */
function referenceConfigs(snapshot: Snapshot): { plain: string; router: string; r2: string; r3: string } {
  const dir = join(snapshot.dir, 'bare');
  mkdirSync(dir, { recursive: true });
  for (const file of ['bare-worker.js', 'bare.wrangler.toml', 'reference-worker.js'])
    copyFileSync(join(ROOT, 'bench', file), join(dir, file));
  const built = builtConfig(snapshot) as {
    assets?: { run_worker_first?: unknown; not_found_handling?: string };
  };
  const behindRouter = (name: string, main: string, extra: Record<string, unknown> = {}) => {
    const path = join(dir, `${name}.wrangler.json`);
    writeFileSync(
      path,
      JSON.stringify({
        name: `shopfront-bench-${name}`,
        main,
        compatibility_date: String(builtConfig(snapshot).compatibility_date),
        compatibility_flags: ['nodejs_compat'],
        send_metrics: false,
        assets: {
          directory: join(snapshot.dir, 'dist', 'client'),
          run_worker_first: built.assets?.run_worker_first ?? true,
          not_found_handling: built.assets?.not_found_handling ?? 'none',
        },
        ...extra,
      }),
    );
    return path;
  };
  const reference = (name: 'r2' | 'r3') =>
    behindRouter(name, 'reference-worker.js', {
      vars: { REFERENCE_HMAC: name === 'r3' ? '1' : '0', VISITOR_HASH_SECRET: 'bench-reference-secret' },
      d1_databases: [{ binding: 'DB', database_name: `reference-${name}`, database_id: `reference-${name}` }],
      queues: {
        producers: [{ binding: 'CLICKS', queue: `reference-${name}` }],
        consumers: [{ queue: `reference-${name}`, max_batch_size: 100, max_batch_timeout: 2 }],
      },
    });
  return {
    plain: join(dir, 'bare.wrangler.toml'),
    router: behindRouter('bare-assets', 'bare-worker.js'),
    r2: reference('r2'),
    r3: reference('r3'),
  };
}

async function devServers(snapshot: Snapshot): Promise<Servers> {
  const refs = referenceConfigs(snapshot);
  const shopState = join(snapshot.dir, 'state-dev-shopfront');
  await applyMigrations(snapshot.config, shopState);
  const dev = (name: string, config: string, extra: { envFile?: string; readyPath?: string } = {}) =>
    startWranglerDev({
      config,
      persistTo: name === 'shopfront' ? shopState : join(snapshot.dir, `state-dev-${name}`),
      logFile: join(snapshot.dir, `wrangler-dev-${name}.log`),
      ...extra,
    });
  // One at a time: three wrangler starts at once would only fight over two cores.
  const shopfront = await dev('shopfront', snapshot.config, {
    envFile: snapshot.envFile,
    readyPath: '/healthz',
  });
  const plain = await dev('bare', refs.plain);
  const router = await dev('bare-assets', refs.router, { readyPath: '/go/x/y' });
  const r2 = await dev('r2', refs.r2, { readyPath: '/go/x/y' });
  const r3 = await dev('r3', refs.r3, { readyPath: '/go/x/y' });
  return {
    ...serversOf('wrangler dev', { bare: plain, bareRouter: router, r2, r3, shopfront }, (s) => ({
      url: s.url,
      pids: () => groupPids(s.process.child.pid ?? -1),
    })),
    clickCounts: async () => readClickCounts(shopState),
    workerErrors: () => errorsInLog(shopfront.logFile),
  };
}

/** The five targets of a level as load targets, and how to stop them all. */
function serversOf<S extends { url: string; stop: () => Promise<void> }>(
  level: string,
  started: Record<TargetKey, S>,
  server: (s: S) => Server,
): Pick<Servers, 'targets' | 'stop'> {
  log(`  ${level}: ${KEYS.map((key) => `${TARGET_NAME[key]} ${started[key].url}`).join(', ')}`);
  return {
    targets: Object.fromEntries(KEYS.map((key) => [key, server(started[key])])) as Record<TargetKey, Server>,
    stop: async () => {
      await Promise.all(KEYS.map((key) => started[key].stop()));
    },
  };
}

/** Uncaught errors wrangler dev printed for the Worker (it reports them from the runtime's inspector). */
function errorsInLog(file: string): WorkerErrors {
  // eslint-disable-next-line no-control-regex
  const text = readFileSync(file, 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
  const messages: Record<string, number> = {};
  let count = 0;
  for (const match of text.matchAll(/(?:✘ \[ERROR\]|Uncaught)\s*(.*)/g)) {
    const message = (match[1] ?? '').trim().slice(0, 160);
    messages[message] = (messages[message] ?? 0) + 1;
    count++;
  }
  return { count, messages };
}

async function runtimeServers(snapshot: Snapshot): Promise<Servers> {
  const state = join(snapshot.dir, 'state-runtime-shopfront');
  await applyMigrations(snapshot.config, state);
  const config = builtConfig(snapshot) as {
    compatibility_date?: string;
    assets?: { run_worker_first?: string[] };
  };
  const date = String(config.compatibility_date ?? '2026-10-01');
  const bareScript = join(ROOT, 'bench', 'bare-worker.js');
  // One at a time, so each server's workerd process is known (CPU accounting).
  const shopfront = await startBuiltWorker(snapshot, state);
  const plain = await startBareWorker(bareScript, date);
  const router = await startBareWorker(
    bareScript,
    date,
    join(snapshot.dir, 'dist', 'client'),
    config.assets?.run_worker_first,
  );
  const reference = (hmac: boolean) =>
    startReferenceWorker(
      join(ROOT, 'bench', 'reference-worker.js'),
      date,
      join(snapshot.dir, 'dist', 'client'),
      config.assets?.run_worker_first,
      { hmac, persistTo: join(snapshot.dir, hmac ? 'state-runtime-r3' : 'state-runtime-r2') },
    );
  const r2 = await reference(false);
  const r3 = await reference(true);
  return {
    ...serversOf('miniflare', { bare: plain, bareRouter: router, r2, r3, shopfront }, (s) => ({
      url: s.url,
      pids: () => s.pids,
    })),
    clickCounts: shopfront.clickCounts,
  };
}

/** The ratio figures: against which target, named how, with what note. */
const RATIO_FIGURES: [Exclude<TargetKey, 'shopfront'>, string, string?][] = [
  [
    'bare',
    'bare',
    'a bare 302: no click logged, no router hop (information; the targets are against R2 and R3)',
  ],
  ['bareRouter', '(bare + assets router)', 'both pass the same static-assets router hop'],
  ['r2', 'R2 (router + queue + D1)'],
  ['r3', 'R3 (R2 + HMAC)'],
];

function figuresOf(result: LevelResult): Figure[] {
  const name = LEVEL_NAME[result.level];
  const target = TARGET_RATIO[result.level];
  const c = result.clicks;
  const s = result.summary;
  const perTarget = KEYS.map((key): Figure => ({
    name: `${name}: ${TARGET_NAME[key]}`,
    value: `${fmt(s[key].rps)} req/s, p50 ${fmt(s[key].p50, 1)} ms, p99 ${fmt(s[key].p99, 1)} ms`,
    note:
      `server CPU ${fmt(s[key].serverCpuUs)} µs/request` + (s[key].errors ? `, ${s[key].errors} errors` : ''),
  }));
  const errors = result.workerErrors;
  const errorFigure: Figure[] = errors
    ? [
        {
          name: `${name}: uncaught Worker errors during the run`,
          value: errors.count,
          note: Object.entries(errors.messages)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 3)
            .map(([message, n]) => `${n}x ${message}`)
            .join('; '),
        },
      ]
    : [];
  return [
    ...perTarget,
    ...RATIO_FIGURES.map(([key, against, note]): Figure => ({
      name: `${name}: shopfront / ${against}`,
      value: result.ratios[key],
      unit: 'x',
      ...(note ? { note } : {}),
      ...(target.reference === key
        ? { target: `>= ${target.ratio}`, met: result.ratios[key] >= target.ratio }
        : {}),
    })),
    {
      name: `${name}: our own server CPU per click over R3`,
      value: result.ownCpuUs,
      unit: 'µs',
      target: `<= ${TARGET_OWN_CPU_US}`,
      met: result.ownCpuUs <= TARGET_OWN_CPU_US,
      note: `shopfront ${fmt(s.shopfront.serverCpuUs)} µs - R3 ${fmt(s.r3.serverCpuUs)} µs per request (all server processes)`,
    },
    {
      name: `${name}: clicks sent / stored / lost`,
      value: `${c.sent.total} / ${c.stored?.total ?? 'n/a'} / ${c.lost ?? 'n/a'}`,
      target: '0 lost',
      met: c.lost === 0 && Object.keys(c.other).length === 0,
      note:
        `sent: ${c.sent.humans} browser GET, ${c.sent.heads} HEAD, ${c.sent.bots} bot GET; stored: ${c.stored?.humans ?? 'n/a'} human, ` +
        `${c.stored?.heads ?? 'n/a'} HEAD, ${c.stored?.bots ?? 'n/a'} flagged bot (HEAD included)` +
        (Object.keys(c.other).length > 0 ? `; non-302 answers: ${JSON.stringify(c.other)}` : '') +
        `; checked after ${c.drainSeconds} s`,
    },
    ...errorFigure,
  ];
}

await runBenchmark('redirect', options, async () => {
  await ensureBuilt(options.build);
  const snapshot = snapshotBuild(tempDir('redirect'));
  const traffic = trafficMix(1000);
  const levels: Level[] = options.level === 'both' ? ['dev', 'runtime'] : [options.level as Level];
  const results: LevelResult[] = [];
  for (const level of levels) {
    log(`\n== ${LEVEL_NAME[level]}`);
    const servers = level === 'dev' ? await devServers(snapshot) : await runtimeServers(snapshot);
    try {
      results.push(await measure(level, servers, traffic));
    } finally {
      await servers.stop();
    }
  }
  return {
    options: { traffic: '1000 requests: ~80% browser GET, ~8% HEAD, ~12% bot GET' },
    figures: results.flatMap(figuresOf),
    details: results.map(({ runs, ...rest }) => ({
      ...rest,
      runs: Object.fromEntries(
        Object.entries(runs).map(([k, list]) => [
          k,
          list.map((r) => ({ ...r, rps: round(r.rps), serverCpuUs: round(r.serverCpuUs) })),
        ]),
      ),
    })),
  };
});
