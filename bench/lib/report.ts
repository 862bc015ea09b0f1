/**
 * What every bench script prints. The contract between bench scripts and
 * bench/run.ts: the LAST line a script writes to stdout is one JSON object with
 * its figures; everything else (progress, tables) goes before it or to stderr.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { runMain } from '../../scripts/lib/harness/process.ts';
import { say } from '../../scripts/lib/progress.ts';

/**
 * A figure: what was measured ("wrangler dev: shopfront / bare"), its value (null when it could
 * not be measured), and with a target, the target as text (">= 0.9") and whether it is met.
 */
export type Figure = { name: string; value: Value } & Partial<FigureParts>;
type FigureParts = { unit: string; note: string; target: string; met: boolean };
type Value = number | string | null;
type RowArgs = [name: string, value: Value, unit?: string, note?: string, target?: string, met?: boolean];

/** A figure as a table row. */
export function row(...[name, value, unit, note, target, met]: RowArgs): Figure {
  return { name, value, unit, note, target, met };
}

/** What a bench's measurement returns: its figures; `ok` false when incomplete (default: no `error`); `options` added to those it ran with. */
type Measured = { figures: Figure[]; ok?: boolean; options?: Record<string, unknown>; error?: string };

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The 1-minute load average: figures on a busy machine are lower. */
export const load1 = (): number => round(loadavg()[0] ?? 0, 2);

/**
 * The run / measure / report loop every bench shares: `measure` runs with the harness's
 * cleanups guaranteed (every process it started is stopped, even on Ctrl+C); its figures
 * are logged as a list on stderr and printed as the last stdout line with the load since
 * the start. A failure prints no figures, the error and the load, and exits 1.
 */
export async function runBenchmark(bench: string, options: object, measure: () => Promise<Measured>) {
  const start = load1();
  const print = ({ figures, ok, options: more, error }: Measured) => {
    const result = { bench, ok: ok ?? error === undefined, load: { start, end: load1() } };
    const line = { ...result, options: { ...options, ...more }, figures, error };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  const run = async () => {
    const measured = await measure();
    say(`\n${bench}:`);
    for (const f of measured.figures) {
      const target = f.target ? ` (target ${f.target}: ${f.met ? 'met' : 'NOT met'})` : '';
      say(`  ${f.name}: ${figureValue(f)}${target}${f.note ? `; ${f.note}` : ''}`);
    }
    print(measured);
  };
  await runMain(run, (error) => print({ figures: [], error }));
}

/** A figure's value with its unit, or n/a. */
export const figureValue = (f: Figure) =>
  f.value == null ? 'n/a' : `${f.value}${f.unit ? ` ${f.unit}` : ''}`;

const RUN_NOTE = / \(run [^)]*\)$/;

/**
 * The rows of a results.md table (bench/run.ts), bench by bench, keyed by the bench's title:
 * a row with a first cell starts a bench, the rows after it without one belong to it. Every
 * bench's first cell names the run its figures come from, "Title (run 2026-12-07T11:30Z)".
 */
export function rowsByBench(markdown: string): Map<string, string[]> {
  const kept = new Map<string, string[]>();
  let rows: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('| ') || /^\| (Benchmark|---) \|/.test(line)) continue;
    const first = (line.split(' | ')[0] ?? '').slice(2).trim();
    if (!first) rows?.push(line);
    else kept.set(first.replace(RUN_NOTE, ''), (rows = [line]));
  }
  return kept;
}

type Option = number | string | boolean;

/**
 * The command line's flags typed by `defaults`: key `fooBar` is `--foo-bar value` (or
 * `--foo-bar=value`), a number must be positive, a boolean is a bare flag. With --help, the
 * script's header comment, and exit.
 */
export function options<T extends Record<string, Option>>(defaults: T, argv = process.argv.slice(2)) {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const [, name, value] = /^--([^=]+)(?:=(.*))?$/s.exec(argv[i] ?? '') ?? [];
    const next = argv[i + 1];
    if (name) args.set(name, value ?? (next === undefined || next.startsWith('--') ? 'true' : argv[++i]!));
  }
  if (args.has('help')) {
    const header = /^\/\*\*([\s\S]*?)\*\//.exec(readFileSync(process.argv[1] ?? '', 'utf8'))?.[1] ?? '';
    process.stdout.write(`${header.replace(/^ \* ?/gm, '').trim()}\n`);
    process.exit(0);
  }
  const parse = ([key, fallback]: [string, Option]) => {
    const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const raw = args.get(flag);
    if (typeof fallback === 'boolean') return [key, raw !== undefined];
    if (raw === undefined || typeof fallback === 'string') return [key, raw ?? fallback];
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${flag} must be a positive number, got "${raw}"`);
    return [key, value];
  };
  type Typed = { [K in keyof T]: T[K] extends boolean ? boolean : T[K] extends number ? number : string };
  return Object.fromEntries(Object.entries(defaults).map(parse)) as Typed;
}

/** Progress and human-readable output: stderr, so stdout stays machine-readable (above a progress bar, if drawn). */
export { say as log };

/** Nearest-rank quantile `p` (0..1) of `values`; NaN when empty. */
export function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** Nearest-rank p50 / p90 / p99 / max of request times, rounded to 0.1, and their count. */
export function latency(times: readonly number[]) {
  const q = (p: number) => round(quantile(times, p), 1);
  return { n: times.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1) };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The mean of `values` and its standard error (sample standard deviation / √n). */
export function meanAndError(values: readonly number[]) {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  return { values, mean, error: Math.sqrt(variance / values.length) };
}

export function fmt(value: number | null | undefined, digits = 0): string {
  if (value == null || !Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
