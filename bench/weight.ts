/**
 * `npm run bench:weight`: the largest sample storefront (jess-home-lab, 30 products) as a
 * shopper gets it, and how fast it is served. Storefront and list pages are rendered on demand by
 * the worker and kept in the Workers cache, and images may come from packs the worker serves, so
 * nothing is read from dist/: the bench snapshots the build, serves it as the end-to-end tests'
 * local system does (migrations, `wrangler dev`; as bench:lighthouse does) and fetches the page, then its stylesheets,
 * scripts and images, over HTTP from that server.
 *
 * Weight: HTML, CSS, JS and images, raw, gzip and brotli (compressed here, so the figures do not
 * depend on what wrangler dev compresses). Targets: <= 14 KB compressed HTML (one TCP initial
 * window) for the storefront and its first list page, and no JS.
 *
 * Serving (issue 13): storefront p50 within 1.5x of a static asset's. On the same server and with
 * the same client (Node's fetch, one keep-alive pool), each request timed until its body is read:
 * - a cache miss: the storefront's first request on the fresh server (the isolate warmed by
 *   /healthz), and the first request of every other storefront linked from `/`;
 * - after warm-up, --requests GETs each of the storefront (X-Shopfront-Cache: HIT is checked on
 *   every answer) and of `/`, the directory page, a prerendered static asset, interleaved so the
 *   shared machine's load falls on both alike: p50, p99 and the ratio of the p50s.
 *
 * Flags: --handle NAME (default jess-home-lab), --build (astro build first), --requests N
 * (default 300), --static PATH (the static page to compare with, default /).
 * Last stdout line: the figures as JSON (see bench/lib/report.ts).
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { ensureBuilt, snapshotBuild, tempDir } from './lib/built-site.ts';
import { startLocalSystem } from '../scripts/lib/harness/local-system.ts';
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

/** gzip at level 6 (what servers use on the fly) and brotli at quality 11 (precompressed). */
function sizes(data: Buffer | string): Size {
  const buffer = typeof data === 'string' ? Buffer.from(data) : data;
  return {
    raw: buffer.length,
    gzip: gzipSync(buffer, { level: 6 }).length,
    brotli: brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

function add(a: Size, b: Size): Size {
  return { raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli };
}

const ZERO: Size = { raw: 0, gzip: 0, brotli: 0 };

function attr(tag: string, name: string): string | null {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return match ? (match[1] ?? match[2] ?? match[3] ?? '') : null;
}

function tags(html: string, name: string): string[] {
  return html.match(new RegExp(`<${name}\\b[^>]*>`, 'gi')) ?? [];
}

/** The URLs of a srcset attribute. */
function srcsetUrls(srcset: string | null): string[] {
  return (srcset ?? '')
    .split(',')
    .map((part) => part.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

function cssUrls(css: string): string[] {
  return [...css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3] ?? '')
    .filter((u) => u && !u.startsWith('data:'));
}

function scriptBody(html: string, openTag: string): string {
  const start = html.indexOf(openTag) + openTag.length;
  const end = html.indexOf('</script>', start);
  return html.slice(start, end < 0 ? start : end);
}

interface Fetched {
  status: number;
  headers: Headers;
  body: Buffer;
  /** From sending the request to having read the whole body. */
  ms: number;
}

/** One GET through Node's fetch: every request of the bench shares its keep-alive connection pool. */
async function get(origin: string, path: string): Promise<Fetched> {
  const started = performance.now();
  const response = await fetch(new URL(path, origin), {
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body, ms: performance.now() - started };
}

/** A 200 answer for `path`, or an error naming the path and status. */
async function getOk(origin: string, path: string): Promise<Fetched> {
  const answer = await get(origin, path);
  if (answer.status !== 200)
    throw new Error(`GET ${path} answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 200)}`);
  return answer;
}

/** Nearest-rank quantiles of request times in ms. */
function latency(times: readonly number[]) {
  const q = (p: number) => round(quantile(times, p), 2);
  return { n: times.length, p50: q(0.5), p99: q(0.99), max: q(1) };
}

/** The storefront's first request on a fresh server (a cache miss), then asked until it comes from the cache. */
async function missThenHit(origin: string, storefront: string): Promise<{ miss: Fetched; cached: Fetched }> {
  await get(origin, '/healthz'); // the isolate warm, the page not yet rendered
  const miss = await getOk(origin, storefront);
  const missHeader = miss.headers.get(CACHE_HEADER);
  if (missHeader === null)
    throw new Error(
      `GET ${storefront} has no ${CACHE_HEADER} header, so the worker did not render it: is dist/ an older build with prerendered storefronts? Run with --build`,
    );
  if (missHeader !== 'MISS')
    throw new Error(`the first GET ${storefront} on a fresh server was ${missHeader}, not MISS`);
  // The worker stores the page after answering (waitUntil): ask until it comes from the cache.
  let cached = await getOk(origin, storefront);
  for (let tries = 1; cached.headers.get(CACHE_HEADER) !== 'HIT'; tries++) {
    if (tries >= 50)
      throw new Error(
        `GET ${storefront} still answered ${cached.headers.get(CACHE_HEADER)} after ${tries} requests`,
      );
    await sleep(100);
    cached = await getOk(origin, storefront);
  }
  return { miss, cached };
}

/** What the page makes a browser fetch from this server (stylesheets, scripts, images), fetched. */
async function resources(origin: string, html: string, pageUrl: string) {
  const external = new Set<string>();
  /** Referenced URLs this server did not answer 200 for, with what it answered. */
  const missing = new Map<string, string>();
  /** The path of a same-origin URL (resolved against `base`); others are noted as external. */
  const sameOrigin = (raw: string, base: string): string | null => {
    if (!raw || raw.startsWith('data:')) return null;
    let url: URL;
    try {
      url = new URL(raw, base);
    } catch {
      missing.set(raw, 'not a URL');
      return null;
    }
    if (url.origin !== origin) {
      external.add(raw);
      return null;
    }
    return url.pathname + url.search;
  };
  const fetchAll = async (paths: Iterable<string | null>): Promise<Map<string, Buffer>> => {
    const out = new Map<string, Buffer>();
    for (const path of new Set(paths)) {
      if (path === null || out.has(path)) continue;
      const answer = await get(origin, path);
      if (answer.status === 200) out.set(path, answer.body);
      else missing.set(path, `HTTP ${answer.status}`);
    }
    return out;
  };

  const stylesheetUrls = tags(html, 'link')
    .filter((t) => /\brel\s*=\s*["']?[^"'>]*stylesheet/i.test(t))
    .map((t) => sameOrigin(attr(t, 'href') ?? '', pageUrl));
  const css = await fetchAll(stylesheetUrls);
  const inlineCss = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1] ?? '');

  const scriptTags = tags(html, 'script');
  const isData = (t: string) => /\btype\s*=\s*["']?application\/(ld\+)?json/i.test(t);
  const externalScripts = scriptTags.filter((t) => attr(t, 'src') !== null).map((t) => attr(t, 'src') ?? '');
  const preloadScripts = tags(html, 'link')
    .filter(
      (t) =>
        /\brel\s*=\s*["']?(modulepreload|preload)/i.test(t) &&
        (/modulepreload/i.test(t) || /\bas\s*=\s*["']?script/i.test(t)),
    )
    .map((t) => attr(t, 'href') ?? '');
  const js = await fetchAll([...externalScripts, ...preloadScripts].map((u) => sameOrigin(u, pageUrl)));
  const inlineJs = scriptTags
    .filter((t) => attr(t, 'src') === null && !isData(t))
    .map((t) => scriptBody(html, t));
  const eventHandlers = (html.match(/\son[a-z]+\s*=\s*["']/gi) ?? []).length;

  const imageUrls = [
    ...[
      ...tags(html, 'img').flatMap((t) => [attr(t, 'src') ?? '', ...srcsetUrls(attr(t, 'srcset'))]),
      ...tags(html, 'source').flatMap((t) => srcsetUrls(attr(t, 'srcset'))),
      ...tags(html, 'link')
        .filter((t) => /\brel\s*=\s*["']?[^"'>]*icon/i.test(t))
        .map((t) => attr(t, 'href') ?? ''),
      ...inlineCss.flatMap(cssUrls),
    ].map((u) => sameOrigin(u, pageUrl)),
    // A stylesheet's url()s are relative to the stylesheet.
    ...[...css].flatMap(([path, b]) =>
      cssUrls(b.toString('utf8')).map((u) => sameOrigin(u, new URL(path, origin).href)),
    ),
  ];
  const imageFiles = await fetchAll(imageUrls);
  const lazyImages = tags(html, 'img').filter((t) => /\bloading\s*=\s*["']?lazy/i.test(t)).length;

  return { css, inlineCss, js, inlineJs, eventHandlers, imageFiles, lazyImages, external, missing };
}

/** The first requests (cache misses) of the other storefronts the directory links to. */
async function otherMisses(origin: string, storefront: string): Promise<number[]> {
  const directory = await getOk(origin, '/');
  const links = directory.body.toString('utf8').matchAll(/href="(\/shop\/[a-z0-9-]+\/)"/g);
  const times: number[] = [];
  for (const path of new Set([...links].map((m) => m[1] ?? ''))) {
    if (path === storefront) continue;
    const answer = await getOk(origin, path);
    if (answer.headers.get(CACHE_HEADER) !== 'MISS')
      throw new Error(
        `the first GET ${path} was ${answer.headers.get(CACHE_HEADER) ?? 'not from the worker'}, not MISS`,
      );
    times.push(answer.ms);
  }
  return times;
}

/** Cache hits of the storefront against the static page, interleaved, on the same connection pool. */
async function interleaved(origin: string, storefront: string) {
  const timed = { storefront: [] as number[], static: [] as number[] };
  const cacheStates = new Map<string, number>();
  let staticHeader: string | null = null;
  let staticBytes = 0;
  for (let i = 0; i < WARMUP_PAIRS + options.requests; i++) {
    const pair =
      i % 2 === 0 ? ([storefront, options.static] as const) : ([options.static, storefront] as const);
    for (const path of pair) {
      const answer = await getOk(origin, path);
      if (i < WARMUP_PAIRS) continue;
      if (path === storefront) {
        timed.storefront.push(answer.ms);
        const state = answer.headers.get(CACHE_HEADER) ?? 'none';
        cacheStates.set(state, (cacheStates.get(state) ?? 0) + 1);
      } else {
        timed.static.push(answer.ms);
        staticHeader = answer.headers.get(CACHE_HEADER);
        staticBytes = answer.body.length;
      }
    }
  }
  return { timed, cacheStates, staticHeader, staticBytes };
}

async function measure(origin: string): Promise<Measured> {
  const storefront = `/shop/${options.handle}/`;
  const { miss, cached } = await missThenHit(origin, storefront);
  const html = cached.body.toString('utf8');
  const { css, inlineCss, js, inlineJs, eventHandlers, imageFiles, lazyImages, external, missing } =
    await resources(origin, html, new URL(storefront, origin).href);
  const products = new Set(
    [...html.matchAll(new RegExp(`href="/go/${options.handle}/([^/"?]+)`, 'g'))].map((m) => m[1]),
  );

  // The first list page: its own first request is a cache miss too.
  const listSlug = new RegExp(`href="/shop/${options.handle}/([a-z0-9-]+)/"`).exec(html)?.[1];
  if (!listSlug) throw new Error(`GET ${storefront} links to no list page (/shop/${options.handle}/<list>/)`);
  const listPath = `/shop/${options.handle}/${listSlug}/`;
  const list = await getOk(origin, listPath);
  const listHtml = sizes(list.body);

  const missLatency = latency(await otherMisses(origin, storefront));
  const { timed, cacheStates, staticHeader, staticBytes } = await interleaved(origin, storefront);
  const hitLatency = latency(timed.storefront);
  const staticLatency = latency(timed.static);
  const ratio = hitLatency.p50 / staticLatency.p50;
  const hits = cacheStates.get('HIT') ?? 0;
  const cacheNote = [...cacheStates].map(([state, n]) => `${state} ${n}`).join(', ');

  const sum = (buffers: Iterable<Buffer>) => [...buffers].reduce((total, b) => add(total, sizes(b)), ZERO);
  const weights = {
    html: sizes(html),
    inlineCss: inlineCss.reduce((total, c) => add(total, sizes(c)), ZERO),
    css: sum(css.values()),
    js: add(
      sum(js.values()),
      inlineJs.reduce((total, j) => add(total, sizes(j)), ZERO),
    ),
    images: sum(imageFiles.values()),
  };
  const total = add(add(add(weights.html, weights.css), weights.js), weights.images);
  const kb = (n: number) => `${fmt(n / 1024, 1)} KB`;
  const ms = (n: number) => `${fmt(n, 1)} ms`;

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
  const images = `${imageFiles.size} file(s), ${lazyImages} of ${tags(html, 'img').length} <img> lazy`;
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
        `raw ${kb(weights.html.raw)}, brotli ${kb(weights.html.brotli)}; inline CSS ${kb(weights.inlineCss.raw)} raw`,
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
        note: missing.size > 0 ? `${images}; ${missing.size} referenced URL(s) not served` : images,
      },
      weight('total (gzip)', total, `raw ${kb(total.raw)}, brotli ${kb(total.brotli)}`),
      weight(
        `list page ${listPath} HTML (gzip)`,
        listHtml,
        `raw ${kb(listHtml.raw)}, brotli ${kb(listHtml.brotli)}`,
        true,
      ),
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
        met: ratio <= SERVING_TARGET_RATIO && hits === hitLatency.n,
        note: `storefront ${kb(weights.html.raw)} from the Workers cache, static ${kb(staticBytes)}; Node fetch, one keep-alive pool`,
      },
    ],
    details: {
      weights,
      files: {
        css: [...css.keys()],
        js: [...js.keys()],
        images: [...imageFiles.keys()],
        external: [...external],
        missing: Object.fromEntries(missing),
      },
      cachedBodyEqualsRendered: cached.body.equals(miss.body),
      contentEncoding: miss.headers.get('content-encoding'),
      cache: Object.fromEntries(cacheStates),
      staticCacheHeader: staticHeader,
    },
  };
}

await runBenchmark('weight', options, async () => {
  await ensureBuilt(options.build);
  const { config } = snapshotBuild(tempDir('weight'));
  const server = await startLocalSystem({ build: false, config, syncCatalog: false, logLevel: 'warn' });
  try {
    return await measure(server.url);
  } finally {
    await server.stop();
  }
});
