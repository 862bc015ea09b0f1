/**
 * `npm run bench:redirect`: tracked-link redirects of the built shopfront against the references of
 * bench/reference-worker.js, none with our code (a bare 302, alone and behind the same static-assets
 * router; R2 = the click's mandatory platform work: that router, one queue message per click
 * consumed into D1 with one statement per batch; R3 = R2 plus one HMAC, the visitor hash),
 * alternating round by round with the same connections and traffic (4,096 client addresses), at
 * two levels: through `wrangler dev` (what users run locally) and on the runtime alone (Miniflare
 * serving the built Worker, no dev proxy).
 * Targets (issue 26): shopfront >= 0.95x R2 through wrangler dev, >= 0.95x R3 on the runtime,
 * our own server CPU per click over R3 <= 60 µs, and every redirect logged (rows = 302s).
 *
 * Flags: --quick (short rounds, for development), --rounds N, --seconds S per run,
 * --connections N, --level dev|runtime|both, --build (astro build first).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, snapshotBuild, tempDir, type Snapshot } from './lib/built-site.ts';
import { ROOT, sleep } from '../scripts/lib/harness/process.ts';
import { fmt, log, median, options as flags, round, row, runBenchmark, type Figure } from './lib/report.ts';
import { alternate, ratioFigure } from './lib/rounds.ts';
import { LEVEL_NAME, levelsOf, startTarget, writeConfig, type Level, type Target } from './lib/targets.ts';
import { describeLoad, KINDS, runLoad, trafficMix, type LoadRun } from './lib/traffic.ts';
import { readClickCounts, type ClickCounts } from '../scripts/lib/harness/d1.ts';

const [rounds, seconds] = process.argv.includes('--quick') ? [2, 1.5] : [4, 5];
const options = flags({ rounds, seconds, connections: 32, level: 'both', build: false });
const levels = levelsOf(options.level);

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
const KEYS = Object.keys(TARGETS) as Key[];
const TARGET_OWN_CPU_US = 60;
/** After each run, the queue's max_batch_timeout (2 s, wrangler.toml and the references) and a margin. */
const SETTLE_MS = 3_000;

/** One level: every target started, a warm-up and --rounds alternating rounds (each sized by the target's last rate), the figures. */
async function measure(level: Level, snapshot: Snapshot): Promise<Figure[]> {
  log(`\n== ${LEVEL_NAME[level]}`);
  const traffic = trafficMix(1000);
  const targets = await startAll(level, snapshot);
  try {
    const { connections: c, seconds } = options;
    const rate = {} as Record<Key, number>;
    const answered: LoadRun[] = [];
    const load = async (key: Key, round: number) => {
      const amount = round === 0 ? c * 25 : Math.max(c * 10, Math.round(rate[key] * seconds));
      const limitMs = Math.max(60_000, seconds * 20_000);
      const run = await runLoad(targets[key], traffic, {
        connections: c,
        amount,
        limitMs,
        settleMs: SETTLE_MS,
      });
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
  const mid = (key: Key, f: 'rps' | 'p50' | 'p99' | 'serverCpuUs') => median(runs[key].map((r) => r[f]));
  const [ours, r3] = [mid('shopfront', 'serverCpuUs'), mid('r3', 'serverCpuUs')];
  const own = round(ours - r3);
  const cpu = `shopfront ${fmt(ours)} µs - R3 ${fmt(r3)} µs per request (all server processes)`;
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
    row(`${name}: our own server CPU per click over R3`, own, 'µs', cpu, `<= ${TARGET_OWN_CPU_US}`, own <= TARGET_OWN_CPU_US),
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
  const [total, started] = [sent.human + sent.head + sent.bot, Date.now()];
  let [stored, stableSince] = [null as ClickCounts | null, started];
  while (Date.now() - started < 90_000) {
    const before = stored?.total;
    stored = readClickCounts(persistTo) ?? stored;
    if (stored && stored.total >= total) break;
    if (stored?.total !== before) stableSince = Date.now();
    else if (Date.now() - stableSince > 10_000) break;
    await sleep(500);
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

/** Uncaught errors wrangler dev printed for the Worker (it reports them from the runtime's inspector). */
function errorsInLog(file: string): Figure {
  const text = readFileSync(file, 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
  const errors = [...text.matchAll(/(?:✘ \[ERROR\]|Uncaught)\s*(.*)/g)].map((m) =>
    m[1]!.trim().slice(0, 160),
  );
  const top = [...Map.groupBy(errors, (message) => message)].sort((a, b) => b[1].length - a[1].length);
  const note = top.slice(0, 3).map(([message, all]) => `${all.length}x ${message}`);
  return row('uncaught Worker errors during the run', errors.length, undefined, note.join('; '));
}

/**
 * The five targets at one level, one at a time: the build's own config for the shopfront; the
 * references next to it, the bare one plain and the others behind the shopfront's static-assets
 * router, R2 and R3 with a queue consumed into their own D1.
 */
async function startAll(level: Level, snapshot: Snapshot): Promise<Record<Key, Target>> {
  const { built } = snapshot;
  // The build's own router settings (run_worker_first, not_found_handling) over the same files.
  const assets = { ...built.assets, directory: join(snapshot.dir, 'dist', 'client') };
  const main = join(ROOT, 'bench', 'reference-worker.js');
  const config = (name: string, reference: string, extra: object = {}) =>
    writeConfig(join(snapshot.dir, `${name}.wrangler.json`), name, main, {
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
  // prettier-ignore
  const configs: Record<Key, string> = { bare: config('bare', 'bare'), bareRouter: config('bare-assets', 'bare', { assets }),
    r2: config('r2', 'r2', r2), r3: config('r3', 'r3', r3), shopfront: snapshot.config };
  const [started, { dir, envFile }] = [{} as Record<Key, Target>, snapshot];
  for (const key of KEYS) {
    const ready = { readyPath: key === 'shopfront' ? '/healthz' : '/go/x/y', migrated: key !== 'shopfront' };
    started[key] = await startTarget(level, configs[key], { name: key, dir, envFile, ...ready });
  }
  return started;
}

await runBenchmark('redirect', options, async () => {
  await ensureBuilt(options.build);
  const snapshot = snapshotBuild(tempDir('redirect'));
  const figures: Figure[] = [];
  for (const level of levels) figures.push(...(await measure(level, snapshot)));
  return { options: { traffic: '1000 requests: ~80% browser GET, ~8% HEAD, ~12% bot GET' }, figures };
});
