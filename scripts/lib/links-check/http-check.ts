/**
 * Plain HTTP checks of product pages, for retailers whose entry says `link_check: http` (never
 * Amazon's hosts: domain/catalog/link-health.ts `mayRequest`). Polite by construction:
 *   at most `concurrency` requests in flight; each one `timeoutMs` at most; HEAD first, GET when
 *   HEAD is refused (405/501); redirects followed by hand, at most 5; a timeout, network error,
 *   429 or 5xx retried `retries` times after retryDelayMs x 2^attempt (a 429's Retry-After, when
 *   shorter than 30 s, instead); one user agent that names the program and its site.
 * `resolve` sends a host's requests to another origin (like curl --resolve), for a local mirror.
 *
 * Where a request may go (every hop, the content's URL included; security review, round 3): a
 * retailer's server chooses where its redirects lead, so before each request
 *   scheme       http: or https: only (a redirect to file:, data:, ftp: ... is an error, not followed)
 *   address      a host named in `resolve` goes where the operator said; any other host must not
 *                be, or resolve to, a loopback, private, link-local (cloud metadata, 169.254.169.254),
 *                shared, multicast or reserved address (PRIVATE below)
 * Residual: the address is looked up here and again by fetch, so a DNS answer that changes in
 * between (rebinding) is not caught; the check only ever reads a status code, never a body.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { mayRequest, verdictFromStatus, type LinkVerdict } from '../../../domain/catalog/link-health.ts';

export interface HttpCheckOptions {
  concurrency: number;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  userAgent: string;
  resolve: ReadonlyMap<string, string>;
}

const MAX_REDIRECTS = 5;

export interface HttpTarget {
  product: string;
  retailer: string;
  url: string;
}

/** Runs `work` over `items` with at most `limit` at a time, results in input order. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  });
  await Promise.all(runners);
  return out;
}

export function checkHttp(targets: readonly HttpTarget[], options: HttpCheckOptions): Promise<LinkVerdict[]> {
  return pool(targets, options.concurrency, (t) => checkOne(t, options));
}

async function checkOne(target: HttpTarget, options: HttpCheckOptions): Promise<LinkVerdict> {
  let url = target.url;
  let permanent = false;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const host = new URL(url).hostname;
    if (!mayRequest(host))
      return { ...target, state: 'moved', to: url, detail: `redirects to ${host}, which is never requested` };
    const refused = await destinationProblem(url, options.resolve);
    if (refused) return { ...target, state: 'error', detail: `${refused}: not requested` };
    const answer = await withRetries(url, options);
    if ('error' in answer) return { ...target, state: 'error', detail: answer.error };
    const location = answer.location;
    if (answer.status >= 300 && answer.status < 400 && location) {
      if (answer.status === 301 || answer.status === 308) permanent = true;
      url = new URL(location, url).toString();
      continue;
    }
    return verdictFromStatus(target, answer.status, url, permanent);
  }
  return { ...target, state: 'error', detail: `more than ${MAX_REDIRECTS} redirects` };
}

type Answer = { status: number; location: string | null; retryAfterS: number | null } | { error: string };

async function withRetries(url: string, options: HttpCheckOptions): Promise<Answer> {
  let last: Answer = { error: 'not requested' };
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    last = await request(url, options);
    const retry = 'error' in last || last.status === 429 || last.status >= 500;
    if (!retry || attempt === options.retries) return last;
    await sleep(delayFor(last, attempt, options.retryDelayMs));
  }
  return last;
}

function delayFor(answer: Answer, attempt: number, base: number): number {
  const backoff = base * 2 ** attempt;
  if ('error' in answer || answer.status !== 429 || answer.retryAfterS === null) return backoff;
  return answer.retryAfterS < 30 ? answer.retryAfterS * 1000 : backoff;
}

async function request(url: string, options: HttpCheckOptions): Promise<Answer> {
  const target = resolved(url, options.resolve);
  try {
    let res = await send(target, 'HEAD', options);
    if (res.status === 405 || res.status === 501) res = await send(target, 'GET', options);
    await res.body?.cancel();
    const retryAfter = Number.parseInt(res.headers.get('retry-after') ?? '', 10);
    return {
      status: res.status,
      location: res.headers.get('location'),
      retryAfterS: Number.isSafeInteger(retryAfter) && retryAfter >= 0 ? retryAfter : null,
    };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    return {
      error:
        name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : `network: ${String(error)}`,
    };
  }
}

function send(url: string, method: 'HEAD' | 'GET', options: HttpCheckOptions): Promise<Response> {
  return fetch(url, {
    method,
    redirect: 'manual',
    headers: { 'user-agent': options.userAgent, accept: 'text/html,*/*;q=0.5' },
    signal: AbortSignal.timeout(options.timeoutMs),
  });
}

/** Loopback, private, link-local, shared, multicast and reserved ranges: never requested. */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

function isPrivate(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  return PRIVATE.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** Why `url` must not be requested (scheme, or a private address), or null. */
async function destinationProblem(url: string, resolve: ReadonlyMap<string, string>): Promise<string | null> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `a ${u.protocol} URL`;
  if (resolve.has(u.host) || resolve.has(u.hostname)) return null;
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      return null; // unknown host: fetch reports the network error
    }
  }
  const inside = addresses.find(isPrivate);
  return inside === undefined ? null : `${u.hostname} is a private or local address (${inside})`;
}

/** The URL to request: a host named in `resolve` goes to that origin instead (path and query kept). */
function resolved(url: string, resolve: ReadonlyMap<string, string>): string {
  const u = new URL(url);
  const origin = resolve.get(u.host) ?? resolve.get(u.hostname);
  return origin ? `${origin.replace(/\/$/, '')}${u.pathname}${u.search}` : url;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
