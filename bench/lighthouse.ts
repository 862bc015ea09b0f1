/**
 * `npm run bench:lighthouse`: Lighthouse scores (performance, accessibility, best
 * practices, SEO; default mobile settings with simulated throttling) of `/` and a
 * storefront, served by `wrangler dev` from the built site on a loopback port,
 * with headless Debian Chromium. Target: 100 / 100 / 100 / 100.
 *
 * Flags: --handle NAME (storefront, default jess-home-lab), --build (astro build first),
 * --chrome PATH (default $CHROME_PATH or /usr/bin/chromium).
 * Last stdout line: the figures as JSON (see bench/lib/report.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, snapshotBuild, tempDir } from './lib/built-site.ts';
import { startLocalSystem } from '../scripts/lib/harness/local-system.ts';
import { runCommand, toolEnv } from '../scripts/lib/harness/process.ts';
import { benchArgs, log, runBenchmark, type Figure } from './lib/report.ts';

const args = benchArgs();
const options = {
  handle: args.get('handle') ?? 'jess-home-lab',
  build: args.has('build'),
  chrome: args.get('chrome') ?? process.env.CHROME_PATH ?? '/usr/bin/chromium',
};
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

interface Report {
  categories?: Record<string, { score: number | null }>;
  audits?: Record<
    string,
    { score: number | null; scoreDisplayMode?: string; title?: string; displayValue?: string }
  >;
  runtimeError?: { message?: string };
  /** Lighthouse's CPU speed estimate of this machine at the time (lower = slower or busier). */
  environment?: { benchmarkIndex?: number };
}

interface PageScores {
  path: string;
  scores: Record<string, number | null>;
  /** Audits that cost points, per category, for whoever fixes them. */
  failing: string[];
  metrics: Record<string, string>;
  benchmarkIndex?: number;
  error?: string;
}

async function audit(url: string, path: string, outDir: string): Promise<PageScores> {
  const output = join(outDir, `lighthouse${path.replace(/\W+/g, '-')}.json`);
  const result = await runCommand(
    'lighthouse',
    [
      url,
      '--output=json',
      `--output-path=${output}`,
      `--only-categories=${CATEGORIES.join(',')}`,
      `--chrome-flags=${CHROME_FLAGS.join(' ')}`,
      '--max-wait-for-load=30000',
      '--quiet',
    ],
    { timeoutMs: 240_000, env: toolEnv({ CHROME_PATH: options.chrome }) },
  );
  if (!existsSync(output)) {
    const why = result.timedOut ? 'timed out' : `exit ${result.code}`;
    return {
      path,
      scores: {},
      failing: [],
      metrics: {},
      error: `lighthouse ${why}: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`,
    };
  }
  const report = JSON.parse(readFileSync(output, 'utf8')) as Report;
  const scores = Object.fromEntries(
    CATEGORIES.map((c) => {
      const score = report.categories?.[c]?.score;
      return [c, typeof score === 'number' ? Math.round(score * 100) : null];
    }),
  );
  const failing = Object.entries(report.audits ?? {})
    .filter(
      ([, a]) =>
        typeof a.score === 'number' &&
        a.score < 1 &&
        a.scoreDisplayMode !== 'informative' &&
        a.scoreDisplayMode !== 'manual',
    )
    .map(([id, a]) => `${id}${a.displayValue ? ` (${a.displayValue})` : ''}`);
  const metric = (id: string) => report.audits?.[id]?.displayValue ?? 'n/a';
  return {
    path,
    scores,
    failing,
    metrics: {
      FCP: metric('first-contentful-paint'),
      LCP: metric('largest-contentful-paint'),
      TBT: metric('total-blocking-time'),
      CLS: metric('cumulative-layout-shift'),
    },
    ...(report.environment?.benchmarkIndex
      ? { benchmarkIndex: Math.round(report.environment.benchmarkIndex) }
      : {}),
    ...(report.runtimeError?.message ? { error: report.runtimeError.message } : {}),
  };
}

await runBenchmark('lighthouse', options, async () => {
  if (!existsSync(options.chrome))
    throw new Error(
      `no Chromium at ${options.chrome} (install it with "apt-get install -y chromium", or pass --chrome PATH)`,
    );
  await ensureBuilt(options.build);
  const snapshot = snapshotBuild(tempDir('lighthouse'));
  const server = await startLocalSystem({
    build: false,
    config: snapshot.config,
    syncCatalog: false,
    logLevel: 'warn',
  });
  // "localhost", not 127.0.0.1: the built pages' canonical URLs name localhost, and
  // Lighthouse's SEO audit fails a canonical link to another host.
  const origin = server.url.replace('127.0.0.1', 'localhost');
  const pages: PageScores[] = [];
  try {
    for (const path of ['/', `/shop/${options.handle}/`]) {
      log(`lighthouse ${origin}${path}`);
      pages.push(await audit(`${origin}${path}`, path, snapshot.dir));
    }
  } finally {
    await server.stop();
  }
  const figures = pages.map((p): Figure => {
    const values = CATEGORIES.map((c) => p.scores[c]);
    const complete = values.every((v) => typeof v === 'number');
    const metrics = `FCP ${p.metrics.FCP}, LCP ${p.metrics.LCP}, TBT ${p.metrics.TBT}, CLS ${p.metrics.CLS}`;
    return {
      name: `Lighthouse ${p.path} (perf / a11y / best practices / SEO)`,
      value: complete ? values.join(' / ') : null,
      target: '100 / 100 / 100 / 100',
      met: complete && values.every((v) => v === 100),
      note:
        (p.error ?? (p.failing.length > 0 ? `below 100: ${p.failing.join(', ')}; ${metrics}` : metrics)) +
        (p.benchmarkIndex ? `; Lighthouse CPU benchmark index ${p.benchmarkIndex}` : ''),
    };
  });
  return {
    ok: pages.every((p) => !p.error),
    options: { settings: 'Lighthouse defaults (mobile, simulated throttling)', chromeFlags: CHROME_FLAGS },
    figures,
    details: pages,
  };
});
