/**
 * The associate program as people see it, against the real system on
 * `wrangler dev`: an associate signs in and builds a tracked link with the link
 * builder in a browser with JavaScript off, the link redirects with the
 * associate's tag, an order through it earns the associate rate, and the admin
 * console compares the two programs with that order in its figures.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { postOrderEvent } from '../../scripts/lib/harness/webhook.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot, useBrowser } from './browser.ts';
import { createMemberToken } from './member-token.ts';
import { localSystem } from './system.ts';

const { base, persistTo, adminToken, webhookSecret } = localSystem();
const HANDLE = 'gearlab-reviews';
const TRACKING_ID = 'gearlabreviews-20';
const PRODUCT = 'B00006JSUA'; // Lodge cast iron skillet, kitchen: 300 bps for associates, 450 for influencers
const BROWSER_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15';

const browser = useBrowser();
let token = '';

async function signIn(page: Page, secret: string, landing: RegExp): Promise<void> {
  await page.goto(`${base}/dashboard/`);
  await page.getByLabel('Access token').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(landing);
}

async function sendEvent(type: string, body: Record<string, unknown>): Promise<Response> {
  const text = JSON.stringify({ type, ...body });
  return postOrderEvent(base, webhookSecret, `msg_${type}_${String(body.order_id)}`, text);
}

beforeAll(async () => {
  token = createMemberToken(HANDLE, persistTo);
});

describe('link builder', () => {
  it('finds a product by words, shows price as of and the associate rate, and gives a working link without JavaScript', async () => {
    const context = await browser().newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, token, /\/dashboard\/gearlab-reviews\/$/);
    expect(await page.locator('[data-program]').textContent()).toBe('associate program');
    await page.getByRole('link', { name: 'Build a tracked link' }).click();
    await page.getByLabel('Product words, id or a pasted product link').fill('cast iron skillet');
    await page.getByLabel('Source (src), optional').fill('review');
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.locator(`tr[data-product="${PRODUCT}"]`);
    expect(await row.locator('td').nth(2).textContent()).toBe('3%');
    await row.getByRole('link', { name: /Get link/ }).click();
    const link = await page.getByLabel('Tracked link: select it all and copy').inputValue();
    expect(link).toBe(`${base}/go/${HANDLE}/${PRODUCT}?src=review`);
    expect(await page.locator('[data-fig="rate"]').textContent()).toBe('3%');
    expect(await page.locator('[data-fig="price"]').textContent()).toMatch(/^\$\d+\.\d\d$/);
    expect(await page.locator('#link').textContent()).toMatch(/as of [A-Z][a-z]{2} \d{1,2}, \d{4}/);
    await screenshot(page, 'link-builder');
    // axe runs as a script: check the same page in a context with JavaScript and the same session.
    const withScript = await browser().newContext({ storageState: await context.storageState() });
    const axePage = await withScript.newPage();
    await axePage.goto(page.url());
    const results = await new AxeBuilder({ page: axePage }).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    await withScript.close();

    // Searching by the id finds the same product.
    await page.goto(`${base}/dashboard/${HANDLE}/links/?q=${PRODUCT.toLowerCase()}`);
    expect(await page.locator('tr[data-product]').first().getAttribute('data-product')).toBe(PRODUCT);

    const go = await fetch(link, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
    expect(go.status).toBe(302);
    const location = new URL(go.headers.get('location') ?? '');
    expect(location.searchParams.get('tag')).toBe(TRACKING_ID);
    await context.close();
  });

  it("refuses another member's link builder", async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await signIn(page, token, /\/dashboard\/gearlab-reviews\/$/);
    expect((await page.goto(`${base}/dashboard/jess-home-lab/links/`))?.status()).toBe(403);
    await context.close();
  });
});

describe('program comparison', () => {
  it('shows an associate order at associate rates beside the influencers, as a chart and a table', async () => {
    const go = await fetch(`${base}/go/${HANDLE}/${PRODUCT}?src=review`, {
      redirect: 'manual',
      headers: { 'user-agent': BROWSER_UA },
    });
    const clickId = new URL(go.headers.get('location') ?? '').searchParams.get('ascsubtag') ?? '';
    const orderId = `e2e-assoc-${Date.now()}`;
    const ordered = new Date(Date.now() - 30 * 60_000);
    const order = {
      order_id: orderId,
      ordered_at: ordered.toISOString(),
      tracking_id: TRACKING_ID,
      click_id: clickId,
      currency: 'USD',
      // 2 x $100.00 at 300 bps: $6.00.
      items: [{ product_id: PRODUCT, category: 'kitchen', quantity: 2, unit_price: 10_000 }],
    };
    expect((await sendEvent('order.placed', { ...order, occurred_at: ordered.toISOString() })).status).toBe(
      200,
    );
    expect(
      (await sendEvent('order.shipped', { ...order, occurred_at: new Date().toISOString() })).status,
    ).toBe(200);

    // The click reaches D1 through the queue, after the redirect: wait for it in the stats API.
    await expect
      .poll(
        async () => {
          const res = await fetch(`${base}/api/stats/${HANDLE}`, {
            headers: { authorization: `Bearer ${token}` },
          });
          return ((await res.json()) as { clicks: { human: number } }).clicks.human;
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);

    const context = await browser().newContext();
    const page = await context.newPage();
    await signIn(page, adminToken, /\/dashboard\/admin\/$/);
    const associates = page.locator('table[data-table="programs"] tr[data-program="associate"]');
    const fig = (name: string) => associates.locator(`[data-fig="${name}"]`).textContent();
    expect(Number((await fig('clicks'))?.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(await fig('members')).toBe('3');
    expect(await fig('orders')).toBe('1');
    expect(await fig('revenue')).toBe('$200.00');
    expect(await fig('commission')).toBe('$6.00');
    expect(await fig('effective-rate')).toBe('3.00%');
    expect(
      await page
        .locator('table[data-table="programs"] tr[data-program="influencer"] [data-fig="members"]')
        .textContent(),
    ).toMatch(/^[1-9]\d*$/);
    // The chart names both programs and describes itself for screen readers.
    const chart = page.locator('svg.prog');
    expect(await chart.getAttribute('role')).toBe('img');
    expect(await chart.locator('desc').textContent()).toContain(
      'Associates: 3 members, $6.00 commission on $200.00 revenue',
    );
    expect(await chart.locator('rect.s1').count()).toBeGreaterThan(3);
    // The creators and payouts tables name each row's program.
    // (The creator's link is its display name, the handle beside it.)
    const creator = page.locator('table[data-table="creators"] tr', {
      has: page.locator(`a[href^="/dashboard/${HANDLE}/"]`),
    });
    expect(await creator.locator('td').nth(1).textContent()).toBe('associate');
    await screenshot(page, 'admin-programs');
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    await context.close();
  });
});
