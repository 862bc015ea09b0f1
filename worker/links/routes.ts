/**
 * Tracked links (CONTRACT.md section 3). The redirect is answered from build-time
 * data alone (the link store: shard files beside the static assets, cached in the
 * isolate); logging happens after, through waitUntil.
 */
import { HSTS, REDIRECT_REFERRER_POLICY } from '../../domain/security/headers.ts';
import linkConfig from '../generated/route-table.ts';
import { logClick } from '../clicks/click-log.ts';
import type { ClickRecord, IncompleteReason } from '../../domain/clicks/message.ts';
import type { Route } from '../../domain/links/market.ts';
import type { RouteTable } from '../../domain/links/route-table.ts';
import { settingProblem } from '../config/check.ts';
import {
  detectBot,
  linkAnswer,
  withoutActivation,
  type BotVerdict,
  type LinkAnswer,
} from './bot-detection.ts';
import { destination, resolveHandle, type Resolved } from './destination.ts';
import { deviceClass } from './device.ts';
import { LinkStoreUnavailable, routeTableFor, searchQueryFor } from './link-store.ts';
import { newClickId, visitorHash } from './visitor-hash.ts';
import { log } from '../lib/log.ts';

const SRC = /^[a-z0-9_-]{1,32}$/;
const LIST = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const NO_STORE = { 'Cache-Control': 'no-store' };
const TEXT = 'text/plain; charset=utf-8';
/** The other answers' headers, built once like the redirect's (issue 26). */
const PREFETCH_HEADERS = NO_STORE;
const REFUSED_HEADERS = { 'Content-Type': TEXT, ...NO_STORE } as const;
const UNAVAILABLE_HEADERS = { 'Content-Type': TEXT, 'Retry-After': '5', ...NO_STORE } as const;
const NOT_FOUND_HEADERS = { 'Content-Type': 'text/html; charset=utf-8', ...NO_STORE } as const;

/**
 * A bodyless redirect's headers, built once (docs/security.md, "Redirects"): Location, no-store,
 * and of the security headers only the two a browser acts on for a 302 it follows without
 * rendering: Referrer-Policy (it sets the referrer policy of the followed request, so the
 * retailer sees only our origin) and Strict-Transport-Security (honoured on any HTTPS answer).
 * The worker sends these responses as they are, without the security-headers copy.
 */
const REDIRECT_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': REDIRECT_REFERRER_POLICY,
  'Strict-Transport-Security': HSTS,
} as const;

/**
 * A bodyless 302 with the headers above: complete as it is (worker.ts sends it without a copy).
 * One object literal straight into the Response: no Headers object built and then changed.
 */
export function redirectTo(location: string): Response {
  return new Response(null, { status: 302, headers: { Location: location, ...REDIRECT_HEADERS } });
}

/** What a /go/ request names: a product link, a bio link, or nothing this module serves. */
export interface GoPath {
  handle: string;
  product: string | null;
}

/**
 * Matches "/go/:handle" and "/go/:handle/:product" (a trailing slash allowed, as Hono's
 * strict: false did) for GET and HEAD; anything else (null) goes to the general router.
 */
export function goPath(request: Request, url: URL): GoPath | null {
  if (request.method !== 'GET' && request.method !== 'HEAD') return null;
  const path = url.pathname;
  if (!path.startsWith('/go/')) return null;
  const parts = path.slice(4).replace(/\/$/, '').split('/');
  if (parts.length > 2 || parts.some((part) => part === '')) return null;
  const [handle = '', product] = parts.map(decodePart);
  if (handle === null || product === null) return null;
  return { handle, product: product ?? null };
}

function decodePart(part: string): string | null {
  try {
    return part.includes('%') ? decodeURIComponent(part) : part;
  } catch {
    return null;
  }
}

/**
 * The /go/ answer for a matched path. worker.ts calls this before the general router, and it is
 * the only matcher of /go/ (issue 26: the Hono sub-app that also matched it is gone); a path
 * goPath does not match goes to the general router and its fallback (404). A product link is
 * answered without a promise when the isolate holds its shards and its route is not a search
 * (the hot path: every await is a hop the request pays for, issue 26).
 */
export function goAnswer(
  request: Request,
  url: URL,
  env: Env,
  ctx: ExecutionContext,
  go: GoPath,
): Response | Promise<Response> {
  return go.product === null
    ? bioLink(request, url, env, ctx, go.handle)
    : productLink(request, url, env, ctx, go.handle, go.product);
}

/** What a click's request says, read once per click (issue 26): its agent, country, verdict, answer. */
interface Asked {
  userAgent: string | null;
  country: string | null;
  verdict: BotVerdict;
  answer: LinkAnswer;
}

function askedBy(request: Request): Asked {
  const userAgent = request.headers.get('user-agent');
  const verdict = verdictOf(request, userAgent);
  return { userAgent, country: countryOf(request), verdict, answer: linkAnswer(verdict) };
}

function productLink(
  request: Request,
  url: URL,
  env: Env,
  ctx: ExecutionContext,
  handle: string,
  product: string,
): Response | Promise<Response> {
  const routeTable = lookup(env, handle, product);
  if (routeTable instanceof Response) return routeTable;
  if (routeTable instanceof Promise)
    return routeTable.then((table) =>
      table instanceof Response ? table : productLinkOf(request, url, env, ctx, table, handle, product),
    );
  return productLinkOf(request, url, env, ctx, routeTable, handle, product);
}

/** A product link's answer from its route table: synchronous unless the shopper is sent to a search. */
function productLinkOf(
  request: Request,
  url: URL,
  env: Env,
  ctx: ExecutionContext,
  routeTable: RouteTable,
  handle: string,
  product: string,
): Response | Promise<Response> {
  const who = resolveHandle(routeTable, handle);
  const clickId = newClickId();
  const asked = askedBy(request);
  const shopper = { country: asked.country, market: url.searchParams.get('market') ?? undefined };
  const sent = who && destination(routeTable, product, who, clickId, shopper, searchQuery(env));
  const click: Click = { request, url, env, ctx, asked, clickId, routeTable, product };
  if (sent instanceof Promise) return sent.then((route) => answerClick(click, who, route));
  return answerClick(click, who, sent);
}

/** What a product click's answer needs besides where it goes. */
interface Click {
  request: Request;
  url: URL;
  env: Env;
  ctx: ExecutionContext;
  asked: Asked;
  clickId: string;
  routeTable: RouteTable;
  product: string;
}

/** The click logged (waitUntil) and answered, or the site's 404 when the link leads nowhere. */
function answerClick(click: Click, who: Resolved | null, sent: Route | null): Response | Promise<Response> {
  const { request, url, env, ctx, asked, clickId, routeTable, product } = click;
  if (who && !sent && Object.hasOwn(routeTable.products, product))
    log('warn', 'links.unsendable_destination', { handle: who.handle, product });
  if (!who || !sent) return notFound(request, env);
  const record = describeClick(request, url, env, asked, clickId, who.handle, product, sent.marketplace);
  ctx.waitUntil(record.then((described) => logClick(env, described)));
  return answer(asked.answer, sent.url);
}

async function bioLink(request: Request, url: URL, env: Env, ctx: ExecutionContext, handle: string) {
  const routeTable = await lookup(env, handle, null);
  if (routeTable instanceof Response) return routeTable;
  const who = resolveHandle(routeTable, handle);
  // An associate has no storefront page to send the visitor to.
  if (!who || Object.hasOwn(routeTable.associates, who.handle)) return notFound(request, env);
  // A bio link: logged like a product click, without a product. `list` (a QR code's) picks a list page.
  const click = describeClick(request, url, env, askedBy(request), newClickId(), who.handle, null, null);
  ctx.waitUntil(click.then((record) => logClick(env, record)));
  const list = url.searchParams.get('list');
  return redirectTo(`/shop/${who.handle}/${list !== null && LIST.test(list) ? `${list}/` : ''}`);
}

/** Reads a product's search query (its own shard, only for a shopper sent to a search). */
function searchQuery(env: Env) {
  return (productId: string) => searchQueryFor(linkConfig, env.ASSETS, productId);
}

/**
 * Section 16: only a person's navigation (or HEAD) gets the tagged redirect; a prefetch gets
 * 204 and a sub-resource 403, neither with a Location, so no page can set the retailer's
 * cookie for a visitor who never clicked. Both are stored, flagged, all the same.
 */
function answer(kind: LinkAnswer, location: string): Response {
  if (kind === 'redirect') return redirectTo(location);
  if (kind === 'prefetch') return new Response(null, { status: 204, headers: PREFETCH_HEADERS });
  return new Response('A tracked link only leads on when a person follows it.', {
    status: 403,
    headers: REFUSED_HEADERS,
  });
}

/** The bot verdict, which never throws into a redirect (a failure reads as HEAD or a plain click). */
function verdictOf(request: Request, userAgent: string | null): BotVerdict {
  try {
    return detectBot({ method: request.method, userAgent, headers: request.headers });
  } catch (error) {
    log('warn', 'clicks.bot_detection_failed', { error: String(error) });
    return request.method === 'HEAD' ? { isBot: true, reason: 'head' } : { isBot: false, reason: null };
  }
}

/**
 * The route table entries this request needs. If the link data cannot be read the
 * answer is 503 (try again), never a 404 that would tell a shopper the link is dead.
 */
function lookup(
  env: Env,
  handle: string,
  product: string | null,
): RouteTable | Promise<RouteTable | Response> {
  const table = routeTableFor(linkConfig, env.ASSETS, handle, product);
  return table instanceof Promise ? table.catch(unavailable) : table;
}

function unavailable(error: unknown): Response {
  if (!(error instanceof LinkStoreUnavailable)) throw error;
  log('error', 'links.store_unavailable', { error: error.message });
  return new Response('Tracked links are briefly unavailable. Please try again.', {
    status: 503,
    headers: UNAVAILABLE_HEADERS,
  });
}

/**
 * Everything stored about a request: no IP, no user agent, only derived, coarse fields. Never
 * rejects: a field that cannot be derived (no VISITOR_HASH_SECRET, a malformed header) is left
 * out and named in `incomplete`, and the click is stored all the same (CONTRACT.md section 10).
 */
async function describeClick(
  request: Request,
  url: URL,
  env: Env,
  asked: Asked,
  clickId: string,
  handle: string,
  productId: string | null,
  marketplace: string | null,
): Promise<ClickRecord> {
  const now = new Date();
  const method = request.method === 'HEAD' ? 'HEAD' : 'GET';
  const incomplete: IncompleteReason[] = [];
  const { verdict, userAgent, country } = asked;
  try {
    // src wins; else utm_source (lowercased), as campaign tools write it (CONTRACT section 17).
    const src = url.searchParams.get('src') ?? url.searchParams.get('utm_source')?.toLowerCase() ?? undefined;
    if (src !== undefined && !SRC.test(src)) incomplete.push('src:invalid');
    const referer = request.headers.get('referer');
    const referrer = referrerHost(referer);
    if (referer && referrer === null) incomplete.push('referrer_host:malformed');
    // `request.cf` is read again only when the country was not usable (each read is a native call).
    if (country === null && request.cf?.country !== undefined) incomplete.push('country:malformed');
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
      visitor_hash: await hashVisitor(env, now, request, userAgent ?? '', incomplete),
      is_bot: verdict.isBot,
      bot_reason: verdict.reason,
      method,
      ...(incomplete.length > 0 ? { incomplete } : {}),
      ...(isNavigation(verdict, asked.answer) && withoutActivation(request.headers)
        ? { flags: ['no_activation'] }
        : {}),
    };
  } catch (error) {
    // Should never happen; if it does, the click is still stored with what is certain.
    log('warn', 'clicks.describe_failed', { click_id: clickId, error: String(error) });
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
    log('warn', 'clicks.visitor_hash_failed', { error: String(error) });
    incomplete.push('visitor_hash:failed');
    return null;
  }
}

/** A GET the browser made as a navigation (not HEAD, not a prefetch or sub-resource). */
function isNavigation(verdict: BotVerdict, answer: LinkAnswer): boolean {
  return verdict.reason !== 'head' && answer === 'redirect';
}

/** The referrer's host; the header is parsed once (URL.parse answers null where new URL throws). */
function referrerHost(referer: string | null): string | null {
  const host = referer ? URL.parse(referer)?.hostname : undefined;
  return host ? host.slice(0, 255) : null;
}

function countryOf(request: Request): string | null {
  const country = request.cf?.country;
  return typeof country === 'string' && /^[A-Z0-9]{2}$/.test(country) ? country : null;
}

/** The site's own 404 page, never a redirect. */
async function notFound(request: Request, env: Env): Promise<Response> {
  const body = request.method === 'HEAD' ? null : await notFoundPage(request, env);
  return new Response(body, {
    status: 404,
    headers: NOT_FOUND_HEADERS,
  });
}

async function notFoundPage(request: Request, env: Env): Promise<string> {
  try {
    const page = await env.ASSETS.fetch(new URL('/404.html', request.url));
    if (page.ok) return await page.text();
  } catch {
    // Assets are missing only in tests of the bare worker; fall through to a plain page.
  }
  return '<!doctype html><title>Not found</title><h1>Not found</h1><p>This link does not lead anywhere.</p>';
}
