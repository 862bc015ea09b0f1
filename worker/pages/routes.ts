/**
 * Storefront and list pages (`/shop/<handle>/`, `/shop/<handle>/<list>/`), rendered on
 * demand by the Astro pages from the page store and kept in the Workers cache
 * (a named cache of `caches`), keyed by URL path and build id: a page is one round trip, and a
 * cached page costs no render. A new deploy has a new build id, so it never serves
 * a page rendered by the one before (docs/scale.md).
 *
 * One cache entry per page, however it is asked for (CONTRACT.md section 16): the path is
 * normalised before the cache is asked (percent-encoded unreserved characters decoded,
 * RFC 3986 6.2.2.2, so `/shop/%61na-cooks/` is `/shop/ana-cooks/`), the query string is
 * ignored, HEAD is answered from the GET entry, and any other method on `/shop/*` is refused
 * (405) without a render.
 */
import { Hono } from 'hono';
import type { AppEnv, Fallback } from '../env.ts';
import pagesConfig from '../generated/pages.ts';
import { cacheSeconds } from '../../domain/catalog/offers.ts';
import { PRICE_EXPIRES_HEADER } from '../../domain/pages/page-store.ts';
import { log } from '../lib/log.ts';
import { STATUS_OF } from '../lib/reasons.ts';

const PAGE_PATH = /^\/shop\/[a-z0-9-]{1,64}\/(?:[a-z0-9-]{1,64}\/)?$/;
/**
 * A storefront's search answers (`?q=`): never kept in the Workers cache, whose key is the path,
 * so no query is ever answered from another's entry, and made-up queries cannot fill it.
 */
const SEARCH_PATH = /^\/shop\/[a-z0-9-]{1,64}\/search\/$/;

/** How long a rendered page stays in the Workers cache within one build. */
const EDGE_TTL_SECONDS = 86_400;
/**
 * What browsers are told: revalidate after 5 minutes (a suspended creator's page goes
 * away within that after the deploy), as static pages' ETags let them do.
 */
const BROWSER_TTL_SECONDS = 300;

export function pages(render: Fallback) {
  const app = new Hono<AppEnv>({ strict: true });
  app.all('*', async (c) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD')
      return new Response('Storefront pages are read with GET or HEAD.', {
        status: STATUS_OF.method_not_allowed,
        headers: {
          Allow: 'GET, HEAD',
          'Content-Type': 'text/plain; charset=utf-8',
          'Cache-Control': 'no-store',
        },
      });
    const url = new URL(c.req.url);
    const ctx = c.executionCtx as ExecutionContext;
    const path = normalPath(url.pathname);
    if (SEARCH_PATH.test(path)) {
      const answer = await render(c.req.raw, c.env, ctx);
      return answer.status === 200 ? served(answer, 'BYPASS', c.req.method) : answer;
    }
    if (!PAGE_PATH.test(path)) return render(c.req.raw, c.env, ctx);
    url.pathname = path;
    // The query string never changes a page (?utm_... links share one cached copy).
    const key = new Request(`${url.origin}${path}?build=${encodeURIComponent(pagesConfig.build)}`);
    // The cache is a speed-up: if it fails, the page is rendered, never a 500.
    const cache = await caches.open('shopfront-pages').catch(() => null);
    const hit = await cache?.match(key).catch(() => undefined);
    // Belt and braces: a copy whose first price went stale is never served, whatever the cache did.
    const stale = hit !== undefined && (priceExpiry(hit) ?? Infinity) <= Date.now();
    if (hit && !stale) return served(hit, 'HIT', c.req.method);
    // Rendered as a GET even for HEAD, so what is cached always has its body.
    const rendered = await render(new Request(url, { headers: c.req.raw.headers }), c.env, ctx);
    if (rendered.status !== 200) return rendered;
    const stored = new Response(rendered.body, rendered);
    // Amazon's display rules: a copy never outlives the first price it shows (domain/catalog/offers.ts).
    const edgeTtl = cacheSeconds(EDGE_TTL_SECONDS, priceExpiry(stored), Date.now());
    stored.headers.set('Cache-Control', `public, max-age=${edgeTtl}`);
    const [forCache, forClient] = [stored.clone(), stored];
    if (edgeTtl < 1) return served(forClient, 'MISS', c.req.method);
    ctx.waitUntil(
      (cache ? cache.put(key, forCache) : Promise.resolve()).catch((error: unknown) =>
        log('warn', 'pages.cache_put_failed', { path: url.pathname, error: String(error) }),
      ),
    );
    return served(forClient, 'MISS', c.req.method);
  });
  return app;
}

/** The path with percent-encoded unreserved characters decoded: one spelling per page. */
export function normalPath(pathname: string): string {
  return pathname.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return /^[A-Za-z0-9._~-]$/.test(char) ? char : escape;
  });
}

/** When the first price a rendered page shows goes stale (unix ms), or null when it shows none. */
function priceExpiry(response: Response): number | null {
  const value = Number(response.headers.get(PRICE_EXPIRES_HEADER));
  return response.headers.has(PRICE_EXPIRES_HEADER) && Number.isFinite(value) ? value : null;
}

function served(response: Response, cache: 'HIT' | 'MISS' | 'BYPASS', method: string): Response {
  const out = new Response(method === 'HEAD' ? null : response.body, response);
  const ttl = cacheSeconds(BROWSER_TTL_SECONDS, priceExpiry(response), Date.now());
  out.headers.set('Cache-Control', ttl > 0 ? `public, max-age=${ttl}` : 'no-cache');
  out.headers.delete(PRICE_EXPIRES_HEADER);
  out.headers.set('X-Shopfront-Cache', cache);
  return out;
}
