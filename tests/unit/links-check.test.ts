/**
 * `npm run links:check` end to end, offline: a temp git repository holding the fixture content
 * plus a retailer that allows HTTP checks, whose "site" is a local HTTP server on 127.0.0.1
 * (reached through --resolve), and Amazon's products answered by the recorded fixture.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayRequest } from '../../domain/catalog/link-health.ts';

const SCRIPT = resolve('scripts/links-check.ts');
const FIXTURE = resolve('tests/fixtures/product-data/amazon.json');
let repo = '';
let server: Server;
let origin = '';
const seen: { method: string; path: string; ua: string }[] = [];
let inFlight = 0;
let maxInFlight = 0;
let flakyCalls = 0;

const PAGES: Record<string, (res: import('node:http').ServerResponse) => void> = {
  '/p/ok': (res) => res.writeHead(200).end(),
  '/p/gone': (res) => res.writeHead(404).end(),
  '/p/old': (res) => res.writeHead(301, { location: '/p/new' }).end(),
  '/p/new': (res) => res.writeHead(200).end(),
  '/p/temp': (res) => res.writeHead(302, { location: '/p/ok' }).end(),
  '/p/robot': (res) => res.writeHead(403).end(),
  '/p/flaky': (res) => res.writeHead(++flakyCalls === 1 ? 503 : 200).end(),
  '/p/nohead': (res) => res.writeHead(200).end(),
  '/p/slow': () => undefined, // never answers: the check's timeout ends it
};

function product(id: string, path: string): string {
  return [
    `id: ${id}`,
    'retailer: corner-shop',
    `title: Corner shop product ${id}`,
    'brand: Corner',
    'category: kitchen',
    `url: https://shop.example${path}`,
    'image: /images/products/0062316095.svg',
    'price: 10.00',
    'currency: USD',
    'price_checked_at: 2026-11-20',
    '# prime is not a thing at the corner shop',
    'prime: false',
    '',
  ].join('\n');
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('node', [SCRIPT, ...args], {
      cwd: repo,
      env: { ...process.env, CONTENT_DIR: 'content' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ method: req.method ?? '', path, ua: req.headers['user-agent'] ?? '' });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    if (path === '/p/nohead' && req.method === 'HEAD') return void res.writeHead(405).end();
    setTimeout(() => (PAGES[path] ?? ((r) => r.writeHead(404).end()))(res), 30);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  repo = mkdtempSync(join(tmpdir(), 'links-check-repo-'));
  cpSync('tests/fixtures/content', join(repo, 'content'), { recursive: true });
  // The images the fixture content names (validation checks they exist under site/public).
  for (const image of ['images/avatars/mila-cooks.png', 'images/products/0062316095.svg'])
    cpSync(join('site/public', image), join(repo, 'site/public', image));
  appendFileSync(
    join(repo, 'content/retailers.yaml'),
    [
      '  - id: corner-shop',
      '    name: Corner Shop',
      '    hosts: [shop.example]',
      '    tag_param: ref',
      '    subtag_param: sub',
      '    currency: USD',
      '    link_check: http',
      '    disclosure: Links to the Corner Shop are affiliate links; the creator may earn a commission.',
      '',
    ].join('\n'),
  );
  appendFileSync(
    join(repo, 'content/commission-rates.yaml'),
    '  corner-shop:\n    - effective_from: 2020-01-01\n      default_bps: 500\n',
  );
  for (const [id, path] of [
    ['CS-OK', '/p/ok'],
    ['CS-GONE', '/p/gone'],
    ['CS-OLD', '/p/old'],
    ['CS-TEMP', '/p/temp'],
    ['CS-ROBOT', '/p/robot'],
    ['CS-FLAKY', '/p/flaky'],
    ['CS-NOHEAD', '/p/nohead'],
    ['CS-SLOW', '/p/slow'],
  ] as const)
    writeFileSync(join(repo, `content/products/${id}.yaml`), product(id, path));
  // An Amazon product the recording says now has another ASIN (B000TEST03 is unavailable: not checked).
  writeFileSync(
    join(repo, 'content/products/B000TEST04.yaml'),
    readFileSync(join(repo, 'content/products/B000TEST01.yaml'), 'utf8')
      .replace('id: B000TEST01', 'id: B000TEST04')
      .replace('/dp/B000TEST01', '/dp/B000TEST04'),
  );
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'Test');
  git('add', '.');
  git('commit', '-q', '-m', 'content');
});

afterAll(() => {
  server?.close();
  if (repo) rmSync(repo, { recursive: true, force: true });
});

/** The recorded product data, its shop host answered by the local server. */
const againstFixture = () => ['--fixture', FIXTURE, '--resolve', `shop.example=${origin}`];

describe('npm run links:check', () => {
  it('reports ok, moved, dead, blocked and error products, politely, and writes a branch marking the dead ones', async () => {
    const head = git('rev-parse', 'HEAD');
    const out = await run([
      ...againstFixture(),
      '--concurrency',
      '2',
      '--timeout-ms',
      '400',
      '--retries',
      '1',
      '--retry-delay-ms',
      '10',
      '--json',
      '--write',
      '--branch',
      'links-check/test',
    ]);
    expect(out.code, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout.slice(0, out.stdout.lastIndexOf('}') + 1)) as {
      verdicts: { product: string; state: string; to?: string }[];
    };
    const state = Object.fromEntries(
      report.verdicts.map((v) => [v.product, v.to ? `${v.state} ${v.to}` : v.state]),
    );
    expect(state).toEqual({
      B000TEST01: 'ok',
      B000TEST02: 'dead',
      B000TEST04: 'moved B000TEST4X',
      'CS-OK': 'ok',
      'CS-GONE': 'dead',
      'CS-OLD': 'moved https://shop.example/p/new',
      'CS-TEMP': 'ok',
      'CS-ROBOT': 'blocked',
      'CS-FLAKY': 'ok',
      'CS-NOHEAD': 'ok',
      'CS-SLOW': 'error',
    });

    // Politely: HEAD first, GET only when HEAD is refused, one named user agent, bounded concurrency,
    // a 503 retried, and never a request to Amazon (its products went to the recorded fixture).
    expect(seen.filter((r) => r.path === '/p/nohead').map((r) => r.method)).toEqual(['HEAD', 'GET']);
    expect(seen.filter((r) => r.path === '/p/ok').every((r) => r.method === 'HEAD')).toBe(true);
    expect(new Set(seen.map((r) => r.ua))).toEqual(
      new Set([expect.stringMatching(/^shopfront-links-check\/1\.0 \(\+/)]),
    );
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(flakyCalls).toBe(2);
    expect(seen.filter((r) => r.path === '/p/slow')).toHaveLength(2); // first try and one retry

    // The branch: one commit on HEAD marking exactly the dead products, working tree untouched.
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(git('status', '--porcelain')).toBe('');
    expect(git('rev-parse', 'links-check/test^')).toBe(head);
    expect(git('diff', '--name-only', 'HEAD', 'links-check/test').split('\n').sort()).toEqual([
      'content/products/B000TEST02.yaml',
      'content/products/CS-GONE.yaml',
    ]);
    const gone = git('show', 'links-check/test:content/products/CS-GONE.yaml');
    expect(gone).toContain('available: false');
    expect(gone).toContain('# prime is not a thing at the corner shop');
    expect(readFileSync(join(repo, 'content/products/CS-GONE.yaml'), 'utf8')).not.toContain('available');

    // A second --write with the same name refuses, and changes nothing.
    const again = await run([
      ...againstFixture(),
      '--timeout-ms',
      '200',
      '--retries',
      '0',
      '--write',
      '--branch',
      'links-check/test',
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('branch links-check/test exists already');
  });

  it('skips Amazon without a product-data source and never requests Amazon hosts', async () => {
    const out = await run(['--resolve', `shop.example=${origin}`, '--timeout-ms', '200', '--retries', '0']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/skipped +B000TEST01 \(amazon-us\).*no product-data source/);
    for (const host of ['www.amazon.com', 'amazon.co.uk', 'amzn.to', 'a.co', 'smile.amazon.de'])
      expect(mayRequest(host)).toBe(false);
    expect(mayRequest('shop.example')).toBe(true);
  });

  it('names a bad argument and a bad fixture', async () => {
    expect((await run(['--concurrency', '0'])).stderr).toContain(
      '--concurrency must be an integer from 1 to 16',
    );
    const bad = join(repo, 'bad.json');
    writeFileSync(bad, '{"items": 3}');
    const out = await run(['--fixture', bad]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`${bad}: not a product-data recording`);
  });
});
