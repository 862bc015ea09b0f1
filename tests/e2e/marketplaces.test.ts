/**
 * A UK shopper in a real browser against `wrangler dev` (CONTRACT.md section 14): a product click
 * on a storefront lands on amazon.co.uk with the creator's UK tag, the click shows up under GB and
 * amazon-uk in the stats and on the dashboard, and the link builder says where the link reaches.
 *
 * The country: on Cloudflare `request.cf` comes from the edge; locally Miniflare builds it from its
 * own `MF-CF-Blob` request header (its dev-server mechanism, not ours). The worker reads only
 * `request.cf.country` either way.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { linkedProducts } from '../../domain/content/members.ts';
import { loadContent } from '../../build/load-content.ts';
import { interceptRetailer, screenshot, useBrowser } from './browser.ts';

const base = inject('baseUrl');
const adminToken = inject('adminToken');

const { content } = loadContent('content');
if (!content) throw new Error('the sample content does not load');
const uk = content.retailers.find((r) => r.id === 'amazon-uk');
const shopper = content.influencers.find(
  (i) => i.status === 'approved' && i.program === 'influencer' && i.tracking_ids?.['amazon-uk'],
);
const products = shopper ? linkedProducts(shopper, content.products).filter((p) => p.available) : [];
const product = products.find((p) => p.markets?.['amazon-uk']) ?? products[0];
if (!uk || !shopper || !product)
  throw new Error('the sample content needs amazon-uk and a member with a UK tracking id');
const ukTag = shopper.tracking_ids?.['amazon-uk'];

const SHOPPER_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const browser = useBrowser();

async function signIn(page: Page): Promise<void> {
  await page.goto(`${base}/dashboard/`);
  await page.getByLabel('Access token').fill(adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard\/[a-z0-9-]+\/$/);
}

describe('a shopper in the UK', () => {
  it("lands on amazon.co.uk with the creator's UK tag, and the click counts under GB and amazon-uk", async () => {
    const context = await browser().newContext({
      extraHTTPHeaders: { 'MF-CF-Blob': JSON.stringify({ country: 'GB' }) },
      // A headless browser says so in its user agent and its clicks count as a bot's; a shopper's does not.
      userAgent: SHOPPER_UA,
    });
    const page = await context.newPage();
    const visited = await interceptRetailer(page);
    expect((await page.goto(`${base}/shop/${shopper.handle}/`))?.status()).toBe(200);
    await page.locator(`main a[href^="/go/${shopper.handle}/${product.id}?"]`).first().click();
    await expect.poll(() => visited.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const landed = new URL(visited[visited.length - 1] ?? '');
    expect(uk.hosts).toContain(landed.hostname);
    expect(landed.searchParams.get(uk.tag_param)).toBe(ukTag);
    expect(landed.searchParams.get(uk.subtag_param)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const listed = product.markets?.['amazon-uk'];
    if (listed) expect(landed.pathname).toBe(new URL(listed).pathname);
    else expect([...landed.searchParams.values()]).toContain(product.title);
    await context.close();

    // The stats API (admin token): today's click, read from the raw clicks once the queue stored it.
    const today = new Date().toISOString().slice(0, 10);
    await expect
      .poll(
        async () => {
          const res = await fetch(`${base}/api/stats/${shopper.handle}?from=${today}&to=${today}`, {
            headers: { authorization: `Bearer ${adminToken}` },
          });
          const body = (await res.json()) as {
            by_country: { country: string | null }[];
            by_marketplace: { marketplace: string | null }[];
          };
          return [
            body.by_country.some((c) => c.country === 'GB'),
            body.by_marketplace.some((m) => m.marketplace === 'amazon-uk'),
          ];
        },
        { timeout: 20_000 },
      )
      .toEqual([true, true]);

    const admin = await browser().newContext();
    const dash = await admin.newPage();
    await signIn(dash);
    await dash.goto(`${base}/dashboard/${shopper.handle}/?period=7d`);
    await expect.poll(() => dash.locator('[data-table="by-country"] tr[data-country="GB"]').count()).toBe(1);
    await expect
      .poll(() => dash.locator('[data-table="by-marketplace"] tr[data-marketplace="amazon-uk"]').count())
      .toBe(1);
    await screenshot(dash, 'dashboard-markets');

    // The link builder says where this product's link takes shoppers of each marketplace.
    await dash.goto(`${base}/dashboard/${shopper.handle}/links/?product=${product.id}`);
    const row = dash.locator('[data-table="reach"] tr[data-marketplace="amazon-uk"]');
    await expect.poll(() => row.getAttribute('data-reach')).toBe(listed ? 'listed' : 'search');
    expect(await row.textContent()).toContain('GB');
    await screenshot(dash, 'link-builder-reach');
    await admin.close();
  });
});
