/**
 * `npm run bench`: runs every benchmark, one after the other, each as its own process
 * (node bench/<name>.ts), and writes ONE Markdown table to bench/results.md (tracked) plus
 * bench/results.json (not tracked: this run's figures). A bench's figures are the JSON object on
 * the LAST line of its stdout (bench/lib/report.ts); a script that is missing or fails is recorded
 * as failed and the others still run. Nothing here fails on a target, nor runs in `npm test`.
 *
 * Every bench's first row in results.md names the run its figures come from (date, and "quick").
 * Benches not run now (--only / --skip) keep their rows from the previous results.md, run date
 * included; so do rows of benches this script does not know (added by hand).
 *
 * Flags: --quick (short runs, for development), --only a,b / --skip a,b (bench
 * names: redirect, orders, import, build, stats, weight, images, lighthouse, cards, search),
 * --build (astro build first), --wait-idle (before each bench, wait at most 10 min for a
 * 1-minute load average below 1.0), --sizes a,b (storefront counts for the build bench).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './lib/built-site.ts';
import { ROOT, runCommand, runMain, sleep } from '../scripts/lib/harness/process.ts';
import { figureValue, load1, log, options, round, rowsByBench, type Figure } from './lib/report.ts';

const args = options({ quick: false, sizes: '', only: '', skip: '', build: false, waitIdle: false });
const { quick, sizes } = args;
const RESULTS_MD = join(ROOT, 'bench', 'results.md');

/** Each bench: bench/<name>.ts, its title in results.md, its timeout in minutes, its quick and full arguments. */
// prettier-ignore
const BENCHES = ([
  ['redirect', 'Tracked-link redirects', 25, ['--quick']],
  ['orders', 'Order events', 20, ['--events', '600']],
  ['import', 'Amazon report import', 20, ['--rows', '10000']],
  ['build', 'Build', 60, ['--quick'], sizes ? ['--sizes', sizes] : []],
  ['stats', 'Stats over a year of clicks', 30, ['--clicks', '1000000']],
  ['weight', 'Page weight', 5, []],
  ['images', 'Image packs', 5, ['--creators', '10000']],
  ['lighthouse', 'Lighthouse', 15, []],
  ['cards', 'Share cards', 20, ['--creators', '1000', '--sample', '30']],
  ['search', 'Storefront search', 10, ['--creators', '10000']],
] satisfies [string, string, number, string[], string[]?][]).map(([name, title, minutes, quickArgs, full]) =>
  ({ name, title, minutes, argv: quick ? quickArgs : (full ?? []) }));
const [only, skip] = [args.only.split(','), args.skip.split(',')];
const selected = BENCHES.filter((b) => (!args.only || only.includes(b.name)) && !skip.includes(b.name));
type Outcome = Awaited<ReturnType<typeof runOne>>;
type Result = { ok?: boolean; error?: string; load?: { start: number; end: number }; figures?: Figure[] };

async function runOne(b: (typeof BENCHES)[number]) {
  const date = new Date().toISOString();
  // --wait-idle: at most 10 min for a 1-minute load average below 1.0.
  for (const deadline = Date.now() + 600_000; args.waitIdle && load1() >= 1 && Date.now() < deadline;) {
    log(`load average ${load1()} >= 1.0: waiting for the machine to settle`);
    await sleep(15_000);
  }
  log(`\n######## ${b.title}: node bench/${b.name}.ts ${b.argv.join(' ')}  (load ${load1()})`);
  const options = { cwd: ROOT, timeoutMs: b.minutes * 60_000, echo: 'stderr' as const };
  const run = await runCommand(process.execPath, [join(ROOT, 'bench', `${b.name}.ts`), ...b.argv], options);
  let result: Result | null = null;
  try {
    // A bench's figures: the JSON object on the last line of its stdout (none if that is not JSON).
    result = run.timedOut ? null : JSON.parse(run.stdout.trimEnd().split('\n').at(-1) ?? '');
  } catch {}
  const ok = run.code === 0 && typeof result === 'object' && result !== null && result.ok !== false;
  const tail = run.stderr.trim().split('\n').slice(-3).join(' ');
  const error = run.timedOut
    ? `timed out after ${b.minutes} min`
    : (result?.error ?? (result ? `exit ${run.code}` : `exit ${run.code}, no JSON result line: ${tail}`));
  const status = ok ? 'ok' : 'failed';
  return { title: b.title, date, status, seconds: Math.round(run.ms / 1000), result, ...(!ok && { error }) };
}

const cell = (text: unknown) => String(text ?? '').replace(/\||\n/g, (c) => (c === '|' ? '\\|' : ' '));

/** This run's rows of a bench: its title cell names the run (date, quick), the first figure its load. */
function rowsOf(o: Outcome): string[] {
  const title = cell(`${o.title} (run ${o.date.slice(0, 16)}Z${quick ? ', quick' : ''})`);
  const load = o.result?.load;
  const loadNote = load ? ` (load ${load.start ?? '?'} → ${load.end ?? '?'})` : '';
  const figures = o.result?.figures ?? [];
  const rows = figures.map((f, i) => {
    const met = f.met === undefined ? '' : f.met ? 'yes' : '**no**';
    const note = `${f.note ?? ''}${i === 0 ? loadNote : ''}`;
    return `| ${i === 0 ? title : ''} | ${cell(f.name)} | ${cell(figureValue(f))} | ${cell(f.target ?? '')} | ${met} | ${cell(note)} |`;
  });
  if (figures.length === 0) rows.push(`| ${title} | — | failed | | | ${cell(o.error ?? 'no figures')} |`);
  else if (o.status === 'failed') rows.push(`| | (incomplete) | failed | | | ${cell(o.error)} |`);
  return rows;
}

await runMain(async () => {
  const date = new Date().toISOString();
  const [cpu, GiB] = [cpus(), (bytes: number) => round(bytes / 2 ** 30, 1)];
  // prettier-ignore
  const m = { cpu: cpu[0]?.model.trim() ?? 'unknown', cores: cpu.length, memoryGiB: GiB(totalmem()), freeMemoryGiB: GiB(freemem()),
    node: process.version, os: `${process.platform} ${release()}`, load: loadavg().map((l) => round(l, 2)) };
  // Build once here, so the benches that serve the built site do not race to build it.
  if (selected.some((b) => ['redirect', 'stats', 'weight', 'lighthouse'].includes(b.name)))
    await ensureBuilt(args.build);
  const kept = rowsByBench(existsSync(RESULTS_MD) ? readFileSync(RESULTS_MD, 'utf8') : '');
  const fresh = new Map<string, Outcome>();
  for (const b of selected) {
    const o = await runOne(b);
    fresh.set(b.name, o);
    log(`######## ${b.title}: ${o.status} in ${o.seconds} s${o.error ? ` (${o.error})` : ''}`);
  }
  const titles = new Set(BENCHES.map((b) => b.title));
  const rows = [
    ...BENCHES.flatMap((b) => (fresh.has(b.name) ? rowsOf(fresh.get(b.name)!) : (kept.get(b.title) ?? []))),
    ...[...kept].filter(([title]) => !titles.has(title)).flatMap(([, lines]) => lines),
  ];
  const benches = Object.fromEntries([...fresh].map(([name, { title: _, ...o }]) => [name, o]));
  const json = { date, machine: m, quick, finished: new Date().toISOString(), benches };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
  const markdown = [
    '# shopfront benchmarks',
    '',
    `${date}: last \`npm run bench\`. Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.os}; load average at start ${m.load.join(' / ')}. ` +
      "Each bench's first row names the run its figures come from (benches not re-run keep theirs; a quick run has short durations and small synthetic builds, not comparable to a full one). " +
      "Figures, not pass/fail: the machine may be shared, see each bench's load. Details of the last run in bench/results.json (not tracked).",
    '',
    '| Benchmark | Measure | Value | Target | Met | Notes |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ];
  writeFileSync(RESULTS_MD, markdown.join('\n'));
  log(`\nwrote bench/results.md and bench/results.json`);
  const statuses = Object.fromEntries([...fresh].map(([name, o]) => [name, o.status]));
  const ok = [...fresh.values()].every((o) => o.status !== 'failed');
  process.stdout.write(`${JSON.stringify({ bench: 'all', ok, statuses })}\n`);
});
