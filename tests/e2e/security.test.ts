/**
 * Security headers and what they stop, against the real system (astro build +
 * wrangler dev): static pages get theirs from _headers, worker routes and the
 * dashboards from the worker middleware, and the browser enforces them.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { interceptRetailer, useBrowser } from './browser.ts';

const base = inject('baseUrl');
const persistTo = inject('persistTo');
const HANDLE = 'jess-home-lab';
const browser = useBrowser();

function directives(csp: string | null): Map<string, string> {
  return new Map(
    (csp ?? '').split(/[;,]/).map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

async function headersOf(path: string): Promise<Headers> {
  const res = await fetch(`${base}${path}`, { redirect: 'manual' });
  await res.arrayBuffer();
  return res.headers;
}

describe('headers of every page type', () => {
  it.each([
    ['directory', '/'],
    ['category', '/category/books/'],
    ['storefront', `/shop/${HANDLE}/`],
    ['list', `/shop/${HANDLE}/desk-setup/`],
    ['404', '/nope/'],
    ['tracked link 404', '/go/nobody-here/B0NOTREAL0'],
  ])('%s: no script at all, nosniff, never framed', async (_name, path) => {
    const headers = await headersOf(path);
    expect(headers.get('content-type')).toContain('text/html');
    const csp = directives(headers.get('content-security-policy'));
    expect(csp.get('default-src'), path).toBe("'none'");
    expect(csp.get('script-src'), path).toBe("'none'");
    expect(csp.get('frame-ancestors'), path).toBe("'none'");
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(headers.get('permissions-policy')).toContain('camera=()');
  });

  it('dashboard: no script, posts only to itself, never framed', async () => {
    const headers = await headersOf('/dashboard/');
    const csp = directives(headers.get('content-security-policy'));
    expect(csp.get('script-src')).toBe("'none'");
    expect(csp.get('form-action')).toBe("'self'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each([`/images/avatars/${HANDLE}.png`, '/images/products/0062316095.svg', '/favicon.svg'])(
    '%s is sandboxed with nothing allowed, even opened directly',
    async (path) => {
      const headers = await headersOf(path);
      expect(headers.get('content-type')).toMatch(/^image\//);
      const policy = headers.get('content-security-policy') ?? '';
      // One policy (the page policy was detached), not two joined with a comma.
      expect(policy).not.toContain(',');
      const csp = directives(policy);
      expect(csp.has('sandbox')).toBe(true);
      expect(csp.get('default-src')).toBe("'none'");
      expect(headers.get('x-content-type-options')).toBe('nosniff');
    },
  );
});

describe('what the browser enforces', () => {
  async function open(path: string): Promise<{ page: Page; violations: string[] }> {
    const page = await browser().newPage();
    await interceptRetailer(page);
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${base}${path}`);
    return { page, violations };
  }

  it.each(['/', `/shop/${HANDLE}/`, `/shop/${HANDLE}/desk-setup/`, '/dashboard/'])(
    '%s renders within its own policy (no violation) and refuses injected script',
    async (path) => {
      const { page, violations } = await open(path);
      await expect.poll(() => page.evaluate(() => document.readyState)).toBe('complete');
      expect(violations).toEqual([]);
      // Inline script added to the page (as an injection would) does not run.
      await page
        .evaluate(() => {
          const s = document.createElement('script');
          s.textContent = 'document.body.dataset.pwned = "yes"';
          document.body.appendChild(s);
        })
        .catch(() => undefined);
      expect(await page.evaluate(() => document.body.dataset.pwned ?? null)).toBeNull();
      expect(violations.join('\n')).toMatch(/script-src/);
      await page.close();
    },
  );

  // Lighthouse's SEO audit loads /robots.txt from inside the audited page with the protocol's
  // Network.loadNetworkResource, which Chromium checks against the page's connect-src: under
  // `default-src 'none'` alone it fails ("CSP violation") and the audit says robots.txt is invalid.
  it.each(['/', `/shop/${HANDLE}/`])(
    '%s lets audit tools load /robots.txt from inside the page',
    async (path) => {
      const page = await browser().newPage();
      await page.goto(`${base}${path}`);
      const cdp = await page.context().newCDPSession(page);
      const { frameTree } = await cdp.send('Page.getFrameTree');
      const { resource } = await cdp.send('Network.loadNetworkResource', {
        frameId: frameTree.frame.id,
        url: `${base}/robots.txt`,
        options: { disableCache: true, includeCredentials: true },
      });
      expect(resource).toMatchObject({ success: true, httpStatusCode: 200 });
      let text = '';
      for (let eof = !resource.stream; !eof;) {
        const chunk = await cdp.send('IO.read', { handle: resource.stream ?? '' });
        text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
        eof = chunk.eof;
      }
      expect(text).toBe(await (await fetch(`${base}/robots.txt`)).text());
      expect(text).toMatch(/^Sitemap: https?:\/\/\S+\/sitemap\.xml$/m);
      await page.close();
    },
  );

  it('a storefront cannot be framed by another page', async () => {
    // The framing page on another local origin (a public one would be stopped by Chromium's
    // local-network protection before the policy is even read).
    const evil = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<iframe src="${base}/shop/${HANDLE}/"></iframe>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const address = evil.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const page = await browser().newPage();
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (/frame-ancestors/i.test(m.text())) blocked.push(m.text());
    });
    await page.goto(`http://localhost:${port}/`);
    await expect.poll(() => blocked.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame?.url()).not.toContain(`/shop/${HANDLE}/`);
    await page.close();
    evil.close();
  });
});

describe('revoking access', () => {
  const token = (command: 'create' | 'revoke', handle: string) =>
    spawnSync('node', ['scripts/token.ts', command, handle, '--persist-to', persistTo], { encoding: 'utf8' });

  it("ends a signed-in creator's session at their next request", async () => {
    const handle = 'mila-cooks';
    const made = token('create', handle);
    const secret = /sft_[A-Za-z0-9_-]{43}/.exec(made.stdout)?.[0];
    if (!secret) throw new Error(`token script failed:\n${made.stdout}\n${made.stderr}`);
    const context = await browser().newContext();
    const page = await context.newPage();
    await page.goto(`${base}/dashboard/`);
    await page.getByLabel('Access token').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(new RegExp(`/dashboard/${handle}/$`));

    expect(token('revoke', handle).status).toBe(0);
    await page.reload();
    await page.waitForURL(/\/dashboard\/$/);
    await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).count()).toBe(1);
    await context.close();
  });
});
