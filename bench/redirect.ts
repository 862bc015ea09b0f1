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
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtConfig, ensureBuilt, snapshotBuild, tempDir, type Snapshot } from './lib/built-site.ts';
import { cpuMs } from './lib/cpu.ts';
import { count, runLoad, type LoadRun } from './lib/load.ts';
import { progress } from '../scripts/lib/progress.ts';
import { ROOT, sleep } from '../scripts/lib/harness/process.ts';
import { benchArgs, fmt, log, median, numberArg, round, runBenchmark, type Figure } from './lib/report.ts';
import { LEVEL_NAME, levelsOf, startTarget, writeConfig, type Level, type Target } from './lib/targets.ts';
import { trafficMix, type Kind, type TrafficRequest } from './lib/traffic.ts';
import { readClickCounts, type ClickCounts } from '../scripts/lib/harness/d1.ts';

const args = benchArgs();
const quick = args.has('quick');
const options = {
  rounds: numberArg(args, 'rounds', quick ? 2 : 4),
  seconds: numberArg(args, 'seconds', quick ? 1.5 : 5),
  connections: numberArg(args, 'connections', 32),
  level: args.get('level') ?? 'both',
  build: args.has('build'),
};
const levels = levelsOf(options.level);

/** Targets from issue 26: shopfront / reference throughput, per level, and our own CPU per click over R3. */
const TARGET_RATIO = {
  dev: { reference: 'r2', ratio: 0.95 },
  runtime: { reference: 'r3', ratio: 0.95 },
} as const;
const TARGET_OWN_CPU_US = 60;

type TargetKey = 'bare' | 'bareRouter' | 'r2' | 'r3' | 'shopfront';
const TARGET_NAME: Record<TargetKey, string> = {
  bare: 'bare',
  bareRouter: 'bare + assets router',
  r2: 'R2 router+queue+D1',
  r3: 'R3 R2+HMAC',
  shopfront: 'shopfront',
};
const KEYS = Object.keys(TARGET_NAME) as TargetKey[];

interface Run extends LoadRun {
  /** Server CPU time (all its processes) per request, in microseconds. */
  serverCpuUs: number;
}

type Summary = Pick<Run, 'rps' | 'p50' | 'p99' | 'serverCpuUs' | 'errors'>;

interface ClickCheck {
  sent: { total: number; humans: number; heads: number; bots: number };
  stored: ClickCounts | null;
  lost: number | null;
  other: Record<string, number>;
  drainSeconds: number;
}

interface LevelResult {
  level: Level;
  /** Uncaught errors of the shopfront Worker in wrangler dev's log (dev level): count, distinct messages. */
  workerErrors?: { count: number; messages: Record<string, number> };
  summary: Record<TargetKey, Summary>;
  /** Shopfront requests/s over each other target's. */
  ratios: Record<Exclude<TargetKey, 'shopfront'>, number>;
  /** Server CPU per click of the shopfront over R3's, in µs: what our own code costs. */
  ownCpuUs: number;
  clicks: ClickCheck;
  runs: Record<TargetKey, Run[]>;
}

function summarize(runs: Run[]): Summary {
  const mid = (pick: (r: Run) => number) => median(runs.map(pick));
  return {
    rps: round(mid((r) => r.rps)),
    p50: mid((r) => r.p50),
    p99: mid((r) => r.p99),
    serverCpuUs: round(mid((r) => r.serverCpuUs)),
    errors: runs.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
  };
}

async function loadOnce(server: Target, traffic: TrafficRequest[], amount: number): Promise<Run> {
  const limitMs = Math.max(60_000, options.seconds * 20_000);
  const pids = server.pids();
  const before = cpuMs(pids);
  const run = await runLoad(server.url, traffic, { connections: options.connections, amount, limitMs });
  const serverCpuUs = run.requests > 0 ? ((cpuMs(pids) - before) * 1000) / run.requests : 0;
  return { ...run, serverCpuUs };
}

/** A warm-up of every target, then --rounds rounds of every target in turn, each sized by its last rate. */
async function measure(
  level: Level,
  targets: Record<TargetKey, Target>,
  traffic: TrafficRequest[],
): Promise<LevelResult> {
  const rate = {} as Record<TargetKey, number>;
  const runs = Object.fromEntries(KEYS.map((key) => [key, [] as Run[]])) as Record<TargetKey, Run[]>;
  const sent: Run[] = [];
  const bar = progress(`bench:redirect ${level}`, KEYS.length * (options.rounds + 1), 'loads');
  for (let round = 0; round <= options.rounds; round++) {
    for (const key of KEYS) {
      const what = round === 0 ? `warm-up ${TARGET_NAME[key]}` : `round ${round} ${TARGET_NAME[key]}`;
      bar.tick(0, what);
      const amount =
        round === 0
          ? options.connections * 25
          : Math.max(options.connections * 10, Math.round(rate[key] * options.seconds));
      const run = await loadOnce(targets[key], traffic, amount);
      rate[key] = run.rps;
      if (key === 'shopfront') sent.push(run);
      if (round > 0) runs[key].push(run);
      bar.tick();
      log(
        `  ${what.padEnd(28)} ${fmt(run.rps).padStart(7)} req/s  p50 ${fmt(run.p50, 1)} ms` +
          `  p99 ${fmt(run.p99, 1)} ms  server CPU ${fmt(run.serverCpuUs)} µs/req` +
          (run.errors + run.timeouts > 0 ? `  errors ${run.errors} timeouts ${run.timeouts}` : ''),
      );
    }
  }
  log(`bench:redirect ${level}: ${KEYS.length * (options.rounds + 1)} load runs in ${bar.stop()} s`);
  const clicks = await checkClicks(sent, targets.shopfront.persistTo);
  const logFile = targets.shopfront.logFile;
  const summary = Object.fromEntries(
    KEYS.map((key) => [key, summarize(runs[key])]),
  ) as LevelResult['summary'];
  const ratioTo = (key: TargetKey) => round(summary.shopfront.rps / summary[key].rps, 3);
  return {
    level,
    ...(logFile ? { workerErrors: errorsInLog(logFile) } : {}),
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
async function checkClicks(runs: LoadRun[], persistTo: string): Promise<ClickCheck> {
  const kinds: Kind[] = ['human', 'head', 'bot'];
  const sum = (kind: Kind) => runs.reduce((total, r) => total + count(r.statuses, kind, '302'), 0);
  const sent = { humans: sum('human'), heads: sum('head'), bots: sum('bot'), total: 0 };
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
    stored = readClickCounts(persistTo) ?? stored;
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

/**
 * Every target's wrangler config: the build's own for the shopfront; the references next to it,
 * the bare one plain and the others behind the shopfront's static-assets router, R2 and R3 with a
 * queue consumed into their own D1.
 */
function configs(snapshot: Snapshot): Record<TargetKey, string> {
  const dir = join(snapshot.dir, 'bare');
  mkdirSync(dir, { recursive: true });
  for (const file of ['bare-worker.js', 'reference-worker.js'])
    copyFileSync(join(ROOT, 'bench', file), join(dir, file));
  const built = builtConfig(snapshot) as {
    compatibility_date?: string;
    assets?: { run_worker_first?: unknown; not_found_handling?: string };
  };
  const config = (name: string, main: string, extra: Record<string, unknown> = {}) =>
    writeConfig(join(dir, `${name}.wrangler.json`), name, main, {
      compatibility_date: built.compatibility_date,
      ...extra,
    });
  const assets = {
    assets: {
      directory: join(snapshot.dir, 'dist', 'client'),
      run_worker_first: built.assets?.run_worker_first ?? true,
      not_found_handling: built.assets?.not_found_handling ?? 'none',
    },
  };
  const reference = (name: 'r2' | 'r3') =>
    config(name, 'reference-worker.js', {
      ...assets,
      vars: { REFERENCE_HMAC: name === 'r3' ? '1' : '0', VISITOR_HASH_SECRET: 'bench-reference-secret' },
      d1_databases: [{ binding: 'DB', database_name: `reference-${name}`, database_id: `reference-${name}` }],
      queues: {
        producers: [{ binding: 'CLICKS', queue: `reference-${name}` }],
        consumers: [{ queue: `reference-${name}`, max_batch_size: 100, max_batch_timeout: 2 }],
      },
    });
  return {
    bare: config('bare', 'bare-worker.js'),
    bareRouter: config('bare-assets', 'bare-worker.js', assets),
    r2: reference('r2'),
    r3: reference('r3'),
    shopfront: snapshot.config,
  };
}

/** The five targets at one level, one at a time. */
async function startAll(level: Level, snapshot: Snapshot): Promise<Record<TargetKey, Target>> {
  const started = {} as Record<TargetKey, Target>;
  for (const [key, config] of Object.entries(configs(snapshot)) as [TargetKey, string][]) {
    const shopfront = key === 'shopfront';
    started[key] = await startTarget(level, config, {
      name: key,
      dir: snapshot.dir,
      envFile: snapshot.envFile,
      readyPath: shopfront ? '/healthz' : '/go/x/y',
      migrated: !shopfront,
    });
  }
  log(`  ${LEVEL_NAME[level]}: ${KEYS.map((key) => `${TARGET_NAME[key]} ${started[key].url}`).join(', ')}`);
  return started;
}

/** Uncaught errors wrangler dev printed for the Worker (it reports them from the runtime's inspector). */
function errorsInLog(file: string): NonNullable<LevelResult['workerErrors']> {
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
  const results: LevelResult[] = [];
  for (const level of levels) {
    log(`\n== ${LEVEL_NAME[level]}`);
    const targets = await startAll(level, snapshot);
    try {
      results.push(await measure(level, targets, traffic));
    } finally {
      await Promise.all(Object.values(targets).map((t) => t.stop()));
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
