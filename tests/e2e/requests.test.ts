/**
 * Creators without git (CONTRACT.md section 15), in a real browser with JavaScript off, against
 * the real system on `wrangler dev`: apply on the site and see the claim link; sign in as a member,
 * add a catalog product to a list with a note and save; then `npm run requests -- sync` in a
 * clone pushes each request as a branch to a bare repository standing in for the remote,
 * `npm run vet` passes on each branch; the edit merged, the clone rebuilt and served shows the
 * note on the storefront, and the build's live index holds the request's file.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { liveIndexPath, liveIndexShardOf } from '../../domain/requests/live-index.ts';
import { placeholderAvatar } from '../../domain/vet/png.ts';
import { startLocalSystem } from '../../scripts/lib/harness/local-system.ts';
import { git, GIT_ENV } from '../lib/git.ts';
import { useBrowser } from './browser.ts';
import { createMemberToken } from './member-token.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const base = inject('baseUrl');
const persistTo = inject('persistTo');
const adminToken = inject('adminToken');
const MEMBER = 'mila-cooks';

const browser = useBrowser();
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('creators without git, JavaScript off', () => {
  const handle = `rosa-${Date.now().toString(36)}`;

  it('applies on the site and sees the claim link once', async () => {
    const context = await browser().newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/apply/`);
    await page.fill('#handle', handle);
    await page.fill('#name', 'Rosa Bakes');
    await page.fill('#email', 'rosa@example.com');
    await page.fill('#bio', 'Sourdough, cakes and the tools that make them easy.');
    await page.selectOption('select[name="socials[0].platform"]', 'instagram');
    await page.fill('input[name="socials[0].url"]', 'https://www.instagram.com/rosa.bakes');
    await page.fill('input[name="socials[0].followers"]', '12,400');
    await page.check('input[name="categories"][value="kitchen"]');
    await page.setInputFiles('#avatar', {
      name: 'me.png',
      mimeType: 'image/png',
      buffer: Buffer.from(placeholderAvatar(64)),
    });
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Apply' }).click(),
    ]);
    expect(response?.status()).toBe(201);
    await expect
      .poll(() => page.locator('.claim a').textContent())
      .toMatch(/\/claim\/sfc_[A-Za-z0-9_-]{43}$/);
    await context.close();
  });

  it('a member adds a catalog product to a list with a note and sees the request pending', async () => {
    const token = createMemberToken(MEMBER, persistTo);
    const context = await browser().newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/dashboard/`);
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/dashboard\/mila-cooks\/$/);
    await page.getByRole('link', { name: 'Edit your storefront' }).click();
    await page.getByLabel('Search the catalog by words or product id').fill('skillet');
    await page.getByRole('button', { name: 'Search' }).click();
    const add = page.locator('form', { has: page.locator('input[name="action"][value="item-add"]') }).first();
    await add.locator('input[name="note"]').fill('Seasoned once, used daily.');
    await add.getByRole('button').click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toMatch(/Saved as request [0-9a-f]{16}: pending review/);
    await expect.poll(() => page.getByText('pending review').count()).toBeGreaterThan(0);
    await context.close();
  });

  it('requests sync pushes each request as a branch to the remote, once, vet passes on each, and the merged edit rebuilds into the storefront', async () => {
    const work = mkdtempSync(join(tmpdir(), 'shopfront-e2e-requests-'));
    dirs.push(work);
    const bare = join(work, 'remote.git');
    const clone = join(work, 'clone');
    git(work, 'clone', '-q', '--bare', ROOT, bare);
    git(work, 'clone', '-q', bare, clone);
    let target = git(clone, 'rev-parse', '--abbrev-ref', 'HEAD');
    if (target === 'HEAD') {
      // The repository under test is on a detached HEAD (a CI or worktree checkout may be): the
      // requests need a target branch, so give the remote one.
      target = 'e2e-target';
      git(clone, 'checkout', '-q', '-B', target);
      git(clone, 'push', '-q', 'origin', target);
    }
    const sync = () =>
      spawnSync('node', [join(ROOT, 'scripts/requests.ts'), 'sync', '--url', base, '--base', target], {
        cwd: clone,
        env: { ...GIT_ENV, ADMIN_TOKEN: adminToken },
        encoding: 'utf8',
      });
    const first = sync();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('2 new branch(es)');
    const branches = git(bare, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/request/').split(
      '\n',
    );
    expect(branches).toHaveLength(2);
    const again = sync();
    expect(again.stdout).toContain('0 new branch(es)');
    expect(git(bare, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/request/').split('\n')).toEqual(
      branches,
    );

    for (const branch of branches) {
      git(clone, 'checkout', '-q', '-B', branch, `origin/${branch}`);
      const vet = spawnSync(
        'node',
        ['scripts/vet.ts', '--repo', clone, '--base', `origin/${target}`, '--out', join(work, 'report.md')],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
      expect(vet.status, `${branch}\n${vet.stdout}\n${vet.stderr}`).toBe(0);
    }

    // An admin merges the edit; the clone is rebuilt (the whole build, ~6 s here) and served by
    // a second wrangler dev: its storefront shows the note, and its live index holds the file.
    const edit = branches.find((b) =>
      git(clone, 'log', '-1', '--format=%s', `origin/${b}`).startsWith('Storefront edit'),
    );
    expect(edit).toBeDefined();
    git(clone, 'checkout', '-q', target);
    git(clone, 'merge', '-q', '--ff-only', `origin/${edit}`);
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
    const built = spawnSync(process.execPath, ['scripts/build.ts'], { cwd: clone, encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    const rebuilt = await startLocalSystem({
      build: false,
      config: join(clone, 'dist', 'server', 'wrangler.json'),
      syncCatalog: false,
    });
    try {
      const context = await browser().newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      const shown = await page.goto(`${rebuilt.url}/shop/${MEMBER}/`);
      expect(shown?.status()).toBe(200);
      await expect.poll(() => page.locator('main').textContent()).toContain('Seasoned once, used daily.');
      await context.close();
    } finally {
      await rebuilt.stop();
    }
    const file = readFileSync(join(clone, 'content/influencers', `${MEMBER}.yaml`));
    const digest = createHash('sha256').update(file).digest('hex');
    const live = JSON.parse(
      readFileSync(join(clone, 'dist', 'client', liveIndexPath(liveIndexShardOf(digest))), 'utf8'),
    ) as string[];
    expect(live).toContain(digest);
    const listed = await fetch(`${base}/api/requests/${MEMBER}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const saved = ((await listed.json()) as { requests: { file_sha256: string; kind: string }[] }).requests;
    expect(saved.filter((r) => r.kind === 'edit').map((r) => r.file_sha256)).toContain(digest);
  }, 240_000);
});
