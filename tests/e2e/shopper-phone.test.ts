/**
 * A shopper on a phone (390x844) with JavaScript turned off: searches a storefront through its
 * plain GET form, reads the results, and sees compact cards (two a row) with no price typed into
 * content (CONTRACT section 17).
 */
import type { BrowserContext } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { screenshot, useBrowser } from './browser.ts';

const base = inject('baseUrl');
const HANDLE = 'mila-cooks';
const browser = useBrowser();
let phone: BrowserContext;

beforeAll(async () => {
  phone = await browser().newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    javaScriptEnabled: false,
  });
});

describe('a storefront on a phone, without JavaScript', () => {
  it('finds a product through the search form, typos and plurals included', async () => {
    const page = await phone.newPage();
    expect((await page.goto(`${base}/shop/${HANDLE}/`))?.status()).toBe(200);
    const box = page.getByRole('searchbox', { name: /Search .*picks/ });
    await box.fill('skilets');
    await box.press('Enter');
    await page.waitForURL(/\/shop\/mila-cooks\/search\/\?q=skilets$/);
    await screenshot(page, 'phone-search');
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/picks? for “skilets”/);
    const titles = await page.locator('main article h2').allTextContents();
    expect(titles.some((t) => /Cast Iron Skillet/.test(t))).toBe(true);
    // The form shows the query again, and a new search replaces it.
    expect(await page.getByRole('searchbox').inputValue()).toBe('skilets');
    await page.getByRole('searchbox').fill('zzzz-nothing');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=zzzz-nothing$/);
    expect(await page.locator('h1').textContent()).toContain('Nothing found');
    expect(await page.locator('script').count()).toBe(0);
  });

  it('shows compact cards two a row, and no typed prices or ratings', async () => {
    const page = await phone.newPage();
    await page.goto(`${base}/shop/${HANDLE}/`);
    await screenshot(page, 'phone-storefront');
    const cards = page.locator('main article.c');
    expect(await cards.count()).toBeGreaterThanOrEqual(4);
    const [a, b] = [await cards.nth(0).boundingBox(), await cards.nth(1).boundingBox()];
    expect(a && b).toBeTruthy();
    expect(Math.abs((a?.y ?? 0) - (b?.y ?? 1))).toBeLessThan(2);
    expect((a?.width ?? 999) * 2).toBeLessThan(390);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('See price on Amazon');
    expect(text).not.toMatch(/out of 5|★/);
    // No card overflows the phone's width.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(390);
  });
});
