/**
 * QR codes of a storefront and its lists (CONTRACT.md section 17), for the dashboards' link
 * builder and anyone printing a storefront's code:
 *   GET|HEAD /qr/<handle>.svg | .png           the storefront's code
 *   GET|HEAD /qr/<handle>/<list>.svg | .png    a list's code
 * The code encodes this site's bio link with src=qr (domain/links/qr.ts), never a retailer's
 * URL. Order of checks: path shape (404) -> the page store has the handle (404 unknown, not
 * approved or an associate; 301 from a renamed handle; 503 when the store cannot be read) ->
 * the list is one of the storefront's (404) -> drawn. Not HTML, so the worker's middleware
 * gives it the inert policy (default-src 'none'; sandbox). A drawn code is kept in the Workers
 * cache keyed by URL and build id (a PNG costs a few ms of CPU; a deploy may change the lists),
 * so it is drawn once per build and place: `X-Shopfront-Cache: HIT|MISS`. The key is the
 * code's canonical path (handle, list and format as parsed), never the request's spelling: a
 * percent-encoded spelling (`/qr/%62ob.png`, which the router decodes) would otherwise miss the
 * cache and make the worker draw again for each new spelling (CONTRACT.md section 16, bounded work).
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { HANDLE_PATTERN, SLUG_PATTERN } from '../../domain/content/schema.ts';
import { qrPng, qrSvg, qrTargetUrl } from '../../domain/links/qr.ts';
import { storefrontOrAnswer } from '../pages/page-store.ts';
import pagesConfig from '../generated/pages.ts';
import { log } from '../lib/log.ts';

/** A day in browsers and shared caches: a code changes only with the site's origin. */
const CACHE = 'public, max-age=86400';

const file = z.string().regex(/^([a-z0-9-]{1,64})\.(svg|png)$/);

export const qr = new Hono<AppEnv>()
  .on(['GET', 'HEAD'], '/:handle/:file', (c) => answer(c, c.req.param('handle'), c.req.param('file'), true))
  .on(['GET', 'HEAD'], '/:file', (c) => answer(c, null, c.req.param('file'), false));

interface Code {
  handle: string;
  list: string | null;
  format: 'svg' | 'png';
}

/** The code a path names, or null (404): `<handle>.<format>` or `<handle>/<list>.<format>`. */
function codeOf(handleParam: string | null, fileParam: string, isList: boolean): Code | null {
  const parsed = file.safeParse(fileParam);
  if (!parsed.success) return null;
  const [, name = '', format] = /^(.+)\.(svg|png)$/.exec(parsed.data) ?? [];
  const handle = isList ? (handleParam ?? '') : name;
  const list = isList ? name : null;
  if (!HANDLE_PATTERN.test(handle) || (list !== null && !SLUG_PATTERN.test(list))) return null;
  return { handle, list, format: format === 'svg' ? 'svg' : 'png' };
}

const suffixOf = (code: Code) => `${code.list === null ? '' : `/${code.list}`}.${code.format}`;

async function answer(c: Context<AppEnv>, handleParam: string | null, fileParam: string, isList: boolean) {
  const code = codeOf(handleParam, fileParam, isList);
  if (code === null) return notFound();
  const url = new URL(c.req.url);
  const canonical = `/qr/${code.handle}${suffixOf(code)}`;
  const key = new Request(`${url.origin}${canonical}?build=${encodeURIComponent(pagesConfig.build)}`);
  // The cache is a speed-up: if it fails, the code is drawn, never a 500.
  const cache = await caches.open('shopfront-qr').catch(() => null);
  const hit = await cache?.match(key).catch(() => undefined);
  if (hit) return served(hit, 'HIT', c.req.method);
  const drawn = await draw(c, code);
  if (drawn.status !== 200) return drawn;
  c.executionCtx.waitUntil(
    (cache ? cache.put(key, drawn.clone()) : Promise.resolve()).catch((error: unknown) =>
      log('warn', 'qr.cache_put_failed', { path: canonical, error: String(error) }),
    ),
  );
  return served(drawn, 'MISS', c.req.method);
}

function served(response: Response, cache: 'HIT' | 'MISS', method: string): Response {
  const out = new Response(method === 'HEAD' ? null : response.body, response);
  out.headers.set('X-Shopfront-Cache', cache);
  return out;
}

/** The code's response (always with its body: `served` answers HEAD from it), or a 404/301/503. */
async function draw(c: Context<AppEnv>, code: Code) {
  const { handle, list, format } = code;
  const suffix = suffixOf(code);
  const found = await storefrontOrAnswer(c.env.ASSETS, handle, (to) => `/qr/${to}${suffix}`);
  if (found instanceof Response) return found.status === 404 ? notFound() : found;
  if (list !== null && !found.influencer.lists.some((l) => l.slug === list)) return notFound();
  const text = qrTargetUrl(new URL(c.req.url).origin, { handle: found.influencer.handle, list });
  const headers = {
    'Cache-Control': CACHE,
    'Content-Disposition': `inline; filename="qr-${handle}${list === null ? '' : `-${list}`}.${format}"`,
    'X-Shopfront-Qr': text,
  };
  if (format === 'svg')
    return new Response(qrSvg(text), {
      headers: { 'Content-Type': 'image/svg+xml; charset=utf-8', ...headers },
    });
  return new Response(await qrPng(text), { headers: { 'Content-Type': 'image/png', ...headers } });
}

function notFound(): Response {
  return new Response('No QR code here: only an approved storefront and its lists have one.\n', {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}
