/**
 * `npm run bench:lighthouse`: Lighthouse scores (performance, accessibility, best practices, SEO;
 * default mobile settings with simulated throttling) of `/` and a storefront, served from a
 * snapshot of the build as bench:weight serves it, with headless Chromium: the system's, else the
 * one the npm package @sparticuz/chromium ships (as the browser tests), so it needs only Node.
 * Target: 100 / 100 / 100 / 100.
 *
 * Flags: --handle NAME (storefront, default jess-home-lab), --build (astro build first),
 * --chrome PATH (default $CHROME_PATH, /usr/bin/chromium, else @sparticuz/chromium's).
 */
import { existsSync, readFileSync } from 'node:fs';
import sparticuz from '@sparticuz/chromium';
import { join } from 'node:path';
import { withServedBuild } from './lib/built-site.ts';
import { runCommand, toolEnv } from '../scripts/lib/harness/process.ts';
import { log, options as flags, row, runBenchmark } from './lib/report.ts';

const chrome = process.env.CHROME_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : '');
const options = flags({ handle: 'jess-home-lab', build: false, chrome });
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
// prettier-ignore
const CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
// prettier-ignore
const METRICS = { FCP: 'first-contentful-paint', LCP: 'largest-contentful-paint', TBT: 'total-blocking-time', CLS: 'cumulative-layout-shift' };

type Audit = { score: number | null; scoreDisplayMode?: string; displayValue?: string };
/** A Lighthouse report's parts read here; `benchmarkIndex`: its CPU speed estimate of this machine at the time (lower = slower or busier). */
type Report = Partial<{ categories: Record<string, Audit>; audits: Record<string, Audit> } & Run>;
type Run = { runtimeError: { message?: string }; environment: { benchmarkIndex?: number } };

/** One page's scores as a figure; audits that cost points named in the note, for whoever fixes them. */
async function audit(origin: string, path: string, outDir: string) {
  const output = join(outDir, `lighthouse${path.replace(/\W+/g, '-')}.json`);
  log(`lighthouse ${origin}${path}`);
  const chrome = `--chrome-flags=${CHROME_FLAGS.join(' ')}`;
  const flags = [`--output-path=${output}`, `--only-categories=${CATEGORIES.join(',')}`, chrome];
  const argv = [`${origin}${path}`, '--output=json', ...flags, '--max-wait-for-load=30000', '--quiet'];
  const env = toolEnv({ CHROME_PATH: options.chrome });
  const result = await runCommand('lighthouse', argv, { timeoutMs: 240_000, env });
  const name = `Lighthouse ${path} (perf / a11y / best practices / SEO)`;
  const figure = (value: string | null, met: boolean, note: string, error?: string) =>
    Object.assign(row(name, value, undefined, note, '100 / 100 / 100 / 100', met), { error });
  if (!existsSync(output)) {
    const why = result.timedOut ? 'timed out' : `exit ${result.code}`;
    const error = `lighthouse ${why}: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`;
    return figure(null, false, error, error);
  }
  const report = JSON.parse(readFileSync(output, 'utf8')) as Report;
  const scores = CATEGORIES.map((c) => report.categories?.[c]?.score);
  const complete = scores.every((v) => typeof v === 'number');
  const values = scores.map((v) => Math.round((v ?? 0) * 100));
  const failing = Object.entries(report.audits ?? {})
    .filter(([, a]) => (a.score ?? 1) < 1 && !['informative', 'manual'].includes(a.scoreDisplayMode ?? ''))
    .map(([id, a]) => `${id}${a.displayValue ? ` (${a.displayValue})` : ''}`);
  const metric = ([name, id]: [string, string]) => `${name} ${report.audits?.[id]?.displayValue ?? 'n/a'}`;
  const metrics = Object.entries(METRICS).map(metric).join(', ');
  const [error, index] = [report.runtimeError?.message, report.environment?.benchmarkIndex];
  const note =
    (error ?? (failing.length > 0 ? `below 100: ${failing.join(', ')}; ${metrics}` : metrics)) +
    (index ? `; Lighthouse CPU benchmark index ${Math.round(index)}` : '');
  const [value, met] = [complete ? values.join(' / ') : null, complete && values.every((v) => v === 100)];
  return figure(value, met, note, error);
}

await runBenchmark('lighthouse', options, async () => {
  options.chrome ||= await sparticuz.executablePath();
  if (!existsSync(options.chrome)) throw new Error(`no Chromium at ${options.chrome} (pass --chrome PATH)`);
  const figures = await withServedBuild('lighthouse', options.build, async (url, dir) => {
    // "localhost", not 127.0.0.1: the built pages' canonical URLs name localhost, and
    // Lighthouse's SEO audit fails a canonical link to another host.
    const origin = url.replace('127.0.0.1', 'localhost');
    return [await audit(origin, '/', dir), await audit(origin, `/shop/${options.handle}/`, dir)];
  });
  return {
    ok: figures.every((f) => !f.error),
    options: { settings: 'Lighthouse defaults (mobile, simulated throttling)', chromeFlags: CHROME_FLAGS },
    figures: figures.map(({ error: _, ...figure }) => figure),
  };
});
