/**
 * Holds for review in the admin console, in a real browser with JavaScript off against the real
 * system (wrangler dev, local D1): an order whose click came from another site's script (no user
 * activation) waits on /dashboard/admin/holds/ with its member and reason; a void without a
 * reason is refused with a message, a void with one lands in the history, a creator and a
 * cross-site post are refused. Uses noor-wears, whom no other browser test touches.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryLocalD1 } from '../../scripts/lib/harness/d1.ts';
import { postOrderEvent } from '../../scripts/lib/harness/webhook.ts';
import { screenshot, useBrowser } from './browser.ts';
import { createMemberToken } from './member-token.ts';
import { localSystem } from './system.ts';

const { base, persistTo, adminToken, webhookSecret } = localSystem();
const HANDLE = 'noor-wears';
const NAME = 'Noor Haddad';
const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const orderId = `e2e-hold-${Date.now()}`;
/** pc is 250 bps: 2 x $199.99 -> 999.98 -> $10.00 commission. */
const ITEM = { product_id: 'E2E-HOLD', category: 'pc', unit_price: 19_999, quantity: 2 };

const browser = useBrowser();

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${base}/dashboard/`);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard\/[a-z0-9-]+\/$/);
}

async function heldOrders(): Promise<string[]> {
  const res = await fetch(`${base}/api/admin/holds?status=held`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  return ((await res.json()) as { holds: { order_id: string }[] }).holds.map((h) => h.order_id);
}

async function until(what: string, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  const storefront = await (await fetch(`${base}/shop/${HANDLE}/`)).text();
  const product = new RegExp(`/go/${HANDLE}/([A-Za-z0-9_-]+)`).exec(storefront)?.[1];
  if (!product) throw new Error(`no tracked link on /shop/${HANDLE}/`);
  // Another site's script sends the visitor on: a cross-site navigation without a click.
  const go = await fetch(`${base}/go/${HANDLE}/${product}?src=e2ehold`, {
    redirect: 'manual',
    headers: {
      'user-agent': DESKTOP_UA,
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
    },
  });
  expect(go.status).toBe(302);
  const clickId = new URL(go.headers.get('location') ?? '').searchParams.get('ascsubtag') ?? '';
  expect(clickId).not.toBe('');
  // The click is written through the queue; the order must come after it to be attributed to it.
  await until(`click ${clickId} stored`, async () =>
    queryLocalD1<{ flags: number }>(persistTo, 'SELECT flags FROM clicks WHERE click_id = ?', clickId).some(
      (c) => c.flags !== 0,
    ),
  );
  const at = new Date().toISOString();
  for (const type of ['order.placed', 'order.shipped']) {
    const body = JSON.stringify({
      type,
      order_id: orderId,
      ordered_at: at,
      occurred_at: at,
      tracking_id: 'noorwears-20',
      click_id: clickId,
      currency: 'USD',
      items: [ITEM],
    });
    expect((await postOrderEvent(base, webhookSecret, `msg_${type}_${orderId}`, body)).status).toBe(200);
  }
  // Held once processed (the hold is derived from the flagged click).
  await until(`order ${orderId} held`, async () => (await heldOrders()).includes(orderId));
});

describe('holds for review in the admin console', () => {
  it('lists the hold, refuses a void without a reason, voids with one, and shows the history', async () => {
    const context = await browser().newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, adminToken);
    await page.getByRole('link', { name: 'Holds for review' }).click();
    expect(new URL(page.url()).pathname).toBe('/dashboard/admin/holds/');
    const row = page.locator(`[data-hold="${orderId}"]`);
    expect(await row.locator('td').first().textContent()).toBe(`${NAME} (${HANDLE})`);
    expect(await row.locator('[data-reason]').textContent()).toBe('no_activation');
    expect(await row.locator('[data-amount]').textContent()).toBe('$10.00 USD');
    await screenshot(page, 'dashboard-admin-holds');

    // The browser will not send an empty required field; the server refuses it anyway.
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${base}/dashboard/admin/holds/`, {
        method: 'POST',
        redirect: 'manual',
        body: new URLSearchParams(fields),
        headers: { cookie, origin: base, ...headers },
      });
    const empty = await post({ action: 'void', order: orderId, reason: ' ' });
    expect(empty.status).toBe(303);
    expect(empty.headers.get('location')).toBe('/dashboard/admin/holds/#result');
    await page.goto(`${base}/dashboard/admin/holds/`);
    expect(await page.getByRole('alert').textContent()).toContain(`Order ${orderId} not voided`);
    expect(await page.getByRole('alert').textContent()).toContain('A void needs a reason.');
    // Shown once: the next view has no message, and the order is still held.
    await page.reload();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await heldOrders()).toContain(orderId);

    const crossSite = await post({ action: 'release', order: orderId }, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect(await heldOrders()).toContain(orderId);

    await page.getByLabel(`Reason to void order ${orderId}`).fill('script redirect, no customer');
    await row.getByRole('button', { name: 'Void' }).click();
    await page.waitForURL(`${base}/dashboard/admin/holds/#result`);
    expect(await page.getByRole('status').textContent()).toContain(`Voided order ${orderId}: $10.00`);
    const decided = page.locator(`[data-decided="${orderId}"]`);
    expect(await decided.locator('[data-status]').textContent()).toBe('voided');
    expect(await decided.textContent()).toContain('script redirect, no customer');
    expect(await page.locator(`[data-hold="${orderId}"]`).count()).toBe(0);
    expect(await heldOrders()).not.toContain(orderId);
    await context.close();
  });

  it('refuses a creator: the page and its forms are admins only', async () => {
    const token = createMemberToken(HANDLE, persistTo);
    const context = await browser().newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, token);
    expect((await page.goto(`${base}/dashboard/admin/holds/`))?.status()).toBe(403);
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const res = await fetch(`${base}/dashboard/admin/holds/`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ action: 'release', order: orderId }),
      headers: { cookie, origin: base },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Admins only');
    await context.close();
  });
});
