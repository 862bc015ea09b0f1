/**
 * Decides whether a tracked-link request is a human click. Bots still get the
 * redirect; their rows are flagged with a reason, never dropped. Bump the version
 * when rules change so old rows can be told apart.
 *
 * Two reasons are not bots but browsers acting without a person's click
 * (CONTRACT.md section 9): a prefetch or prerender, and a sub-resource load
 * (`Sec-Fetch-Dest` present and not `document`: an <img>, a frame, fetch()...).
 * Counting those would let any page that embeds a tracked link stuff cookies.
 * Stats show them apart from bots (see NOT_NAVIGATION_SQL). Since section 16 they get no
 * tagged redirect at all (linkAnswer): a prefetch is answered 204 and a sub-resource 403.
 */
import { isbotMatch } from 'isbot';

export const BOT_RULES_VERSION = '2026-12-02.1';

export type BotReason =
  | 'head'
  | 'prefetch'
  | 'missing-user-agent'
  | 'link-preview'
  | 'scanner'
  | 'automation'
  | 'headless'
  | 'crawler'
  | SubresourceReason;

/** What a browser fetched the link as, from the Fetch Metadata destinations; anything else is "other". */
const FETCH_DESTS = new Set([
  'audio',
  'audioworklet',
  'embed',
  'empty',
  'fencedframe',
  'font',
  'frame',
  'iframe',
  'image',
  'json',
  'manifest',
  'object',
  'paintworklet',
  'report',
  'script',
  'serviceworker',
  'sharedworker',
  'style',
  'track',
  'video',
  'webidentity',
  'worker',
  'xslt',
]);
export type SubresourceReason = `subresource:${string}`;

/** Reasons of requests a browser made without a person navigating: stored, never counted as clicks. */
export function isNotNavigation(reason: string | null): boolean {
  return reason === 'prefetch' || (reason?.startsWith('subresource:') ?? false);
}

/**
 * The same test in SQL over the clicks table, for the stats and dashboard queries.
 * migrations/0008_click_daily.sql spells it out too (a migration cannot import it): its
 * roll-up triggers count these rows in click_daily_product.not_navigation.
 */
export const NOT_NAVIGATION_SQL = "(bot_reason = 'prefetch' OR bot_reason LIKE 'subresource:%')";

/** Link unfurlers of chat and social apps (isbot knows most; named here so the reason is precise). */
const LINK_PREVIEW =
  /facebookexternalhit|facebot|twitterbot|slackbot|slack-imgproxy|discordbot|whatsapp|telegrambot|linkedinbot|pinterest(?:bot)?\/|redditbot|skypeuripreview|snapchat.*\bbot\b|viber|iframely|embedly|vkshare|mastodon\/|bluesky|cardyb|applebot|google-pageRenderer|bitlybot/i;

/** Mail and security scanners that open links before (or instead of) a person; isbot misses these. */
const SCANNER =
  /microsoft office|ms-office|msoffice|existence discovery|bingpreview|proofpoint|mimecast|barracuda|safe ?links|urldefense|trendmicro|forcepoint|symantec|google-inspectiontool|googleother|google-read-aloud|w3c_validator/i;

const AUTOMATION =
  /^(?:curl|wget|python-requests|python-urllib|aiohttp|httpx|go-http-client|okhttp|java\/|apache-httpclient|axios|node-fetch|undici|got\b|libwww-perl|ruby|php|postman|insomnia|httpie)/i;

const HEADLESS = /headlesschrome|phantomjs|puppeteer|playwright|selenium|electron\/.*\bheadless/i;

export interface BotVerdict {
  isBot: boolean;
  reason: BotReason | null;
}

export function detectBot(input: { method: string; userAgent: string | null; headers: Headers }): BotVerdict {
  const bot = (reason: BotReason): BotVerdict => ({ isBot: true, reason });
  if (input.method === 'HEAD') return bot('head');
  if (isPrefetch(input.headers)) return bot('prefetch');
  const dest = subresource(input.headers);
  if (dest !== null) return bot(`subresource:${dest}`);
  const ua = input.userAgent?.trim() ?? '';
  if (!ua) return bot('missing-user-agent');
  const reason = agentReason(ua);
  return reason === null ? { isBot: false, reason: null } : bot(reason);
}

/**
 * The verdict of a user agent alone, remembered per isolate: most clicks come from a few
 * hundred agent strings, and the five patterns (isbot's is large) cost more than a lookup
 * (issue 26). At most AGENTS_KEPT strings of at most AGENT_KEPT_CHARS (so at most ~0.5 MB);
 * the map starts over when full.
 */
const AGENTS_KEPT = 1024;
const AGENT_KEPT_CHARS = 512;
const agentReasons = new Map<string, BotReason | null>();

function agentReason(ua: string): BotReason | null {
  const known = agentReasons.get(ua);
  if (known !== undefined) return known;
  const reason = matchAgent(ua);
  if (ua.length > AGENT_KEPT_CHARS) return reason;
  if (agentReasons.size >= AGENTS_KEPT) agentReasons.clear();
  agentReasons.set(ua, reason);
  return reason;
}

function matchAgent(ua: string): BotReason | null {
  if (LINK_PREVIEW.test(ua)) return 'link-preview';
  if (SCANNER.test(ua)) return 'scanner';
  if (AUTOMATION.test(ua)) return 'automation';
  if (HEADLESS.test(ua)) return 'headless';
  if (isbotMatch(ua) !== null) return 'crawler';
  return null;
}

/**
 * How /go/<handle>/<product> answers (CONTRACT.md section 16), from the verdict above:
 *   prefetch (Sec-Purpose/Purpose naming prefetch)           -> 204, no Location
 *   sub-resource (Sec-Fetch-Dest present, not document)      -> 403, no Location
 *   anything else (a navigation, HEAD, a bot navigating)     -> 302 to the tagged URL
 * HEAD is decided first by detectBot, so it keeps its 302 whatever else it carries.
 */
export type LinkAnswer = 'redirect' | 'prefetch' | 'subresource';

export function linkAnswer(verdict: BotVerdict): LinkAnswer {
  if (verdict.reason === 'prefetch') return 'prefetch';
  if (verdict.reason?.startsWith('subresource:')) return 'subresource';
  return 'redirect';
}

/**
 * A navigation that another site started without a person's activation (a script or a meta
 * refresh sending the visitor on): `Sec-Fetch-Site: cross-site` and no `Sec-Fetch-User`.
 * Browsers that send no Fetch Metadata at all are not flagged (nothing is known).
 */
export function withoutActivation(headers: Headers): boolean {
  const site = headers.get('sec-fetch-site')?.trim().toLowerCase();
  return site === 'cross-site' && headers.get('sec-fetch-user') === null;
}

function isPrefetch(headers: Headers): boolean {
  const purpose = `${headers.get('sec-purpose') ?? ''} ${headers.get('purpose') ?? ''} ${headers.get('x-purpose') ?? ''} ${headers.get('x-moz') ?? ''}`;
  return /prefetch|prerender|preview/i.test(purpose);
}

/** The `Sec-Fetch-Dest` of a request that is not a top-level navigation, or null. */
function subresource(headers: Headers): string | null {
  const dest = headers.get('sec-fetch-dest')?.trim().toLowerCase();
  if (dest === undefined || dest === 'document') return null;
  return FETCH_DESTS.has(dest) ? dest : 'other';
}
