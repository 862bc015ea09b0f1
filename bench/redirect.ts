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
import { describeLoad, runLoad, type LoadRun } from './lib/load.ts';
import { ROOT, sleep } from '../scripts/lib/harness/process.ts';
import { benchArgs, fmt, log, median, numberArg, round, runBenchmark, type Figure } from './lib/report.ts';
import { alternate, ratioFigure } from './lib/rounds.ts';
import { LEVEL_NAME, levelsOf, startTarget, writeConfig, type Level, type Target } from './lib/targets.ts';
import { KINDS, trafficMix, type TrafficRequest } from './lib/traffic.ts';
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

const TARGETS = {
  bare: 'bare',
  bareRouter: 'bare + assets router',
  r2: 'R2 router+queue+D1',
  r3: 'R3 R2+HMAC',
  shopfront: 'shopfront',
} as const;
type Key = keyof typeof TARGETS;
const KEYS = Object.keys(TARGETS) as Key[];
const BARE = 'a bare 302: no click logged, no router hop (information; the targets are against R2 and R3)';
/** The ratio figures, shopfront / reference: named how, with what note, with which target per level (issue 26). */
const RATIOS: [Key, string, string | undefined, Partial<Record<Level, number>>][] = [
  ['bare', 'bare', BARE, {}],
  ['bareRouter', '(bare + assets router)', 'both pass the same static-assets router hop', {}],
  ['r2', 'R2 (router + queue + D1)', undefined, { dev: 0.95 }],
  ['r3', 'R3 (R2 + HMAC)', undefined, { runtime: 0.95 }],
];
const TARGET_OWN_CPU_US = 60;

/** One level: every target started, a warm-up and --rounds alternating rounds (each sized by the target's last rate), the figures. */
async function measure(level: Level, snapshot: Snapshot, traffic: TrafficRequest[]): Promise<Figure[]> {
  const targets = await startAll(level, snapshot);
  try {
    const { connections, seconds } = options;
    const rate = {} as Record<Key, number>;
    const answered: LoadRun[] = [];
    const load = async (key: Key, round: number) => {
      const amount =
        round === 0 ? connections * 25 : Math.max(connections * 10, Math.round(rate[key] * seconds));
      const limitMs = Math.max(60_000, seconds * 20_000);
      const run = await runLoad(targets[key], traffic, { connections, amount, limitMs });
      rate[key] = run.rps;
      if (key === 'shopfront') answered.push(run);
      return run;
    };
    const runs = await alternate(`bench:redirect ${level}`, KEYS, options.rounds, load, describeLoad);
    const clicks = await clickFigure(answered, targets.shopfront.persistTo);
    const logFile = targets.shopfront.logFile;
    return figuresOf(LEVEL_NAME[level], runs, [clicks, ...(logFile ? [errorsInLog(logFile)] : [])], level);
  } finally {
    await Promise.all(Object.values(targets).map((t) => t.stop()));
  }
}

function figuresOf(name: string, runs: Record<Key, LoadRun[]>, checks: Figure[], level: Level): Figure[] {
  const mid = (key: Key, field: 'rps' | 'p50' | 'p99' | 'serverCpuUs') =>
    median(runs[key].map((r) => r[field]));
  const [ours, r3] = [mid('shopfront', 'serverCpuUs'), mid('r3', 'serverCpuUs')];
  const ownCpuUs = round(ours - r3);
  return [
    ...KEYS.map((key) => {
      const errors = runs[key].reduce((sum, r) => sum + r.errors + r.timeouts, 0);
      const latency = `p50 ${fmt(mid(key, 'p50'), 1)} ms, p99 ${fmt(mid(key, 'p99'), 1)} ms`;
      return {
        name: `${name}: ${TARGETS[key]}`,
        value: `${fmt(mid(key, 'rps'))} req/s, ${latency}`,
        note: `server CPU ${fmt(mid(key, 'serverCpuUs'))} µs/request` + (errors ? `, ${errors} errors` : ''),
      };
    }),
    ...RATIOS.map(([key, against, note, target]) =>
      ratioFigure(
        `${name}: shopfront / ${against}`,
        mid('shopfront', 'rps') / mid(key, 'rps'),
        target[level],
        note,
      ),
    ),
    {
      name: `${name}: our own server CPU per click over R3`,
      value: ownCpuUs,
      unit: 'µs',
      target: `<= ${TARGET_OWN_CPU_US}`,
      met: ownCpuUs <= TARGET_OWN_CPU_US,
      note: `shopfront ${fmt(ours)} µs - R3 ${fmt(r3)} µs per request (all server processes)`,
    },
    ...checks.map((f) => ({ ...f, name: `${name}: ${f.name}` })),
  ];
}

/** The shopfront's 302s (warm-up included) against the click rows once the queue has drained into D1 (bounded wait). */
async function clickFigure(runs: LoadRun[], persistTo: string): Promise<Figure> {
  const sent = { human: 0, head: 0, bot: 0 };
  const other: Record<string, number> = {};
  for (const run of runs)
    for (const kind of KINDS)
      for (const [status, n] of Object.entries(run.statuses[kind]))
        if (status === '302') sent[kind] += n;
        else other[`${kind} ${status}`] = (other[`${kind} ${status}`] ?? 0) + n;
  const total = sent.human + sent.head + sent.bot;
  const started = Date.now();
  let stored = null as ClickCounts | null;
  let stableSince = started;
  while (Date.now() - started < 90_000) {
    const before = stored?.total;
    stored = readClickCounts(persistTo) ?? stored;
    if (stored && stored.total >= total) break;
    if (stored?.total !== before) stableSince = Date.now();
    else if (Date.now() - stableSince > 10_000) break;
    await sleep(500);
  }
  const lost = stored ? total - stored.total : null;
  const odd = Object.keys(other).length > 0;
  return {
    name: 'clicks sent / stored / lost',
    value: `${total} / ${stored?.total ?? 'n/a'} / ${lost ?? 'n/a'}`,
    target: '0 lost',
    met: lost === 0 && !odd,
    note:
      `sent: ${sent.human} browser GET, ${sent.head} HEAD, ${sent.bot} bot GET; stored: ${stored?.humans ?? 'n/a'} human, ` +
      `${stored?.heads ?? 'n/a'} HEAD, ${stored?.bots ?? 'n/a'} flagged bot (HEAD included)` +
      (odd ? `; non-302 answers: ${JSON.stringify(other)}` : '') +
      `; checked after ${round((Date.now() - started) / 1000, 1)} s`,
  };
}

/** Uncaught errors wrangler dev printed for the Worker (it reports them from the runtime's inspector). */
function errorsInLog(file: string): Figure {
  // eslint-disable-next-line no-control-regex
  const text = readFileSync(file, 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
  const messages = new Map<string, number>();
  for (const match of text.matchAll(/(?:✘ \[ERROR\]|Uncaught)\s*(.*)/g)) {
    const message = (match[1] ?? '').trim().slice(0, 160);
    messages.set(message, (messages.get(message) ?? 0) + 1);
  }
  const top = [...messages].sort((a, b) => b[1] - a[1]).slice(0, 3);
  return {
    name: 'uncaught Worker errors during the run',
    value: [...messages.values()].reduce((a, b) => a + b, 0),
    note: top.map(([message, n]) => `${n}x ${message}`).join('; '),
  };
}

/**
 * The five targets at one level, one at a time: the build's own config for the shopfront; the
 * references next to it, the bare one plain and the others behind the shopfront's static-assets
 * router, R2 and R3 with a queue consumed into their own D1.
 */
async function startAll(level: Level, snapshot: Snapshot): Promise<Record<Key, Target>> {
  const dir = join(snapshot.dir, 'bare');
  mkdirSync(dir, { recursive: true });
  for (const file of ['bare-worker.js', 'reference-worker.js'])
    copyFileSync(join(ROOT, 'bench', file), join(dir, file));
  const built = builtConfig(snapshot) as { compatibility_date?: string; assets?: object };
  const config = (name: string, main: string, extra: Record<string, unknown> = {}) =>
    writeConfig(join(dir, `${name}.wrangler.json`), name, main, {
      compatibility_date: built.compatibility_date,
      ...extra,
    });
  // The build's own router settings (run_worker_first, not_found_handling) over the same files.
  const assets = { assets: { ...built.assets, directory: join(snapshot.dir, 'dist', 'client') } };
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
  const configs: Record<Key, string> = {
    bare: config('bare', 'bare-worker.js'),
    bareRouter: config('bare-assets', 'bare-worker.js', assets),
    r2: reference('r2'),
    r3: reference('r3'),
    shopfront: snapshot.config,
  };
  const started = {} as Record<Key, Target>;
  for (const key of KEYS) {
    const ours = key === 'shopfront';
    const readyPath = ours ? '/healthz' : '/go/x/y';
    started[key] = await startTarget(level, configs[key], {
      name: key,
      ...snapshot,
      readyPath,
      migrated: !ours,
    });
  }
  return started;
}

await runBenchmark('redirect', options, async () => {
  await ensureBuilt(options.build);
  const snapshot = snapshotBuild(tempDir('redirect'));
  const traffic = trafficMix(1000);
  const figures: Figure[] = [];
  for (const level of levels) {
    log(`\n== ${LEVEL_NAME[level]}`);
    figures.push(...(await measure(level, snapshot, traffic)));
  }
  return { options: { traffic: '1000 requests: ~80% browser GET, ~8% HEAD, ~12% bot GET' }, figures };
});
