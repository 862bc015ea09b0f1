/**
 * A real Chromium driven by playwright-core, never a browser downloaded at test time: the system's
 * `chromium` when the machine has one (or CHROMIUM_PATH names one), otherwise the Chromium that the
 * npm package @sparticuz/chromium ships inside its tarball, so `npm install && npm test` needs
 * nothing but Node.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const SCREENSHOTS = 'test-results/screenshots';

const COMMON_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The system browser, if there is one: CHROMIUM_PATH, else `chromium` or `chromium-browser` on PATH. */
export function systemChromium(): string | null {
  const named = process.env.CHROMIUM_PATH;
  // `CHROMIUM_PATH=packaged` tries the fresh-machine path on a machine that has a system browser.
  if (named === 'packaged') return null;
  if (named) {
    if (!existsSync(named)) throw new Error(`CHROMIUM_PATH=${named} does not exist`);
    return named;
  }
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // Not on PATH.
    }
  }
  return null;
}

export async function launch(): Promise<Browser> {
  const system = systemChromium();
  if (system) return chromium.launch({ executablePath: system, headless: true, args: COMMON_ARGS });
  // The packaged Chromium unpacks itself into the temp dir once. Its flag set is made for one page
  // per Lambda call: `--single-process` kills the browser when a second context closes, and the
  // web-security and site-isolation switches would weaken the very policies the tests check.
  return chromium.launch({
    executablePath: await sparticuz.executablePath(),
    headless: true,
    args: [...new Set([...sparticuz.args.filter((arg) => !UNSAFE_PACKAGED_ARGS.has(arg)), ...COMMON_ARGS])],
  });
}

/** Flags of @sparticuz/chromium that a multi-page test browser must not take (see `launch`). */
const UNSAFE_PACKAGED_ARGS = new Set([
  '--single-process',
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
  '--disable-features=AudioServiceOutOfProcess,IsolateOrigins,site-per-process',
  "--headless='shell'",
]);

/** Amazon stores the sample links to (section 14: amazon.com, .co.uk, .de, .ca). */
const RETAILER = /^https:\/\/(www\.)?amazon\.(com|co\.uk|de|ca)\//;

/**
 * The machine is offline: answer the retailer ourselves and remember where the browser went.
 * Where it went is read from the browser's own request events, not from the route handler: the
 * packaged Chromium lets the navigation that follows a cross-origin 302 escape interception (it
 * then fails offline, ERR_NAME_NOT_RESOLVED), but it still reports the request it made, with the
 * URL the redirect pointed it to, which is what the tests check.
 */
export async function interceptRetailer(page: Page): Promise<string[]> {
  const visited: string[] = [];
  page.on('request', (request) => {
    if (RETAILER.test(request.url()) && !visited.includes(request.url())) visited.push(request.url());
  });
  await page.route(RETAILER, (route) => {
    return route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<title>Retailer</title><h1>Retailer</h1>',
    });
  });
  // Anything else off this machine (e.g. hotlinked images) fails fast instead of hanging.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) =>
    RETAILER.test(route.request().url()) ? route.fallback() : route.abort(),
  );
  return visited;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/**
 * One browser for a test file: launched before the file's own `beforeAll` hooks (register it
 * first), closed after its tests. The returned function gives the browser inside hooks and tests.
 */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is not launched yet (useBrowser() runs in beforeAll)');
    return browser;
  };
}
