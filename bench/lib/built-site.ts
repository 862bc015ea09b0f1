/**
 * The built shopfront a bench runs against. Benches never serve /work/main/dist
 * directly: others rebuild it while a bench runs, and wrangler dev reloads on
 * every change (dropping queued clicks). A bench copies the build (and the
 * migrations its config points at) into its own temp folder once, at the start.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { astroBuildArgs } from '../../build/astro-build.ts';
import { loadContent } from '../../build/load-content.ts';
import { formatError, type Content } from '../../domain/content/validate.ts';
import { mustRun, onCleanup, ROOT } from '../../scripts/lib/harness/process.ts';
import { freshDevVars } from '../../scripts/lib/dev-vars.ts';
import { writeEnvFile } from '../../scripts/lib/harness/wrangler.ts';
import { startLocalSystem } from '../../scripts/lib/harness/local-system.ts';
import { log } from './report.ts';

const DIST = join(ROOT, 'dist');

/** The Worker's secrets for this run: fresh test values, every secret `npm start` makes (never real ones). */
export const BENCH_SECRETS = freshDevVars();
/** The benches' secrets as a `wrangler dev --env-file` file in `dir`; returns its path. */
export const writeBenchEnv = (dir: string) => writeEnvFile(join(dir, 'bench.env'), BENCH_SECRETS);

/** The project's content (content/), validated; throws with every error. */
export function sampleContent(root = join(ROOT, 'content')): Content {
  const { content, errors } = loadContent(root);
  if (!content) throw new Error(`${root} is invalid:\n${errors.map(formatError).join('\n')}`);
  return content;
}

/** A temp folder removed at the end of the bench (unless BENCH_KEEP_TMP is set). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `shopfront-bench-${prefix}-`));
  onCleanup(() =>
    process.env.BENCH_KEEP_TMP ? log(`kept ${dir}`) : rmSync(dir, { recursive: true, force: true }),
  );
  return dir;
}

/** Runs `astro build` in the project when asked to, or when there is no build yet. */
export async function ensureBuilt(force: boolean): Promise<void> {
  const built = ['entry.mjs', 'wrangler.json'].every((f) => existsSync(join(DIST, 'server', f)));
  if (built && !force) return;
  log(force ? '> astro build (--build)' : '> astro build (no dist/server yet)');
  await mustRun(process.execPath, astroBuildArgs(ROOT), { cwd: ROOT, timeoutMs: 15 * 60_000, echo: true });
}

/**
 * Copies dist/ and migrations/ into `dir` (again if a concurrent build changes dist/ meanwhile);
 * returns the copy's generated wrangler `config` (read as `built`) and an `envFile` of the bench secrets.
 */
export function snapshotBuild(dir: string) {
  const marker = join(DIST, 'server', 'wrangler.json');
  for (let attempt = 1; ; attempt++) {
    const before = statSync(marker).mtimeMs;
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    cpSync(DIST, join(dir, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'migrations'), join(dir, 'migrations'), { recursive: true });
    const stable = existsSync(marker) && statSync(marker).mtimeMs === before;
    if (stable && existsSync(join(dir, 'dist', 'server', 'entry.mjs'))) break;
    if (attempt >= 5)
      throw new Error('dist/ kept changing while it was copied (a concurrent build?); try again');
    log('dist/ changed while copying (a concurrent build); copying again');
  }
  const config = join(dir, 'dist', 'server', 'wrangler.json');
  // The generated config names the project's wrangler.toml; inside the snapshot it must stand alone.
  const { configPath: _, userConfigPath: __, ...built } = JSON.parse(readFileSync(config, 'utf8'));
  writeFileSync(config, JSON.stringify(built));
  return { dir, config, envFile: writeBenchEnv(dir), built: built as Built };
}
export type Snapshot = ReturnType<typeof snapshotBuild>;
type Built = { compatibility_date?: string; assets?: object };

/** `use` with the build (made first if `build` or missing) snapshotted and served as the end-to-end tests serve it. */
export async function withServedBuild<T>(
  name: string,
  build: boolean,
  use: (origin: string, dir: string) => Promise<T>,
) {
  await ensureBuilt(build);
  const { config, dir } = snapshotBuild(tempDir(name));
  const server = await startLocalSystem({ build: false, config, syncCatalog: false, logLevel: 'warn' });
  return use(server.url, dir).finally(() => server.stop());
}
