/**
 * Tracked links (CONTRACT.md section 3). The redirect is answered from build-time
 * data alone (the link store: shard files beside the static assets, cached in the
 * isolate); logging happens after, through waitUntil.
 */
import { Hono, type Context } from 'hono';
import linkConfig from '../generated/route-table.ts';
import type { AppEnv } from '../env.ts';
import { logClick, logEvent } from '../clicks/click-log.ts';
import type { ClickRecord, IncompleteReason } from '../../domain/clicks/message.ts';
import { settingProblem } from '../config/check.ts';
import {
  detectBot,
  linkAnswer,
  withoutActivation,
  type BotVerdict,
  type LinkAnswer,
} from './bot-detection.ts';
import { destination, resolveHandle } from './destination.ts';
import { deviceClass } from './device.ts';
import { LinkStoreUnavailable, routeTableFor, searchQueryFor } from './link-store.ts';
import { newClickId, visitorHash } from './visitor-hash.ts';

const SRC = /^[a-z0-9_-]{1,32}$/;
const LIST = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const NO_STORE = { 'Cache-Control': 'no-store' };

export const links = new Hono<AppEnv>()
  .on(['GET', 'HEAD'], '/:handle/:product', async (c) => {
    const routeTable = await lookup(c, c.req.param('handle'), c.req.param('product'));
    if (routeTable instanceof Response) return routeTable;
    const who = resolveHandle(routeTable, c.req.param('handle'));
    const clickId = newClickId();
    const product = c.req.param('product');
    const shopper = { country: countryOf(c.req.raw), market: c.req.query('market') };
    const sent = who && (await destination(routeTable, product, who, clickId, shopper, searchQuery(c)));
    if (who && !sent && Object.hasOwn(routeTable.products, product))
      logEvent('links.unsendable_destination', { handle: who.handle, product });
    if (!who || !sent) return notFound(c);
    const verdict = verdictOf(c.req.raw);
    const click = describeClick(c, verdict, clickId, who.handle, product, sent.marketplace);
    c.executionCtx.waitUntil(click.then((record) => logClick(c.env, record)));
    return answer(linkAnswer(verdict), sent.url);
  })
  .on(['GET', 'HEAD'], '/:handle', async (c) => {
    const routeTable = await lookup(c, c.req.param('handle'), null);
    if (routeTable instanceof Response) return routeTable;
    const who = resolveHandle(routeTable, c.req.param('handle'));
    // An associate has no storefront page to send the visitor to.
    if (!who || Object.hasOwn(routeTable.associates, who.handle)) return notFound(c);
    // A bio link: logged like a product click, without a product. `list` (a QR code's) picks a list page.
    const click = describeClick(c, verdictOf(c.req.raw), newClickId(), who.handle, null, null);
    c.executionCtx.waitUntil(click.then((record) => logClick(c.env, record)));
    const list = c.req.query('list');
    const page = `/shop/${who.handle}/${list !== undefined && LIST.test(list) ? `${list}/` : ''}`;
    return new Response(null, { status: 302, headers: { Location: page, ...NO_STORE } });
  });

/** Reads a product's search query (its own shard, only for a shopper sent to a search). */
function searchQuery(c: Context<AppEnv>) {
  return (productId: string) => searchQueryFor(linkConfig, c.env.ASSETS, productId);
}

/**
 * Section 16: only a person's navigation (or HEAD) gets the tagged redirect; a prefetch gets
 * 204 and a sub-resource 403, neither with a Location, so no page can set the retailer's
 * cookie for a visitor who never clicked. Both are stored, flagged, all the same.
 */
function answer(kind: LinkAnswer, location: string): Response {
  if (kind === 'redirect')
    return new Response(null, { status: 302, headers: { Location: location, ...NO_STORE } });
  if (kind === 'prefetch') return new Response(null, { status: 204, headers: NO_STORE });
  return new Response('A tracked link only leads on when a person follows it.', {
    status: 403,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...NO_STORE },
  });
}

/** The bot verdict, which never throws into a redirect (a failure reads as HEAD or a plain click). */
function verdictOf(request: Request): BotVerdict {
  try {
    return detectBot({
      method: request.method,
      userAgent: request.headers.get('user-agent'),
      headers: request.headers,
    });
  } catch (error) {
    logEvent('clicks.bot_detection_failed', { error: String(error) });
    return request.method === 'HEAD' ? { isBot: true, reason: 'head' } : { isBot: false, reason: null };
  }
}

/**
 * The route table entries this request needs. If the link data cannot be read the
 * answer is 503 (try again), never a 404 that would tell a shopper the link is dead.
 */
async function lookup(c: Context<AppEnv>, handle: string, product: string | null) {
  try {
    return await routeTableFor(linkConfig, c.env.ASSETS, handle, product);
  } catch (error) {
    if (!(error instanceof LinkStoreUnavailable)) throw error;
    logEvent('links.store_unavailable', { error: error.message });
    return new Response('Tracked links are briefly unavailable. Please try again.', {
      status: 503,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '5', ...NO_STORE },
    });
  }
}

/**
 * Everything stored about a request: no IP, no user agent, only derived, coarse fields. Never
 * rejects: a field that cannot be derived (no VISITOR_HASH_SECRET, a malformed header) is left
 * out and named in `incomplete`, and the click is stored all the same (CONTRACT.md section 10).
 */
async function describeClick(
  c: Context<AppEnv>,
  verdict: BotVerdict,
  clickId: string,
  handle: string,
  productId: string | null,
  marketplace: string | null,
): Promise<ClickRecord> {
  const request = c.req.raw;
  const now = new Date();
  const method = request.method === 'HEAD' ? 'HEAD' : 'GET';
  const incomplete: IncompleteReason[] = [];
  try {
    const userAgent = request.headers.get('user-agent');
    // src wins; else utm_source (lowercased), as campaign tools write it (CONTRACT section 17).
    const src = c.req.query('src') ?? c.req.query('utm_source')?.toLowerCase();
    if (src !== undefined && !SRC.test(src)) incomplete.push('src:invalid');
    const referer = request.headers.get('referer');
    const referrer = referrerHost(referer);
    if (referer && referrer === null) incomplete.push('referrer_host:malformed');
    const country = countryOf(request);
    if (request.cf?.country !== undefined && country === null) incomplete.push('country:malformed');
    return {
      click_id: clickId,
      at: now.getTime(),
      handle,
      product_id: productId,
      src: src !== undefined && SRC.test(src) ? src : null,
      referrer_host: referrer,
      country,
      marketplace,
      device: deviceClass(userAgent, verdict.isBot),
      visitor_hash: await hashVisitor(c.env, now, request, userAgent ?? '', incomplete),
      is_bot: verdict.isBot,
      bot_reason: verdict.reason,
      method,
      ...(incomplete.length > 0 ? { incomplete } : {}),
      ...(isNavigation(verdict) && withoutActivation(request.headers) ? { flags: ['no_activation'] } : {}),
    };
  } catch (error) {
    // Should never happen; if it does, the click is still stored with what is certain.
    logEvent('clicks.describe_failed', { click_id: clickId, error: String(error) });
    return {
      click_id: clickId,
      at: now.getTime(),
      handle,
      product_id: productId,
      src: null,
      referrer_host: null,
      country: null,
      marketplace,
      device: 'unknown',
      visitor_hash: null,
      is_bot: verdict.isBot,
      bot_reason: verdict.reason,
      method,
      incomplete: ['describe:failed'],
    };
  }
}

async function hashVisitor(
  env: Env,
  now: Date,
  request: Request,
  userAgent: string,
  incomplete: IncompleteReason[],
): Promise<string | null> {
  if (settingProblem(env, 'VISITOR_HASH_SECRET')) {
    incomplete.push('visitor_hash:no-secret');
    return null;
  }
  try {
    return await visitorHash(
      env.VISITOR_HASH_SECRET,
      now,
      request.headers.get('cf-connecting-ip') ?? '',
      userAgent,
    );
  } catch (error) {
    logEvent('clicks.visitor_hash_failed', { error: String(error) });
    incomplete.push('visitor_hash:failed');
    return null;
  }
}

/** A GET the browser made as a navigation (not HEAD, not a prefetch or sub-resource). */
function isNavigation(verdict: BotVerdict): boolean {
  return verdict.reason !== 'head' && linkAnswer(verdict) === 'redirect';
}

function referrerHost(referer: string | null): string | null {
  if (!referer || !URL.canParse(referer)) return null;
  const host = new URL(referer).hostname;
  return host ? host.slice(0, 255) : null;
}

function countryOf(request: Request): string | null {
  const country = request.cf?.country;
  return typeof country === 'string' && /^[A-Z0-9]{2}$/.test(country) ? country : null;
}

/** The site's own 404 page, never a redirect. */
async function notFound(c: Context<AppEnv>): Promise<Response> {
  const body = c.req.method === 'HEAD' ? null : await notFoundPage(c);
  return new Response(body, {
    status: 404,
    headers: { 'Content-Type': 'text/html; charset=utf-8', ...NO_STORE },
  });
}

async function notFoundPage(c: Context<AppEnv>): Promise<string> {
  try {
    const page = await c.env.ASSETS.fetch(new URL('/404.html', c.req.url));
    if (page.ok) return await page.text();
  } catch {
    // Assets are missing only in tests of the bare worker; fall through to a plain page.
  }
  return '<!doctype html><title>Not found</title><h1>Not found</h1><p>This link does not lead anywhere.</p>';
}
