/**
 * Every response through the worker carries the security headers of its route
 * class (CONTRACT.md section 9). Pages Astro renders on demand arrive through the
 * fallback; here the fallback answers HTML or an image for any path, as Astro's
 * handler or the assets binding would, so every page type is checked by route.
 */
import { env, exports } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { createWorker } from '../../worker/worker.ts';
import { headersFile } from '../../domain/security/headers.ts';
import { BROWSER_UA } from './helpers.ts';

const [first] = inject('expectedLinks');
if (!first) throw new Error('the sample content has no links');

/** The directives of a policy, by name. */
function directives(csp: string | null): Map<string, string> {
  expect(csp, 'Content-Security-Policy').toBeTruthy();
  return new Map(
    (csp ?? '').split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

function expectCommon(res: Response) {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBeTruthy();
  expect(res.headers.get('permissions-policy')).toContain('camera=()');
  expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
}

function expectNoScript(csp: Map<string, string>) {
  expect(csp.get('default-src')).toBe("'none'");
  expect(csp.get('script-src')).toBe("'none'");
  expect(csp.get('frame-ancestors')).toBe("'none'");
  expect(csp.get('base-uri')).toBe("'none'");
  for (const value of csp.values()) expect(value).not.toMatch(/unsafe-eval|\*|data:|http:/);
}

/** A stand-in for Astro's handler: HTML for pages, raw bytes for files. */
const fallbackWorker = createWorker((request) => {
  const { pathname } = new URL(request.url);
  if (pathname.startsWith('/images/') || pathname.endsWith('.svg'))
    return fetch(
      'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
  return new Response('<!doctype html><title>page</title><p>page</p>', {
    headers: { 'content-type': 'text/html; charset=utf-8' },
  });
});
const viaFallback = (path: string) =>
  fallbackWorker.fetch(new Request(`https://shop.test${path}`), env, createExecutionContext());

/** A page through the fallback: the common headers, no script at all, forms posting only to this site
 * (the storefront search and the dashboard forms submit to the site itself, and nowhere else). */
async function scriptlessPage(path: string) {
  const res = await viaFallback(path);
  expectCommon(res);
  const csp = directives(res.headers.get('content-security-policy'));
  expectNoScript(csp);
  expect(csp.get('form-action')).toBe("'self'");
  return { res, csp };
}

describe('security headers through the worker', () => {
  it.each([
    ['the directory', '/'],
    ['a category page', '/category/books/'],
    ['a storefront', `/shop/${first.handle}/`],
    ['a list', `/shop/${first.handle}/favourites/`],
    ['the 404 page', '/no/such/page/'],
  ])('%s allows no script at all and only its own images', async (_name, path) => {
    const { res, csp } = await scriptlessPage(path);
    expect(csp.get('img-src')).toBe("'self'"); // the sample retailers list no image hosts
    // Only so that audit tools can load /robots.txt from inside the page (docs/security.md).
    expect(csp.get('connect-src')).toBe("'self'");
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });

  it.each([
    ['sign-in', '/dashboard/'],
    ['a creator dashboard', `/dashboard/${first.handle}/`],
    ['the admin console', '/dashboard/admin/'],
  ])('the %s page runs no script, posts only to this site and is never framed', async (_name, path) => {
    const { res, csp } = await scriptlessPage(path);
    expect(csp.has('connect-src')).toBe(false); // crawlers stay out: default-src 'none' governs
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
  });

  it.each([
    ['an avatar', `/images/avatars/${first.handle}.png`],
    ['a member image', `/images/members/${first.handle}/shelf.webp`],
    ['an SVG opened directly', '/images/products/evil.svg'],
  ])('%s is sandboxed so it can run nothing even when opened directly', async (_name, path) => {
    const res = await viaFallback(path);
    expectCommon(res);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.has('sandbox')).toBe(true);
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.has('script-src')).toBe(false);
  });

  it('covers the worker routes too: redirects, its 404 page, JSON', async () => {
    const redirect = await exports.default.fetch(`https://shop.test/go/${first.handle}/${first.product}`, {
      redirect: 'manual',
      headers: { 'user-agent': BROWSER_UA },
    });
    expect(redirect.status).toBe(302);
    // A bodyless 302 carries only the headers a browser acts on when it follows one (docs/security.md,
    // "Redirects"): retailers still learn the traffic came from this site (Associates programs
    // check it), never the page's path, and the browser keeps to HTTPS.
    expect(redirect.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(redirect.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(redirect.headers.get('cache-control')).toBe('no-store');
    expect(redirect.headers.get('location')).toMatch(/^https:\/\//);
    expect(await redirect.text()).toBe('');
    // Nothing is rendered from it, so a document policy would govern nothing.
    expect(redirect.headers.get('content-security-policy')).toBeNull();
    expect(redirect.headers.get('permissions-policy')).toBeNull();

    // Every other /go/ answer (here a prefetch's 204 and a sub-resource's 403, which has a body) keeps them all.
    for (const [headers, status] of [
      [{ 'user-agent': BROWSER_UA, 'sec-purpose': 'prefetch' }, 204],
      [{ 'user-agent': BROWSER_UA, 'sec-fetch-dest': 'image' }, 403],
    ] as const) {
      const res = await exports.default.fetch(`https://shop.test/go/${first.handle}/${first.product}`, {
        redirect: 'manual',
        headers,
      });
      expect(res.status).toBe(status);
      expectCommon(res);
      expect(directives(res.headers.get('content-security-policy')).has('sandbox')).toBe(true);
    }

    const missing = await exports.default.fetch('https://shop.test/go/nobody-here/B0NOTREAL0');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/html');
    expectCommon(missing);
    expectNoScript(directives(missing.headers.get('content-security-policy')));

    for (const [method, path] of [
      ['GET', '/healthz'],
      ['GET', '/api/stats/nobody'],
      ['POST', '/webhooks/orders'],
    ] as const) {
      const res = await exports.default.fetch(`https://shop.test${path}`, {
        method,
        body: method === 'POST' ? '{}' : null,
      });
      expect(res.headers.get('content-type'), path).toContain('application/json');
      expectCommon(res);
      expect(directives(res.headers.get('content-security-policy')).has('sandbox'), path).toBe(true);
    }
  });
});

describe('_headers for static assets', () => {
  it('gives pages the page policy and replaces it on images with the sandboxed one', () => {
    const text = headersFile({ imageHosts: ['m.media-amazon.com'] });
    const rules = text
      .split('\n\n')
      .filter((block) => !block.startsWith('#'))
      .map((block) => {
        const [pattern = '', ...lines] = block.split('\n');
        return { pattern, lines: lines.map((l) => l.trim()) };
      });
    expect(rules.map((r) => r.pattern)).toEqual(['/*', '/images/*', '/favicon.svg']);
    const page = rules[0]?.lines.find((l) => l.startsWith('Content-Security-Policy:')) ?? '';
    expect(page).toContain("script-src 'none'");
    expect(page).toContain("img-src 'self' https://m.media-amazon.com;");
    expect(page).toContain("connect-src 'self';");
    for (const rule of rules.slice(1)) {
      // Detach every page header first, or Cloudflare would join the two policies with a comma.
      expect(rule.lines).toContain('! Content-Security-Policy');
      expect(rule.lines.find((l) => l.startsWith('Content-Security-Policy:'))).toContain('sandbox');
      expect(rule.lines).toContain('X-Content-Type-Options: nosniff');
      expect(rule.lines).toContain('Strict-Transport-Security: max-age=31536000');
    }
    expect(rules[0]?.lines).toContain('Strict-Transport-Security: max-age=31536000');
  });
});
