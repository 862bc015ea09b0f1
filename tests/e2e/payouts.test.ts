/**
 * Month end in a real browser with JavaScript off, against the real system
 * (wrangler dev, local D1): the admin closes a month and marks a payout paid
 * with plain forms, the creator sees it paid, and `npm run payouts` talks to the
 * same worker.
 */
import { spawnSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { postOrderEvent } from '../../scripts/lib/harness/webhook.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot, useBrowser } from './browser.ts';
import { createMemberToken } from './member-token.ts';
import { localSystem } from './system.ts';

const { base, persistTo, adminToken, webhookSecret } = localSystem();
const HANDLE = 'trailmix-tom';
const MONTH = '2025-02';
const orderId = `e2e-payout-${Date.now()}`;
/** pc is 250 bps: 2 x $999.99 -> 4999.95 -> $50.00, above the $25 threshold. */
const ITEM = { product_id: 'E2E-PAYOUT', category: 'pc', unit_price: 99_999 };

const browser = useBrowser();

async function sendEvent(type: string, occurredAt: string): Promise<Response> {
  const body = JSON.stringify({
    type,
    order_id: orderId,
    ordered_at: '2025-02-03T10:00:00Z',
    occurred_at: occurredAt,
    tracking_id: 'trailmixtom-20',
    currency: 'USD',
    items: [{ ...ITEM, quantity: 2 }],
  });
  return postOrderEvent(base, webhookSecret, `msg_${type}_${orderId}`, body);
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${base}/dashboard/`);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard\/[a-z0-9-]+\/$/);
}

function cli(...args: string[]) {
  return spawnSync('node', ['scripts/payouts.ts', ...args, '--url', base], {
    encoding: 'utf8',
    env: { ...process.env, ADMIN_TOKEN: adminToken },
  });
}

beforeAll(async () => {
  expect((await sendEvent('order.placed', '2025-02-03T10:00:00Z')).status).toBe(200);
  expect((await sendEvent('order.shipped', '2025-02-05T10:00:00Z')).status).toBe(200);
});

describe('month end without JavaScript', () => {
  it('closes a month and marks its payout paid with plain forms; the creator sees it paid', async () => {
    const context = await browser().newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, adminToken);
    await page.goto(`${base}/dashboard/admin/?payouts=${MONTH}#payouts`);
    await expect.poll(() => page.getByText('Open: computed now').count()).toBe(1);
    // Closing is for good: the server refuses it unless the month is typed again.
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const unconfirmed = await fetch(`${base}/dashboard/admin/?payouts=${MONTH}`, {
      method: 'POST',
      body: new URLSearchParams({ action: 'close', period: MONTH, confirm: 'yes' }),
      headers: { cookie, origin: base },
    });
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain(`type ${MONTH} in the confirmation field`);
    await page.getByLabel(`Type ${MONTH} to confirm`).fill(MONTH);
    await page.getByRole('button', { name: `Close ${MONTH}` }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('status').textContent()).toContain(`${MONTH} closed`);

    const closed = await (
      await fetch(`${base}/api/admin/payouts?period=${MONTH}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      })
    ).text();
    expect(JSON.parse(closed)).toMatchObject({ period: MONTH, status: 'closed' });

    await page.goto(`${base}/dashboard/admin/#owed`);
    expect(await page.locator(`[data-owed="${MONTH}"]`).textContent()).toBe('$50.00');
    await page.getByLabel(`Payment reference for ${HANDLE}, ${MONTH}`).fill('E2E-BANK-1');
    await page.locator('tr', { hasText: HANDLE }).getByRole('button', { name: 'Mark paid' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('status').textContent()).toContain(
      `Marked ${HANDLE}'s USD payout for ${MONTH} paid`,
    );
    expect(await page.locator(`[data-owed="${MONTH}"]`).textContent()).toBe('$0.00');
    // The message is where the browser landed, and the month's table says paid.
    const top = await page.evaluate(
      () => document.getElementById('result')?.getBoundingClientRect().top ?? -1,
    );
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(await page.evaluate(() => window.innerHeight));
    expect(await page.locator(`[data-payout-row="${MONTH}/${HANDLE}"] [data-status]`).textContent()).toBe(
      'paid',
    );
    await screenshot(page, 'dashboard-admin-month-end');

    // The stored month did not change by being paid.
    const again = await (
      await fetch(`${base}/api/admin/payouts?period=${MONTH}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      })
    ).text();
    expect(again).toBe(closed);

    const token = createMemberToken(HANDLE, persistTo);
    const creator = await browser().newContext({ javaScriptEnabled: false });
    const mine = await creator.newPage();
    await signIn(mine, token);
    expect(await mine.locator('[data-fig="paid"]').textContent()).toBe('$50.00');
    expect(await mine.locator(`[data-payout="${MONTH}"]`).textContent()).toContain('ref. E2E-BANK-1');
    await creator.close();
    await context.close();
  });

  it('npm run payouts names its target, shows, answers a second close with the stored month, refuses another reference, lists what is owed', () => {
    const show = cli('show', MONTH);
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout.split('\n')[0]).toBe(`payouts: show on ${base} (local)`);
    expect(show.stdout).toContain(`${MONTH}: closed`);
    expect(show.stdout).toMatch(/summary: \d+ creators, 1 to pay, \$50\.00 in all/);

    // A repeated close (an answer lost on the way) answers the stored month again.
    const close = cli('close', MONTH);
    expect(close.status, close.stderr).toBe(0);
    expect(close.stdout).toContain(`payouts: ${MONTH} was already closed at`);
    expect(close.stdout).toContain(`payouts: close done on ${base}`);

    const other = cli('paid', MONTH, HANDLE, 'OTHER-REF');
    expect(other.status).toBe(1);
    expect(other.stderr).toContain('(409)');
    expect(cli('paid', MONTH, HANDLE, 'E2E-BANK-1').status).toBe(0);

    const owed = cli('owed');
    expect(owed.status, owed.stderr).toBe(0);
    expect(owed.stdout).toMatch(new RegExp(`${MONTH} .* 5000 +5000 +0`));

    expect(cli('close', '2025-13').status).toBe(2);
  });
});
