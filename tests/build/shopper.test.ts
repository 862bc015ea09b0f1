/**
 * What a shopper gets from a storefront in round 3 (CONTRACT section 17), built from the fixture
 * content with the real Astro config and served by the built Worker on `wrangler dev`:
 * Amazon's display rules (prices only from a fresh product data refresh), search, "Most popular"
 * from real clicks and the daily cron, and share cards with their og tags.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../domain/time.ts';
import type { ProductData } from '../../domain/catalog/offers.ts';
import { startLocalSystem, type LocalSystem } from '../../scripts/lib/harness/local-system.ts';
import { buildSite, cleanup, copyContent, renamedStorefront, type SiteBuild } from './build-site.ts';

const FIXTURE = 'tests/fixtures/content';
const ORIGIN = 'http://localhost:8787';
const BROWSER = {
  'User-Agent':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  Accept: 'text/html,application/xhtml+xml',
  'Accept-Language': 'en-US,en;q=0.9',
  'Sec-Fetch-Mode': 'navigate',
  'Sec-Fetch-Dest': 'document',
  'Sec-Fetch-Site': 'same-origin',
  'Sec-Fetch-User': '?1',
};

/** A renamed storefront (old handle dee-old) with no clicks. */
const RENAMED = renamedStorefront('B000TEST02');

let site: SiteBuild;
let system: LocalSystem;
/** What wrangler dev printed (the harness keeps it in a file): the worker's structured log lines. */
function logs(): string {
  const file = join(system.persistTo, 'wrangler-dev.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
/** When the product data was written: B000TEST01 checked 23 h before (fresh), B000TEST02 25 h (stale). */
const written = Date.now();
const freshCheck = new Date(written - 23 * HOUR_MS).toISOString();

interface Got {
  status: number;
  html: string;
  headers: Headers;
}

async function get(path: string, headers: Record<string, string> = {}): Promise<Got> {
  const res = await fetch(`${system.url}${path}`, { redirect: 'manual', headers });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

function meta(html: string, key: string): string | undefined {
  return new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)"`).exec(html)?.[1];
}

beforeAll(async () => {
  const { dir, content } = copyContent(FIXTURE);
  writeFileSync(join(content, 'influencers', 'dee-renamed.yaml'), RENAMED);
  const data: ProductData = {
    v: 1,
    source: 'fixture',
    refreshed_at: new Date(written).toISOString(),
    offers: {
      B000TEST01: { price_minor: 2649, currency: 'USD', prime: true, checked_at: freshCheck },
      B000TEST02: {
        price_minor: 11900,
        currency: 'USD',
        prime: true,
        checked_at: new Date(written - 25 * HOUR_MS).toISOString(),
      },
    },
  };
  const productData = join(dir, 'product-data.json');
  writeFileSync(productData, JSON.stringify(data));
  process.env.PRODUCT_DATA = productData;
  process.env.SHOPFRONT_CARD_CACHE = join(dir, 'cards.bin');
  try {
    site = await buildSite(content, dir);
  } finally {
    delete process.env.PRODUCT_DATA;
    delete process.env.SHOPFRONT_CARD_CACHE;
  }
  if (site.code !== 0) throw new Error(`fixture build failed:\n${site.output}`);
  system = await startLocalSystem({
    build: false,
    config: join(site.dir, 'out', 'server', 'wrangler.json'),
    syncCatalog: false,
  });
});

afterAll(async () => {
  await system?.stop();
  if (site) cleanup(site.dir);
});

describe('most popular', () => {
  it('ranks the products of the last 30 days by human clicks, after the daily cron, each product shown once', async () => {
    const clicks = [
      ['B000TEST02', 'A'],
      ['B000TEST02', 'B'],
      ['B000TEST02', 'C'],
      ['B000TEST01', 'D'],
    ];
    for (const [product, who] of clicks) {
      const res = await fetch(`${system.url}/go/ana-cooks/${product}?src=test`, {
        redirect: 'manual',
        headers: { ...BROWSER, 'User-Agent': `${BROWSER['User-Agent']} ${who}` },
      });
      expect(res.status).toBe(302);
    }
    // A bot's clicks never count.
    for (let i = 0; i < 5; i++)
      await fetch(`${system.url}/go/ana-cooks/B000TEST01?src=test`, {
        redirect: 'manual',
        headers: { 'User-Agent': 'curl/8.0' },
      });
    const deadline = Date.now() + 30_000;
    while (system.query<{ n: number }>('SELECT COUNT(*) AS n FROM clicks')[0]?.n !== 9) {
      if (Date.now() > deadline) throw new Error('clicks were not stored');
      await new Promise((r) => setTimeout(r, 500));
    }
    // wrangler dev runs a cron trigger on request (Miniflare's trigger handler).
    const cron = await fetch(
      `${system.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('41 4 * * *')}`,
    );
    expect(cron.status).toBe(200);
    const counted = system.query<{ n: number }>(
      "SELECT SUM(human - duplicate) AS n FROM click_daily_product WHERE handle = 'ana-cooks'",
    );
    expect(counted[0]?.n).toBe(4);
    // The cron's KV writes finish after its answer (waitUntil): wait for its log line, so the page
    // is rendered (and cached) only after the refresh.
    const until = Date.now() + 30_000;
    while (!logs().includes('"event":"storefront.popularity"')) {
      if (Date.now() > until) throw new Error(`no storefront.popularity log line:\n${logs().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const { html } = await get('/shop/ana-cooks/');
    expect(html).toContain('<h2 id="popular">Most popular</h2>');
    const titles = [...html.matchAll(/<h3><a href="\/go\/ana-cooks\/([^?]*)\?/g)].map((m) => m[1]);
    // Most clicked first (3 human clicks, then 1; the bot's 5 do not count), each product once.
    expect(titles).toEqual(['B000TEST02', 'B000TEST01']);
    expect(html).not.toContain('id="featured"');
    expect(html).toContain('All 2 picks of this list are shown above.');
    expect(html).toContain('href="/shop/ana-cooks/pan-basics/"');
    // A storefront without clicks has no section.
    expect((await get('/shop/dee-renamed/')).html).not.toContain('Most popular');
  });
});

describe("Amazon's display rules", () => {
  it('shows a price and Prime only from a fresh refresh, with the time of the check; never typed ones', async () => {
    const { html } = await get('/shop/ana-cooks/pan-basics/');
    const cards = html.split('<article class="c">').slice(1);
    const pan = cards.find((c) => c.includes('Cast Iron Skillet'));
    const serum = cards.find((c) => c.includes('Vitamin C Serum'));
    expect(pan).toContain('<b>$26.49</b>');
    expect(pan).toContain('<span class="pr">Prime</span>');
    expect(pan).toContain(`as of <time datetime="${freshCheck}">`);
    expect(pan).toContain(' UTC</time>');
    // The refresh's offer for the serum is 25 hours old: no price, no Prime.
    expect(serum).toContain('See price on Amazon');
    expect(serum).not.toMatch(/\$|Prime/);
    // Typed into content: $24.99 (skillet) and $129.00 (serum), ratings and review counts.
    for (const typed of ['$24.99', '$129.00', '$119.00', 'out of 5', '120,345', '★'])
      expect(html).not.toContain(typed);
    expect(html).toContain('Prices and Prime eligibility are accurate as of the date and time shown');
  });

  it('keeps no copy of a page beyond the first price it shows goes stale', async () => {
    const first = await get('/shop/ana-cooks/');
    const again = await get('/shop/ana-cooks/');
    const expiresIn = (Date.parse(freshCheck) + 24 * HOUR_MS - Date.now()) / 1000;
    for (const page of [first, again]) {
      const maxAge = Number(/max-age=(\d+)/.exec(page.headers.get('cache-control') ?? '')?.[1]);
      expect(maxAge).toBeGreaterThan(0);
      expect(maxAge).toBeLessThanOrEqual(Math.min(300, Math.ceil(expiresIn)));
      expect(page.headers.get('x-shopfront-price-expires')).toBeNull();
    }
    expect(again.headers.get('x-shopfront-cache')).toBe('HIT');
  });
});

describe('search', () => {
  it('is a GET form on the storefront, with no script', async () => {
    const { html } = await get('/shop/ana-cooks/');
    expect(html).toContain('<form class="sf" role="search" method="get" action="/shop/ana-cooks/search/">');
    expect(html).toMatch(/<input id="q" name="q" type="search" maxlength="100"/);
    expect(html).not.toContain('<script');
  });

  it("finds the member's products by title, brand, category and note, with typos and accents", async () => {
    const cases: [string, string[]][] = [
      ['skilet', ['Cast Iron Skillet, 12 inch']],
      ['glowlab', ['Vitamin C Serum']],
      ['luxury beauty', ['Vitamin C Serum']],
      ['SPLURGE', ['Vitamin C Serum']],
      ['sérum', ['Vitamin C Serum']],
      ['skillets', ['Cast Iron Skillet, 12 inch']],
    ];
    for (const [q, titles] of cases) {
      const res = await get(`/shop/ana-cooks/search/?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(res.headers.get('x-shopfront-cache'), q).toBe('BYPASS');
      const found = [
        ...res.html.matchAll(/<h2><a href="\/go\/[^"]*" rel="sponsored noopener">([^<]*)<\/a><\/h2>/g),
      ].map((m) => m[1]);
      expect(found, q).toEqual(titles);
    }
    // The unavailable kettle is never found.
    expect((await get('/shop/ana-cooks/search/?q=kettle')).html).toContain('Nothing found for');
  });

  it('answers empty, too long and odd queries calmly, never from another query', async () => {
    expect((await get('/shop/ana-cooks/search/')).status).toBe(200);
    expect((await get('/shop/ana-cooks/search/?q=')).html).toContain('Type a word');
    const long = await get(`/shop/ana-cooks/search/?q=${'a'.repeat(101)}`);
    expect(long.status).toBe(400);
    expect(long.html).toContain('at most 100 characters');
    for (const odd of [
      '%ff%fe',
      '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      '%00',
      '%E2%80%AE',
      '&q=x&q=y',
      '((((',
    ]) {
      const res = await get(`/shop/ana-cooks/search/?q=${odd}`);
      expect(res.status, odd).toBe(200);
      // Inside a quoted attribute "<" is text; anywhere else it would be markup (and CSP forbids scripts).
      expect(res.html.replace(/"[^"]*"/g, '""'), odd).not.toContain('<script');
    }
    const a = await get('/shop/ana-cooks/search/?q=skillet');
    const b = await get('/shop/ana-cooks/search/?q=serum');
    expect(a.html).toContain('Cast Iron Skillet');
    expect(a.html).not.toContain('Vitamin C Serum');
    expect(b.html).toContain('Vitamin C Serum');
    expect(gzipSync(a.html).length).toBeLessThan(14 * 1024);
    expect(await get('/shop/dee-old/search/?q=x')).toMatchObject({ status: 301 });
    expect((await get('/shop/dee-old/search/?q=x')).headers.get('location')).toBe(
      '/shop/dee-renamed/search/?q=x',
    );
    expect((await get('/shop/nobody-here/search/?q=x')).status).toBe(404);
  });
});

describe('share cards', () => {
  it('gives storefront, list and home pages og tags and a large Twitter card', async () => {
    const store = (await get('/shop/ana-cooks/pan-basics/')).html;
    expect(meta(store, 'og:image')).toBe(`${ORIGIN}/images/cards/ana-cooks/pan-basics.png`);
    expect(meta(store, 'twitter:card')).toBe('summary_large_image');
    expect(meta(store, 'og:title')).toBe('Pan basics, by Ana Cooks');
    expect(meta(store, 'og:description')).toBe('The three pans I use every day.');
    const home = readFileSync(join(site.client, 'index.html'), 'utf8');
    expect(meta(home, 'og:image')).toBe(`${ORIGIN}/images/cards/_site.png`);
    expect(meta(home, 'twitter:card')).toBe('summary_large_image');
    expect(meta(home, 'og:image:width')).toBe('1200');
    expect(home).toContain('href="/apply/"');
    expect(home).toContain('Apply on the site');
    expect(home).not.toContain('pull request');
  });

  it('serves each card as a 1200x630 PNG from the image packs, no file per member deployed', async () => {
    const sizes: string[] = [];
    for (const path of [
      '/images/cards/ana-cooks.png',
      '/images/cards/ana-cooks/pan-basics.png',
      '/images/cards/_site.png',
    ]) {
      const res = await fetch(`${system.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      const png = Buffer.from(await res.arrayBuffer());
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      sizes.push(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`);
    }
    expect(sizes).toEqual(['1200x630', '1200x630', '1200x630']);
    expect(existsSync(join(site.client, 'images', 'cards'))).toBe(false);
    expect(readdirSync(join(site.client, '_data', 'images')).length).toBeGreaterThan(0);
  });
});
