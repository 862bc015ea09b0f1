/**
 * `npm run bench:build`: `astro build` of synthetic programs (1,000 and 10,000
 * storefronts of 30 products, from a catalog of 3 products per storefront) against a
 * plain static Astro build of the same pages from the same data (no Cloudflare adapter,
 * no content gate, no Worker bundle, every storefront and list prerendered). Targets
 * (issue 13): 10,000 storefronts in 60 s under 2 GiB, 100,000 in 10 min under 3 GiB,
 * and a deploy output within the Free plan (20,000 files, Worker 3 MiB gzip).
 *
 * Builds run in a temp copy of the project (node_modules linked entry by entry), so
 * /work/main/dist, the generated route table and the shared caches are untouched.
 *
 * Flags: --quick (100 storefronts), --sizes 1000,10000,100000, --catalog N,
 * --only cloudflare|static, --static-max N (largest size the static reference runs at,
 * default 10000: it renders four files a storefront).
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
import { rssKiB, treePids } from './lib/cpu.ts';
import { astroBuildArgs } from '../build/astro-build.ts';
import { progress } from '../scripts/lib/progress.ts';
import { ROOT, runBench, runCommand } from './lib/proc.ts';
import {
  fmt,
  load1,
  log,
  numberArg,
  parseArgs,
  printFailure,
  printResult,
  round,
  type Figure,
} from './lib/report.ts';
import { handleOf, writeSyntheticContent } from './lib/synthetic-content.ts';
import { tempDir } from './lib/built-site.ts';
import { STATIC_CATALOG, STATIC_LIST, STATIC_STOREFRONT } from './lib/static-pages.ts';

const args = parseArgs(process.argv.slice(2));
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

/** What `astro build` needs from the project (see the brief: no tests, no content, no dist). */
const PROJECT_FILES = [
  'astro.config.mjs',
  'site',
  'domain',
  'scripts/lib',
  'worker',
  'wrangler.toml',
  'tsconfig.json',
  'package.json',
  'migrations',
];

type Variant = 'cloudflare' | 'static';

interface BuildRun {
  variant: Variant;
  storefronts: number;
  ok: boolean;
  seconds: number;
  pages: number;
  pagesPerSecond: number;
  /** Peak resident memory: of the largest single process (time -v) and of the whole process tree (sampled). */
  peakRssMiB: number | null;
  peakTreeRssMiB: number;
  outputMiB: number;
  /** Files the deploy uploads as static assets (dist/client; the whole dist for the static build). */
  assetFiles: number;
  /** The Worker as deployed: every module of dist/server (no source maps) gzipped together. */
  workerGzipKiB: number | null;
  /** Astro's own phase timings from its log: content sync + types, page rendering, whole build. */
  phases: { syncSeconds: number | null; renderSeconds: number | null; astroSeconds: number | null };
  /** The rebuild after one creator's file changed, with the caches of the build before. */
  incremental?: boolean;
  error?: string;
}

/** Astro's duration text: "850ms", "12.34s" or "1m 23s". */
const DURATION = '(\\d+m \\d+s|[\\d.]+ms|[\\d.]+s)';

function seconds(match: RegExpExecArray | null): number | null {
  const text = match?.[1];
  if (!text) return null;
  const minutes = /^(\d+)m (\d+)s$/.exec(text);
  if (minutes) return Number(minutes[1]) * 60 + Number(minutes[2]);
  return round(text.endsWith('ms') ? Number(text.slice(0, -2)) / 1000 : Number(text.slice(0, -1)), 1);
}

function phases(logText: string): BuildRun['phases'] {
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

/**
 * The same project as a plain static Astro site: the project's config without the
 * adapter and integrations, and without the pages rendered on demand in the Worker.
 */
function makeStatic(dir: string): void {
  const pages = join(dir, 'site', 'pages');
  const walk = (folder: string): string[] =>
    readdirSync(folder).flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  for (const file of walk(pages)) {
    const text = readFileSync(file, 'utf8');
    if (/export\s+const\s+prerender\s*=\s*false/.test(text) || /from\s+['"]cloudflare:/.test(text))
      rmSync(file);
  }
  // Storefronts and lists as a plain static site has them: one prerendered file each.
  writeFileSync(join(pages, 'shop', '[handle]', 'index.astro'), STATIC_STOREFRONT);
  writeFileSync(join(pages, 'shop', '[handle]', '[list].astro'), STATIC_LIST);
  writeFileSync(join(dir, 'site', 'lib', 'static-catalog.ts'), STATIC_CATALOG);
  writeFileSync(
    join(dir, 'astro.static.config.mjs'),
    `// Plain static build of the same pages (bench/build.ts): no adapter, no content gate.
import { defineConfig, passthroughImageService } from 'astro/config';
import base from './astro.config.mjs';

const { adapter: _adapter, integrations: _integrations, ...rest } = base;
export default defineConfig({
  ...rest,
  output: 'static',
  site: 'http://localhost:8787',
  image: { service: passthroughImageService() },
});
`,
  );
}

/** The deployed Worker's size as Cloudflare counts it: its modules (not source maps), gzipped. */
function workerGzipKiB(serverDir: string): number | null {
  if (!existsSync(serverDir)) return null;
  const parts: Buffer[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(m?js|wasm)$/.test(name)) parts.push(readFileSync(path));
    }
  };
  walk(serverDir);
  return round(gzipSync(Buffer.concat(parts), { level: 9 }).length / 1024);
}

function countFiles(dir: string, pattern: RegExp): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else {
        bytes += stat.size;
        if (pattern.test(name)) files++;
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return { files, bytes };
}

async function build(
  project: string,
  variant: Variant,
  contentDir: string,
  storefronts: number,
): Promise<BuildRun> {
  const timeFile = join(project, `time-${variant}.txt`);
  // As `npm run build` runs it (the build's heap budget), for both variants.
  const astroArgs = astroBuildArgs(ROOT, variant === 'static' ? ['--config', 'astro.static.config.mjs'] : []);
  const useTime = existsSync('/usr/bin/time');
  const [command, commandArgs] = useTime
    ? ['/usr/bin/time', ['-v', '-o', timeFile, process.execPath, ...astroArgs]]
    : [process.execPath, astroArgs];
  let peakTree = 0;
  const pending = runCommand(command, commandArgs as string[], {
    cwd: project,
    timeoutMs: options.timeoutMinutes * 60_000,
    env: {
      ...process.env,
      PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
      CONTENT_DIR: contentDir,
      ASTRO_TELEMETRY_DISABLED: '1',
      WRANGLER_SEND_METRICS: 'false',
      NO_COLOR: '1',
    },
  });
  // Peak memory of the whole tree (Node, esbuild, workerd if any), sampled.
  const sampler = setInterval(() => {
    const pid = findChild(command);
    if (pid) peakTree = Math.max(peakTree, rssKiB(treePids(pid)));
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
  const run: BuildRun = {
    variant,
    storefronts,
    ok,
    seconds: round(wallSeconds, 1),
    pages: pages.files,
    pagesPerSecond: round(pages.files / wallSeconds),
    peakRssMiB: maxRss ? round(Number(maxRss) / 1024) : null,
    peakTreeRssMiB: round(peakTree / 1024),
    outputMiB: round(output.bytes / 2 ** 20),
    assetFiles: assets.files,
    workerGzipKiB: variant === 'cloudflare' && ok ? workerGzipKiB(join(outDir, 'server')) : null,
    phases: phases(logText),
  };
  if (!ok) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-15).join('\n');
    run.error = result.timedOut
      ? `timed out after ${options.timeoutMinutes} min`
      : `exit ${result.code}: ${tail}`;
  }
  return run;
}

/** The pid of the running build (our direct child running `command`). */
function findChild(command: string): number | null {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.startsWith(command)) return Number(name);
    } catch {
      // The process ended meanwhile.
    }
  }
  return null;
}

function describe(run: BuildRun): string {
  if (!run.ok) return `${run.variant}: FAILED (${run.error ?? 'unknown'})`;
  return (
    `${run.variant.padEnd(10)} ${fmt(run.seconds, 1).padStart(6)} s  ${fmt(run.pages).padStart(6)} pages  ` +
    `${fmt(run.pagesPerSecond).padStart(5)} pages/s  peak RSS ${run.peakRssMiB ?? 'n/a'} MiB (tree ${run.peakTreeRssMiB} MiB)  ` +
    `output ${run.outputMiB} MiB  [${phaseText(run)}]`
  );
}

function phaseText(run: BuildRun): string {
  const p = run.phases;
  return `content sync ${p.syncSeconds ?? '?'} s, rendering ${p.renderSeconds ?? '?'} s, astro total ${p.astroSeconds ?? '?'} s`;
}

const loadStart = load1();
await runBench(main, printFailure('build', options, loadStart));

async function main(): Promise<void> {
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
  const figures: Figure[] = [];
  for (const storefronts of options.sizes) {
    const cf = runs.find(
      (r) => r.storefronts === storefronts && r.variant === 'cloudflare' && !r.incremental,
    );
    const inc = runs.find((r) => r.storefronts === storefronts && r.incremental);
    const st = runs.find((r) => r.storefronts === storefronts && r.variant === 'static');
    const label = `${fmt(storefronts)} storefronts`;
    const target = TARGETS[storefronts];
    if (cf) {
      const peak = Math.max(cf.peakRssMiB ?? 0, cf.peakTreeRssMiB);
      figures.push({
        name: `${label}: astro build (Cloudflare)`,
        value: cf.ok ? cf.seconds : null,
        unit: 's',
        ...(target
          ? {
              target: `<= ${target.seconds} s, peak RSS < ${target.rssMiB} MiB`,
              met: cf.ok && cf.seconds <= target.seconds && peak < target.rssMiB,
            }
          : {}),
        note: cf.ok
          ? `${fmt(cf.pages)} pages, ${fmt(cf.pagesPerSecond)} pages/s, peak RSS ${cf.peakRssMiB ?? 'n/a'} MiB (tree ${cf.peakTreeRssMiB} MiB); ${phaseText(cf)}`
          : cf.error,
      });
      if (cf.ok)
        figures.push({
          name: `${label}: deploy output`,
          value: `${fmt(cf.assetFiles)} asset files, Worker ${fmt(cf.workerGzipKiB ?? 0)} KiB gzip`,
          target: `<= ${fmt(FREE_PLAN.assetFiles)} files, <= 3 MiB`,
          met: cf.assetFiles <= FREE_PLAN.assetFiles && (cf.workerGzipKiB ?? Infinity) <= FREE_PLAN.workerKiB,
          note: `output ${cf.outputMiB} MiB`,
        });
    }
    if (inc)
      figures.push({
        name: `${label}: one creator changed, rebuilt`,
        value: inc.ok ? inc.seconds : null,
        unit: 's',
        ...(storefronts === 10_000 ? { target: '<= 20 s', met: inc.ok && inc.seconds <= 20 } : {}),
        note: inc.ok
          ? `warm parse cache and content store; peak RSS ${inc.peakRssMiB ?? 'n/a'} MiB; ${phaseText(inc)}`
          : inc.error,
      });
    if (st)
      figures.push({
        name: `${label}: plain static Astro build`,
        value: st.ok ? st.seconds : null,
        unit: 's',
        note: st.ok
          ? `${fmt(st.pages)} pages, ${fmt(st.pagesPerSecond)} pages/s, peak RSS ${st.peakRssMiB ?? 'n/a'} MiB (tree ${st.peakTreeRssMiB} MiB); ${phaseText(st)}`
          : st.error,
      });
    if (cf?.ok && st?.ok)
      figures.push({
        name: `${label}: Cloudflare build / static build`,
        value: round(cf.seconds / st.seconds, 2),
        unit: 'x',
      });
  }
  printResult({
    bench: 'build',
    ok: runs.every((r) => r.ok),
    load: { start: loadStart, end: load1() },
    options: { ...options, productsPerStorefront: 30, listsPerStorefront: 3, featured: 5 },
    figures,
    details: runs,
  });
}
