import { env, exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { clearImageStore } from '../../worker/images/image-store.ts';
import type { ShardCounters } from '../../worker/lib/shard-cache.ts';
import { clearLinkStore } from '../../worker/links/link-store.ts';
import { clearPageStore, storefrontOrAnswer } from '../../worker/pages/page-store.ts';
import { createWorker } from '../../worker/worker.ts';

describe('GET /healthz', () => {
  it('answers 200 when D1 is reachable', async () => {
    const res = await exports.default.fetch('http://shop.test/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toMatchObject({ status: 'ok', d1: 'ok', clicks: { failed: 0 } });
  });

  it('answers 503, not 500, when D1 is unreachable', async () => {
    const broken = {
      prepare: () => ({ first: () => Promise.reject(new Error('D1_ERROR: Network connection lost')) }),
    };
    const worker = createWorker(() => new Response(null, { status: 404 }));
    const res = await worker.fetch(
      new Request('http://shop.test/healthz'),
      { ...env, DB: broken as unknown as D1Database },
      createExecutionContext(),
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'degraded', d1: 'unreachable' });
  });
});

describe('GET /healthz: the build-time stores', () => {
  it('counts each failed read of the link shards, the page store and the image packs, and names the latest', async () => {
    clearLinkStore();
    clearPageStore();
    clearImageStore();
    const down = {
      fetch: () => Promise.reject(new Error('assets binding unavailable')),
    } as unknown as Fetcher;
    const worker = createWorker(() => new Response(null, { status: 404 }));
    const call = async (path: string, assets: Fetcher = env.ASSETS) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(new Request(`http://shop.test${path}`), { ...env, ASSETS: assets }, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    };
    const stores = async () => {
      const body = await (await call('/healthz')).json<{ stores: Record<string, ShardCounters> }>();
      return body.stores;
    };
    const before = await stores();
    const link = inject('expectedLinks')[0];
    const avatar = inject('sampleImages')[0];
    if (!link || !avatar) throw new Error('no sample link or avatar');

    expect((await call(`/go/${link.handle}/${link.product}`, down)).status).toBe(503);
    // Storefronts are rendered by the Astro pages (not part of this test worker); they read the store through this.
    const page = await storefrontOrAnswer(down, link.handle, (to) => `/shop/${to}/`);
    expect(page instanceof Response && page.status).toBe(503);
    expect((await call(avatar.path, down)).status).toBe(503);

    const after = await stores();
    // A redirect reads two shards (the handle's and the product's), both failing here.
    const reads = { links: 2, pages: 1, images: 1 } as const;
    for (const name of ['links', 'pages', 'images'] as const) {
      expect(after[name]?.failures, name).toBe((before[name]?.failures ?? 0) + reads[name]);
      expect(after[name]?.last_failure?.path, name).toMatch(/^\/_data\//);
    }
    // A past failure is reported, not a status: the stores answer again once readable.
    const res = await call('/healthz');
    expect(res.status).toBe(200);
    expect((await call(`/go/${link.handle}/${link.product}`)).status).toBe(302);
    expect((await stores()).links?.misses).toBeGreaterThan(after.links?.misses ?? 0);
  });
});
