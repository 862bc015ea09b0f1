/**
 * Throwaway git repositories for the vet/apply CLI tests: the fixture content
 * committed on `main` as the base, then whatever a test changes on top.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { git, GIT_ENV } from '../lib/git.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
/** Owners given to fixture members by `giveOwners` (the rest: "<handle>-gh"). */
export const OWNERS: Record<string, string> = { 'ana-cooks': 'Ana-GH' };
const FIXTURE = join(ROOT, 'tests/fixtures/content');
const FIXTURE_IMAGES = [
  'site/public/images/avatars/mila-cooks.png',
  'site/public/images/products/0062316095.svg',
];
/** The pinned Node (type stripping), whatever runs the tests. */
const NODE = join(ROOT, 'node_modules/.bin/node');

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export class TempRepo {
  readonly dir = mkdtempSync(join(tmpdir(), 'shopfront-vet-'));

  /**
   * A folder holding the fixture content as content/, optionally as a git repo with it committed
   * on main (after `prepare`, which may change the base content) and a branch "application" on top.
   */
  static withFixtures(git = true, prepare?: (repo: TempRepo) => void): TempRepo {
    const repo = new TempRepo();
    cpSync(FIXTURE, join(repo.dir, 'content'), { recursive: true });
    // The images the fixture content references, where the site serves them from.
    for (const image of FIXTURE_IMAGES) {
      mkdirSync(dirname(join(repo.dir, image)), { recursive: true });
      cpSync(join(ROOT, image), join(repo.dir, image));
    }
    repo.giveOwners();
    prepare?.(repo);
    if (git) {
      repo.git('init', '-q', '-b', 'main');
      repo.commit('base content');
      repo.git('checkout', '-q', '-b', 'application');
    }
    return repo;
  }

  /**
   * Every member file names its owner (CONTRACT.md section 13): ana-cooks is GitHub user "Ana-GH",
   * every other member "<handle>-gh" (replacing whatever owner the fixture names).
   */
  giveOwners(): void {
    const dir = 'content/influencers';
    for (const name of readdirSync(join(this.dir, dir))) {
      const handle = name.replace(/\.ya?ml$/, '');
      const login = OWNERS[handle] ?? `${handle}-gh`;
      this.edit(`${dir}/${name}`, (t) =>
        t.replace(/^(?:github|owner):.*\n/gm, '').replace(/^(name:.*\n)/m, `$1github: ${login}\n`),
      );
    }
  }

  /** Makes a member file's owner `line` ("github: x" or "owner: self"). */
  setOwner(path: string, line: string): void {
    this.edit(path, (t) => t.replace(/^(?:github|owner):.*$/m, line));
  }

  git(...args: string[]): string {
    return git(this.dir, ...args);
  }

  commit(message: string): void {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
  }

  write(path: string, text: string | Uint8Array): void {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text);
  }

  read(path: string): string {
    return readFileSync(join(this.dir, path), 'utf8');
  }

  /** Edits a file's text with a function (keeps the test's change visible in one line). */
  edit(path: string, change: (text: string) => string): void {
    this.write(path, change(this.read(path)));
  }

  remove(path: string): void {
    rmSync(join(this.dir, path));
  }

  run(script: string, args: string[]): Run {
    const result = spawnSync(NODE, [join(ROOT, script), ...args], {
      cwd: this.dir,
      env: GIT_ENV,
      encoding: 'utf8',
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** `npm run vet` in this repo, with the report written to a file and returned. */
  vet(...args: string[]): Run & { report: string } {
    const out = join(this.dir, '..', `${this.dir.split('/').pop()}-report.md`);
    const result = this.run('scripts/vet.ts', [...args, '--out', out]);
    let report = '';
    try {
      report = readFileSync(out, 'utf8');
      rmSync(out);
    } catch {
      // No report: the script could not run (exit 2); the test checks stderr.
    }
    return { ...result, report };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A complete, valid application from a micro creator (owned by GitHub user "dee"), using the fixture catalog. */
export function application(handle: string, overrides: Record<string, string> = {}): string {
  const fields: Record<string, string> = {
    status: 'applied',
    tracking_id: `${handle.replace(/-/g, '')}-20`,
    github: 'dee',
    ...overrides,
  };
  return `handle: ${handle}
name: Dee Bakes
${fields.owner ?? `github: ${fields.github}`}
bio: Sourdough every weekend, cast iron every weeknight. Tools I have used for at least a year.
avatar: https://images.example.com/dee.jpg
status: ${fields.status}
applied_on: 2026-11-22
tracking_id: ${fields.tracking_id}
socials:
  - platform: instagram
    url: https://www.instagram.com/${handle}
    followers: 25400
    engagement_rate: 0.052
    posts_last_90_days: 40
  - platform: tiktok
    url: https://www.tiktok.com/@${handle}
    followers: 8100
    engagement_rate: 0.061
categories: [kitchen]
featured: [B000TEST01]
lists:
  - slug: bread-kit
    title: My bread kit
    items:
      - product: B000TEST01
        note: Bakes a crusty loaf with a lid on.
      - product: B000TEST02
        note: Not bread, but my hands need it after.
      - product: B000TEST03
        note: Retired, sadly.
`;
}

/** A complete, valid associate application (owned by GitHub user "fern"): a kitchen review site, using the fixture categories. */
export function associateApplication(handle: string, overrides: Record<string, string> = {}): string {
  const fields: Record<string, string> = {
    status: 'applied',
    github: 'fern',
    tracking_id: `${handle.replace(/-/g, '')}-20`,
    website: `https://${handle}.example/`,
    disclosure_url: `https://${handle}.example/disclosure`,
    ...overrides,
  };
  return `program: associate
handle: ${handle}
name: Fern Tests Kitchens
${fields.owner ?? `github: ${fields.github}`}
bio: Kitchen gear tested for a month in a real kitchen before we say a word about it.
avatar: https://images.example.com/fern.png
status: ${fields.status}
applied_on: 2026-11-22
tracking_id: ${fields.tracking_id}
website: ${fields.website}
audience: Home cooks comparing skillets, knives and small appliances before they buy one.
niche: Kitchen gear reviews
disclosure_url: ${fields.disclosure_url}
monthly_visitors: 30000
categories: [kitchen, books]
`;
}
