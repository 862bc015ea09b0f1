/**
 * `npm run bench`: runs every benchmark, one after the other, each as its own
 * process (node bench/<name>.ts), and writes ONE Markdown table to
 * bench/results.md (tracked) plus bench/results.json (not tracked: this run's
 * figures and details). A bench script's figures are the JSON object on the LAST
 * line of its stdout (bench/lib/report.ts); a script that is missing or fails is
 * recorded as such and the others still run. Benchmarks print figures; nothing
 * here fails on a target, and none of this runs in `npm test`.
 *
 * Every bench's first row in results.md names the run its figures come from
 * (date, and "quick" for a quick run). Benches not run now (--only / --skip) keep
 * their rows from the previous results.md as they are, run date included; so do
 * rows of benches this script does not know (added by hand).
 *
 * Flags: --quick (short runs, for development), --only a,b / --skip a,b (bench
 * names: redirect, orders, import, build, stats, weight, images, lighthouse), --build (astro
 * build first), --wait-idle (before each bench, wait at most 10 min for a 1-minute
 * load average below 1.0), --sizes a,b (storefront counts for the build bench).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt } from './lib/built-site.ts';
import { ROOT, runCommand, runMain, sleep } from '../scripts/lib/harness/process.ts';
import {
  benchArgs,
  figureValue,
  load1,
  log,
  machine,
  parseLastLine,
  rowsByBench,
  type Figure,
} from './lib/report.ts';

const args = benchArgs();
const RESULTS_MD = join(ROOT, 'bench', 'results.md');
const quick = args.has('quick');

interface BenchSpec {
  name: string;
  title: string;
  args: string[];
  quickArgs: string[];
  timeoutMinutes: number;
}

const spec = (
  name: string,
  title: string,
  timeoutMinutes: number,
  quickArgs: string[],
  full: string[] = [],
) => ({ name, title, timeoutMinutes, quickArgs, args: full }) satisfies BenchSpec;
// prettier-ignore
const BENCHES: BenchSpec[] = [
  spec('redirect', 'Tracked-link redirects', 25, ['--quick']),
  spec('orders', 'Order events', 20, ['--events', '600']),
  spec('import', 'Amazon report import', 20, ['--rows', '10000']),
  // --sizes 10000,100000 is handed on to bench/build.ts.
  spec('build', 'Build', 60, ['--quick'], args.get('sizes') ? ['--sizes', args.get('sizes') ?? ''] : []),
  spec('stats', 'Stats over a year of clicks', 30, ['--clicks', '1000000']),
  spec('weight', 'Page weight', 5, []),
  spec('images', 'Image packs', 5, ['--creators', '10000']),
  spec('lighthouse', 'Lighthouse', 15, []),
];

const only = args.get('only')?.split(',');
const skip = args.get('skip')?.split(',') ?? [];
const selected = BENCHES.filter((b) => (!only || only.includes(b.name)) && !skip.includes(b.name));

interface Outcome {
  name: string;
  title: string;
  /** When this bench ran (benches kept from an earlier run keep their own date). */
  date?: string;
  status: 'ok' | 'failed' | 'not available';
  seconds?: number;
  result?: Record<string, unknown>;
  error?: string;
}

async function waitIdle(): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  while (load1() >= 1 && Date.now() < deadline) {
    log(`load average ${load1()} >= 1.0: waiting for the machine to settle`);
    await sleep(15_000);
  }
}

/** The rows of the previous results.md, bench by bench (carried over for benches not run now). */
function previousRows(): Map<string, string[]> {
  return existsSync(RESULTS_MD) ? rowsByBench(readFileSync(RESULTS_MD, 'utf8')) : new Map();
}

async function runOne(spec: BenchSpec): Promise<Outcome> {
  const script = join(ROOT, 'bench', `${spec.name}.ts`);
  const outcome = { name: spec.name, title: spec.title, date: new Date().toISOString() };
  if (!existsSync(script)) return { ...outcome, status: 'not available', error: `no bench/${spec.name}.ts` };
  if (args.has('wait-idle')) await waitIdle();
  const argv = [script, ...(quick ? spec.quickArgs : spec.args)];
  log(`\n######## ${spec.title}: node ${argv.join(' ').replaceAll(`${ROOT}/`, '')}  (load ${load1()})`);
  const timeoutMs = spec.timeoutMinutes * 60_000;
  const result = await runCommand(process.execPath, argv, { cwd: ROOT, timeoutMs, echo: 'stderr' });
  const parsed = parseLastLine(result.stdout);
  const seconds = Math.round(result.ms / 1000);
  const ok = !result.timedOut && result.code === 0 && parsed?.ok !== false;
  const error = result.timedOut
    ? `timed out after ${spec.timeoutMinutes} min`
    : !parsed
      ? `exit ${result.code}, no JSON result line: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`
      : typeof parsed.error === 'string'
        ? parsed.error
        : `exit ${result.code}`;
  return {
    ...outcome,
    status: parsed && ok ? 'ok' : 'failed',
    seconds,
    ...(parsed && !result.timedOut ? { result: parsed } : {}),
    ...(parsed && ok ? {} : { error }),
  };
}

const cell = (text: unknown) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

/** This run's rows of a bench: its title cell names the run (date, quick), the first figure its load. */
function rowsOf(o: Outcome): string[] {
  const title = cell(`${o.title} (run ${(o.date ?? '?').slice(0, 16)}Z${quick ? ', quick' : ''})`);
  const load = o.result?.load as { start?: number; end?: number } | undefined;
  const loadNote = load ? ` (load ${load.start ?? '?'} → ${load.end ?? '?'})` : '';
  if (o.status === 'not available' || !o.result)
    return [`| ${title} | — | ${o.status} | | | ${cell(o.error)} |`];
  const figures = (o.result.figures ?? []) as Figure[];
  const rows = figures.map((f, i) => {
    const met = f.met === undefined ? '' : f.met ? 'yes' : '**no**';
    const note = `${f.note ?? ''}${i === 0 ? loadNote : ''}`;
    return `| ${i === 0 ? title : ''} | ${cell(f.name)} | ${cell(figureValue(f))} | ${cell(f.target ?? '')} | ${met} | ${cell(note)} |`;
  });
  if (figures.length === 0) rows.push(`| ${title} | — | failed | | | ${cell(o.error ?? 'no figures')} |`);
  else if (o.status === 'failed') rows.push(`| | (incomplete) | failed | | | ${cell(o.error)} |`);
  return rows;
}

function markdown(rows: string[], meta: { date: string; machine: ReturnType<typeof machine> }): string {
  const m = meta.machine;
  return [
    '# shopfront benchmarks',
    '',
    `${meta.date}: last \`npm run bench\`. Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.os}; load average at start ${m.load.join(' / ')}. ` +
      "Each bench's first row names the run its figures come from (benches not re-run keep theirs; a quick run has short durations and small synthetic builds, not comparable to a full one). " +
      "Figures, not pass/fail: the machine may be shared, see each bench's load. Details of the last run in bench/results.json (not tracked).",
    '',
    '| Benchmark | Measure | Value | Target | Met | Notes |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

await runMain(async () => {
  const started = new Date();
  const info = machine();
  // Build once here, so the benches that serve the built site do not race to build it.
  if (selected.some((b) => ['redirect', 'stats', 'weight', 'lighthouse'].includes(b.name)))
    await ensureBuilt(args.has('build'));
  const kept = previousRows();
  const fresh = new Map<string, Outcome>();
  for (const spec of selected) {
    const outcome = await runOne(spec);
    fresh.set(spec.name, outcome);
    log(
      `######## ${spec.title}: ${outcome.status}${outcome.seconds !== undefined ? ` in ${outcome.seconds} s` : ''}${outcome.error ? ` (${outcome.error})` : ''}`,
    );
  }
  const titles = new Set(BENCHES.map((b) => b.title));
  const rows = [
    ...BENCHES.flatMap((b) => {
      const outcome = fresh.get(b.name);
      return outcome ? rowsOf(outcome) : (kept.get(b.title) ?? []);
    }),
    ...[...kept].filter(([title]) => !titles.has(title)).flatMap(([, lines]) => lines),
  ];
  const meta = { date: started.toISOString(), machine: info };
  const benches = Object.fromEntries(
    [...fresh.values()].map(({ name, title: _title, ...outcome }) => [name, outcome]),
  );
  const json = { ...meta, quick, finished: new Date().toISOString(), benches };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(RESULTS_MD, markdown(rows, meta));
  log(`\nwrote bench/results.md and bench/results.json`);
  process.stdout.write(
    `${JSON.stringify({ bench: 'all', ok: [...fresh.values()].every((o) => o.status !== 'failed'), statuses: Object.fromEntries([...fresh.values()].map((o) => [o.name, o.status])) })}\n`,
  );
});
