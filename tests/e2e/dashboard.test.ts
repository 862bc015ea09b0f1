/**
 * The money side as people see it, against the real system on `wrangler dev`:
 * a click, a signed order placed, shipped and partly returned, then the
 * creator's stats API, the creator's dashboard in a real browser, its CSV
 * export against the ledger, and the admin console.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { postOrderEvent } from '../../scripts/lib/harness/webhook.ts';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { queryLocalD1 } from '../../scripts/lib/harness/d1.ts';
import { screenshot, useBrowser } from './browser.ts';
import { createMemberToken } from './member-token.ts';
import { earningsFile } from '../../scripts/lib/fixtures/amazon-report-writer.ts';

const base = inject('baseUrl');
const persistTo = inject('persistTo');
const adminToken = inject('adminToken');
const webhookSecret = inject('webhookSecret');
const HANDLE = 'jess-home-lab';
const BROWSER_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15';

const browser = useBrowser();
let creatorToken = '';
let clickId = '';
const orderId = `e2e-${Date.now()}`;

/** pc is 250 bps in every rate table: 3 x $199.99 -> 1499.925 -> $15.00; one return -> 499.975 -> $5.00. */
const ITEM = { product_id: 'E2E-PRODUCT', category: 'pc', unit_price: 19999 };

async function sendEvent(
  type: string,
  quantity: number,
  occurredAt: Date,
  orderedAt: Date,
): Promise<Response> {
  const body = JSON.stringify({
    type,
    order_id: orderId,
    ordered_at: orderedAt.toISOString(),
    occurred_at: occurredAt.toISOString(),
    tracking_id: 'jesshomelab-20',
    click_id: clickId,
    currency: 'USD',
    items: [{ ...ITEM, quantity }],
  });
  return postOrderEvent(base, webhookSecret, `msg_${type}_${orderId}`, body);
}

async function stats(token: string): Promise<Response> {
  return fetch(`${base}/api/stats/${HANDLE}`, { headers: { authorization: `Bearer ${token}` } });
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${base}/dashboard/`);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard\/[a-z0-9-]+\/$/);
}

async function figures(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-fig]')].map((el) => [
        el.getAttribute('data-fig'),
        el.textContent?.trim(),
      ]),
    ),
  );
}

beforeAll(async () => {
  creatorToken = createMemberToken(HANDLE, persistTo);

  const go = await fetch(`${base}/go/${HANDLE}/B09TQ7ZCS2?src=e2e`, {
    redirect: 'manual',
    headers: { 'user-agent': BROWSER_UA },
  });
  clickId = new URL(go.headers.get('location') ?? '').searchParams.get('ascsubtag') ?? '';
  const ordered = new Date(Date.now() - 60 * 60 * 1000);
  for (const [type, quantity, minutesAfter] of [
    ['order.placed', 3, 0],
    ['order.shipped', 3, 20],
    ['order.returned', 1, 40],
  ] as const) {
    const res = await sendEvent(type, quantity, new Date(ordered.getTime() + minutesAfter * 60_000), ordered);
    expect(res.status, type).toBe(200);
  }
});

describe('stats API', () => {
  it('shows the click and the order with exact commission figures', async () => {
    await expect
      .poll(
        async () =>
          ((await (await stats(creatorToken)).json()) as { clicks: { human: number } }).clicks.human,
        {
          timeout: 20_000,
        },
      )
      .toBeGreaterThanOrEqual(1);
    const body = (await (await stats(creatorToken)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      handle: HANDLE,
      currency: 'USD',
      orders: 1,
      items: { ordered: 3, shipped: 3, returned: 1, cancelled: 0 },
      commission: { pending: 0, earned: 1500, reversed: 500, void: 0, net: 1000 },
    });
    expect(body.by_src).toEqual(expect.arrayContaining([{ src: 'e2e', clicks: 1 }]));
  });

  it('refuses a missing token (401) and another creator (403)', async () => {
    expect((await fetch(`${base}/api/stats/${HANDLE}`)).status).toBe(401);
    const other = await fetch(`${base}/api/stats/mila-cooks`, {
      headers: { authorization: `Bearer ${creatorToken}` },
    });
    expect(other.status).toBe(403);
  });
});

describe('creator dashboard', () => {
  it('signs in with the token and shows the same figures as the stats API', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await signIn(page, creatorToken);
    expect(new URL(page.url()).pathname).toBe(`/dashboard/${HANDLE}/`);
    await screenshot(page, 'dashboard-creator');
    const api = (await (await stats(creatorToken)).json()) as {
      clicks: { human: number };
      orders: number;
      items: { shipped: number; returned: number };
    };
    const shown = await figures(page);
    expect(shown).toMatchObject({
      clicks: api.clicks.human.toLocaleString('en-US'),
      orders: api.orders.toLocaleString('en-US'),
      shipped: api.items.shipped.toLocaleString('en-US'),
      returned: api.items.returned.toLocaleString('en-US'),
      earned: '$15.00',
      reversed: '$5.00',
      net: '$10.00',
      pending: '$0.00',
    });
    expect(await page.locator('svg.chart title').first().textContent()).toBe('Clicks and commission per day');
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

    // The CSV export is the ledger of the period, entry by entry.
    const cookies = await context.cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csv = await (
      await fetch(`${base}/dashboard/${HANDLE}/ledger.csv?period=7d`, { headers: { cookie } })
    ).text();
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toMatch(/^entry_id,effective_at,order_id,/);
    const rows = lines.slice(1).filter((l) => l.includes(orderId));
    const amounts = rows.map((l) => Number(l.split(',')[10]));
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(1000);
    const results = queryLocalD1<{ n: number; total: number }>(
      persistTo,
      'SELECT COUNT(*) AS n, SUM(amount_minor) AS total FROM ledger_entries WHERE order_id = ?',
      orderId,
    );
    expect(rows).toHaveLength(results[0]?.n ?? -1);
    expect(results[0]?.total).toBe(1000);

    // A creator cannot open another creator's dashboard or the admin console.
    const other = await page.goto(`${base}/dashboard/mila-cooks/`);
    expect(other?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('Not your dashboard');
    expect((await page.goto(`${base}/dashboard/admin/`))?.status()).toBe(403);

    // Signing out ends the session: the old cookie no longer opens the dashboard.
    await page.goto(`${base}/dashboard/${HANDLE}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/dashboard\/$/);
    const reused = await fetch(`${base}/dashboard/${HANDLE}/`, { headers: { cookie }, redirect: 'manual' });
    expect(reused.status).toBe(303);
    expect(reused.headers.get('location')).toBe('/dashboard/');
    await context.close();
  });

  it("shows the items a Fee-Orders statement states, on the creator's dashboard and the admin console (names beside handles)", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const [y, m, d] = today.split('-');
    const file = [
      `Fee-Orders reports from ${m}-${d}-${y} to ${m}-${d}-${y}`,
      'Category,Name,ASIN,Date,Qty,Price($),Link Type,Tag,Indirect Sales,Device Type Group',
      `Kitchen,"E2E skillet",B0E2E00002,${today} 09:00:00,4,19.99,Text,jesshomelab-20,0,DESKTOP`,
    ].join('\n');
    const imported = await fetch(`${base}/api/admin/import/amazon`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
      body: file,
    });
    expect(imported.status, await imported.clone().text()).toBe(200);
    const api = (await (await stats(creatorToken)).json()) as {
      by_marketplace: { marketplace: string | null; items: { ordered: number } }[];
    };
    expect(api.by_marketplace.find((x) => x.marketplace === 'amazon-us')?.items.ordered).toBe(4);

    const context = await browser().newContext();
    const page = await context.newPage();
    await signIn(page, creatorToken);
    const row = page.locator('[data-table="by-marketplace"] tr[data-marketplace="amazon-us"]');
    expect(await row.locator('[data-items="ordered"]').textContent()).toBe('4');
    await context.close();

    const admin = await browser().newContext();
    const adminPage = await admin.newPage();
    await signIn(adminPage, adminToken);
    const creator = adminPage.locator('table[data-table="creators"] tr', {
      has: adminPage.locator(`a[href^="/dashboard/${HANDLE}/"]`),
    });
    expect(await creator.locator('td[data-stated-ordered]').textContent()).toBe('4');
    // Admin tables name the member, its handle beside it (from the program table, no query per row).
    expect(await creator.locator('td').first().textContent()).toBe(`Jess Okafor ${HANDLE}`);
    expect(await creator.locator('[data-handle]').textContent()).toBe(HANDLE);
    await admin.close();
  });

  it('sends a forged session cookie to the sign-in page', async () => {
    const res = await fetch(`${base}/dashboard/${HANDLE}/`, {
      headers: { cookie: 'astro-session=00000000-0000-4000-8000-000000000000' },
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard/');
  });

  it('refuses a wrong token and a cross-site form post', async () => {
    const wrong = await fetch(`${base}/dashboard/`, {
      method: 'POST',
      body: new URLSearchParams({ token: 'sft_wrong' }),
      headers: { origin: base },
    });
    expect(wrong.status).toBe(401);
    const crossSite = await fetch(`${base}/dashboard/`, {
      method: 'POST',
      body: new URLSearchParams({ token: adminToken }),
      headers: { origin: 'https://evil.example' },
      redirect: 'manual',
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
  });
});

/** Every table container and the page itself, at the current size: how far each overflows (0 = fits). */
async function overflows(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
    // What sticks out past the page's right edge, outside the tables (named in a failure).
    const edge = document.documentElement.clientWidth + 0.5;
    [...document.querySelectorAll('main *')]
      .filter((el) => !el.closest('.tbl') && el.getBoundingClientRect().right > edge)
      .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > edge))
      .slice(0, 5)
      .forEach((el) => {
        out[`outside: ${el.outerHTML.slice(0, 80)}`] = Math.round(el.getBoundingClientRect().right - edge);
      });
    document.querySelectorAll('.tbl').forEach((el, i) => {
      // A closed <details> hides its table: open it so it is measured too.
      el.closest('details')?.setAttribute('open', '');
      const name = el.querySelector('table')?.getAttribute('data-table') ?? `table-${i}`;
      out[name] = el.scrollWidth - el.clientWidth;
    });
    return out;
  });
}

/** The smallest font size the page's charts show, in CSS pixels (SVG text scales with its drawing). */
async function smallestChartText(page: Page): Promise<number> {
  return page.evaluate(() => {
    const sizes = [...document.querySelectorAll('svg.chart text, .ticks li')].map((el) => {
      const px = parseFloat(getComputedStyle(el).fontSize);
      const svg = el.closest('svg');
      if (!svg) return px;
      // An SVG drawn with preserveAspectRatio none stretches text unevenly: take the smaller axis.
      const box = svg.viewBox.baseVal;
      const rect = svg.getBoundingClientRect();
      return px * Math.min(rect.width / box.width, rect.height / box.height);
    });
    return Math.min(...sizes);
  });
}

describe('at phone size', () => {
  const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

  it('keeps every dashboard table inside its container and chart text readable', async () => {
    const context = await browser().newContext(PHONE);
    const page = await context.newPage();
    await signIn(page, creatorToken);
    expect(await page.locator('h1').textContent()).toBe(`Jess Okafor (${HANDLE})`);
    expect(await page.locator('a[data-storefront]').getAttribute('href')).toBe(`/shop/${HANDLE}/`);
    for (const period of ['7d', '30d', '90d']) {
      await page.goto(`${base}/dashboard/${HANDLE}/?period=${period}`);
      const over = await overflows(page);
      expect(Object.keys(over)).toEqual(expect.arrayContaining(['page', 'top-products']));
      expect(over, period).toEqual(Object.fromEntries(Object.keys(over).map((k) => [k, 0])));
      expect(await smallestChartText(page)).toBeGreaterThanOrEqual(10);
      // The top products table shows the commission, not cut off.
      const cell = page.locator('table[data-table="top-products"] td[data-label="Commission"]').first();
      if ((await cell.count()) > 0) expect(await cell.isVisible()).toBe(true);
    }
    await screenshot(page, 'dashboard-creator-phone');
    await page.goto(`${base}/dashboard/${HANDLE}/links/`);
    expect(await overflows(page)).toMatchObject({ page: 0 });
    await context.close();

    const admin = await browser().newContext(PHONE);
    const adminPage = await admin.newPage();
    await signIn(adminPage, adminToken);
    const over = await overflows(adminPage);
    expect(Object.keys(over)).toEqual(expect.arrayContaining(['page', 'creators', 'programs', 'payouts']));
    expect(over).toEqual(Object.fromEntries(Object.keys(over).map((k) => [k, 0])));
    expect(await smallestChartText(adminPage)).toBeGreaterThanOrEqual(10);
    await screenshot(adminPage, 'dashboard-admin-phone');
    await admin.close();
  });

  it('shows the whole tracked link in a field to copy, and QR codes of the storefront and lists', async () => {
    const context = await browser().newContext({ ...PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, creatorToken);
    await page.goto(`${base}/dashboard/${HANDLE}/links/`);
    await page
      .getByLabel('Product words, id or a pasted product link')
      .fill('amazon.com/dp/B00006JSUA?tag=someone-20');
    await page.getByLabel('Source (src), optional').fill('story');
    await page.getByRole('button', { name: 'Search' }).click();
    await page
      .locator('tr[data-product="B00006JSUA"]')
      .getByRole('link', { name: /Get link/ })
      .click();
    const field = page.getByLabel('Tracked link: select it all and copy');
    const expected = `${base}/go/${HANDLE}/B00006JSUA?src=story`;
    expect(await field.inputValue()).toBe(expected);
    expect(await field.getAttribute('readonly')).not.toBeNull();
    await screenshot(page, 'link-builder-phone');
    const qrSources = await page
      .locator('[data-qr] img')
      .evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')));
    expect(qrSources).toEqual(expect.arrayContaining([`/qr/${HANDLE}.svg`, `/qr/${HANDLE}/desk-setup.svg`]));
    await context.close();

    // With script (the measuring needs it; the page itself runs none): the link is whole in view and selectable.
    const measured = await browser().newContext(PHONE);
    const scripted = await measured.newPage();
    await signIn(scripted, creatorToken);
    await scripted.goto(`${base}/dashboard/${HANDLE}/links/?product=B00006JSUA&src=story#link`);
    const copy = scripted.getByLabel('Tracked link: select it all and copy');
    await copy.selectText();
    const shown = await copy.evaluate((el) => {
      const t = el as HTMLTextAreaElement;
      return {
        selected: t.value.slice(t.selectionStart, t.selectionEnd),
        fits: t.scrollWidth <= t.clientWidth && t.scrollHeight <= t.clientHeight,
      };
    });
    expect(shown).toEqual({ selected: expected, fits: true });
    // The QR images load under the dashboard's policy (img-src 'self').
    const loaded = await scripted
      .locator('[data-qr] img')
      .evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
    expect(loaded.length).toBeGreaterThan(1);
    expect(loaded.every((w) => w > 0)).toBe(true);
    await measured.close();
  });
});

describe('admin console', () => {
  it('shows the program, and exports the same payouts CSV as the API', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await signIn(page, adminToken);
    expect(new URL(page.url()).pathname).toBe('/dashboard/admin/');
    await screenshot(page, 'dashboard-admin');
    // The creator's link is its display name, the handle beside it.
    const row = page.locator('tr', { has: page.getByRole('link', { name: 'Jess Okafor' }) });
    // Creator, program, clicks, orders, items ordered (Amazon), earned...
    expect(await row.locator('td').nth(1).textContent()).toBe('influencer');
    expect(await row.locator('td').nth(5).textContent()).toBe('$15.00');
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

    const period = new Date().toISOString().slice(0, 7);
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const fromPage = await (
      await fetch(`${base}/dashboard/admin/payouts.csv?period=${period}`, { headers: { cookie } })
    ).text();
    const fromApi = await (
      await fetch(`${base}/api/admin/payouts?period=${period}&format=csv`, {
        headers: { authorization: `Bearer ${adminToken}` },
      })
    ).text();
    expect(fromPage).toBe(fromApi);
    expect(fromApi).toContain(`${period},${HANDLE},influencer,jesshomelab-20,`);
    await context.close();
  });

  it('previews an Amazon report from the bytes uploaded (a Windows-1252 export), storing nothing; lists keys credited to nobody', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await signIn(page, adminToken);
    const row = {
      category: 'Küche',
      name: 'Crème brûlée set',
      asin: 'B0E2E00001',
      tracking_id: 'jesshomelab-20',
    };
    const bytes = earningsFile(
      [{ ...row, day: '2025-06-03', price_minor: 2490, shipped: 1, returned: 0, fee_minor: 112 }],
      {
        title: { from: '2025-06-01', to: '2025-06-30' },
        encoding: 'windows-1252',
      },
    );
    await page.setInputFiles('#report', {
      name: 'fee-earnings.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(bytes),
    });
    await page.getByRole('button', { name: 'Preview' }).click();
    const message = await page.locator('div[role=status]', { hasText: 'Preview' }).textContent();
    expect(message).toContain(
      'Preview (nothing stored): a fee-earnings statement for 2025-06-01 to 2025-06-30',
    );
    expect(message).toContain('read as windows-1252');
    expect(message).toContain('Would post: 1 added ($1.12)');
    // Nothing was stored: a second preview still would add the key.
    await page.setInputFiles('#report', {
      name: 'fee-earnings.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(bytes),
    });
    await page.getByRole('button', { name: 'Preview' }).click();
    expect(await page.locator('div[role=status]', { hasText: 'Preview' }).textContent()).toContain('1 added');

    // A key whose tracking id nobody held: imported, in no ledger, listed for admins.
    const nobody = earningsFile(
      [
        {
          ...row,
          tracking_id: 'nobody-20',
          day: '2025-06-04',
          price_minor: 999,
          shipped: 2,
          returned: 0,
          fee_minor: 80,
        },
      ],
      {
        title: { from: '2025-06-04', to: '2025-06-04' },
      },
    );
    await page.setInputFiles('#report', {
      name: 'fee-earnings.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(nobody),
    });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    expect(await page.locator('div[role=status]', { hasText: 'Imported' }).textContent()).toContain(
      'Unattributed: nobody-20',
    );
    const listed = page.locator('tr', { hasText: 'nobody-20' });
    expect(await listed.locator('td').allTextContents()).toEqual([
      '2025-06-04',
      'amazon-us',
      'nobody-20',
      'B0E2E00001',
      '2',
      '0',
      '$0.80',
    ]);
    await context.close();
  });
});
