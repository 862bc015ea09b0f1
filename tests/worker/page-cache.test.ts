/**
 * One cache entry per storefront page, however it is asked for (CONTRACT.md section 16):
 * percent-encoded spellings of the path are answered from the same entry, and methods other
 * than GET and HEAD are refused without a render. The worker runs here over a renderer that
 * counts its calls (the Astro pages are not part of the worker tests; tests/build covers them).
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { normalPath } from '../../worker/pages/routes.ts';
import { createWorker } from '../../worker/worker.ts';

function counted() {
  const rendered: string[] = [];
  const worker = createWorker((request) => {
    rendered.push(`${request.method} ${new URL(request.url).pathname}`);
    return new Response('<!doctype html><title>shop</title>', {
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
    });
  });
  const fetch = async (path: string, method = 'GET') => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`https://shop.test${path}`, { method }), env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  return { fetch, rendered };
}

describe('storefront page cache', () => {
  it('answers every spelling of a storefront path from one cache entry', async () => {
    const handle = `cache-${Date.now().toString(36)}`;
    const { fetch, rendered } = counted();
    const first = await fetch(`/shop/${handle}/`);
    expect(first.headers.get('x-shopfront-cache')).toBe('MISS');
    const spelled = `/shop/%${handle.charCodeAt(0).toString(16)}${handle.slice(1)}/`;
    for (const path of [spelled, `/shop/${handle}/?utm_source=x`, `/shop/${handle.replace('-', '%2d')}/`]) {
      const res = await fetch(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('x-shopfront-cache'), path).toBe('HIT');
    }
    expect((await fetch(spelled, 'HEAD')).headers.get('x-shopfront-cache')).toBe('HIT');
    expect(rendered).toEqual([`GET /shop/${handle}/`]);
  });

  it.each(['POST', 'OPTIONS', 'PUT', 'DELETE', 'PATCH'])(
    'refuses %s on storefront paths without a render',
    async (method) => {
      const { fetch, rendered } = counted();
      for (const path of [
        '/shop/ana-cooks/',
        '/shop/%61na-cooks/',
        '/shop/ana-cooks/pan-basics/',
        '/shop/x',
      ]) {
        const res = await fetch(path, method);
        expect(res.status, path).toBe(405);
        expect(res.headers.get('allow')).toBe('GET, HEAD');
      }
      expect(rendered).toEqual([]);
    },
  );

  it('decodes only unreserved characters', () => {
    expect(normalPath('/shop/%61na-cooks/')).toBe('/shop/ana-cooks/');
    expect(normalPath('/shop/a%2Fb/')).toBe('/shop/a%2Fb/');
    expect(normalPath('/shop/%7e%5F%2e%2D/')).toBe('/shop/~_.-/');
    expect(normalPath('/shop/%zz/')).toBe('/shop/%zz/');
  });
});
