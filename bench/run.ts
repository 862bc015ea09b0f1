/**
 * `npm run bench`: runs every benchmark, one after the other, each as its own
 * process (node bench/<name>.ts), and writes ONE Markdown table to
 * bench/results.md plus bench/results.json with the machine, the date and the
 * figures. A bench script's figures are the JSON object on the LAST line of its
 * stdout (bench/lib/report.ts); a script that is missing or fails is recorded as
 * such and the others still run. Benchmarks print figures; nothing here fails on a
 * target, and none of this runs in `npm test`.
 *
 * Flags: --quick (short runs, for development), --only a,b / --skip a,b (bench
 * names: redirect, orders, import, build, stats, weight, images, lighthouse; the others keep their
 * figures and date from the last results.json of the same kind), --build (astro
 * build first), --wait-idle (before each bench, wait at most 10 min for a 1-minute
 * load average below 1.0), --sizes a,b (storefront counts for the build bench).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt } from './lib/built-site.ts';
import { ROOT, runBench, runCommand, sleep } from './lib/proc.ts';
import { load1, log, machine, parseArgs, parseLastLine, type Figure } from './lib/report.ts';

const args = parseArgs(process.argv.slice(2));
const quick = args.has('quick');

interface BenchSpec {
  name: string;
  title: string;
  args: string[];
  quickArgs: string[];
  timeoutMinutes: number;
}

const BENCHES: BenchSpec[] = [
  { name: 'redirect', title: 'Tracked-link redirects', args: [], quickArgs: ['--quick'], timeoutMinutes: 25 },
  { name: 'orders', title: 'Order events', args: [], quickArgs: ['--events', '600'], timeoutMinutes: 20 },
  {
    name: 'import',
    title: 'Amazon report import',
    args: [],
    quickArgs: ['--rows', '10000'],
    timeoutMinutes: 20,
  },
  {
    name: 'build',
    title: 'Build',
    // --sizes 10000,100000 is handed on to bench/build.ts.
    args: args.get('sizes') ? ['--sizes', args.get('sizes') ?? ''] : [],
    quickArgs: ['--quick'],
    timeoutMinutes: 60,
  },
  {
    name: 'stats',
    title: 'Stats over a year of clicks',
    args: [],
    quickArgs: ['--clicks', '1000000'],
    timeoutMinutes: 30,
  },
  { name: 'weight', title: 'Page weight', args: [], quickArgs: [], timeoutMinutes: 5 },
  {
    name: 'images',
    title: 'Image packs',
    args: [],
    quickArgs: ['--creators', '10000'],
    timeoutMinutes: 5,
  },
  { name: 'lighthouse', title: 'Lighthouse', args: [], quickArgs: [], timeoutMinutes: 15 },
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

/**
 * With --only / --skip, the benches not run now keep their figures from the last
 * results.json (if it is of the same kind, quick or full), each with its own date.
 */
function previousOutcomes(): Map<string, Outcome> {
  const path = join(ROOT, 'bench', 'results.json');
  const kept = new Map<string, Outcome>();
  if ((!only && skip.length === 0) || !existsSync(path)) return kept;
  try {
    const previous = JSON.parse(readFileSync(path, 'utf8')) as {
      date?: string;
      quick?: boolean;
      benches?: Record<string, Omit<Outcome, 'name' | 'title'>>;
    };
    if (Boolean(previous.quick) !== quick) return kept;
    for (const spec of BENCHES) {
      const entry = previous.benches?.[spec.name];
      if (entry)
        kept.set(spec.name, {
          ...entry,
          date: entry.date ?? previous.date,
          name: spec.name,
          title: spec.title,
        });
    }
  } catch {
    log('bench/results.json is unreadable: writing a fresh one');
  }
  return kept;
}

async function runOne(spec: BenchSpec): Promise<Outcome> {
  const script = join(ROOT, 'bench', `${spec.name}.ts`);
  if (!existsSync(script))
    return { name: spec.name, title: spec.title, status: 'not available', error: `no bench/${spec.name}.ts` };
  if (args.has('wait-idle')) await waitIdle();
  const benchArgs = [script, ...(quick ? spec.quickArgs : spec.args)];
  const date = new Date().toISOString();
  log(
    `\n######## ${spec.title}: node ${benchArgs.map((a) => a.replace(`${ROOT}/`, '')).join(' ')}  (load ${load1()})`,
  );
  const result = await runCommand(process.execPath, benchArgs, {
    cwd: ROOT,
    timeoutMs: spec.timeoutMinutes * 60_000,
    echo: 'stderr',
  });
  const parsed = parseLastLine(result.stdout);
  const seconds = Math.round(result.ms / 1000);
  if (result.timedOut)
    return {
      date,
      name: spec.name,
      title: spec.title,
      status: 'failed',
      seconds,
      error: `timed out after ${spec.timeoutMinutes} min`,
    };
  if (!parsed) {
    const tail = result.stderr.trim().split('\n').slice(-3).join(' ');
    return {
      date,
      name: spec.name,
      title: spec.title,
      status: 'failed',
      seconds,
      error: `exit ${result.code}, no JSON result line: ${tail}`,
    };
  }
  const ok = result.code === 0 && parsed.ok !== false;
  return {
    date,
    name: spec.name,
    title: spec.title,
    status: ok ? 'ok' : 'failed',
    seconds,
    result: parsed,
    ...(ok ? {} : { error: typeof parsed.error === 'string' ? parsed.error : `exit ${result.code}` }),
  };
}

/** Figures of a result: its `figures` list, or (for a script that does not use one) its top-level values. */
function figuresOf(result: Record<string, unknown>): Figure[] {
  if (Array.isArray(result.figures)) return result.figures as Figure[];
  return Object.entries(result)
    .filter(
      ([key, value]) =>
        !['bench', 'ok', 'load', 'options', 'details'].includes(key) &&
        value !== null &&
        typeof value !== 'object',
    )
    .map(([key, value]) => ({ name: key, value: value as number | string }));
}

const cell = (text: unknown) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

function markdown(
  outcomes: Outcome[],
  meta: { date: string; machine: ReturnType<typeof machine>; quick: boolean },
): string {
  const m = meta.machine;
  const rows: string[] = [];
  for (const o of outcomes) {
    const load = o.result?.load as { start?: number; end?: number } | undefined;
    const ranAt =
      o.date && o.date.slice(0, 16) !== meta.date.slice(0, 16) ? `, run ${o.date.slice(0, 16)}Z` : '';
    const loadNote = load ? ` (load ${load.start ?? '?'} → ${load.end ?? '?'}${ranAt})` : '';
    if (o.status === 'not available' || !o.result) {
      rows.push(
        `| ${cell(o.title)} | — | ${o.status === 'not available' ? 'not available' : 'failed'} | | | ${cell(o.error)} |`,
      );
      continue;
    }
    const figures = figuresOf(o.result);
    if (figures.length === 0)
      rows.push(`| ${cell(o.title)} | — | failed | | | ${cell(o.error ?? 'no figures')} |`);
    figures.forEach((f, i) => {
      const value =
        f.value === null || f.value === undefined ? 'n/a' : `${f.value}${f.unit ? ` ${f.unit}` : ''}`;
      const met = f.met === undefined ? '' : f.met ? 'yes' : '**no**';
      const note = `${f.note ?? ''}${i === 0 ? loadNote : ''}`;
      rows.push(
        `| ${i === 0 ? cell(o.title) : ''} | ${cell(f.name)} | ${cell(value)} | ${cell(f.target ?? '')} | ${met} | ${cell(note)} |`,
      );
    });
    if (o.status === 'failed') rows.push(`| | (incomplete) | failed | | | ${cell(o.error)} |`);
  }
  return [
    '# shopfront benchmarks',
    '',
    `${meta.date}${meta.quick ? ' — **quick run** (short durations, small synthetic builds; not comparable to a full run)' : ''}. ` +
      `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.os}; load average at start ${m.load.join(' / ')}. ` +
      "Figures, not pass/fail: the machine may be shared, see each bench's load. Made by `npm run bench`; details in results.json.",
    '',
    '| Benchmark | Measure | Value | Target | Met | Notes |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

await runBench(async () => {
  const started = new Date();
  const info = machine();
  // Build once here, so the benches that serve the built site do not race to build it.
  if (selected.some((b) => ['redirect', 'stats', 'weight', 'lighthouse'].includes(b.name)))
    await ensureBuilt(args.has('build'));
  const kept = previousOutcomes();
  const fresh = new Map<string, Outcome>();
  for (const spec of selected) {
    const outcome = await runOne(spec);
    fresh.set(spec.name, outcome);
    log(
      `######## ${spec.title}: ${outcome.status}${outcome.seconds !== undefined ? ` in ${outcome.seconds} s` : ''}${outcome.error ? ` (${outcome.error})` : ''}`,
    );
  }
  const outcomes = BENCHES.flatMap((b) => fresh.get(b.name) ?? kept.get(b.name) ?? []);
  const meta = { date: started.toISOString(), machine: info, quick };
  const json = {
    ...meta,
    finished: new Date().toISOString(),
    benches: Object.fromEntries(
      outcomes.map((o) => [
        o.name,
        {
          date: o.date,
          status: o.status,
          seconds: o.seconds,
          error: o.error,
          ...(o.result ? { result: o.result } : {}),
        },
      ]),
    ),
  };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(ROOT, 'bench', 'results.md'), markdown(outcomes, meta));
  log(`\nwrote bench/results.md and bench/results.json`);
  process.stdout.write(
    `${JSON.stringify({ bench: 'all', ok: [...fresh.values()].every((o) => o.status !== 'failed'), statuses: Object.fromEntries([...fresh.values()].map((o) => [o.name, o.status])) })}\n`,
  );
});
