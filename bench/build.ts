/**
 * `npm run bench:build`: `astro build` of synthetic programs (storefronts of 30 products, a
 * catalog of 3 products a storefront), then one creator changed and rebuilt, against a plain
 * static Astro build of the same pages (bench/fixtures/static-site/). Targets (issue 13;
 * docs/scale.md): 10,000 storefronts in 60 s under 2 GiB, 100,000 in 10 min under 3 GiB, a deploy
 * output within the Free plan. Builds run in a temp copy of the project.
 *
 * Flags: --quick (100 storefronts), --sizes 1000,10000,100000, --catalog N,
 * --only cloudflare|static, --static-max N (largest size the static reference runs at, default 10000).
 * Last stdout line: the figures as JSON (see bench/lib/report.ts).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { childPids, rssKiB, treePids } from './lib/cpu.ts';
import { astroBuildArgs } from '../build/astro-build.ts';
import { progress } from '../scripts/lib/progress.ts';
import { ROOT, runCommand, toolEnv } from '../scripts/lib/harness/process.ts';
import { benchArgs, fmt, log, numberArg, round, runBenchmark, type Figure } from './lib/report.ts';
import { handleOf, writeSyntheticContent } from './lib/synthetic-content.ts';
import { tempDir } from './lib/built-site.ts';

const args = benchArgs();
const quick = args.has('quick');
const options = {
  sizes: (args.get('sizes') ?? (quick ? '100' : '1000,10000')).split(',').map((s) => Number(s.trim())),
  /** Distinct products; by default 3 per storefront (issue 13: 10k creators, 30k catalog; 100k, 300k). */
  catalog: args.has('catalog') ? numberArg(args, 'catalog', 0) : null,
  /** The plain static reference renders a file per page: past this size it would run for hours. */
  staticMax: numberArg(args, 'static-max', 10_000),
  only: args.get('only') ?? 'both',
  timeoutMinutes: numberArg(args, 'timeout-minutes', 20),
};
if (options.sizes.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error('--sizes must be positive integers, e.g. 1000,10000');
/** Issue 13's targets per program size: build time and peak memory; deploy limits of the Free plan for all. */
const TARGETS: Record<number, { seconds: number; rssMiB: number }> = {
  10_000: { seconds: 60, rssMiB: 2048 },
  100_000: { seconds: 600, rssMiB: 3072 },
};
const FREE_PLAN = { assetFiles: 20_000, workerKiB: 3 * 1024 };

/** The plain static reference's pages and Astro config: real files that `astro check` covers. */
const STATIC_SITE = 'bench/fixtures/static-site';
/** What `astro build` needs from the project (no tests, no content, no dist). */
const PROJECT_FILES = [
  'astro.config.mjs',
  'site',
  'domain',
  'build',
  'scripts/lib',
  'worker',
  STATIC_SITE,
  'wrangler.toml',
  'tsconfig.json',
  'package.json',
  'migrations',
];

type Variant = 'cloudflare' | 'static';

type BuildRun = Awaited<ReturnType<typeof build>>;

/** Astro's duration text: "850ms", "12.34s" or "1m 23s". */
const DURATION = '(\\d+m \\d+s|[\\d.]+ms|[\\d.]+s)';

function seconds(match: RegExpExecArray | null): number | null {
  const text = match?.[1];
  if (!text) return null;
  const minutes = /^(\d+)m (\d+)s$/.exec(text);
  if (minutes) return Number(minutes[1]) * 60 + Number(minutes[2]);
  return round(text.endsWith('ms') ? Number(text.slice(0, -2)) / 1000 : Number(text.slice(0, -1)), 1);
}

/** Astro's own phase timings from its log: content sync + types, page rendering, whole build. */
function phases(logText: string) {
  const find = (pattern: string) => seconds(new RegExp(`${pattern} ${DURATION}`).exec(logText));
  return {
    syncSeconds: find('\\[types\\] Generated'),
    renderSeconds: find('(?:prerendering|generating) static routes[\\s\\S]*?Completed in'),
    astroSeconds: find('(?:Server built|page\\(s\\) built) in'),
  };
}

/** A real node_modules folder whose entries link to the project's: caches written under it stay in the temp dir. */
function linkNodeModules(dir: string): void {
  const target = join(dir, 'node_modules');
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name.startsWith('.') && name !== '.bin') continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(target, name));
  }
}

function copyProject(dir: string): void {
  for (const path of PROJECT_FILES) {
    if (!existsSync(join(ROOT, path))) continue;
    cpSync(join(ROOT, path), join(dir, path), {
      recursive: true,
      // The generated route table is rewritten by the build; a stale one must not leak in.
      filter: (src) => !relative(ROOT, src).startsWith(join('worker', 'generated')),
    });
  }
  linkNodeModules(dir);
}

/** Every file under `dir`, recursively. */
const filesUnder = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true }).flatMap((e) =>
        e.isFile() ? [join(e.parentPath, e.name)] : [],
      )
    : [];

/**
 * The same project as a plain static Astro site: without the pages rendered on demand in
 * the Worker, storefronts and lists prerendered one file each (bench/fixtures/static-site/,
 * copied over the on-demand pages), built with that folder's config (no adapter, no gate).
 */
function makeStatic(dir: string): void {
  const pages = join(dir, 'site', 'pages');
  for (const file of filesUnder(pages)) {
    const text = readFileSync(file, 'utf8');
    if (/export\s+const\s+prerender\s*=\s*false/.test(text) || /from\s+['"]cloudflare:/.test(text))
      rmSync(file);
  }
  for (const page of ['index.astro', '[list].astro'])
    cpSync(join(ROOT, STATIC_SITE, '[handle]', page), join(pages, 'shop', '[handle]', page));
}

/** The deployed Worker's size as Cloudflare counts it: its modules (not source maps), gzipped. */
function workerGzipKiB(serverDir: string): number {
  const modules = filesUnder(serverDir)
    .filter((path) => /\.(m?js|wasm)$/.test(path))
    .sort();
  return round(
    gzipSync(Buffer.concat(modules.map((path) => readFileSync(path))), { level: 9 }).length / 1024,
  );
}

function countFiles(dir: string, pattern: RegExp): { files: number; bytes: number } {
  const files = filesUnder(dir);
  return {
    files: files.filter((path) => pattern.test(path)).length,
    bytes: files.reduce((sum, path) => sum + statSync(path).size, 0),
  };
}

async function build(project: string, variant: Variant, contentDir: string, storefronts: number) {
  const timeFile = join(project, `time-${variant}.txt`);
  // As `npm run build` runs it (the build's heap budget), for both variants.
  const astroArgs = astroBuildArgs(
    ROOT,
    variant === 'static' ? ['--config', join(STATIC_SITE, 'astro.config.mjs')] : [],
  );
  const useTime = existsSync('/usr/bin/time');
  const [command, commandArgs] = useTime
    ? ['/usr/bin/time', ['-v', '-o', timeFile, process.execPath, ...astroArgs]]
    : [process.execPath, astroArgs];
  let peakTree = 0;
  const pending = runCommand(command, commandArgs as string[], {
    cwd: project,
    timeoutMs: options.timeoutMinutes * 60_000,
    env: toolEnv({ CONTENT_DIR: contentDir }),
  });
  // Peak memory of the whole tree (Node, esbuild, workerd if any; the build is our only child), sampled.
  const sampler = setInterval(() => {
    peakTree = Math.max(peakTree, rssKiB(childPids().flatMap(treePids)));
  }, 200);
  const result = await pending.finally(() => clearInterval(sampler));
  const logText = `${result.stdout}\n${result.stderr}`;
  writeFileSync(join(project, `build-${variant}-${storefronts}.log`), logText);
  const outDir = join(project, 'dist');
  const clientDir = variant === 'cloudflare' ? join(outDir, 'client') : outDir;
  const pages = countFiles(clientDir, /\.html$/);
  const assets = countFiles(clientDir, /./);
  const output = countFiles(outDir, /./);
  const wallSeconds = result.ms / 1000;
  const timeText = useTime && existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
  const maxRss = /Maximum resident set size \(kbytes\): (\d+)/.exec(timeText)?.[1];
  const ok = result.code === 0;
  return {
    variant,
    storefronts,
    ok,
    seconds: round(wallSeconds, 1),
    pages: pages.files,
    pagesPerSecond: round(pages.files / wallSeconds),
    /** Peak RSS of the largest process (time -v) and of the whole tree (sampled). */
    peakRssMiB: maxRss ? round(Number(maxRss) / 1024) : null,
    peakTreeRssMiB: round(peakTree / 1024),
    outputMiB: round(output.bytes / 2 ** 20),
    /** Files the deploy uploads as static assets (dist/client; the whole dist for the static build). */
    assetFiles: assets.files,
    workerGzipKiB: variant === 'cloudflare' && ok ? workerGzipKiB(join(outDir, 'server')) : null,
    phases: phases(logText),
    /** The rebuild after one creator's file changed, with the caches of the build before. */
    incremental: false,
    error: result.timedOut
      ? `timed out after ${options.timeoutMinutes} min`
      : ok
        ? undefined
        : `exit ${result.code}: ${logText.trim().split('\n').slice(-15).join('\n')}`,
  };
}

/** A run for the progress log: its time, or why it failed. */
const describe = (run: BuildRun) =>
  `${run.variant}: ${run.ok ? `${fmt(run.seconds, 1)} s, ${fmt(run.pages)} pages` : `FAILED (${run.error ?? 'unknown'})`}`;

/** A build's time as a figure: pages, pages/s, peak memory and Astro's phases in the note. */
function buildFigure(name: string, run: BuildRun, target?: { text?: string; met?: boolean }): Figure {
  const rss = `peak RSS ${run.peakRssMiB ?? 'n/a'} MiB (tree ${run.peakTreeRssMiB} MiB)`;
  const { syncSeconds: sync, renderSeconds: render, astroSeconds: astro } = run.phases;
  const phases = `content sync ${sync ?? '?'} s, rendering ${render ?? '?'} s, astro total ${astro ?? '?'} s`;
  return {
    name,
    value: run.ok ? run.seconds : null,
    unit: 's',
    ...(target ? { target: target.text, met: run.ok && target.met === true } : {}),
    note: run.ok
      ? `${run.incremental ? 'warm parse cache and content store' : `${fmt(run.pages)} pages, ${fmt(run.pagesPerSecond)} pages/s`}, ${rss}; ${phases}`
      : run.error,
  };
}

function figuresOf(storefronts: number, runs: BuildRun[]): Figure[] {
  const of = (variant: Variant, incremental = false) =>
    runs.find(
      (r) => r.storefronts === storefronts && r.variant === variant && !r.incremental === !incremental,
    );
  const [cf, inc, st] = [of('cloudflare'), of('cloudflare', true), of('static')];
  const label = `${fmt(storefronts)} storefronts`;
  const goal = TARGETS[storefronts];
  const figures: Figure[] = [];
  if (cf) {
    const peak = Math.max(cf.peakRssMiB ?? 0, cf.peakTreeRssMiB);
    const text = goal && `<= ${goal.seconds} s, peak RSS < ${goal.rssMiB} MiB`;
    const met = goal && cf.seconds <= goal.seconds && peak < goal.rssMiB;
    figures.push(buildFigure(`${label}: astro build (Cloudflare)`, cf, goal && { text, met }));
  }
  if (cf?.ok)
    figures.push({
      name: `${label}: deploy output`,
      value: `${fmt(cf.assetFiles)} asset files, Worker ${fmt(cf.workerGzipKiB ?? 0)} KiB gzip`,
      target: `<= ${fmt(FREE_PLAN.assetFiles)} files, <= 3 MiB`,
      met: cf.assetFiles <= FREE_PLAN.assetFiles && (cf.workerGzipKiB ?? Infinity) <= FREE_PLAN.workerKiB,
      note: `output ${cf.outputMiB} MiB`,
    });
  const fast =
    storefronts === 10_000 ? { text: '<= 20 s', met: (inc?.seconds ?? Infinity) <= 20 } : undefined;
  if (inc) figures.push(buildFigure(`${label}: one creator changed, rebuilt`, inc, fast));
  if (st) figures.push(buildFigure(`${label}: plain static Astro build`, st));
  if (cf?.ok && st?.ok)
    figures.push({
      name: `${label}: Cloudflare build / static build`,
      value: round(cf.seconds / st.seconds, 2),
      unit: 'x',
    });
  return figures;
}

await runBenchmark('build', options, async () => {
  const root = tempDir('build');
  const cloudflare = join(root, 'project');
  const plain = join(root, 'static');
  copyProject(cloudflare);
  copyProject(plain);
  makeStatic(plain);
  const variants: Variant[] = options.only === 'both' ? ['cloudflare', 'static'] : [options.only as Variant];
  const runs: BuildRun[] = [];
  const bar = progress('bench:build', options.sizes.length * variants.length, 'builds');
  for (const storefronts of options.sizes) {
    const content = join(root, `content-${storefronts}`);
    const catalog = Math.max(options.catalog ?? storefronts * 3, 120);
    const started = Date.now();
    const files = await writeSyntheticContent(content, { storefronts, catalog });
    log(
      `\n== ${fmt(storefronts)} storefronts x 30 products (catalog ${fmt(catalog)}): ${fmt(files)} files in ${fmt((Date.now() - started) / 1000, 1)} s`,
    );
    for (const variant of variants) {
      if (variant === 'static' && storefronts > options.staticMax) {
        log(`  static: skipped above --static-max ${fmt(options.staticMax)} storefronts`);
        continue;
      }
      const project = variant === 'cloudflare' ? cloudflare : plain;
      rmSync(join(project, 'dist'), { recursive: true, force: true });
      bar.tick(0, `${variant}, ${fmt(storefronts)} storefronts`);
      const run = await build(project, variant, content, storefronts);
      runs.push(run);
      bar.tick();
      log(`  ${describe(run)}`);
      if (variant === 'cloudflare' && run.ok) {
        // One creator edits their file; the next build keeps the caches CI keeps (deploy.yml).
        const file = join(content, 'influencers', `${handleOf(1)}.yaml`);
        writeFileSync(file, readFileSync(file, 'utf8').replace(/^bio: .*$/m, 'bio: "Changed my bio."'));
        const again = await build(project, variant, content, storefronts);
        again.incremental = true;
        runs.push(again);
        log(`  one creator changed: ${describe(again)}`);
      }
      // The output of a 10,000-storefront build is large; nothing reads it afterwards.
      rmSync(join(project, 'dist'), { recursive: true, force: true });
    }
    rmSync(content, { recursive: true, force: true });
  }
  log(`bench:build: ${runs.length} builds in ${bar.stop()} s, ${runs.filter((r) => r.ok).length} ok`);
  return {
    ok: runs.every((r) => r.ok),
    options: { productsPerStorefront: 30, listsPerStorefront: 3, featured: 5 },
    figures: options.sizes.flatMap((size) => figuresOf(size, runs)),
    details: runs,
  };
});
