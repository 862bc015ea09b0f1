/**
 * What every bench script prints. The contract between bench scripts and
 * bench/run.ts: the LAST line a script writes to stdout is one JSON object with
 * its figures; everything else (progress, tables) goes before it or to stderr.
 */
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem, release } from 'node:os';
import { runMain } from '../../scripts/lib/harness/process.ts';
import { say } from '../../scripts/lib/progress.ts';

export interface Figure {
  /** What was measured, e.g. "wrangler dev: shopfront / bare". */
  name: string;
  /** The number or text measured; null when it could not be measured. */
  value: number | string | null;
  unit?: string;
  /** The target as text, e.g. ">= 0.9". */
  target?: string;
  /** Whether the target is met; absent when there is no target. */
  met?: boolean;
  note?: string;
}

interface BenchResult {
  bench: string;
  ok: boolean;
  /** Load average (1 min) at the start and end: figures on a busy machine are lower. */
  load: { start: number; end: number };
  options: Record<string, unknown>;
  figures: Figure[];
  details?: unknown;
  error?: string;
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    freeMemoryGiB: round(freemem() / 2 ** 30, 1),
    node: process.version,
    os: `${process.platform} ${release()}`,
    load: loadavg().map((l) => round(l, 2)),
  };
}

export function load1(): number {
  return round(loadavg()[0] ?? 0, 2);
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** What a bench's measurement returns: its figures, and what else its JSON line carries. */
export interface Measured {
  figures: Figure[];
  details?: unknown;
  /** False when the measurement is incomplete (default true). */
  ok?: boolean;
  /** Added to the options the bench ran with. */
  options?: Record<string, unknown>;
  /** Why the measurement is incomplete. */
  error?: string;
}

/**
 * The run / measure / report loop every bench shares: `measure` runs with the harness's
 * cleanups guaranteed (every process it started is stopped, even on Ctrl+C); its figures
 * are logged as a list on stderr and printed as the last stdout line with the load since
 * the start. A failure prints no figures, the error and the load, and exits 1.
 */
export async function runBenchmark(
  bench: string,
  options: Record<string, unknown>,
  measure: () => Promise<Measured>,
): Promise<void> {
  const start = load1();
  // The result as the last stdout line (see the contract above).
  const print = (m: Measured) => {
    const result: BenchResult = {
      bench,
      ok: m.ok ?? m.error === undefined,
      load: { start, end: load1() },
      options: { ...options, ...m.options },
      figures: m.figures,
      details: m.details,
      error: m.error,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  };
  await runMain(
    async () => {
      const measured = await measure();
      say(`\n${bench}:`);
      for (const f of measured.figures) say(`  ${describeFigure(f)}`);
      print(measured);
    },
    (error) => print({ figures: [], error }),
  );
}

/** A figure's value with its unit, or n/a. */
export function figureValue(f: Figure): string {
  return f.value === null || f.value === undefined ? 'n/a' : `${f.value}${f.unit ? ` ${f.unit}` : ''}`;
}

function describeFigure(f: Figure): string {
  const target = f.target ? ` (target ${f.target}: ${f.met ? 'met' : 'NOT met'})` : '';
  return `${f.name}: ${figureValue(f)}${target}${f.note ? `; ${f.note}` : ''}`;
}

/** The JSON object on the last non-empty line of a bench script's stdout, or null. */
export function parseLastLine(stdout: string): Record<string, unknown> | null {
  const lines = stdout.trimEnd().split('\n');
  const last = lines[lines.length - 1]?.trim();
  if (!last?.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(last);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

const RUN_NOTE = / \(run [^)]*\)$/;

/**
 * The rows of a results.md table (bench/run.ts), bench by bench, keyed by the bench's title:
 * a row with a first cell starts a bench, the rows after it without one belong to it. Every
 * bench's first cell names the run its figures come from, "Title (run 2026-12-07T11:30Z)";
 * in a file written before those notes, the run its load note names, else the file's date.
 */
export function rowsByBench(markdown: string): Map<string, string[]> {
  const kept = new Map<string, string[]>();
  const fileDate = /^(\d{4}-\d\d-\d\dT\d\d:\d\d)/m.exec(markdown)?.[1] ?? '?';
  let rows: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('| ') || /^\| (Benchmark|---) \|/.test(line)) continue;
    const first = (line.split(' | ')[0] ?? '').slice(2).trim();
    if (!first) rows?.push(line);
    else {
      // Older files noted a bench's own run in its load note: "(load 1.3 → 1.3, run 2026-12-02T17:38Z)".
      const ran = /, run (\d{4}-\d\d-\d\dT\d\d:\d\d)Z\)/.exec(line)?.[1] ?? fileDate;
      rows = [RUN_NOTE.test(first) ? line : line.replace(`| ${first} |`, `| ${first} (run ${ran}Z) |`)];
      kept.set(first.replace(RUN_NOTE, ''), rows);
    }
  }
  return kept;
}

/** `--name value`, `--name=value` and bare `--flag` arguments. */
export function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    if (eq > 0) args.set(arg.slice(2, eq), arg.slice(eq + 1));
    else if (argv[i + 1] !== undefined && !argv[i + 1]?.startsWith('--'))
      args.set(arg.slice(2), argv[++i] ?? '');
    else args.set(arg.slice(2), 'true');
  }
  return args;
}

/** The command line's arguments (see parseArgs); with --help, the script's header comment and exit. */
export function benchArgs(): Map<string, string> {
  const args = parseArgs(process.argv.slice(2));
  if (!args.has('help')) return args;
  const header = /^\/\*\*([\s\S]*?)\*\//.exec(readFileSync(process.argv[1] ?? '', 'utf8'))?.[1] ?? '';
  process.stdout.write(`${header.replace(/^ \* ?/gm, '').trim()}\n`);
  process.exit(0);
}

export function numberArg(args: Map<string, string>, name: string, fallback: number): number {
  const raw = args.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

/** Progress and human-readable output: stderr, so stdout stays machine-readable (above a progress bar, if drawn). */
export { say as log };

/** Nearest-rank quantile `p` (0..1) of `values`; NaN when empty. */
export function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

export function fmt(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
