/**
 * Storefront pieces that run in the Worker (CONTRACT section 17): the Workers cache of a page
 * never outlives the first price the page shows (worker/pages/routes.ts), search answers are never
 * cached under another query, and the daily "Most popular" refresh (worker/storefront/) ranks
 * human clicks of the last 30 days from the roll-ups into KV, read back by the storefront.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../domain/time.ts';
import { PRICE_EXPIRES_HEADER } from '../../domain/pages/page-store.ts';
import { clearPopularity, popularProducts } from '../../worker/storefront/popularity-store.ts';
import { popularityKey, popularityShardOf, POPULARITY_SHARDS } from '../../worker/storefront/popularity.ts';
import { createWorker, POPULARITY_CRON } from '../../worker/worker.ts';

/** The worker with a stand-in for Astro's renderer that counts renders and says when its price goes stale. */
function workerRendering(page: { expiresAt: number | null; renders: number; bodies: string[] }) {
  const worker = createWorker((request) => {
    page.renders++;
    const body = `<!doctype html><title>x</title><p>render ${page.renders} of ${new URL(request.url).search}</p>`;
    page.bodies.push(body);
    const headers = new Headers({ 'Content-Type': 'text/html; charset=utf-8' });
    if (page.expiresAt !== null) headers.set(PRICE_EXPIRES_HEADER, String(page.expiresAt));
    return new Response(body, { headers });
  });
  return async (path: string) => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`https://shop.test${path}`), env, ctx);
    await waitOnExecutionContext(ctx);
    return { res, text: await res.text() };
  };
}

const maxAge = (res: Response) => Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1]);

describe('page cache and price expiry', () => {
  it('keeps a page with a price in the Workers cache only until that price goes stale', async () => {
    const page = { expiresAt: (Date.now() + 2_500) as number | null, renders: 0, bodies: [] as string[] };
    const fetch = workerRendering(page);
    const first = await fetch('/shop/price-expiry-a/');
    expect(first.res.headers.get('x-shopfront-cache')).toBe('MISS');
    expect(maxAge(first.res)).toBeLessThanOrEqual(3);
    expect(first.res.headers.get(PRICE_EXPIRES_HEADER)).toBeNull();
    const again = await fetch('/shop/price-expiry-a/');
    expect(again.res.headers.get('x-shopfront-cache')).toBe('HIT');
    expect(page.renders).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    page.expiresAt = Date.now() + 600_000;
    const later = await fetch('/shop/price-expiry-a/');
    expect(later.res.headers.get('x-shopfront-cache')).toBe('MISS');
    expect(page.renders).toBe(2);
    expect(maxAge(later.res)).toBe(300);
  });

  it('keeps a page without prices for the usual time, and never caches an already stale one', async () => {
    const page = { expiresAt: null as number | null, renders: 0, bodies: [] as string[] };
    const fetch = workerRendering(page);
    expect(maxAge((await fetch('/shop/price-expiry-b/')).res)).toBe(300);
    page.expiresAt = Date.now() - 1;
    const stale = await fetch('/shop/price-expiry-c/');
    expect(stale.res.headers.get('cache-control')).toBe('no-cache');
    await fetch('/shop/price-expiry-c/');
    expect(page.renders).toBe(3);
  });

  it("answers every search query from its own render, never from another query's cache entry", async () => {
    const page = { expiresAt: null as number | null, renders: 0, bodies: [] as string[] };
    const fetch = workerRendering(page);
    const a = await fetch('/shop/search-cache/search/?q=pan');
    const b = await fetch('/shop/search-cache/search/?q=serum');
    const c = await fetch('/shop/search-cache/search/?q=pan');
    expect([a, b, c].map((x) => x.res.headers.get('x-shopfront-cache'))).toEqual([
      'BYPASS',
      'BYPASS',
      'BYPASS',
    ]);
    expect(a.text).toContain('?q=pan');
    expect(b.text).toContain('?q=serum');
    expect(page.renders).toBe(3);
  });
});

async function click(
  handle: string,
  product: string | null,
  at: number,
  flags: { bot?: boolean; duplicate?: boolean } = {},
) {
  await env.DB.prepare(
    `INSERT INTO clicks (click_id, at, handle, product_id, src, device, visitor_hash, is_bot, bot_reason, is_duplicate, method)
     VALUES (?1, ?2, ?3, ?4, 'test', ?5, 'v', ?6, ?7, ?8, 'GET')`,
  )
    .bind(
      crypto.randomUUID(),
      at,
      handle,
      product,
      flags.bot ? 'bot' : 'mobile',
      flags.bot ? 1 : 0,
      flags.bot ? 'crawler' : null,
      flags.duplicate ? 1 : 0,
    )
    .run();
}

async function runCron(cron: string, at: number) {
  const ctx = createExecutionContext();
  const worker = createWorker(() => new Response(null, { status: 404 }));
  worker.scheduled(createScheduledController({ cron, scheduledTime: at }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe('most popular', () => {
  beforeEach(() => clearPopularity());

  it('ranks human clicks of the last 30 days, refreshed by the daily cron, and the storefront reads it', async () => {
    const now = Date.parse('2026-12-07T04:41:00Z');
    const h = 'popular-pia';
    for (let i = 0; i < 3; i++) await click(h, 'P-OLDER', now - 10 * DAY_MS);
    for (let i = 0; i < 2; i++) await click(h, 'P-TODAY', now - 60_000);
    await click(h, 'P-TODAY', now - 60_000, { duplicate: true }); // a repeat: counted once
    for (let i = 0; i < 9; i++) await click(h, 'P-BOTS', now - DAY_MS, { bot: true });
    for (let i = 0; i < 9; i++) await click(h, 'P-STALE', now - 30 * DAY_MS); // 31st day back: out
    await click(h, null, now - DAY_MS); // the storefront itself: not a product
    await click('other-oli', 'O-1', now - DAY_MS);

    expect(await popularProducts(env, h)).toEqual([]);
    await runCron(POPULARITY_CRON, now);
    clearPopularity();
    expect(await popularProducts(env, h)).toEqual(['P-OLDER', 'P-TODAY']);
    expect(await popularProducts(env, 'other-oli')).toEqual(['O-1']);
    expect(await popularProducts(env, 'nobody-clicked')).toEqual([]);
    const stored = await env.SESSION.get(popularityKey(popularityShardOf(h)), 'json');
    expect(stored).toMatchObject({ from: '2026-11-08', to: '2026-12-07' });

    // Every shard is written, so a creator whose clicks age out loses the section.
    let shards = 0;
    for (let i = 0; i < POPULARITY_SHARDS; i++)
      if ((await env.SESSION.get(popularityKey(i))) !== null) shards++;
    expect(shards).toBe(POPULARITY_SHARDS);
    await runCron(POPULARITY_CRON, now + 40 * DAY_MS);
    clearPopularity();
    expect(await popularProducts(env, h)).toEqual([]);
  });

  it('leaves the hourly cron to retention, and shows no section when KV is unreadable', async () => {
    const now = Date.parse('2026-12-08T05:17:00Z');
    await click('hourly-hal', 'H-1', now - DAY_MS);
    await runCron('17 * * * *', now);
    expect(await popularProducts(env, 'hourly-hal')).toEqual([]);
    const broken = { SESSION: { get: () => Promise.reject(new Error('kv down')) } as unknown as KVNamespace };
    clearPopularity();
    expect(await popularProducts(broken, 'hourly-hal')).toEqual([]);
  });
});
