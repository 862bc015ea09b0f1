/**
 * A realistic mix of tracked-link requests from the sample content: mostly
 * browser GETs of approved storefronts' products with varied sources, devices
 * and referrers, plus some HEAD requests and link-preview / crawler bots.
 */
import { sampleContent } from './built-site.ts';
import { linkedProducts } from '../../domain/content/members.ts';

export const KINDS = ['human', 'head', 'bot'] as const;
export type Kind = (typeof KINDS)[number];

export interface TrafficRequest {
  kind: Kind;
  method: 'GET' | 'HEAD';
  path: string;
  headers: Record<string, string>;
}

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 339.0.3.12.91 (iPhone14,5; iOS 17_5; en_US; en; scale=3.00; 1170x2532; 618372853)',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
];

const BOTS = [
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
  'Twitterbot/1.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'curl/8.5.0',
];

// prettier-ignore
const REFERRERS = ['https://www.instagram.com/', 'https://www.tiktok.com/', 'https://www.youtube.com/', 'https://t.co/', 'https://l.facebook.com/', null, null];

const SOURCES = ['ig', 'tiktok', 'yt', 'newsletter', 'bio', 'pin', null, null, 'NOT VALID!'];

/** Deterministic so that two runs send the same mix (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every valid tracked link of the content: approved members × the available products they link. */
export function trackedLinks(contentRoot?: string): { handle: string; product: string }[] {
  const content = sampleContent(contentRoot);
  const links: { handle: string; product: string }[] = [];
  for (const member of content.influencers) {
    if (member.status !== 'approved') continue;
    // Influencers: their storefront's products; associates: the catalog of their categories.
    for (const product of linkedProducts(member, content.products))
      links.push({ handle: member.handle, product: product.id });
  }
  if (links.length === 0)
    throw new Error(`no tracked links in ${contentRoot} (no approved storefront with products)`);
  return links;
}

export interface Mix {
  /** Shares of HEAD requests and bot GETs; the rest are browser GETs. */
  head: number;
  bot: number;
}

/** Distinct client addresses in a mix. */
const CLIENTS = 4096;

/** The n-th address of RFC 5737's documentation ranges (198.51.100.0/24, 203.0.113.0/24, ...), IPv6 past them. */
function clientAddress(n: number): string {
  if (n < 256) return `198.51.100.${n}`;
  if (n < 512) return `203.0.113.${n - 256}`;
  return `2001:db8::${n.toString(16)}`;
}

export function trafficMix(
  count: number,
  mix: Mix = { head: 0.08, bot: 0.12 },
  seed = 20261125,
): TrafficRequest[] {
  const links = trackedLinks();
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const requests: TrafficRequest[] = [];
  for (let i = 0; i < count; i++) {
    const link = pick(links);
    const src = pick(SOURCES);
    const query = src === null ? '' : `?src=${encodeURIComponent(src)}`;
    const path = `/go/${link.handle}/${link.product}${query}`;
    const roll = rand();
    const kind: Kind = roll < mix.head ? 'head' : roll < mix.head + mix.bot ? 'bot' : 'human';
    const headers: Record<string, string> = {
      'user-agent': kind === 'bot' ? pick(BOTS) : pick(BROWSERS),
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'accept-language': 'en-US,en;q=0.9',
    };
    const referrer = kind === 'human' ? pick(REFERRERS) : null;
    if (referrer) headers.referer = referrer;
    // Many visitors, not a few: the visitor hash, the duplicate flag and per-visitor limits see
    // thousands of addresses (documentation ranges; a header value only, never a network target).
    headers['cf-connecting-ip'] = clientAddress(Math.floor(rand() * CLIENTS));
    requests.push({ kind, method: kind === 'head' ? 'HEAD' : 'GET', path, headers });
  }
  return requests;
}
