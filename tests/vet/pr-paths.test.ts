/**
 * Hostile pull requests, end to end: real git repositories, `npm run vet` as a
 * child process. Every path a pull request changes is checked, not only content/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { concat, makePng } from './images.ts';
import { application, ROOT, TempRepo } from './temp-repo.ts';

const DEE = 'content/influencers/dee-bakes.yaml';
const AVATAR = 'site/public/images/avatars/dee-bakes.png';
const ADMIN = 'maria-ops'; // listed under admins in tests/fixtures/content/program.yaml
const text = (s: string) => new TextEncoder().encode(s);

let repo: TempRepo;
afterEach(() => repo?.cleanup());

/** Dee applies with a self-hosted avatar, plus whatever else the test adds. */
function applyWith(
  files: Record<string, string | Uint8Array>,
  avatar = '/images/avatars/dee-bakes.png',
): TempRepo {
  repo = TempRepo.withFixtures();
  repo.write(DEE, application('dee-bakes').replace(/^avatar: .*$/m, `avatar: ${avatar}`));
  for (const [path, content] of Object.entries(files)) repo.write(path, content);
  repo.commit('apply');
  return repo;
}

describe('npm run vet: what a pull request may contain', () => {
  it('accepts a member file with a raster avatar and images in the member folder', () => {
    const { status, stderr, report } = applyWith({
      [AVATAR]: makePng(192, 192),
      'site/public/images/members/dee-bakes/loaf.jpg': new Uint8Array(
        readFileSync(join(ROOT, 'tests/fixtures/images/tiny.jpg')),
      ),
    }).vet('--base', 'main', '--author', 'dee');
    expect(stderr).toContain('0 error(s)');
    expect(status).toBe(0);
    expect(report).toContain(`- ✅ **Member images** \`${AVATAR}\`: PNG, 192×192,`);
    expect(report).toContain('JPEG, 40×30');
  });

  it('refuses an SVG avatar, naming the path', () => {
    const svg = 'site/public/images/avatars/dee-bakes.svg';
    const { status, stderr } = applyWith(
      {
        [svg]:
          '<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(\'/dashboard/admin/\',{method:\'POST\'})"/>',
      },
      '/images/avatars/dee-bakes.svg',
    ).vet('--base', 'main', '--author', 'dee');
    expect(status).toBe(1);
    expect(stderr).toContain(
      `${svg}: (file): is an SVG image; only PNG, JPEG, WebP or AVIF are accepted (SVG can carry script)`,
    );
  });

  it('refuses a script dressed as a PNG, and a PNG carrying a page', () => {
    const { status, stderr } = applyWith({
      [AVATAR]: text('<html><script>fetch("/dashboard/admin/")</script>'),
      'site/public/images/members/dee-bakes/cover.png': concat(
        makePng(8, 8),
        text('<script>alert(1)</script>'),
      ),
    }).vet('--base', 'main', '--author', 'dee');
    expect(status).toBe(1);
    expect(stderr).toContain(`${AVATAR}: (file): is markup (HTML or XML), not an image`);
    expect(stderr).toContain(
      "site/public/images/members/dee-bakes/cover.png: (file): has 25 bytes after the PNG's end",
    );
  });

  it('refuses an image too large in pixels, and a PNG named .jpg', () => {
    const { status, stderr } = applyWith({
      [AVATAR]: makePng(4097, 16),
      'site/public/images/members/dee-bakes/shelf.jpg': makePng(16, 16),
    }).vet('--base', 'main', '--author', 'dee');
    expect(status).toBe(1);
    expect(stderr).toContain(
      `${AVATAR}: (file): is 4097×16 pixels; images may be at most 4096 pixels on each side`,
    );
    expect(stderr).toContain(
      'site/public/images/members/dee-bakes/shelf.jpg: (file): is a PNG image but its name ends ".jpg"; name it .png',
    );
  });

  it('refuses an image reference that points at a tracked link', () => {
    const { status, stderr } = applyWith({ [AVATAR]: makePng(64, 64) }, '/go/ana-cooks/B000TEST01').vet(
      '--base',
      'main',
      '--author',
      'dee',
    );
    expect(status).toBe(1);
    expect(stderr).toContain(
      `${DEE}: avatar: "/go/ana-cooks/B000TEST01" is a route the worker serves (/go/), not an image: every page view would request it`,
    );
  });

  it('refuses a change to worker code, workflows or the catalog from a non-admin', () => {
    const { status, stderr, report } = applyWith({
      [AVATAR]: makePng(64, 64),
      'worker/links/routes.ts': 'export const links = null;\n',
      '.github/workflows/vet.yml': 'on: push\n',
      'content/products/B000TEST09.yaml': 'id: B000TEST09\n',
    }).vet('--base', 'main', '--author', 'dee');
    expect(status).toBe(1);
    for (const path of [
      'worker/links/routes.ts',
      '.github/workflows/vet.yml',
      'content/products/B000TEST09.yaml',
    ])
      expect(stderr).toContain(
        `${path}: (file): added: a pull request from a non-admin may change only its member file`,
      );
    expect(report).toContain('**Changed files** `worker/links/routes.ts`');
  });

  it("refuses images at another member's paths", () => {
    const { status, stderr } = applyWith({
      [AVATAR]: makePng(64, 64),
      'site/public/images/avatars/ana-cooks.png': makePng(64, 64),
      'site/public/images/members/ben-applies/x.png': makePng(64, 64),
    }).vet('--base', 'main', '--author', 'dee');
    expect(status).toBe(1);
    expect(stderr).toContain(
      'site/public/images/avatars/ana-cooks.png: (file): belongs to the member "ana-cooks": only its owner',
    );
    expect(stderr).toContain(
      'site/public/images/members/ben-applies/x.png: (file): belongs to the member "ben-applies"',
    );
  });

  it('lets an admin change code, but still refuses a non-raster member image', () => {
    repo = TempRepo.withFixtures();
    repo.write('worker/links/routes.ts', '// reviewed change\n');
    repo.write('site/public/images/avatars/ana-cooks.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
    repo.commit('admin change');
    const { status, stderr } = repo.vet('--base', 'main', '--author', ADMIN);
    expect(status).toBe(1);
    expect(stderr).not.toContain('worker/links/routes.ts');
    expect(stderr).toContain('site/public/images/avatars/ana-cooks.svg: (file): is an SVG image');
  });

  it('checks files not yet committed too', () => {
    repo = TempRepo.withFixtures();
    repo.write(DEE, application('dee-bakes'));
    repo.write('scripts/steal.ts', 'process.env\n');
    const { status, stderr } = repo.vet('--base', 'main', '--author', 'dee');
    expect(status).toBe(1);
    expect(stderr).toContain('scripts/steal.ts: (file): added: a pull request from a non-admin');
  });
});
