/**
 * `npm run bench:build`: `astro build` of synthetic programs (storefronts of 30 products, a
 * catalog of 3 products a storefront), then one creator changed and rebuilt, against a plain
 * static Astro build of the same pages (bench/fixtures/static-site/). Targets (issue 13;
 * docs/scale.md): 10,000 storefronts in 60 s under 2 GiB, 100,000 in 10 min under 3 GiB, a deploy
 * output within the Free plan. Builds run in a temp copy of the project; peak memory is that of
 * the build's whole process tree, sampled. Issue 13's builds are the pages without share cards
 * (SHARE_CARD_BUDGET_S=0; its targets predate them); one more build of the Cloudflare variant
 * renders cards for --cards-s seconds into its empty card cache, for their rate and the memory
 * they add (a card's own cost: bench:cards).
 *
 * Flags: --quick (100 storefronts), --sizes 1000,10000,100000, --catalog N,
 * --only cloudflare|static, --static-max N (largest size the static reference runs at, default 10000),
 * --timeout-minutes N (a build, default 20), --cards-s N (the cards build's budget, default 20).
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { childPids, groupPids, rssKiB } from './lib/cpu.ts';
import { astroBuildArgs } from '../build/astro-build.ts';
import { progress } from '../scripts/lib/progress.ts';
import { ROOT, runCommand, toolEnv } from '../scripts/lib/harness/process.ts';
import { fmt, log, options as flags, round, row, runBenchmark, type Figure } from './lib/report.ts';
import { handleOf, writeSyntheticContent } from './lib/synthetic-content.ts';
import { tempDir } from './lib/built-site.ts';

// --catalog: distinct products (0: 3 per storefront; issue 13: 10k creators, 30k catalog; 100k, 300k).
// --static-max: the plain static reference renders a file per page: past this size it would run for hours.
// prettier-ignore
const defaults = { quick: false, sizes: '', catalog: 0, staticMax: 10_000, only: 'both', timeoutMinutes: 20, cardsS: 20 };
const { quick, ...flagged } = flags(defaults);
const sizes = (flagged.sizes || (quick ? '100' : '1000,10000')).split(',').map((s) => Number(s.trim()));
const options = { ...flagged, sizes };
if (options.sizes.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error('--sizes must be positive integers, e.g. 1000,10000');
if (!['both', 'cloudflare', 'static'].includes(options.only))
  throw new Error('--only must be cloudflare or static');
/** Issue 13's targets per program size: build time and peak memory; deploy limits of the Free plan for all. */
const TARGETS = new Map([
  [10_000, { seconds: 60, rssMiB: 2048 }],
  [100_000, { seconds: 600, rssMiB: 3072 }],
]);
const FREE_PLAN = { assetFiles: 20_000, workerKiB: 3 * 1024 };
/** The plain static reference's pages and Astro config: real files that `astro check` covers. */
const STATIC_SITE = 'bench/fixtures/static-site';
/** What `astro build` needs from the project (no tests, no content, no dist). */
// prettier-ignore
const PROJECT_FILES = ['astro.config.mjs', 'site', 'domain', 'build', 'scripts/lib', 'worker', STATIC_SITE, 'wrangler.toml', 'tsconfig.json', 'package.json', 'migrations'];

type Variant = 'cloudflare' | 'static';
type BuildRun = Awaited<ReturnType<typeof build>>;

const filesUnder = (dir: string, files = readdirSync(dir, { recursive: true, withFileTypes: true })) =>
  files.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

/**
 * The project copied into `dir`, node_modules linked entry by entry (caches written under it stay
 * in the copy). The static reference has no pages rendered on demand in the Worker: its storefronts
 * and lists are prerendered a file each (bench/fixtures/static-site/ over the on-demand pages),
 * built with that folder's config (no adapter, no gate).
 */
function copyProject(dir: string, variant: Variant): void {
  // The generated route table is rewritten by the build; a stale one must not leak in.
  const filter = (src: string) => !relative(ROOT, src).startsWith(join('worker', 'generated'));
  for (const path of PROJECT_FILES) cpSync(join(ROOT, path), join(dir, path), { recursive: true, filter });
  mkdirSync(join(dir, 'node_modules'));
  const modules = readdirSync(join(ROOT, 'node_modules')).filter((n) => !n.startsWith('.') || n === '.bin');
  for (const name of modules) symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  if (variant === 'cloudflare') return;
  const pages = join(dir, 'site', 'pages');
  const onDemand = /export\s+const\s+prerender\s*=\s*false|from\s+['"]cloudflare:/;
  for (const file of filesUnder(pages)) if (onDemand.test(readFileSync(file, 'utf8'))) rmSync(file);
  for (const page of ['index.astro', '[list].astro'])
    cpSync(join(ROOT, STATIC_SITE, '[handle]', page), join(pages, 'shop', '[handle]', page));
}

/** Astro's own timing after `pattern` in its log ("850ms", "12.34s" or "1m 23s"), in seconds, or "?". */
function astroSeconds(logText: string, pattern: string): number | string {
  const m = new RegExp(`${pattern} (?:(\\d+)m (\\d+)s|([\\d.]+)(ms|s))`).exec(logText);
  if (!m) return '?';
  return m[1] ? Number(m[1]) * 60 + Number(m[2]) : round(Number(m[3]) / (m[4] === 'ms' ? 1000 : 1), 1);
}

/** The deployed Worker's size as Cloudflare counts it: its modules (not source maps), gzipped. */
function workerGzipKiB(serverDir: string): number {
  const modules = filesUnder(serverDir).filter((path) => /\.(m?js|wasm)$/.test(path));
  const bytes = Buffer.concat(modules.sort().map((path) => readFileSync(path)));
  return round(gzipSync(bytes, { level: 9 }).length / 1024);
}

/** One `astro build` of `variant` in its copy of the project under `root`, of the program of `storefronts`. */
async function build(root: string, variant: Variant, storefronts: number, incremental = false, cardsS = 0) {
  const project = join(root, variant);
  // As `npm run build` runs it (the build's heap budget), for both variants.
  const config = variant === 'static' ? ['--config', join(STATIC_SITE, 'astro.config.mjs')] : [];
  const [CONTENT_DIR, SHARE_CARD_BUDGET_S] = [join(root, `content-${storefronts}`), String(cardsS)];
  const env = toolEnv({ CONTENT_DIR, SHARE_CARD_BUDGET_S });
  let peakKiB = 0;
  const sample = () => (peakKiB = Math.max(peakKiB, rssKiB(childPids().flatMap(groupPids))));
  const [sampler, timeoutMs] = [setInterval(sample, 200), options.timeoutMinutes * 60_000];
  const argv = astroBuildArgs(ROOT, config);
  const result = await runCommand(process.execPath, argv, { cwd: project, timeoutMs, env });
  clearInterval(sampler);
  const logText = `${result.stdout}\n${result.stderr}`;
  const name = `${variant}-${storefronts}${incremental ? '-again' : ''}${cardsS ? '-cards' : ''}`;
  await writeFile(join(project, `build-${name}.log`), logText);
  const [out, ok] = [join(project, 'dist'), result.code === 0];
  const assets = ok ? filesUnder(variant === 'cloudflare' ? join(out, 'client') : out) : [];
  const phase = (pattern: string) => astroSeconds(logText, pattern);
  const tail = logText.trim().split('\n').slice(-15).join('\n');
  // prettier-ignore
  return {
    variant, storefronts, incremental, cardsS, ok, seconds: round(result.ms / 1000, 1), peakMiB: round(peakKiB / 1024),
    cards: JSON.parse(/share cards: (\{.*?\})/.exec(logText)?.[1] ?? '{}') as { cards?: number; rendered?: number; ms?: number },
    pages: assets.filter((path) => path.endsWith('.html')).length,
    outputMiB: ok ? round(filesUnder(out).reduce((sum, path) => sum + statSync(path).size, 0) / 2 ** 20) : 0,
    /** Files the deploy uploads as static assets (dist/client; the whole dist for the static build). */
    assetFiles: assets.length,
    workerGzipKiB: variant === 'cloudflare' && ok ? workerGzipKiB(join(out, 'server')) : Infinity,
    phases: `content sync ${phase('\\[types\\] Generated')} s, rendering ${phase('(?:prerendering|generating) static routes[\\s\\S]*?Completed in')} s, astro total ${phase('(?:Server built|page\\(s\\) built) in')} s`,
    error: result.timedOut ? `timed out after ${options.timeoutMinutes} min` : `exit ${result.code}: ${tail}`,
  };
}

/** A build's time as a figure: pages, pages/s, peak memory and Astro's phases in the note. */
function timeRow(name: string, run: BuildRun, target?: [string, boolean]): Figure {
  const rate = `${fmt(run.pages)} pages, ${fmt(run.pages / run.seconds)} pages/s`;
  const what = run.incremental ? 'warm parse cache and content store' : rate;
  const note = run.ok ? `${what}, peak RSS ${run.peakMiB} MiB; ${run.phases}` : run.error;
  return row(name, run.ok ? run.seconds : null, 's', note, target?.[0], target && run.ok && target[1]);
}

function figuresOf(storefronts: number, runs: BuildRun[]): Figure[] {
  const kindOf = (r: BuildRun) => (r.cardsS ? 'cards' : r.incremental ? 'again' : 'cold');
  const of = (variant: Variant, kind = 'cold') =>
    runs.find((r) => r.storefronts === storefronts && r.variant === variant && kindOf(r) === kind);
  const [cf, again, withCards] = ['cold', 'again', 'cards'].map((kind) => of('cloudflare', kind));
  const st = of('static');
  const { cards = 0, rendered = 0, ms = 0 } = withCards?.cards ?? {};
  const perS = rendered / (ms / 1000);
  const cardsNote = `${fmt(rendered)} of ${fmt(cards)} cards rendered in ${round(ms / 1000, 1)} s; all: about ${round(cards / perS / 60)} min on one core (npm run cards:render); peak RSS ${withCards?.peakMiB} MiB, ${again?.peakMiB} MiB without cards`;
  const label = `${fmt(storefronts)} storefronts`;
  const goal = TARGETS.get(storefronts);
  const deploy = cf && `${fmt(cf.assetFiles)} asset files, Worker ${fmt(cf.workerGzipKiB)} KiB gzip`;
  const fits = cf && cf.assetFiles <= FREE_PLAN.assetFiles && cf.workerGzipKiB <= FREE_PLAN.workerKiB;
  // prettier-ignore
  return [
    cf && timeRow(`${label}: astro build (Cloudflare)`, cf,
      goal && [`<= ${goal.seconds} s, peak RSS < ${goal.rssMiB} MiB`, cf.seconds <= goal.seconds && cf.peakMiB < goal.rssMiB]),
    cf?.ok && row(`${label}: deploy output`, deploy ?? '', undefined, `output ${cf.outputMiB} MiB`,
      `<= ${fmt(FREE_PLAN.assetFiles)} files, <= 3 MiB`, !!fits),
    again && timeRow(`${label}: one creator changed, rebuilt`, again,
      storefronts === 10_000 ? ['<= 20 s', again.seconds <= 20] : undefined),
    withCards?.ok && row(`${label}: share cards, rebuilt with SHARE_CARD_BUDGET_S=${withCards.cardsS}`, round(perS, 1), 'cards/s', cardsNote),
    st && timeRow(`${label}: plain static Astro build`, st),
    cf?.ok && st?.ok && row(`${label}: Cloudflare build / static build`, round(cf.seconds / st.seconds, 2), 'x'),
  ].filter((f) => !!f);
}

await runBenchmark('build', options, async () => {
  const root = tempDir('build');
  const variants = (options.only === 'both' ? ['cloudflare', 'static'] : [options.only]) as Variant[];
  for (const variant of variants) copyProject(join(root, variant), variant);
  const runs: BuildRun[] = [];
  const bar = progress('bench:build', options.sizes.length * variants.length, 'builds');
  for (const storefronts of options.sizes) {
    const content = join(root, `content-${storefronts}`);
    const catalog = Math.max(options.catalog || storefronts * 3, 120);
    const files = await writeSyntheticContent(content, { storefronts, catalog });
    log(`\n== ${fmt(storefronts)} storefronts x 30 products (catalog ${fmt(catalog)}): ${fmt(files)} files`);
    for (const variant of variants) {
      if (variant === 'static' && storefronts > options.staticMax) {
        log(`  static: skipped above --static-max ${fmt(options.staticMax)} storefronts`);
        continue;
      }
      bar.tick(0, `${variant}, ${fmt(storefronts)} storefronts`);
      const run = await build(root, variant, storefronts);
      runs.push(run);
      bar.tick();
      if (variant === 'cloudflare' && run.ok) {
        // One creator edits their file; the next build keeps the caches CI keeps (deploy.yml).
        const file = join(content, 'influencers', `${handleOf(1)}.yaml`);
        const changed = { ...JSON.parse(readFileSync(file, 'utf8')), bio: 'Changed my bio.' };
        await writeFile(file, JSON.stringify(changed));
        runs.push(await build(root, variant, storefronts, true));
        runs.push(await build(root, variant, storefronts, true, options.cardsS));
      }
      // The output of a 10,000-storefront build is large; nothing reads it afterwards.
      rmSync(join(root, variant, 'dist'), { recursive: true, force: true });
    }
    rmSync(content, { recursive: true, force: true });
  }
  log(`bench:build: ${runs.length} builds in ${bar.stop()} s, ${runs.filter((r) => r.ok).length} ok`);
  return {
    ok: runs.every((r) => r.ok),
    options: { productsPerStorefront: 30, listsPerStorefront: 3, featured: 5 },
    figures: options.sizes.flatMap((size) => figuresOf(size, runs)),
  };
});
