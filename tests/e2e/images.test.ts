/**
 * Avatars and product images on the real system (astro build + wrangler dev): the build
 * deployed no file for them, the worker serves them from the image packs, and a browser
 * shows them on a storefront with the bytes of the files in site/public.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { useBrowser } from './browser.ts';

const base = inject('baseUrl');
const HANDLE = 'jess-home-lab';
const browser = useBrowser();

describe('images from packs', () => {
  it('are not deployed as files', () => {
    expect(existsSync('dist/client/images/avatars')).toBe(false);
    expect(existsSync('dist/client/images/products')).toBe(false);
    expect(existsSync('dist/client/_data/images/0.bin')).toBe(true);
  });

  it("show on a storefront with their files' bytes, and revalidate with a 304", async () => {
    const page = await browser().newPage();
    const res = await page.goto(`${base}/shop/${HANDLE}/`);
    expect(res?.status()).toBe(200);
    const sources = await page
      .locator('img')
      .evaluateAll((imgs) => imgs.map((img) => img.getAttribute('src') ?? ''));
    const local = [...new Set(sources.filter((src) => src.startsWith('/images/')))];
    expect(local.some((src) => src.startsWith('/images/avatars/'))).toBe(true);
    expect(local.some((src) => src.startsWith('/images/products/'))).toBe(true);
    // The browser decoded the avatar (an eager image) as an image.
    const avatar = page.locator(`img[src^="/images/avatars/"]`).first();
    await expect
      .poll(() =>
        avatar.evaluate((el) => {
          const img = el as HTMLImageElement;
          return img.complete ? img.naturalWidth : 0;
        }),
      )
      .toBeGreaterThan(0);
    await page.close();

    for (const src of local) {
      const got = await fetch(`${base}${src}`);
      expect(got.status, src).toBe(200);
      expect(got.headers.get('content-type'), src).toMatch(/^image\//);
      expect(Buffer.from(await got.arrayBuffer()).equals(readFileSync(`site/public${src}`)), src).toBe(true);
      const etag = got.headers.get('etag') ?? '';
      const again = await fetch(`${base}${src}`, { headers: { 'if-none-match': etag } });
      expect(again.status, src).toBe(304);
    }
    expect((await fetch(`${base}/images/avatars/nobody-at-all.png`)).status).toBe(404);
  });
});
