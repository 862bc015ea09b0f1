/**
 * Disputes in a real browser with JavaScript off, against the real system (wrangler dev, local
 * D1): a member files a dispute with the dashboard's form, the admin credits it with the
 * console's form, and the member sees the answer in its disputes and the credit in its ledger.
 * An order the store has at amazon-ca, filed with the form's default marketplace, is an amazon-ca
 * dispute: the admin's card shows the order as recorded and its credit form is in CAD.
 */
import { spawnSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postOrderEvent } from '../../scripts/lib/harness/webhook.ts';
import { launch, screenshot } from './browser.ts';

const base = inject('baseUrl');
const persistTo = inject('persistTo');
const adminToken = inject('adminToken');
const webhookSecret = inject('webhookSecret');
const HANDLE = 'pantry-notes';
const ORDER = `e2e-dispute-${Date.now()}`;

let browser: Browser;
let memberToken = '';

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${base}/dashboard/`);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard\/[a-z0-9-]+\/$/);
}

beforeAll(async () => {
  const made = spawnSync('node', ['scripts/token.ts', 'create', HANDLE, '--persist-to', persistTo], {
    encoding: 'utf8',
  });
  memberToken = /sft_[A-Za-z0-9_-]{43}/.exec(made.stdout)?.[0] ?? '';
  if (!memberToken) throw new Error(`token script failed:\n${made.stdout}\n${made.stderr}`);
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

describe('disputes without JavaScript', () => {
  it('member files, admin credits, member sees the answer and the ledger line', async () => {
    const member = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await signIn(member, memberToken);
    await member.getByRole('link', { name: 'Disputes', exact: true }).click();
    await member.waitForURL(`${base}/dashboard/${HANDLE}/disputes/`);
    const today = new Date().toISOString().slice(0, 10);
    await member.getByLabel('Order id').fill(ORDER);
    await member.getByLabel('Order date').fill(today);
    await member.getByLabel('Products').fill('Cast-iron skillet');
    await member.getByLabel('What is missing or wrong').fill('Ordered through my link; no commission.');
    await member.getByRole('button', { name: 'File the dispute' }).click();
    await member.waitForLoadState();
    const filed = (await member.locator('#result').textContent()) ?? '';
    const id = /Dispute (\d+) filed/.exec(filed)?.[1];
    expect(id, filed).toBeDefined();
    await expect.poll(() => member.locator(`[data-dispute="${id}"][data-state="open"]`).count()).toBe(1);

    const admin = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await signIn(admin, adminToken);
    await admin.getByRole('link', { name: 'Disputes', exact: true }).click();
    await admin.waitForURL(`${base}/dashboard/admin/disputes/`);
    const card = admin.locator(`section[data-dispute="${id}"]`);
    await card.getByLabel(/^Credit/).fill('1234');
    await card.getByLabel('Note (the member reads it)').fill('Confirmed in the retailer report.');
    await card.getByRole('button', { name: 'Credit' }).click();
    await admin.waitForLoadState();
    expect(await admin.locator('#result').textContent()).toContain(
      `Dispute ${id} (order ${ORDER}) credited 1234`,
    );
    await screenshot(admin, 'disputes-admin');

    await member.goto(`${base}/dashboard/${HANDLE}/disputes/`);
    const row = member.locator(`[data-dispute="${id}"][data-state="credited"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('credited $12.34');
    await member.goto(`${base}/dashboard/${HANDLE}/?period=${today.slice(0, 7)}#ledger`);
    expect(await member.locator('[data-table="ledger"]').textContent()).toContain(
      `Dispute ${id} credited by an admin`,
    );
    await screenshot(member, 'disputes-member');
  });

  it("files a recorded amazon-ca order at amazon-ca; the admin's card shows it and credits in CAD", async () => {
    const orderId = `e2e-dispute-ca-${Date.now()}`;
    const at = new Date().toISOString();
    for (const type of ['order.placed', 'order.shipped']) {
      const body = JSON.stringify({
        type,
        order_id: orderId,
        ordered_at: at,
        occurred_at: at,
        tracking_id: 'pantrynotes-20',
        marketplace: 'amazon-ca',
        currency: 'CAD',
        items: [{ product_id: 'E2E-DISPUTE-CA', category: 'kitchen', quantity: 1, unit_price: 2999 }],
      });
      expect((await postOrderEvent(base, webhookSecret, `msg_${type}_${orderId}`, body)).status).toBe(200);
    }
    const member = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await signIn(member, memberToken);
    await member.goto(`${base}/dashboard/${HANDLE}/disputes/`);
    await member.getByLabel('Order id').fill(orderId);
    await member.getByLabel('Order date').fill(at.slice(0, 10));
    await member.getByLabel('Products').fill('Cast-iron skillet');
    await member.getByLabel('What is missing or wrong').fill('Bought in Canada; the bonus is missing.');
    await member.getByRole('button', { name: 'File the dispute' }).click();
    await member.waitForLoadState();
    const filed = (await member.locator('#result').textContent()) ?? '';
    const id = /Dispute (\d+) filed/.exec(filed)?.[1];
    expect(id, filed).toBeDefined();

    const admin = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await signIn(admin, adminToken);
    await admin.goto(`${base}/dashboard/admin/disputes/`);
    const card = admin.locator(`section[data-dispute="${id}"]`);
    expect(await card.locator('h2').textContent()).toContain('amazon-ca');
    expect(await card.locator('[data-order-place]').getAttribute('data-order-place')).toBe('amazon-ca CAD');
    expect(await card.locator('[data-order-place]').getAttribute('data-mismatch')).toBe('false');
    expect(await card.getByLabel('Currency').inputValue()).toBe('CAD');
    await card.getByLabel(/^Credit/).fill('250');
    await card.getByLabel('Note (the member reads it)').fill('Bonus confirmed.');
    // On top of the commission the order earned (the box shows only when it earned some).
    const topUp = card.getByLabel(/top up/);
    if ((await topUp.count()) > 0) await topUp.check();
    await card.getByRole('button', { name: 'Credit' }).click();
    await admin.waitForLoadState();
    expect(await admin.locator('#result').textContent()).toContain(
      `Dispute ${id} (order ${orderId}) credited 250`,
    );
    const res = await fetch(`${base}/api/disputes/${HANDLE}`, {
      headers: { authorization: `Bearer ${memberToken}` },
    });
    const mine = (await res.json()) as {
      disputes: { dispute_id: number; marketplace: string; decision: { currency: string } | null }[];
    };
    expect(mine.disputes.find((d) => d.dispute_id === Number(id))).toMatchObject({
      marketplace: 'amazon-ca',
      decision: { currency: 'CAD' },
    });
  });
});
