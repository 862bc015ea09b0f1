/**
 * `npm run bench:redirect`: tracked-link redirects of the built shopfront against references without
 * our code (bench/reference-worker.ts: a bare 302, alone and behind the same static-assets router;
 * R2 = the click's mandatory platform work: that router, one queue message per click consumed into
 * D1 with one statement per batch; R3 = R2 plus one HMAC, the visitor hash), in alternating rounds
 * with the same connections and traffic (4,096 client addresses), through `wrangler dev` (as users
 * run it) and on the runtime alone (Miniflare serving the built Worker, no dev proxy). Then --paired
 * rounds load the shopfront, R3L (R3 with our click log: bench/click-log-reference-worker.ts) and R3
 * at once, paced alike: our own CPU per click is the mean of the differences shopfront − R3, split
 * into our request path (shopfront − R3L) and the click log's storage (R3L − R3). Targets (issue
 * 26): >= 0.95x R2 through wrangler dev, >= 0.95x R3 on the runtime, our own server CPU per click
 * over R3 <= 60 µs, and every redirect logged (rows = 302s).
 *
 * Flags: --quick (short rounds, for development), --rounds N, --paired N, --seconds S per run,
 * --connections N, --level dev|runtime|both, --build (astro build first).
 */
import { join } from 'node:path';
import { ensureBuilt, snapshotBuild, tempDir, type Snapshot } from './lib/built-site.ts';
import { ROOT, sleep } from '../scripts/lib/harness/process.ts';
// prettier-ignore
import { fmt, log, meanAndError, median, options as flags, round, row, runBenchmark, type Figure } from './lib/report.ts';
import { alternate, ratioFigure } from './lib/rounds.ts';
// prettier-ignore
import { LEVEL_NAME, levelsOf, MIGRATED_D1, startTarget, writeConfig, type Level, type Target } from './lib/targets.ts';
import { describeLoad, KINDS, runLoad, trafficMix, type LoadRun } from './lib/traffic.ts';
import { readClickCounts } from '../scripts/lib/harness/d1.ts';

const [rounds, seconds, paired] = process.argv.includes('--quick') ? [2, 1.5, 3] : [4, 5, 8];
const options = flags({ rounds, seconds, paired, connections: 32, level: 'both', build: false });

type Key = 'bare' | 'bareRouter' | 'r2' | 'r3' | 'shopfront';
type Row = { name: string; ratio?: string; note?: string; target?: Partial<Record<Level, number>> };
/** The targets in the order they run: the row's name, and for a reference the ratio row shopfront / it (issue 26). */
// prettier-ignore
const TARGETS: Record<Key, Row> = {
  bare: { name: 'bare', ratio: 'bare', note: 'a bare 302: no click logged, no router hop (information; the targets are against R2 and R3)' },
  bareRouter: { name: 'bare + assets router', ratio: '(bare + assets router)', note: 'both pass the same static-assets router hop' },
  r2: { name: 'R2 router+queue+D1', ratio: 'R2 (router + queue + D1)', target: { dev: 0.95 } },
  r3: { name: 'R3 R2+HMAC', ratio: 'R3 (R2 + HMAC)', target: { runtime: 0.95 } },
  shopfront: { name: 'shopfront' },
};
const [KEYS, PAIRED] = [Object.keys(TARGETS) as Key[], ['shopfront', 'r3l', 'r3'] as const];
type Runs = Record<Key, LoadRun[]>;
type Pairs = Record<(typeof PAIRED)[number], LoadRun[]>;
const TARGET_OWN_CPU_US = 60;
/**
 * Our own CPU needs ours and R3 under the same machine conditions (seconds apart, their difference spread
 * over 280-580 µs): paired rounds load PAIRED at once (R3L only there), each with an equal part of the
 * connections and of this share of the slower one's rate alone, so all get the same requests at the same
 * times and end together. CPU per request depends on the load (how requests bunch up), so compare paired
 * figures with paired ones only (docs/scale.md).
 */
const PAIRED_SHARE = 0.7;
/** Requests in the traffic mix: more than the shopfront gets at a level, so its clicks are spread over thousands of visitors. */
const MIX = 40_000;
/** After each run, the queue's max_batch_timeout (2 s, wrangler.toml and the references) and a margin. */
const SETTLE_MS = 3_000;

/** One level: every target started; a warm-up and --rounds alternating rounds (each about --seconds at the target's last rate), --paired paired rounds; the figures. */
async function measure(level: Level, snapshot: Snapshot): Promise<Figure[]> {
  log(`\n== ${LEVEL_NAME[level]}`);
  const [traffic, targets] = [trafficMix(MIX), await startAll(level, snapshot)];
  try {
    const { connections: c, seconds } = options;
    const [rate, answered] = [{} as Record<Key | 'r3l', number>, [] as LoadRun[]];
    const limits = { limitMs: Math.max(60_000, seconds * 20_000), settleMs: SETTLE_MS };
    const run = async (key: Key | 'r3l', connections: number, amount: number, requestsPerSecond?: number) => {
      const sized = { connections, amount: Math.round(amount), requestsPerSecond, ...limits };
      const result = await runLoad(targets[key], traffic, sized);
      if (key === 'shopfront') answered.push(result);
      return ((rate[key] = result.rps), result);
    };
    const alone = (key: Key) => run(key, c, rate[key] ? Math.max(c * 10, rate[key] * seconds) : c * 25);
    const runs = await alternate(`bench:redirect ${level}`, KEYS, options.rounds, alone, describeLoad);
    const pace = Math.round((PAIRED_SHARE / PAIRED.length) * Math.min(rate.shopfront, rate.r3));
    const paired = (key: Key | 'r3l') => run(key, Math.ceil(c / PAIRED.length), pace * seconds, pace);
    const pairs: Pairs = { shopfront: [], r3l: [], r3: [] };
    for (let r = 1; r <= options.paired; r++) {
      const results = await Promise.all(PAIRED.map(paired));
      PAIRED.forEach((key, i) => pairs[key].push(results[i]!));
      const line = PAIRED.map((key, i) => `${key} ${describeLoad(results[i]!).trim()}`);
      log(`  paired ${r} at ${pace}/s: ${line.join(' | ')}`);
    }
    const clicks = await clickFigure(answered, targets.shopfront.persistTo);
    return figuresOf(LEVEL_NAME[level], level, runs, pairs, clicks);
  } finally {
    await Promise.all(Object.values(targets).map((t) => t.stop()));
  }
}

function figuresOf(name: string, level: Level, runs: Runs, pairs: Pairs, clicks: Figure) {
  const mid = (key: Key, f: 'rps' | 'p50' | 'p99' | 'serverCpuUs') => median(runs[key].map((r) => r[f]));
  // prettier-ignore
  return [
    ...KEYS.map((key) => {
      const errors = runs[key].reduce((sum, r) => sum + r.errors + r.timeouts, 0);
      const value = `${fmt(mid(key, 'rps'))} req/s, p50 ${fmt(mid(key, 'p50'), 1)} ms, p99 ${fmt(mid(key, 'p99'), 1)} ms`;
      const note = `server CPU ${fmt(mid(key, 'serverCpuUs'))} µs/request` + (errors ? `, ${errors} errors` : '');
      return row(`${name}: ${TARGETS[key].name}`, value, undefined, note);
    }),
    ...KEYS.flatMap((key) => {
      const { ratio, note, target } = TARGETS[key];
      const value = mid('shopfront', 'rps') / mid(key, 'rps');
      return ratio ? [ratioFigure(`${name}: shopfront / ${ratio}`, value, target?.[level], note)] : [];
    }),
    ...ownCpuFigures(name, runs, pairs),
    { ...clicks, name: `${name}: ${clicks.name}` },
  ];
}

/**
 * Our own CPU per click: shopfront − R3 whole-process CPU per request, mean and standard error over the
 * paired rounds, and its two parts by R3L; the note has CPU per request paired and alone (what pairing
 * changes) and the alternating rounds' differences (what pairing removes).
 */
function ownCpuFigures(name: string, runs: Runs, pairs: Pairs): Figure[] {
  const diff = (a: LoadRun[], b: LoadRun[]) =>
    meanAndError(a.map((x, i) => x.serverCpuUs - b[i]!.serverCpuUs));
  const list = ({ values, mean, error }: ReturnType<typeof diff>) =>
    `${values.map((v) => fmt(v)).join(', ')} µs (mean ${fmt(mean)} ± ${fmt(error)})`;
  const cpu = (of: LoadRun[]) => `${fmt(median(of.map((r) => r.serverCpuUs)))} µs`;
  const [paired, sequential] = [diff(pairs.shopfront, pairs.r3), diff(runs.shopfront, runs.r3)];
  const note =
    `± ${fmt(paired.error)} µs (standard error); by paired round: ${list(paired)}; CPU per request paired (alone): ` +
    `shopfront ${cpu(pairs.shopfront)} (${cpu(runs.shopfront)}), R3L ${cpu(pairs.r3l)}, R3 ${cpu(pairs.r3)} ` +
    `(${cpu(runs.r3)}); sequential rounds, information: ${list(sequential)}`;
  const part = (what: string, of: typeof paired, about: string) => {
    const note = `± ${fmt(of.error)} µs; by paired round: ${list(of)}; ${about}`;
    return row(`${name}: ${what}`, round(of.mean), 'µs', note);
  };
  const own = round(paired.mean);
  const target = [`<= ${TARGET_OWN_CPU_US}`, own <= TARGET_OWN_CPU_US] as const;
  return [
    row(`${name}: our own server CPU per click over R3`, own, 'µs', note, ...target),
    part('of it, our request path (shopfront − R3L)', diff(pairs.shopfront, pairs.r3l), REQUEST_PATH),
    part("of it, the click log's storage (R3L − R3)", diff(pairs.r3l, pairs.r3), CLICK_LOG),
  ];
}
const REQUEST_PATH = 'routing, link lookup, bot, device and country, destination, describing the click';
const CLICK_LOG = 'our message, consumer, indexes, roll-up triggers, flags (R3L: R3 with our click log)';

/** The shopfront's 302s (warm-up included) against the click rows once the queue has drained into D1 (bounded wait). */
async function clickFigure(runs: LoadRun[], persistTo: string): Promise<Figure> {
  const [sent, other] = [{ human: 0, head: 0, bot: 0 }, {} as Record<string, number>];
  for (const run of runs)
    for (const kind of KINDS)
      for (const [status, n] of Object.entries(run.statuses[kind]))
        if (status === '302') sent[kind] += n;
        else other[`${kind} ${status}`] = (other[`${kind} ${status}`] ?? 0) + n;
  const [total, started] = [sent.human + sent.head + sent.bot, Date.now()];
  // Until every click is stored, or the count stands still for 10 s.
  let [stored, still] = [readClickCounts(persistTo), 0];
  for (let before = stored?.total; (stored?.total ?? 0) < total && still < 20; before = stored?.total) {
    await sleep(500);
    stored = readClickCounts(persistTo) ?? stored;
    still = stored?.total === before ? still + 1 : 0;
  }
  const [lost, odd] = [stored ? total - stored.total : null, Object.keys(other).length > 0];
  const note =
    `sent: ${sent.human} browser GET, ${sent.head} HEAD, ${sent.bot} bot GET; stored: ${stored?.humans ?? 'n/a'} human, ` +
    `${stored?.heads ?? 'n/a'} HEAD, ${stored?.bots ?? 'n/a'} flagged bot (HEAD included)` +
    (odd ? `; non-302 answers: ${JSON.stringify(other)}` : '') +
    `; checked after ${round((Date.now() - started) / 1000, 1)} s`;
  const value = `${total} / ${stored?.total ?? 'n/a'} / ${lost ?? 'n/a'}`;
  return row('clicks sent / stored / lost', value, undefined, note, '0 lost', lost === 0 && !odd);
}

/**
 * The six targets at one level, one at a time: the build's own config for the shopfront; the bare
 * reference plain, the others behind its static-assets router, each with a queue into its own D1.
 */
async function startAll(level: Level, snapshot: Snapshot): Promise<Record<Key | 'r3l', Target>> {
  const { built } = snapshot;
  // The build's own router settings (run_worker_first, not_found_handling) over the same files.
  const assets = { ...built.assets, directory: join(snapshot.dir, 'dist', 'client') };
  const bench = (file: string) => join(ROOT, 'bench', file);
  const config = (name: string, reference: string, extra: object = {}) =>
    writeConfig(join(snapshot.dir, `${name}.wrangler.json`), name, bench('reference-worker.ts'), {
      compatibility_date: built.compatibility_date,
      vars: { REFERENCE: reference, VISITOR_HASH_SECRET: 'bench-reference-secret' },
      ...extra,
    });
  const batch = { max_batch_size: 100, max_batch_timeout: 2 };
  const clickPath = (queue: string) => ({
    assets,
    d1_databases: [{ binding: 'DB', database_name: queue, database_id: queue }],
    queues: { producers: [{ binding: 'CLICKS', queue }], consumers: [{ queue, ...batch }] },
  });
  const [r2, r3] = [clickPath('reference-r2'), clickPath('reference-r3')];
  const r3l = { ...clickPath('reference-r3l'), ...MIGRATED_D1, main: bench('click-log-reference-worker.ts') };
  // prettier-ignore
  const configs = { bare: config('bare', 'bare'), bareRouter: config('bare-assets', 'bare', { assets }),
    r2: config('r2', 'r2', r2), r3: config('r3', 'r3', r3), shopfront: snapshot.config, r3l: config('r3l', 'r3l', r3l) };
  const [started, { dir, envFile }] = [{} as Record<Key | 'r3l', Target>, snapshot];
  for (const key of [...KEYS, 'r3l'] as const) {
    const ours = key === 'shopfront' || key === 'r3l'; // migrations applied
    const ready = { readyPath: key === 'shopfront' ? '/healthz' : '/go/x/y', migrated: !ours };
    started[key] = await startTarget(level, configs[key], { name: key, dir, envFile, ...ready });
  }
  return started;
}

await runBenchmark('redirect', options, async () => {
  await ensureBuilt(options.build);
  const snapshot = snapshotBuild(tempDir('redirect'));
  const figures: Figure[] = [];
  for (const level of levelsOf(options.level)) figures.push(...(await measure(level, snapshot)));
  const traffic = `${MIX} requests, each target's in the same order: ~80% browser GET, ~8% HEAD, ~12% bot GET`;
  return { options: { traffic }, figures };
});
