/**
 * Builds the fixture content (plus one renamed storefront) with the real Astro
 * config once, then checks the pages a shopper and a crawler would get.
 */
import { readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePack, imageFromPack, imagePackOf, imagePackPath } from '../../domain/images/packs.ts';
import { buildSite, cleanup, copyContent, renamedStorefront, type SiteBuild } from './build-site.ts';
import { startLocalSystem } from '../../scripts/lib/harness/local-system.ts';
import { SHARDS } from '../../domain/links/shards.ts';

const FIXTURE = 'tests/fixtures/content';
const ORIGIN = 'http://localhost:8787';

/** An approved storefront that was renamed and whose only product is unavailable. */
const RENAMED = renamedStorefront(
  'B000TEST03',
  `lists:
  - slug: gone
    title: Gone for now
    items:
      - product: B000TEST03
        note: Sold out everywhere.
`,
);

/**
 * Values two YAML parsers read differently, unquoted on purpose. Astro's glob
 * loader (js-yaml) reads `0b1011` as the number 11 and `2026-12-24` in a note as
 * a Date; the `yaml` package the checks use (YAML 1.2 core) keeps both as text.
 * The build must show what the checks validated.
 */
const YAML_EDGE = `handle: yaml-edge
name: Yaml Edge
owner: self
bio: Values that parsers disagree on.
avatar: /images/avatars/mila-cooks.png
status: approved
applied_on: 2026-05-01
tracking_id: yamledge-20
socials:
  - platform: youtube
    url: https://www.youtube.com/@yamledge
    followers: 2000
categories: [kitchen]
featured: [B000TEST04]
lists:
  - slug: answers
    title: no
    items:
      - product: B000TEST04
        note: 2026-12-24
`;
const YAML_EDGE_PRODUCT = `id: B000TEST04
retailer: amazon-us
title: 0b1011
brand: on
category: kitchen
url: https://www.amazon.com/dp/B000TEST04
image: /images/products/0062316095.svg
price: 12
currency: USD
price_checked_at: 2026-11-20
prime: false
`;

let site: SiteBuild;

/**
 * Storefront and list pages are rendered on demand from the page store, so they are
 * read from the built Worker on `wrangler dev` (fetched once, after the build), and
 * every other page from the static files.
 */
const served = new Map<string, { status: number; location: string | null; html: string }>();
const repeated: {
  method: string;
  cache: string | null;
  cacheControl: string | null;
  csp: string | null;
  html: string;
}[] = [];
const ON_DEMAND = [
  '/shop/ana-cooks/',
  '/shop/ana-cooks/pan-basics/',
  '/shop/ana-cooks/no-such-list/',
  '/shop/dee-renamed/',
  '/shop/dee-renamed/gone/',
  '/shop/yaml-edge/',
  '/shop/yaml-edge/answers/',
  '/shop/dee-old/',
  '/shop/dee-old/gone/',
  // A slug with CR LF in it, after a renamed handle: it must not reach the 301's Location.
  '/shop/dee-old/a%0D%0Ab/',
  '/shop/ben-applies/',
  '/shop/cy-paused/',
  '/shop/cy-paused/screens/',
  '/shop/dee-reviews/',
];

/** What a shopper gets for a URL path: the on-demand page, or the file a static host serves. */
function page(path: string): string {
  const rendered = served.get(path);
  if (rendered) return rendered.html;
  const file = path.endsWith('/') ? join(site.client, path, 'index.html') : join(site.client, path);
  return readFileSync(file, 'utf8');
}

function exists(path: string): boolean {
  const rendered = served.get(path);
  if (rendered) return rendered.status === 200;
  return existsSync(join(site.client, path, path.endsWith('/') ? 'index.html' : ''));
}

function htmlFiles(): string[] {
  return readdirSync(site.client, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html'));
}

/** Every HTML page a shopper can get: the static files and the on-demand pages that answer 200. */
function htmlPages(): { name: string; html: string }[] {
  return [
    ...htmlFiles().map((name) => ({ name, html: readFileSync(join(site.client, name), 'utf8') })),
    ...[...served].filter(([, r]) => r.status === 200).map(([name, r]) => ({ name, html: r.html })),
  ];
}

function meta(html: string, key: string): string | undefined {
  return new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)"`).exec(html)?.[1];
}

function canonical(html: string): string | undefined {
  return /<link rel="canonical" href="([^"]*)"/.exec(html)?.[1];
}

/** The page's canonical URL and the values of the meta tags named. */
function headTags(html: string, ...names: string[]): Record<string, string | undefined> {
  return Object.fromEntries([
    ['canonical', canonical(html)],
    ...names.map((name) => [name, meta(html, name)]),
  ]);
}

function count(html: string, needle: string | RegExp): number {
  return typeof needle === 'string' ? html.split(needle).length - 1 : (html.match(needle) ?? []).length;
}

beforeAll(async () => {
  const { dir, content } = copyContent(FIXTURE);
  writeFileSync(join(content, 'influencers', 'dee-renamed.yaml'), RENAMED);
  writeFileSync(join(content, 'influencers', 'yaml-edge.yaml'), YAML_EDGE);
  writeFileSync(join(content, 'products', 'B000TEST04.yaml'), YAML_EDGE_PRODUCT);
  site = await buildSite(content, dir);
  if (site.code !== 0) throw new Error(`fixture build failed:\n${site.output}`);
  const system = await startLocalSystem({
    build: false,
    config: join(site.dir, 'out', 'server', 'wrangler.json'),
    syncCatalog: false,
  });
  try {
    for (const path of ON_DEMAND) {
      const res = await fetch(`${system.url}${path}`, { redirect: 'manual' });
      served.set(path, { status: res.status, location: res.headers.get('location'), html: await res.text() });
    }
    // The same storefront again (another query string), and as HEAD: from the Workers cache.
    for (const [path, method] of [
      ['/shop/ana-cooks/?utm_source=newsletter', 'GET'],
      ['/shop/ana-cooks/', 'HEAD'],
    ] as const) {
      const res = await fetch(`${system.url}${path}`, { method });
      repeated.push({
        method,
        cache: res.headers.get('x-shopfront-cache'),
        cacheControl: res.headers.get('cache-control'),
        csp: res.headers.get('content-security-policy'),
        html: await res.text(),
      });
    }
  } finally {
    await system.stop();
  }
});

afterAll(() => {
  if (site) cleanup(site.dir);
});

describe('which pages exist', () => {
  it('builds storefront and list pages for approved influencers only', () => {
    const built = ['/shop/ana-cooks/', '/shop/ana-cooks/pan-basics/', '/shop/dee-renamed/'];
    const others = ['/shop/ben-applies/', '/shop/cy-paused/', '/shop/cy-paused/screens/'];
    expect([...built, ...others].filter(exists)).toEqual(built);
  });

  it('builds a filter page for each category an approved storefront covers', () => {
    // Only the suspended storefront covers tv.
    const built = ['/category/kitchen/', '/category/grocery/', '/category/books/'];
    expect([...built, '/category/tv/'].filter(exists)).toEqual(built);
  });

  it('builds a 404 page, a sitemap and robots.txt', () => {
    const built = ['/404.html', '/sitemap.xml', '/robots.txt'];
    expect(built.filter(exists)).toEqual(built);
  });

  it('builds no page for an approved associate, and leaves it out of the directory and the sitemap', () => {
    // dee-reviews is an approved associate (program: associate): tracked links, no storefront.
    expect(exists('/shop/dee-reviews/')).toBe(false);
    expect(htmlFiles().filter((f) => f.includes('dee-reviews'))).toEqual([]);
    for (const path of ['/', '/category/kitchen/', '/category/grocery/'])
      expect(page(path), path).not.toContain('dee-reviews');
    expect(page('/')).not.toContain('Dee Reviews');
    expect(page('/sitemaps/1.xml')).not.toContain('dee-reviews');
  });
});

describe('every page', () => {
  it('has no script, one stylesheet and the basic head tags', () => {
    const pages = htmlPages();
    expect(pages.length).toBeGreaterThan(8);
    for (const { name: file, html } of pages) {
      expect(html, file).not.toMatch(/<script/i);
      expect(html, file).not.toMatch(/ style="/);
      expect(html, file).toContain('<html lang="en">');
      expect(html, file).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
      expect(count(html, '<style>'), file).toBe(1);
      expect(count(html, /<h1[ >]/g), file).toBe(1);
      expect(meta(html, 'description'), file).toBeTruthy();
      expect(html, file).toContain('<a class="skip" href="#main">');
      if (file !== '404.html') expect(canonical(html), file).toMatch(new RegExp(`^${ORIGIN}/`));
    }
  });
});

describe('security headers of static assets', () => {
  it("writes _headers: no script on any page, images sandboxed, the retailers' image hosts allowed", () => {
    const text = readFileSync(join(site.client, '_headers'), 'utf8');
    const blocks = text.split(/\n\s*\n/).map((b) =>
      b
        .trim()
        .split('\n')
        .map((l) => l.trim()),
    );
    const rule = (pattern: string) => blocks.find((b) => b[0] === pattern) ?? [];
    const all = rule('/*');
    expect(all).toContain('X-Content-Type-Options: nosniff');
    expect(all.find((l) => l.startsWith('Content-Security-Policy:'))).toMatch(
      /default-src 'none'; script-src 'none'; img-src 'self' https:\/\/images\.example\.com;.*frame-ancestors 'none'/,
    );
    const images = rule('/images/*');
    expect(images).toContain('! Content-Security-Policy');
    expect(images.find((l) => l.startsWith('Content-Security-Policy:'))).toMatch(
      /default-src 'none';.*sandbox$/,
    );
    // The adapter's own rules (if any) are kept after ours.
    expect(text.startsWith('# Security headers')).toBe(true);
  });
});

describe('image packs', () => {
  it('replace the avatar and product image files with a fixed number of packs holding the same bytes', () => {
    expect(existsSync(join(site.client, 'images', 'avatars'))).toBe(false);
    expect(existsSync(join(site.client, 'images', 'products'))).toBe(false);
    const packs = readdirSync(join(site.client, '_data', 'images'));
    expect(packs).toHaveLength(SHARDS.images);
    for (const path of ['/images/avatars/mila-cooks.png', '/images/products/0062316095.svg']) {
      const pack = decodePack(
        new Uint8Array(readFileSync(join(site.client, imagePackPath(imagePackOf(path))))),
      );
      const image = imageFromPack(pack, path);
      expect(image, path).not.toBeNull();
      expect(Buffer.from(image?.body ?? []).equals(readFileSync(join('site/public', path))), path).toBe(true);
    }
    // Other static files stay files.
    expect(existsSync(join(site.client, 'favicon.svg'))).toBe(true);
  });

  it("leave the packed images out of the Worker's asset manifest", () => {
    const chunks = join(site.dir, 'out', 'server', 'chunks');
    const entry = readdirSync(chunks).find((f) => /^entrypoints_.*\.mjs$/.test(f));
    if (!entry) throw new Error(`no entrypoints chunk in ${chunks}`);
    const assets = /"assets":(\[[^\]]*\])/.exec(readFileSync(join(chunks, entry), 'utf8'))?.[1];
    if (!assets) throw new Error(`no asset list in ${entry}`);
    const listed = JSON.parse(assets) as string[];
    expect(listed).toContain('/favicon.svg');
    expect(
      listed.filter((a) => a.startsWith('/images/avatars/') || a.startsWith('/images/products/')),
    ).toEqual([]);
  });
});

describe('directory', () => {
  it('lists approved storefronts with tier and followers, and says how to apply', () => {
    const html = page('/');
    expect(canonical(html)).toBe(`${ORIGIN}/`);
    expect(html).toContain('href="/shop/ana-cooks/"');
    expect(html).toContain('href="/shop/dee-renamed/"');
    expect(html).not.toContain('ben-applies');
    expect(html).not.toContain('cy-paused');
    expect(html).toContain('Micro · 48.2K followers');
    expect(html).toContain('Mega · 1.5M followers');
    // Applying is a form on the site (section 15), not YAML and a pull request.
    expect(html).toContain('<a class="btn cta" href="/apply/">Apply on the site</a>');
    expect(html).not.toContain('status: applied');
    expect(html).not.toContain('pull request');
  });

  it('filters by category with links, marking the current one', () => {
    const all = page('/');
    expect(all).toMatch(/<a href="\/" aria-current="page">\s*All\s*<\/a>/);
    expect(all).toContain('href="/category/kitchen/"');
    expect(all).not.toContain('href="/category/tv/"');
    const kitchen = page('/category/kitchen/');
    expect(kitchen).toMatch(/<a href="\/category\/kitchen\/" aria-current="page">\s*Kitchen\s*<\/a>/);
    expect(count(kitchen, 'aria-current="page"')).toBe(1);
    expect(kitchen).toContain('href="/shop/ana-cooks/"');
    expect(kitchen).not.toContain('href="/shop/dee-renamed/"');
    expect(page('/category/books/')).toContain('href="/shop/dee-renamed/"');
  });
});

describe('storefront', () => {
  it('shows the disclosure near the top, before any product', () => {
    const html = page('/shop/ana-cooks/');
    const disclosure = html.indexOf('As an Amazon Associate, this creator earns from qualifying purchases.');
    expect(disclosure).toBeGreaterThan(0);
    expect(disclosure).toBeLessThan(html.indexOf('<article class="c">'));
    expect(disclosure).toBeLessThan(html.indexOf('href="/go/'));
  });

  it("shows no price, Prime badge or rating typed into content (Amazon's display rules), and the creator note", () => {
    // This build has no product data refresh: every card says so (tests/build/shopper.test.ts has one).
    const html = page('/shop/ana-cooks/');
    expect(html).toContain('See price on Amazon');
    for (const typed of ['$24.99', '$129.00', 'as of', 'Prime', 'out of 5', '(120,345)', '★'])
      expect(html).not.toContain(typed);
    expect(html).toContain('Seasoned once, used daily for six years.');
    expect(html).toContain('Cast Iron Skillet, 12 inch');
    expect(html).toContain('Lodge');
    expect(html).toContain('View on Amazon.com');
  });

  it('links every product through the tracked redirect, marked sponsored', () => {
    const html = page('/shop/ana-cooks/');
    expect(html).toContain('<a href="/go/ana-cooks/B000TEST01?src=storefront" rel="sponsored noopener">');
    const goLinks = html.match(/<a [^>]*href="\/go\/[^>]*>/g) ?? [];
    expect(goLinks.length).toBeGreaterThanOrEqual(4);
    for (const link of goLinks) expect(link).toContain('rel="sponsored noopener"');
    expect(html).not.toContain('amazon.com/dp/');
  });

  it('lazy-loads product images with their size set', () => {
    // The skillet is featured and in the list: shown once (site/lib/storefront.ts).
    const images = page('/shop/ana-cooks/').match(/<article class="c"> <img [^>]*>/g) ?? [];
    expect(images.length).toBe(2);
    for (const img of images) {
      expect(img).toContain('loading="lazy"');
      expect(img).toContain('decoding="async"');
      expect(img).toContain('width="400" height="400"');
    }
  });

  it('leaves out unavailable products', () => {
    for (const path of ['/shop/ana-cooks/', '/shop/ana-cooks/pan-basics/', '/shop/dee-renamed/'])
      expect(page(path)).not.toContain('Discontinued Kettle');
    expect(page('/shop/dee-renamed/')).toContain('Nothing here yet');
  });

  it('has the creator header and links each list to its page', () => {
    const html = page('/shop/ana-cooks/');
    expect(html).toContain('<h1>Ana Cooks</h1>');
    expect(html).toContain('Weeknight dinners in a tiny kitchen.');
    expect(html).toContain('href="https://www.instagram.com/anacooks"');
    // Every link to another origin is creator-supplied (profiles) or a tracked /go/ link:
    // creator links carry rel="nofollow ugc" (security review, issue 24; missing at 53ca318).
    const external = [...html.matchAll(/<a [^>]*href="https?:\/\/[^"]*"[^>]*>/g)].map((m) => m[0]);
    expect(external.length).toBeGreaterThan(0);
    for (const link of external) expect(link).toMatch(/rel="[^"]*\bnofollow ugc\b[^"]*"/);
    expect(html).toContain('href="/shop/ana-cooks/pan-basics/"');
    expect(html).toContain('The three pans I use every day.');
  });

  it('has canonical and Open Graph tags with absolute URLs', () => {
    const html = page('/shop/ana-cooks/');
    expect(
      headTags(html, 'og:title', 'og:description', 'og:url', 'og:image', 'og:type', 'twitter:card'),
    ).toEqual({
      canonical: `${ORIGIN}/shop/ana-cooks/`,
      'og:title': 'Ana Cooks',
      'og:description': 'Weeknight dinners in a tiny kitchen.',
      'og:url': `${ORIGIN}/shop/ana-cooks/`,
      'og:image': `${ORIGIN}/images/cards/ana-cooks.png`,
      'og:type': 'profile',
      'twitter:card': 'summary_large_image',
    });
  });
});

describe('list page', () => {
  it('shows one list with its disclosure, cards and tags', () => {
    const html = page('/shop/ana-cooks/pan-basics/');
    const shown = [
      '<h1>Pan basics</h1>',
      'As an Amazon Associate',
      'My one splurge.',
      'href="/go/ana-cooks/B000TEST02?src=storefront"',
      'href="/shop/ana-cooks/"',
    ];
    for (const text of shown) expect(html).toContain(text);
    expect(headTags(html, 'og:url', 'og:image', 'og:title')).toEqual({
      canonical: `${ORIGIN}/shop/ana-cooks/pan-basics/`,
      'og:url': `${ORIGIN}/shop/ana-cooks/pan-basics/`,
      'og:image': `${ORIGIN}/images/cards/ana-cooks/pan-basics.png`,
      'og:title': 'Pan basics, by Ana Cooks',
    });
  });
});

describe('one YAML parser for checks and build', () => {
  it('shows the values exactly as the content checks read them', () => {
    const store = page('/shop/yaml-edge/');
    expect(store).toContain('0b1011');
    expect(store).toContain('2026-12-24');
    expect(store).not.toContain('>11<');
    const list = page('/shop/yaml-edge/answers/');
    expect(list).toContain('<h1>no</h1>');
    expect(list).toContain('2026-12-24');
  });
});

describe('renamed handles', () => {
  it('answers 301 from the old storefront and list URLs to the new ones', () => {
    expect(served.get('/shop/dee-old/')).toMatchObject({ status: 301, location: '/shop/dee-renamed/' });
    expect(served.get('/shop/dee-old/gone/')).toMatchObject({
      status: 301,
      location: '/shop/dee-renamed/gone/',
    });
  });
});

describe('pages on demand (the page store)', () => {
  it('deploys no file per storefront: a fixed number of page store shards instead', () => {
    expect(htmlFiles().filter((f) => f.startsWith('shop/'))).toEqual([]);
    const shards = readdirSync(join(site.client, '_data', 'pages'));
    expect(shards).toHaveLength(SHARDS.pages);
    const stored = shards.flatMap((f) =>
      Object.keys(
        (JSON.parse(readFileSync(join(site.client, '_data', 'pages', f), 'utf8')) as { pages: object }).pages,
      ),
    );
    // Approved storefronts and the renamed one's old handle; no applicant, suspended member or associate.
    expect(stored.sort()).toEqual(['ana-cooks', 'dee-old', 'dee-renamed', 'yaml-edge']);
  });

  it('keeps a rendered page in the Workers cache: the same bytes again, whatever the query string', () => {
    const [again, head] = repeated;
    expect(again).toMatchObject({ method: 'GET', cache: 'HIT', cacheControl: 'public, max-age=300' });
    expect(again?.html).toBe(page('/shop/ana-cooks/'));
    expect(again?.csp).toContain("script-src 'none'");
    expect(head).toMatchObject({ method: 'HEAD', cache: 'HIT', html: '' });
  });

  it('answers the 404 page for an unknown handle or list', () => {
    for (const path of ['/shop/ben-applies/', '/shop/ana-cooks/no-such-list/', '/shop/dee-old/a%0D%0Ab/']) {
      expect(served.get(path)?.status, path).toBe(404);
      expect(page(path), path).toContain('<h1>Page not found</h1>');
    }
  });
});

describe('404, sitemap, robots.txt', () => {
  it('has a 404 page that is not indexed', () => {
    const html = page('/404.html');
    expect(html).toContain('<h1>Page not found</h1>');
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(html).toContain('href="/"');
  });

  it('lists every public page in the sitemap with absolute URLs, and nothing else', () => {
    const index = page('/sitemap.xml');
    expect(index).toContain('<sitemapindex');
    const parts = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1] ?? '');
    expect(parts).toEqual([`${ORIGIN}/sitemaps/1.xml`]);
    const xml = page('/sitemaps/1.xml');
    const urls = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    expect(urls.sort()).toEqual(
      [
        '/',
        '/category/books/',
        '/category/grocery/',
        '/category/kitchen/',
        '/shop/ana-cooks/',
        '/shop/ana-cooks/pan-basics/',
        '/shop/dee-renamed/',
        '/shop/dee-renamed/gone/',
        '/shop/yaml-edge/',
        '/shop/yaml-edge/answers/',
      ]
        .map((p) => `${ORIGIN}${p}`)
        .sort(),
    );
  });

  it('keeps crawlers off tracked links and private routes and points at the sitemap', () => {
    const lines = page('/robots.txt').split('\n');
    expect(lines).toContain('User-agent: *');
    for (const path of ['/go/', '/api/', '/dashboard/', '/webhooks/'])
      expect(lines).toContain(`Disallow: ${path}`);
    expect(lines).toContain(`Sitemap: ${ORIGIN}/sitemap.xml`);
  });
});

describe('broken content', () => {
  it('fails the build naming file, field and reason', async () => {
    const { dir, content } = copyContent(FIXTURE);
    try {
      const retailers = join(content, 'retailers.yaml');
      writeFileSync(retailers, readFileSync(retailers, 'utf8').replace(/^ {4}disclosure:[^]*$/m, ''));
      const product = join(content, 'products', 'B000TEST01.yaml');
      writeFileSync(product, readFileSync(product, 'utf8').replace('price: 24.99', 'price: 24.999'));
      const build = await buildSite(content, dir);
      expect(build.code).not.toBe(0);
      expect(build.output).toMatch(/\/retailers\.yaml: retailers\[0\]\.disclosure: is required$/m);
      expect(build.output).toMatch(
        /\/products\/B000TEST01\.yaml: price: USD allows at most 2 decimal places, got 24\.999$/m,
      );
      expect(existsSync(join(build.client, 'index.html'))).toBe(false);
    } finally {
      cleanup(dir);
    }
  });
});
