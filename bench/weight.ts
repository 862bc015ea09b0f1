/**
 * `npm run bench:weight`: the largest sample storefront as a shopper gets it, fetched over HTTP
 * from a snapshot of the build served as the end-to-end tests serve it (as bench:lighthouse).
 * Weight of HTML, CSS, JS and images (raw, gzip 6, brotli 11; compressed here). Targets: <= 14 KB
 * compressed HTML for the storefront and its first list page, no JS; storefront p50 from the
 * Workers cache within 1.5x a static asset's, timed interleaved after a cache miss (issue 13;
 * docs/scale.md).
 *
 * Flags: --handle NAME (default jess-home-lab), --build (astro build first), --requests N
 * (default 300), --static PATH (the static page to compare with, default /).
 * Last stdout line: the figures as JSON (see bench/lib/report.ts).
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { withServedBuild } from './lib/built-site.ts';
import { sleep } from '../scripts/lib/harness/process.ts';
import { benchArgs, fmt, numberArg, quantile, round, runBenchmark, type Measured } from './lib/report.ts';

const args = benchArgs();
const options = {
  handle: args.get('handle') ?? 'jess-home-lab',
  build: args.has('build'),
  requests: Math.round(numberArg(args, 'requests', 300)),
  static: args.get('static') ?? '/',
};
const HTML_TARGET_BYTES = 14 * 1024;
/** Storefront p50 / static p50 (issue 13). */
const SERVING_TARGET_RATIO = 1.5;
/** Untimed request pairs before the timed ones (the first of them a cache hit already). */
const WARMUP_PAIRS = 5;
const CACHE_HEADER = 'X-Shopfront-Cache';

type Size = Record<'raw' | 'gzip' | 'brotli', number>;

/** The summed sizes of `parts`: gzip at level 6 (servers on the fly), brotli at quality 11 (precompressed). */
function sizes(...parts: (Buffer | string)[]): Size {
  const size: Size = { raw: 0, gzip: 0, brotli: 0 };
  for (const part of parts) {
    const buffer = Buffer.from(part);
    size.raw += buffer.length;
    size.gzip += gzipSync(buffer, { level: 6 }).length;
    size.brotli += brotliCompressSync(buffer, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length;
  }
  return size;
}

function attr(tag: string, name: string): string | null {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return match ? (match[1] ?? match[2] ?? match[3] ?? '') : null;
}

/** The opening tags `<name ...>` of `html`, those matching `filter` if given. */
function tags(html: string, name: string, filter = /./): string[] {
  return (html.match(new RegExp(`<${name}\\b[^>]*>`, 'gi')) ?? []).filter((t) => filter.test(t));
}

/** The URLs of a srcset attribute. */
const srcsetUrls = (srcset: string | null) =>
  (srcset ?? '').split(',').map((p) => p.trim().split(/\s+/)[0] ?? '');

const cssUrls = (css: string) =>
  [...css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');

interface Fetched {
  status: number;
  headers: Headers;
  body: Buffer;
  /** From sending the request to having read the whole body. */
  ms: number;
}

/** One GET through Node's fetch (one keep-alive pool for the whole bench); with `ok`, a 200 or an error. */
async function get(origin: string, path: string, ok = true): Promise<Fetched> {
  const started = performance.now();
  const response = await fetch(new URL(path, origin), {
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  const body = Buffer.from(await response.arrayBuffer());
  if (ok && response.status !== 200)
    throw new Error(`GET ${path} answered ${response.status}: ${body.toString('utf8').slice(0, 200)}`);
  return { status: response.status, headers: response.headers, body, ms: performance.now() - started };
}

/** Nearest-rank quantiles of request times in ms. */
function latency(times: readonly number[]) {
  const q = (p: number) => round(quantile(times, p), 2);
  return { n: times.length, p50: q(0.5), p99: q(0.99), max: q(1) };
}

/** The storefront's first request on a fresh server (a cache miss), then asked until it comes from the cache. */
async function missThenHit(origin: string, storefront: string): Promise<{ miss: Fetched; cached: Fetched }> {
  await get(origin, '/healthz', false); // the isolate warm, the page not yet rendered
  const miss = await get(origin, storefront);
  const missHeader = miss.headers.get(CACHE_HEADER);
  if (missHeader === null)
    throw new Error(
      `GET ${storefront} has no ${CACHE_HEADER} header, so the worker did not render it: is dist/ an older build with prerendered storefronts? Run with --build`,
    );
  if (missHeader !== 'MISS')
    throw new Error(`the first GET ${storefront} on a fresh server was ${missHeader}, not MISS`);
  // The worker stores the page after answering (waitUntil): ask until it comes from the cache.
  for (let tries = 1; ; tries++) {
    const cached = await get(origin, storefront);
    if (cached.headers.get(CACHE_HEADER) === 'HIT') return { miss, cached };
    if (tries >= 50)
      throw new Error(
        `GET ${storefront} still answered ${cached.headers.get(CACHE_HEADER)} after ${tries} requests`,
      );
    await sleep(100);
  }
}

/** What the page makes a browser fetch from this server (stylesheets, scripts, images), fetched. */
async function resources(origin: string, html: string, pageUrl: string) {
  /** Referenced same-origin URLs this server did not answer 200 for. */
  const missing = new Set<string>();
  /** The bodies of the same-origin URLs (resolved against `base`) among `urls`. */
  const fetchAll = async (urls: string[], base = pageUrl): Promise<Map<string, Buffer>> => {
    const out = new Map<string, Buffer>();
    for (const raw of urls) {
      if (!raw || raw.startsWith('data:')) continue;
      const url = URL.parse(raw, base);
      if (url === null) missing.add(raw);
      if (url?.origin !== origin || out.has(url.pathname + url.search)) continue;
      const answer = await get(origin, url.pathname + url.search, false);
      if (answer.status === 200) out.set(url.pathname + url.search, answer.body);
      else missing.add(raw);
    }
    return out;
  };
  const href = (t: string) => attr(t, 'href') ?? '';
  const css = await fetchAll(tags(html, 'link', /\brel\s*=\s*["']?[^"'>]*stylesheet/i).map(href));
  const inlineCss = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1] ?? '');
  const preloads = tags(html, 'link', /\brel\s*=\s*["']?(modulepreload|preload)/i).filter(
    (t) => /modulepreload/i.test(t) || /\bas\s*=\s*["']?script/i.test(t),
  );
  const scripts = tags(html, 'script');
  const js = await fetchAll([...scripts.map((t) => attr(t, 'src') ?? ''), ...preloads.map(href)]);
  const inlineJs = scripts
    .filter((t) => attr(t, 'src') === null && !/\btype\s*=\s*["']?application\/(ld\+)?json/i.test(t))
    .map((t) => {
      const start = html.indexOf(t) + t.length;
      return html.slice(start, Math.max(start, html.indexOf('</script>', start)));
    });
  const eventHandlers = (html.match(/\son[a-z]+\s*=\s*["']/gi) ?? []).length;
  const img = tags(html, 'img');
  const imageFiles = await fetchAll([
    ...img.flatMap((t) => [attr(t, 'src') ?? '', ...srcsetUrls(attr(t, 'srcset'))]),
    ...tags(html, 'source').flatMap((t) => srcsetUrls(attr(t, 'srcset'))),
    ...tags(html, 'link', /\brel\s*=\s*["']?[^"'>]*icon/i).map(href),
    ...inlineCss.flatMap(cssUrls),
  ]);
  // A stylesheet's url()s are relative to the stylesheet.
  for (const [path, body] of css)
    for (const [url, b] of await fetchAll(cssUrls(body.toString('utf8')), new URL(path, origin).href))
      imageFiles.set(url, b);
  const lazy = img.filter((t) => /\bloading\s*=\s*["']?lazy/i.test(t)).length;
  const imageNote = `${imageFiles.size} file(s), ${lazy} of ${img.length} <img> lazy`;
  return {
    css,
    inlineCss,
    js,
    inlineJs,
    eventHandlers,
    imageFiles,
    imageNote: missing.size > 0 ? `${imageNote}; ${missing.size} referenced URL(s) not served` : imageNote,
  };
}

/** The first requests (cache misses) of the other storefronts the directory links to. */
async function otherMisses(origin: string, storefront: string): Promise<number[]> {
  const links = (await get(origin, '/')).body.toString('utf8').matchAll(/href="(\/shop\/[a-z0-9-]+\/)"/g);
  const times: number[] = [];
  for (const path of new Set([...links].map((m) => m[1] ?? ''))) {
    if (path === storefront) continue;
    const answer = await get(origin, path);
    const state = answer.headers.get(CACHE_HEADER);
    if (state !== 'MISS')
      throw new Error(`the first GET ${path} was ${state ?? 'not from the worker'}, not MISS`);
    times.push(answer.ms);
  }
  return times;
}

/** Cache hits of the storefront against the static page, interleaved, on the same connection pool. */
async function interleaved(origin: string, storefront: string) {
  const timed = { storefront: [] as number[], static: [] as number[] };
  const cacheStates = new Map<string, number>();
  let staticBytes = 0;
  for (let i = 0; i < WARMUP_PAIRS + options.requests; i++) {
    for (const path of i % 2 === 0 ? [storefront, options.static] : [options.static, storefront]) {
      const answer = await get(origin, path);
      if (i < WARMUP_PAIRS) continue;
      if (path === storefront) {
        timed.storefront.push(answer.ms);
        const state = answer.headers.get(CACHE_HEADER) ?? 'none';
        cacheStates.set(state, (cacheStates.get(state) ?? 0) + 1);
      } else {
        timed.static.push(answer.ms);
        staticBytes = answer.body.length;
      }
    }
  }
  return { timed, cacheStates, staticBytes };
}

async function measure(origin: string): Promise<Measured> {
  const storefront = `/shop/${options.handle}/`;
  const { miss, cached } = await missThenHit(origin, storefront);
  const html = cached.body.toString('utf8');
  const { css, inlineCss, js, inlineJs, eventHandlers, imageFiles, imageNote } = await resources(
    origin,
    html,
    new URL(storefront, origin).href,
  );
  const products = new Set(
    [...html.matchAll(new RegExp(`href="/go/${options.handle}/([^/"?]+)`, 'g'))].map((m) => m[1]),
  );

  // The first list page: its own first request is a cache miss too.
  const listSlug = new RegExp(`href="/shop/${options.handle}/([a-z0-9-]+)/"`).exec(html)?.[1];
  if (!listSlug) throw new Error(`GET ${storefront} links to no list page (/shop/${options.handle}/<list>/)`);
  const listPath = `/shop/${options.handle}/${listSlug}/`;
  const list = await get(origin, listPath);

  const missLatency = latency(await otherMisses(origin, storefront));
  const { timed, cacheStates, staticBytes } = await interleaved(origin, storefront);
  const hitLatency = latency(timed.storefront);
  const staticLatency = latency(timed.static);
  const ratio = hitLatency.p50 / staticLatency.p50;
  const cacheNote = [...cacheStates].map(([state, n]) => `${state} ${n}`).join(', ');

  const weights = {
    html: sizes(html),
    inlineCss: sizes(...inlineCss),
    css: sizes(...css.values()),
    js: sizes(...js.values(), ...inlineJs),
    images: sizes(...imageFiles.values()),
    list: sizes(list.body),
  };
  const total = sizes(html, ...css.values(), ...js.values(), ...inlineJs, ...imageFiles.values());
  const kb = (n: number) => `${fmt(n / 1024, 1)} KB`;
  const ms = (n: number) => `${fmt(n, 1)} ms`;
  const compressed = (size: Size) => `raw ${kb(size.raw)}, brotli ${kb(size.brotli)}`;

  /** A weight in KB (gzip unless said), against one TCP initial window where `windowed`. */
  const weight = (name: string, size: Size, note: string, windowed = false, key: keyof Size = 'gzip') => ({
    name,
    value: round(size[key] / 1024, 1),
    unit: 'KB',
    ...(windowed ? { target: '<= 14 KB', met: size[key] <= HTML_TARGET_BYTES } : {}),
    note,
  });
  const served = (name: string, value: number, note: string) => ({
    name,
    value: round(value, 1),
    unit: 'ms',
    note,
  });
  return {
    options: {
      compression: 'gzip level 6, brotli quality 11 (node:zlib)',
      served: 'wrangler dev on a snapshot of the build, fetched with Node fetch',
    },
    figures: [
      { name: `${storefront} products linked`, value: products.size },
      weight(
        'HTML (gzip)',
        weights.html,
        `${compressed(weights.html)}; inline CSS ${kb(weights.inlineCss.raw)} raw`,
        true,
      ),
      weight('HTML (brotli)', weights.html, '', true, 'brotli'),
      weight('CSS files (gzip)', weights.css, `${css.size} file(s), raw ${kb(weights.css.raw)}`),
      {
        ...weight(
          'JS (gzip)',
          weights.js,
          `${js.size} file(s), ${inlineJs.length} inline script(s) (JSON-LD not counted), ${eventHandlers} inline event handlers`,
        ),
        target: 'no required JS',
        met: js.size + inlineJs.length === 0 && eventHandlers === 0,
      },
      {
        name: 'images (raw / gzip)',
        value: `${kb(weights.images.raw)} / ${kb(weights.images.gzip)}`,
        note: imageNote,
      },
      weight('total (gzip)', total, compressed(total)),
      weight(`list page ${listPath} HTML (gzip)`, weights.list, compressed(weights.list), true),
      served(
        `wrangler dev: ${storefront} cache miss (first request)`,
        miss.ms,
        `${CACHE_HEADER}: MISS; first requests of ${missLatency.n} other storefronts: p50 ${ms(missLatency.p50)}, max ${ms(missLatency.max)}; ${listPath} ${ms(list.ms)}`,
      ),
      served(
        `wrangler dev: ${storefront} from the Workers cache: p50`,
        hitLatency.p50,
        `p99 ${ms(hitLatency.p99)} over ${hitLatency.n} GETs; ${CACHE_HEADER}: ${cacheNote}`,
      ),
      served(
        `wrangler dev: ${options.static} (static asset, ${kb(staticBytes)}): p50`,
        staticLatency.p50,
        `p99 ${ms(staticLatency.p99)} over ${staticLatency.n} GETs, interleaved with the storefront's`,
      ),
      {
        name: 'wrangler dev: storefront p50 / static p50',
        value: round(ratio, 2),
        unit: 'x',
        target: `<= ${SERVING_TARGET_RATIO} x`,
        met: ratio <= SERVING_TARGET_RATIO && cacheStates.get('HIT') === hitLatency.n,
        note: `storefront ${kb(weights.html.raw)} from the Workers cache, static ${kb(staticBytes)}; Node fetch, one keep-alive pool`,
      },
    ],
    details: { weights },
  };
}

await runBenchmark('weight', options, () => withServedBuild('weight', options.build, measure));
