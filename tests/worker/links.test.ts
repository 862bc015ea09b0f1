import { env, exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { createExecutionContext } from 'cloudflare:test';
import { linkShardPath, shardOf } from '../../domain/links/shards.ts';
import { pieceName } from '../../domain/links/tagged-url.ts';
import linkConfig from '../../worker/generated/route-table.ts';
import { clearLinkStore } from '../../worker/links/link-store.ts';
import { createWorker } from '../../worker/worker.ts';
import { BROWSER_UA, clickIdOf, waitForClicks } from './helpers.ts';

const links = inject('expectedLinks');
const [first] = links;
if (!first) throw new Error('the sample content has no links');
/** A URL without its tag and sub-tag pieces, as written. */
const withoutTags = (url: string, link: { tag: string; subtag: string }) => {
  const at = url.indexOf('?');
  const [head, query] = at === -1 ? [url, ''] : [url.slice(0, at), url.slice(at + 1)];
  const kept = query.split('&').filter((p) => p !== '' && ![link.tag, link.subtag].includes(pieceName(p)));
  return kept.length > 0 ? `${head}?${kept.join('&')}` : head;
};
const go = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(`https://shop.test${path}`, {
    redirect: 'manual',
    ...init,
    headers: { 'user-agent': BROWSER_UA, ...init.headers },
  });

describe('GET /go/<handle>/<product>', () => {
  it('redirects every storefront link to its product URL with the tag and a fresh click id', async () => {
    expect(links.length).toBeGreaterThan(100);
    const seen = new Set<string>();
    for (const link of links) {
      const res = await go(`/go/${link.handle}/${link.product}?src=storefront`);
      expect(res.status, `${link.handle}/${link.product}`).toBe(302);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const location = new URL(res.headers.get('location') ?? '');
      const expected = new URL(link.url);
      expect(location.origin + location.pathname).toBe(expected.origin + expected.pathname);
      expect(location.searchParams.get(link.tag)).toBe(link.trackingId);
      const clickId = location.searchParams.get(link.subtag) ?? '';
      expect(clickId).toMatch(/^[A-Za-z0-9_-]{22}$/); // 128 bits, url-safe
      expect(seen.has(clickId)).toBe(false);
      seen.add(clickId);
      // The rest of the product URL arrives byte for byte.
      expect(withoutTags(res.headers.get('location') ?? '', link)).toBe(withoutTags(link.url, link));
    }
  });

  it('logs the click with src, referrer host, device and flags, and no IP or user agent', async () => {
    const ip = '203.0.113.77';
    const res = await go(`/go/${first.handle}/${first.product}?src=ig_story`, {
      headers: { 'cf-connecting-ip': ip, referer: 'https://l.instagram.com/?u=https%3A%2F%2Fshop.test' },
    });
    const clickId = clickIdOf(res.headers.get('location'), first.subtag);
    const [row] = await waitForClicks([clickId]);
    expect(row).toMatchObject({
      handle: first.handle,
      product_id: first.product,
      src: 'ig_story',
      referrer_host: 'l.instagram.com',
      device: 'mobile',
      is_bot: 0,
      bot_reason: null,
      method: 'GET',
    });
    expect(row?.visitor_hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const dump = JSON.stringify(await env.DB.prepare('SELECT * FROM clicks').all());
    expect(dump).not.toContain(ip);
    expect(dump).not.toContain('Safari/604.1');
    expect(dump).not.toContain('https://l.instagram.com/?u=');
  });

  it('drops an invalid src instead of failing', async () => {
    const ids: string[] = [];
    for (const src of ['UPPER', 'a'.repeat(33), 'bad!char', '']) {
      const res = await go(`/go/${first.handle}/${first.product}?src=${encodeURIComponent(src)}`);
      expect(res.status).toBe(302);
      ids.push(clickIdOf(res.headers.get('location'), first.subtag));
    }
    const rows = await waitForClicks(ids);
    expect(rows.map((r) => r.src)).toEqual([null, null, null, null]);
  });

  it('answers HEAD with the same redirect and logs it as a bot', async () => {
    const res = await go(`/go/${first.handle}/${first.product}`, { method: 'HEAD' });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location') ?? '').searchParams.get(first.tag)).toBe(first.trackingId);
    const [row] = await waitForClicks([clickIdOf(res.headers.get('location'), first.subtag)]);
    expect(row).toMatchObject({ is_bot: 1, bot_reason: 'head', method: 'HEAD' });
  });

  it('flags link-preview bots but still redirects them', async () => {
    const preview = await go(`/go/${first.handle}/${first.product}`, {
      headers: { 'user-agent': 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)' },
    });
    const [row] = await waitForClicks([clickIdOf(preview.headers.get('location'), first.subtag)]);
    expect([row?.is_bot, row?.bot_reason, row?.device]).toEqual([1, 'link-preview', 'bot']);
  });

  it('counts a top-level navigation (Sec-Fetch-Dest: document) as a human click', async () => {
    const res = await go(`/go/${first.handle}/${first.product}`, {
      headers: { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate', 'sec-fetch-user': '?1' },
    });
    const [row] = await waitForClicks([clickIdOf(res.headers.get('location'), first.subtag)]);
    expect(row).toMatchObject({ is_bot: 0, bot_reason: null });
  });

  it('flags a second click by the same visitor on the same product within the hour as a duplicate', async () => {
    const headers = { 'cf-connecting-ip': '198.51.100.9' };
    const a = await go(`/go/${first.handle}/${first.product}`, { headers });
    const b = await go(`/go/${first.handle}/${first.product}`, { headers });
    const other = await go(`/go/${first.handle}/${first.product}`, {
      headers: { 'cf-connecting-ip': '198.51.100.10' },
    });
    const [idA, idB, idOther] = [a, b, other].map((r) => clickIdOf(r.headers.get('location'), first.subtag));
    const rows = new Map((await waitForClicks([idA!, idB!, idOther!])).map((r) => [r.click_id, r]));
    expect(rows.get(idA!)?.is_duplicate).toBe(0);
    expect(rows.get(idB!)?.is_duplicate).toBe(1);
    expect(rows.get(idOther!)?.is_duplicate).toBe(0);
    expect(rows.get(idA!)?.visitor_hash).toBe(rows.get(idB!)?.visitor_hash);
    expect(rows.get(idA!)?.visitor_hash).not.toBe(rows.get(idOther!)?.visitor_hash);
  });

  it('stores one row per request under 200 concurrent requests', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => go(`/go/${first.handle}/${first.product}?src=load${i % 7}`)),
    );
    expect(responses.every((r) => r.status === 302)).toBe(true);
    const ids = responses.map((r) => clickIdOf(r.headers.get('location'), first.subtag));
    expect(new Set(ids).size).toBe(200);
    const rows = await waitForClicks(ids, 30_000);
    expect(rows).toHaveLength(200);
  });
});

describe('tracked links that lead nowhere', () => {
  const notApproved = inject('notApprovedHandles');
  const unavailable = inject('unavailableProducts');

  const cases: [string, () => string][] = [
    ['an unknown handle', () => `/go/nobody-here/${first.product}`],
    ['an unknown product', () => `/go/${first.handle}/B0NOTREAL0`],
    ['an unavailable product', () => `/go/${first.handle}/${unavailable[0]}`],
    ...notApproved.map((h): [string, () => string] => [
      `a ${h} storefront that is not approved`,
      () => `/go/${h}/${first.product}`,
    ]),
    ['a URL smuggled as the product', () => `/go/${first.handle}/https:%2F%2Fevil.example%2F`],
    ['an unknown bio link', () => `/go/nobody-here`],
  ];

  it.each(cases)('answers 404 for %s, with no redirect', async (_name, path) => {
    const res = await go(path());
    expect(res.status).toBe(404);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 404, never a 500, when a product URL could not be sent as a Location (CR/LF)', async () => {
    clearLinkStore();
    const bad = 'B0CRLF0000';
    const shard = linkShardPath('p', shardOf(bad, linkConfig.shards.products));
    const retailer = linkConfig.retailers.findIndex((r) => r.subtag === first.subtag);
    const assets = {
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const res = await env.ASSETS.fetch(input, init);
        if (new URL(input instanceof Request ? input.url : String(input)).pathname !== shard) return res;
        const products = await res.json<Record<string, [number, string]>>();
        products[bad] = [retailer, 'https://www.amazon.com/dp/B0CRLF0000?x=1\r\nSet-Cookie: stuffed=1'];
        return Response.json(products);
      },
    } as Fetcher;
    const worker = createWorker(() => new Response(null, { status: 404 }));
    for (const method of ['GET', 'HEAD']) {
      const res = await worker.fetch(
        new Request(`https://shop.test/go/${first.handle}/${bad}`, {
          method,
          headers: { 'user-agent': BROWSER_UA },
        }),
        { ...env, ASSETS: assets },
        createExecutionContext(),
      );
      expect(res.status, method).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    clearLinkStore();
  });

  it('never takes the destination from the request', async () => {
    const res = await go(
      `/go/${first.handle}/${first.product}?url=https://evil.example/&redirect=https://evil.example/`,
    );
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location') ?? '').hostname).toBe(new URL(first.url).hostname);
  });
});

describe('GET /go/<handle>', () => {
  it('redirects a bio link to the storefront', async () => {
    const res = await go(`/go/${first.handle}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/shop/${first.handle}/`);
  });
});
