import { env, exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { clearImageStore } from '../../worker/images/image-store.ts';
import type { ShardCounters } from '../../worker/lib/shard-cache.ts';
import { clearLinkStore } from '../../worker/links/link-store.ts';
import { clearPageStore, storefrontOrAnswer } from '../../worker/pages/page-store.ts';
import { createWorker } from '../../worker/worker.ts';

const ADMIN = { authorization: `Bearer ${env.ADMIN_TOKEN}` };

describe('GET /healthz', () => {
  it('answers 200 when D1 is reachable', async () => {
    const res = await exports.default.fetch('http://shop.test/healthz', { headers: ADMIN });
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
      const res = await worker.fetch(
        new Request(`http://shop.test${path}`, { headers: ADMIN }),
        { ...env, ASSETS: assets },
        ctx,
      );
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

describe('GET /healthz is public, so bounded and quiet (section 16)', () => {
  it('shows counters and store details only with the admin token', async () => {
    const open = await (
      await exports.default.fetch('http://shop.test/healthz')
    ).json<Record<string, unknown>>();
    expect(Object.keys(open).sort()).toEqual(['config', 'd1', 'status']);
    const influencer = await exports.default.fetch('http://shop.test/healthz', {
      headers: { authorization: 'Bearer sft_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    expect(Object.keys(await influencer.json<object>()).sort()).toEqual(['config', 'd1', 'status']);
    const admin = await (
      await exports.default.fetch('http://shop.test/healthz', { headers: ADMIN })
    ).json<Record<string, unknown>>();
    expect(admin).toHaveProperty('clicks.stored.queue');
    expect(admin).toHaveProperty('stores.links.hits');
  });

  it('queries D1 at most once per isolate in a few seconds, however many requests come', async () => {
    let statements = 0;
    const counted = new Proxy(env.DB, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          statements++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const worker = createWorker(() => new Response(null, { status: 404 }));
    for (let i = 0; i < 20; i++) {
      const res = await worker.fetch(
        new Request('http://shop.test/healthz'),
        { ...env, DB: counted },
        createExecutionContext(),
      );
      expect(res.status).toBe(200);
    }
    expect(statements).toBe(1);
  });

  it("never reveals a secret's length or any part of it", async () => {
    // A short admin token, a malformed webhook secret and signing key: each is named, none is shown.
    const secrets = {
      ADMIN_TOKEN: 'Zq8xKw3vTn5pLm2R',
      ORDER_WEBHOOK_SECRET: 'Xy7!Qp9@Rt4#Wv',
      REQUEST_SIGNING_KEY: 'Qw9!Zx7@Lm3#Rt5',
    };
    const worker = createWorker(() => new Response(null, { status: 404 }));
    for (const [setting, value] of Object.entries(secrets)) {
      const paths =
        setting === 'ADMIN_TOKEN' ? ['/healthz', '/api/admin/payouts?period=2025-01'] : ['/healthz'];
      for (const path of paths) {
        const res = await worker.fetch(
          new Request(`http://shop.test${path}`),
          { ...env, [setting]: value },
          createExecutionContext(),
        );
        const body = await res.text();
        expect(res.status, `${setting} ${path}`).toBe(503);
        if (path === '/healthz') expect(body).toContain(setting);
        // Neither the length nor any 4 characters of the value.
        expect(body, `${setting} ${path}`).not.toMatch(new RegExp(`\\b${value.length}\\b`));
        for (let i = 0; i + 4 <= value.length; i++)
          expect(body, `${setting} ${path}`).not.toContain(value.slice(i, i + 4));
      }
    }
  });
});
