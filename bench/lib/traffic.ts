/**
 * Tracked-link traffic (bench/redirect.ts): a realistic mix from the sample content, mostly browser
 * GETs of approved storefronts' products with varied sources, devices, referrers and client
 * addresses, plus some HEADs and link-preview / crawler bots; and one load run of it with
 * autocannon, sized by a number of requests, not a duration: autocannon then waits for every answer,
 * so the 302s it counts are exactly the requests the Worker answered (a timed run drops its
 * in-flight requests, whose clicks may still be logged). Server CPU is read from /proc around it,
 * up to `settleMs` after the last answer (the queue's batch timeout: the run's clicks consumed).
 */
import autocannon from 'autocannon';
import { linkedProducts } from '../../domain/content/members.ts';
import { sleep, withTimeout } from '../../scripts/lib/harness/process.ts';
import { rng } from '../../scripts/lib/orders/seed-history.ts';
import { sampleContent } from './built-site.ts';
import { cpuMs } from './cpu.ts';
import { fmt } from './report.ts';
import type { Target } from './targets.ts';

export const KINDS = ['human', 'head', 'bot'] as const;
type Kind = (typeof KINDS)[number];

// prettier-ignore
const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 339.0.3.12.91 (iPhone14,5; iOS 17_5; en_US; en; scale=3.00; 1170x2532; 618372853)',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
];
// prettier-ignore
const BOTS = [
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)', 'Twitterbot/1.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'curl/8.5.0',
];
// prettier-ignore
const REFERRERS = ['https://www.instagram.com/', 'https://www.tiktok.com/', 'https://www.youtube.com/', 'https://t.co/', 'https://l.facebook.com/', null, null];
const SOURCES = ['ig', 'tiktok', 'yt', 'newsletter', 'bio', 'pin', null, null, 'NOT VALID!'];

/** Distinct client addresses, and the shares of HEAD requests and bot GETs (the rest are browser GETs). */
const CLIENTS = 4096;
const MIX = { head: 0.08, bot: 0.12 };

/** The n-th address of RFC 5737's documentation ranges (198.51.100.0/24, 203.0.113.0/24, ...), IPv6 past them. */
function clientAddress(n: number): string {
  if (n < 256) return `198.51.100.${n}`;
  if (n < 512) return `203.0.113.${n - 256}`;
  return `2001:db8::${n.toString(16)}`;
}

/** `count` requests to every valid tracked link of the sample content (approved members × the available products they link). */
export function trafficMix(count: number, seed = 20261125) {
  const content = sampleContent();
  const links = content.influencers
    .filter((member) => member.status === 'approved')
    .flatMap((member) => linkedProducts(member, content.products).map((p) => `/go/${member.handle}/${p.id}`));
  if (!links.length) throw new Error('no tracked link in content/: no approved storefront with products');
  const rand = rng(seed).next; // deterministic, so that two runs send the same mix
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  return Array.from({ length: count }, () => {
    const link = pick(links);
    const src = pick(SOURCES);
    const path = src === null ? link : `${link}?src=${encodeURIComponent(src)}`;
    const roll = rand();
    const kind: Kind = roll < MIX.head ? 'head' : roll < MIX.head + MIX.bot ? 'bot' : 'human';
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
    return { kind, method: kind === 'head' ? 'HEAD' : 'GET', path, headers };
  });
}

/** One load run: requests/s, latency, errors, server CPU time (all its processes) per request in µs, and responses by request kind and status. */
export type LoadRun = Awaited<ReturnType<typeof runLoad>>;

/** `amount` requests, `connections` in flight, paced if `requestsPerSecond` (autocannon's limit: each connection's share at the start of each second). */
type Sized = { connections: number; amount: number; requestsPerSecond?: number };
/** Where each target (by URL) is in the mix: each walks through it in the same order, a run going on from the last. */
const nextOf = new Map<string, number>();
/** How long a run may take, and how long to keep counting CPU after its last answer. */
type Timing = { limitMs: number; settleMs?: number };

export async function runLoad(
  target: Pick<Target, 'url' | 'pids'>,
  traffic: ReturnType<typeof trafficMix>,
  { connections, amount, requestsPerSecond, limitMs, settleMs = 0 }: Sized & Timing,
) {
  const statuses: Record<Kind, Record<string, number>> = { human: {}, head: {}, bot: {} };
  let [requests, lastResponse] = [0, 0];
  const onResponse = (kind: Kind) => (status: number) => {
    lastResponse = performance.now();
    requests++;
    statuses[kind][status] = (statuses[kind][status] ?? 0) + 1;
  };
  const [pids, started] = [target.pids(), performance.now()];
  const cpuBefore = cpuMs(pids);
  // The mix's next `amount` requests for this target, each connection sending its own consecutive part
  // (autocannon starts every connection at the first request: N requests on C connections would be the
  // mix's first N / C, again and again, a few dozen visitors and links).
  const [from, share, clients] = [nextOf.get(target.url) ?? 0, Math.ceil(amount / connections), { n: 0 }];
  nextOf.set(target.url, from + amount);
  const sequence = Array.from({ length: amount }, (_, i) => traffic[(from + i) % traffic.length]!).map(
    ({ kind, ...request }) => ({ ...request, onResponse: onResponse(kind) }),
  );
  const setupClient = (client: Client) => {
    const part = sequence.slice(clients.n * share, ++clients.n * share);
    client.requestIterator.setRequests(part.length > 0 ? part : sequence);
    skipHeadResponseBodies(client);
  };
  const fixed = { url: target.url, connections, amount, timeout: 10, setupClient };
  const instance = autocannon({ ...fixed, overallRate: requestsPerSecond, requests: sequence.slice(0, 1) });
  const what = `load run against ${target.url}`;
  const result = await withTimeout(Promise.resolve(instance), limitMs, what).catch((error: unknown) => {
    instance.stop();
    throw error;
  });
  // autocannon notices that `amount` is reached only on its 1 s tick, so its own
  // duration (and requests/s) is quantized; time from start to the last answer instead.
  const seconds = lastResponse > started ? (lastResponse - started) / 1000 : result.duration;
  // The server's CPU until its queue has delivered the run's last batch (`settleMs`), so each run
  // pays for its own clicks' consumer, not for some of the run before.
  await sleep(settleMs);
  const serverCpuUs = requests > 0 ? ((cpuMs(pids) - cpuBefore) * 1000) / requests : 0;
  const { errors, timeouts, latency } = result;
  const rps = seconds > 0 ? requests / seconds : 0;
  return { rps, p50: latency.p50, p99: latency.p99, errors, timeouts, serverCpuUs, statuses };
}

export const describeLoad = (r: LoadRun) =>
  `${fmt(r.rps).padStart(7)} req/s  p50 ${fmt(r.p50, 1)} ms  p99 ${fmt(r.p99, 1)} ms  server CPU ${fmt(r.serverCpuUs)} µs/req` +
  (r.errors + r.timeouts > 0 ? `  errors ${r.errors} timeouts ${r.timeouts}` : '');

/**
 * autocannon's HTTP parser does not know which request a response answers, so a HEAD response without
 * Content-Length (correct HTTP, what workerd sends) makes it wait for a body until the request times
 * out: the parser is told to skip the body of answers to HEAD (assigned after setupClient: an accessor).
 */
type Client = {
  parser: object & { constructor: { kOnHeadersComplete?: number } };
  requestIterator: { currentRequest?: { method?: string }; setRequests(requests: object[]): void };
};
function skipHeadResponseBodies(client: Client): void {
  const key = client.parser.constructor.kOnHeadersComplete;
  if (key === undefined) throw new Error('unexpected autocannon version: no HTTPParser.kOnHeadersComplete');
  let handler: (...args: unknown[]) => unknown = () => undefined;
  const onHeadersComplete = (...args: unknown[]) => {
    const result = handler(...args);
    return client.requestIterator.currentRequest?.method === 'HEAD' ? 1 : result;
  };
  const set = (fn: typeof handler) => void (handler = fn);
  Object.defineProperty(client.parser, key, { configurable: true, get: () => onHeadersComplete, set });
}
