/**
 * Builds the site from a content folder into a throwaway folder, with the
 * project's real Astro config, in a child process (a fresh Astro and Vite).
 *
 * The output lives under node_modules/.cache because the prerender step imports
 * the built chunks in Node, which must resolve packages from the project's
 * node_modules. The build also rewrites two shared files (the worker's route
 * table and wrangler's deploy redirect); they are put back afterwards so a test
 * build never leaves `wrangler dev` or the worker pointing at fixture output.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The route table goes to the work folder (ROUTE_TABLE_OUT); wrangler's deploy redirect is put back.
const PROTECTED = ['.wrangler/deploy/config.json'];

export interface SiteBuild {
  /** Exit code of the build. */
  code: number;
  /** Everything the build printed. */
  output: string;
  /** The static files (dist/client of a normal build). */
  client: string;
  /** The work folder; remove it with `cleanup`. */
  dir: string;
}

/** A fresh work folder holding a copy of a content folder that a test may change. */
export function copyContent(from: string): { dir: string; content: string } {
  const base = join('node_modules', '.cache');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'shopfront-build-test-'));
  const content = join(dir, 'content');
  cpSync(from, content, { recursive: true });
  return { dir, content };
}

export async function buildSite(contentDir: string, dir: string): Promise<SiteBuild> {
  const saved = PROTECTED.map((path) => ({ path, text: existsSync(path) ? readFileSync(path) : null }));
  try {
    const { code, output } = await run(contentDir, join(dir, 'out'), join(dir, 'cache'));
    return { code, output, client: join(dir, 'out', 'client'), dir };
  } finally {
    for (const { path, text } of saved) {
      if (text === null) rmSync(path, { force: true });
      else writeFileSync(path, text);
    }
  }
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function run(
  contentDir: string,
  outDir: string,
  cacheDir: string,
): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CONTENT_DIR: contentDir,
    ROUTE_TABLE_OUT: join(outDir, '..', 'route-table.ts'),
    // A test build reads only the product data its test wrote (none: no prices), never the machine's.
    PRODUCT_DATA: process.env.PRODUCT_DATA ?? join(outDir, '..', 'product-data.json'),
  };
  delete env['SITE_URL'];
  const child = spawn(process.execPath, ['tests/build/run-build.ts', resolve(outDir), resolve(cacheDir)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

/** An approved storefront renamed from dee-old, featuring `featured`; `rest` is appended (e.g. lists). */
export function renamedStorefront(featured: string, rest = ''): string {
  return `handle: dee-renamed
name: Dee Renamed
owner: self
bio: Used to be dee-old.
avatar: /images/avatars/mila-cooks.png
status: approved
applied_on: 2026-05-01
tracking_id: deerenamed-20
previous_handles: [dee-old]
socials:
  - platform: youtube
    url: https://www.youtube.com/@dee
    followers: 1500000
categories: [books]
featured: [${featured}]
${rest}`;
}
