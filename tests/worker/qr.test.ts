/** QR codes of storefronts and lists (/qr/...), read back by a QR reader, and the bio link they lead to. */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { readPngQr, readSvgQr } from '../lib/qr-decode.ts';
import { BROWSER_UA } from './helpers.ts';

const storefronts = inject('storefronts');
const withList = storefronts.find((s) => s.lists.length > 0);
if (!withList) throw new Error('the sample content has no storefront with a list');
const [slug = ''] = withList.lists;
const ORIGIN = 'https://shop.test';
const get = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(`${ORIGIN}${path}`, {
    redirect: 'manual',
    ...init,
    headers: { 'user-agent': BROWSER_UA, ...init.headers },
  });

describe('GET /qr/<handle>.svg|.png and /qr/<handle>/<list>.svg|.png', () => {
  it('draws the storefront and each list as codes that read back to /go/<handle>?src=qr', async () => {
    const cases = [
      { path: `/qr/${withList.handle}`, url: `${ORIGIN}/go/${withList.handle}?src=qr` },
      ...withList.lists.map((l) => ({
        path: `/qr/${withList.handle}/${l}`,
        url: `${ORIGIN}/go/${withList.handle}?src=qr&list=${l}`,
      })),
    ];
    for (const { path, url } of cases) {
      const svg = await get(`${path}.svg`);
      expect(svg.status, path).toBe(200);
      expect(svg.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      // Not HTML: the inert policy, so the SVG opened on its own runs nothing.
      expect(svg.headers.get('content-security-policy')).toContain('sandbox');
      expect(svg.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(svg.headers.get('x-content-type-options')).toBe('nosniff');
      expect(readSvgQr(await svg.text())).toBe(url);

      const png = await get(`${path}.png`);
      expect(png.status, path).toBe(200);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect(png.headers.get('content-security-policy')).toContain('sandbox');
      expect(readPngQr(new Uint8Array(await png.arrayBuffer()))).toBe(url);
    }
  });

  it('never encodes a retailer link', async () => {
    for (const s of storefronts) {
      const res = await get(`/qr/${s.handle}.svg`);
      const text = readSvgQr(await res.text());
      expect(new URL(text ?? 'invalid:').origin).toBe(ORIGIN);
    }
  });

  it('answers 404 for an unknown handle or list, an associate, a non-approved member, and odd paths', async () => {
    const notApproved = inject('notApprovedHandles');
    const associates = inject('associateHandles');
    const paths = [
      '/qr/nobody-here.svg',
      `/qr/${withList.handle}/no-such-list.png`,
      `/qr/${withList.handle}.gif`,
      `/qr/${withList.handle}`,
      `/qr/${withList.handle.toUpperCase()}.svg`,
      '/qr/..%2Fetc.svg',
      ...notApproved.map((h) => `/qr/${h}.svg`),
      ...associates.map((h) => `/qr/${h}.png`),
    ];
    for (const path of paths) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/plain');
    }
  });

  it('draws a code once and then answers from the Workers cache, byte for byte', async () => {
    const path = `/qr/${withList.handle}/${slug}.png`;
    const first = await get(path);
    const firstBytes = new Uint8Array(await first.arrayBuffer());
    let again = await get(path);
    for (let i = 0; i < 20 && again.headers.get('x-shopfront-cache') !== 'HIT'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await get(path);
    }
    expect(again.headers.get('x-shopfront-cache')).toBe('HIT');
    expect(again.headers.get('content-security-policy')).toContain('sandbox');
    expect(new Uint8Array(await again.arrayBuffer())).toEqual(firstBytes);
  });

  it('answers every spelling of a code’s path from one cache entry (security review: percent-encoding drew it again)', async () => {
    const { handle } = withList;
    const path = `/qr/${handle}.png`;
    let first = await get(path);
    for (let i = 0; i < 20 && first.headers.get('x-shopfront-cache') !== 'HIT'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      first = await get(path);
    }
    expect(first.headers.get('x-shopfront-cache')).toBe('HIT');
    const hex = (ch: string) => `%${ch.charCodeAt(0).toString(16)}`;
    for (const spelling of [
      `/qr/${hex(handle[0]!)}${handle.slice(1)}.png`,
      `/qr/${handle}.${hex('p').toUpperCase()}ng`,
      `/qr/${handle}/${hex(slug[0]!)}${slug.slice(1)}.png`,
    ]) {
      const res = await get(spelling);
      expect(res.status, spelling).toBe(200);
      if (!spelling.includes(`/${handle}/`))
        expect(res.headers.get('x-shopfront-cache'), spelling).toBe('HIT');
      await res.arrayBuffer();
    }
  });

  it('answers HEAD without a body', async () => {
    const res = await get(`/qr/${withList.handle}.png`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

async function waitForBioClick(handle: string, src: string, after: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const row = await env.DB.prepare(
      'SELECT src, product_id FROM clicks WHERE handle = ?1 AND src = ?2 AND at >= ?3 AND product_id IS NULL',
    )
      .bind(handle, src, after)
      .first<{ src: string; product_id: null }>();
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`no ${src} click for ${handle}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the bio link a QR code leads to', () => {
  it('logs a scan as src=qr and leads to the storefront or the list page', async () => {
    const started = Date.now();
    const home = await get(`/go/${withList.handle}?src=qr`);
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe(`/shop/${withList.handle}/`);
    const list = await get(`/go/${withList.handle}?src=qr&list=${slug}`);
    expect(list.headers.get('location')).toBe(`/shop/${withList.handle}/${slug}/`);
    await waitForBioClick(withList.handle, 'qr', started);
  });

  it('keeps a malformed list on the storefront, never off the site', async () => {
    for (const bad of ['..%2F..%2Fevil', '%2F%2Fevil.example', 'UPPER', '-x', 'a'.repeat(65)]) {
      const res = await get(`/go/${withList.handle}?list=${bad}`);
      expect(res.headers.get('location'), bad).toBe(`/shop/${withList.handle}/`);
    }
  });
});
