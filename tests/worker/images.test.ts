/**
 * Avatars and product images served from the image packs (worker/images/): the packs are
 * written by the build's own writer from site/public/images (global-setup.ts), and the
 * bytes served are compared with the files on disk, read in Node apart from any pack.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { imagePackOf, imagePackPath } from '../../domain/images/packs.ts';
import { clearImageStore } from '../../worker/images/image-store.ts';
import { ShardCache } from '../../worker/lib/shard-cache.ts';
import { createWorker } from '../../worker/worker.ts';

const [avatar, product] = inject('sampleImages');
if (!avatar || !product) throw new Error('no sample images');

const fromDisk = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  exports.default.fetch(`https://shop.test${path}`, { method, headers });

/** The worker over a static-assets binding that counts its fetches, and can fail or lie. */
function workerWithAssets() {
  const state = { fetches: 0, mode: 'up' as 'up' | 'down' | 'garbage' };
  const assets = {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      state.fetches++;
      if (state.mode === 'down') return Promise.reject(new Error('assets binding unavailable'));
      if (state.mode === 'garbage') return Promise.resolve(new Response('<!doctype html>not a pack'));
      return env.ASSETS.fetch(input, init);
    },
  } as Fetcher;
  const worker = createWorker(() => new Response('fallback', { status: 404 }));
  const fetch = async (path: string) => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`https://shop.test${path}`), { ...env, ASSETS: assets }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  return { fetch, state };
}

beforeEach(() => clearImageStore());
afterEach(() => vi.restoreAllMocks());

describe('images from packs', () => {
  it.each([
    ['an avatar', avatar, 'image/png'],
    ['a product image', product, 'image/svg+xml'],
  ])(
    'serves %s with the bytes of its file, its type, an ETag and a day of caching',
    async (_n, image, type) => {
      expect(image.path.endsWith(type === 'image/png' ? '.png' : '.svg')).toBe(true);
      const res = await get(image.path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
      expect(res.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(fromDisk(image.base64));
    },
  );

  it('answers 304 with no body when the browser has the same bytes, 200 when it has others', async () => {
    const etag = (await get(avatar.path)).headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const same = await get(avatar.path, { 'if-none-match': etag });
    expect(same.status).toBe(304);
    expect(same.headers.get('etag')).toBe(etag);
    expect(same.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(await same.text()).toBe('');
    // Weak and listed forms match too (RFC 9110), a different tag does not.
    expect((await get(avatar.path, { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
    expect((await get(avatar.path, { 'if-none-match': '"other"' })).status).toBe(200);
    // Another image's ETag differs.
    expect((await get(product.path)).headers.get('etag')).not.toBe(etag);
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await get(avatar.path, {}, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(await res.text()).toBe('');
  });

  it('answers 404 for an image no pack holds', async () => {
    for (const path of [
      '/images/avatars/nobody-at-all.png',
      '/images/products/B0NOTREAL0.svg',
      `${avatar.path}.png`,
      '/images/avatars/%E0%A4%A.png',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('answers 404 to a name no pack can hold without reading any pack', async () => {
    const { fetch, state } = workerWithAssets();
    for (const path of [
      '/images/avatars/no-extension',
      '/images/products/readme.txt',
      '/images/avatars/x.html',
    ]) {
      expect((await fetch(path)).status, path).toBe(404);
    }
    expect(state.fetches).toBe(0);
  });

  it('gives a served image the inert, sandboxed policy, so it runs nothing opened directly', async () => {
    for (const path of [avatar.path, product.path]) {
      const res = await get(path);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toMatch(/^default-src 'none';.*sandbox$/);
      expect(csp, path).not.toContain('script-src');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cross-origin-opener-policy')).toBeNull();
    }
  });

  it('does not serve the packs themselves to the public', async () => {
    expect((await get(imagePackPath(imagePackOf(avatar.path)))).status).toBe(404);
  });

  it('reads a pack once, then serves its images from memory', async () => {
    const { fetch, state } = workerWithAssets();
    expect((await fetch(avatar.path)).status).toBe(200);
    expect(state.fetches).toBe(2); // the name filter, then the pack
    // Each response carries the image's own bytes, served again and again from the one pack in memory.
    for (let i = 0; i < 5; i++) {
      const res = await fetch(avatar.path);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(fromDisk(avatar.base64));
    }
    expect(state.fetches).toBe(2);
  });

  it('answers made-up avatar names 404 without reading a pack each time (section 16)', async () => {
    const { fetch, state } = workerWithAssets();
    const names = Array.from({ length: 300 }, (_, i) => `/images/avatars/${crypto.randomUUID()}-${i}.png`);
    const packs = new Set(names.map((name) => imagePackOf(name)));
    expect(packs.size).toBeGreaterThan(200);
    for (const name of names) expect((await fetch(name)).status, name).toBe(404);
    // The name filter once, and a pack only for its rare false positives (~0.8%).
    expect(state.fetches).toBeLessThanOrEqual(1 + 12);
    // Real images are still found.
    expect((await fetch(avatar.path)).status).toBe(200);
    expect((await fetch(product.path)).status).toBe(200);
  });

  it('answers 503 with a log line, not 404, when a pack cannot be read or is not a pack', async () => {
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void logged.push(String(line)));
    const { fetch, state } = workerWithAssets();
    for (const mode of ['down', 'garbage'] as const) {
      state.mode = mode;
      const res = await fetch(avatar.path);
      expect(res.status, mode).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const events = logged.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event).toMatchObject({
        event: 'images.pack_unavailable',
        path: avatar.path,
        pack: imagePackPath(imagePackOf(avatar.path)),
      });
    }
    // Back up: served again.
    state.mode = 'up';
    expect((await fetch(avatar.path)).status).toBe(200);
  });

  it('leaves other paths under /images/ to the static assets', async () => {
    const { fetch, state } = workerWithAssets();
    const res = await fetch('/images/members/someone/shelf.png');
    expect(await res.text()).toBe('fallback');
    expect(state.fetches).toBe(0);
  });
});

describe('the pack cache', () => {
  it('keeps packs up to its byte budget, dropping the least recently used first', async () => {
    const fetched: string[] = [];
    const assets = {
      fetch: (input: RequestInfo | URL) => {
        const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
        fetched.push(path);
        return Promise.resolve(new Response(new Uint8Array(60)));
      },
    } as Fetcher;
    const cache = new ShardCache(Infinity, 150);
    const read = (path: string) => cache.readBytes(assets, path, (bytes) => bytes.length);
    await read('/a');
    await read('/b');
    await read('/a'); // from memory; now /b is the least recently used
    await read('/c'); // 180 bytes: /b goes
    expect(fetched).toEqual(['/a', '/b', '/c']);
    await read('/a');
    await read('/c');
    expect(fetched).toEqual(['/a', '/b', '/c']);
    await read('/b');
    expect(fetched).toEqual(['/a', '/b', '/c', '/b']);
    // One pack larger than the whole budget is still served, and kept alone.
    const huge = new ShardCache(Infinity, 10);
    expect(await huge.readBytes(assets, '/x', (bytes) => bytes.length)).toBe(60);
    expect(await huge.readBytes(assets, '/x', (bytes) => bytes.length)).toBe(60);
    expect(fetched.filter((p) => p === '/x')).toHaveLength(1);
  });
});
