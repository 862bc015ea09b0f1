/** Debian's Chromium driven by playwright-core; never a downloaded browser. */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = 'test-results/screenshots';

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The machine is offline: answer the retailer ourselves and remember where the browser went. */
export async function interceptRetailer(page: Page | BrowserContext): Promise<string[]> {
  const visited: string[] = [];
  await page.route(/^https:\/\/(www\.)?amazon\.com\//, (route) => {
    visited.push(route.request().url());
    return route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<title>Retailer</title><h1>Retailer</h1>',
    });
  });
  // Anything else off this machine (e.g. hotlinked images) fails fast instead of hanging.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) =>
    route.request().url().includes('amazon.com') ? route.fallback() : route.abort(),
  );
  return visited;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}
