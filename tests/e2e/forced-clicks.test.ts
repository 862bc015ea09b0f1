/**
 * No tagged redirect without a person (CONTRACT.md section 16), in a real browser against the
 * real system: a page on another site that embeds a tracked link as an image, a frame and a
 * prefetch makes no request to the retailer (so no affiliate cookie is set), and each of those
 * requests is stored flagged; a real click on the same page does reach the retailer (the positive
 * control), and a script's redirect without a click reaches it flagged no_activation.
 */
import { createServer, type Server } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { queryLocalD1 } from '../../scripts/lib/harness/d1.ts';
import { useBrowser } from './browser.ts';

const base = inject('baseUrl');
const persistTo = inject('persistTo');
const HANDLE = 'jess-home-lab';
/** A person's browser, not a headless one (which is flagged a bot and would hide the flags checked here). */
const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const run = Date.now().toString(36);
const browser = useBrowser();
let other: Server;
let otherOrigin = '';
let link = '';

beforeAll(async () => {
  const storefront = await (await fetch(`${base}/shop/${HANDLE}/`)).text();
  const product = new RegExp(`/go/${HANDLE}/([A-Za-z0-9_-]+)`).exec(storefront)?.[1];
  if (!product) throw new Error(`no tracked link on /shop/${HANDLE}/`);
  link = `${base}/go/${HANDLE}/${product}`;
  // Another site (another local origin), as a cookie stuffer would write it.
  other = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    if (req.url === '/redirect')
      res.end(
        `<script>setTimeout(() => { location.href = ${JSON.stringify(`${link}?src=e2ejs${run}`)}; }, 50);</script>`,
      );
    else
      res.end(`<!doctype html><title>Deals</title>
<img src="${link}?src=e2eimg${run}" width="1" height="1">
<iframe src="${link}?src=e2eframe${run}" width="1" height="1"></iframe>
<link rel="prefetch" href="${link}?src=e2epre${run}">
<a id="buy" href="${link}?src=e2eclick${run}">Buy</a>`);
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const address = other.address();
  otherOrigin = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  other?.close();
});

const OFF_MACHINE = /^https?:\/\/(?!127\.0\.0\.1|localhost)/;

/**
 * Every request the page makes off this machine (as the browser sends it, whether or not it
 * could be answered: a redirect's target is not routed, and this machine has no DNS).
 */
async function offMachine(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on('request', (request) => {
    if (OFF_MACHINE.test(request.url())) seen.push(request.url());
  });
  await page.route(OFF_MACHINE, (route) => route.abort());
  return seen;
}

interface Row {
  src: string;
  is_bot: number;
  bot_reason: string | null;
  flags: number;
}

/** The stored clicks of this run, read from the local D1's SQLite file. */
async function storedClicks(sources: string[], timeoutMs = 20_000): Promise<Map<string, Row>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = queryLocalD1<Row>(
      persistTo,
      'SELECT src, is_bot, bot_reason, flags FROM clicks WHERE src IN (SELECT value FROM json_each(?))',
      JSON.stringify(sources),
    );
    const found = new Map(rows.map((r) => [r.src, r]));
    if (sources.every((s) => found.has(s)) || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('a page that embeds tracked links (cookie stuffing)', () => {
  it('makes no request to the retailer; a real click on the same page does', async () => {
    const context = await browser().newContext({ userAgent: DESKTOP_UA });
    const page = await context.newPage();
    const retailer = await offMachine(page);
    await page.goto(`${otherOrigin}/`);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(1_000);
    expect(retailer).toEqual([]);
    const loaded = await storedClicks([`e2eimg${run}`, `e2eframe${run}`]);
    expect(loaded.get(`e2eimg${run}`)).toMatchObject({ is_bot: 1, bot_reason: 'subresource:image' });
    expect(loaded.get(`e2eframe${run}`)).toMatchObject({ is_bot: 1, bot_reason: 'subresource:iframe' });
    // Chromium may skip a cross-site prefetch; when it makes one, it is stored flagged, and it never
    // led anywhere (the retailer saw no request above).
    const prefetch = (await storedClicks([`e2epre${run}`], 2_000)).get(`e2epre${run}`);
    if (prefetch) expect(prefetch).toMatchObject({ is_bot: 1, bot_reason: 'prefetch' });

    // The positive control: a person's click on the same page reaches the retailer, unflagged.
    await page.click('#buy');
    await expect.poll(() => retailer.length, { timeout: 15_000 }).toBe(1);
    expect(new URL(retailer[0] ?? '').searchParams.size).toBeGreaterThan(0);
    const clicked = await storedClicks([`e2eclick${run}`]);
    expect(clicked.get(`e2eclick${run}`)).toMatchObject({ is_bot: 0, bot_reason: null, flags: 0 });
    await context.close();
  });

  it("redirects another site's script navigation without a click, flagged no_activation", async () => {
    const context = await browser().newContext({ userAgent: DESKTOP_UA });
    const page = await context.newPage();
    const retailer = await offMachine(page);
    await page.goto(`${otherOrigin}/redirect`);
    await expect.poll(() => retailer.length, { timeout: 15_000 }).toBe(1);
    const stored = await storedClicks([`e2ejs${run}`]);
    expect(stored.get(`e2ejs${run}`)).toMatchObject({ is_bot: 0, flags: 1 });
    await context.close();
  });
});
