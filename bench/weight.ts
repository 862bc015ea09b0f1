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
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { ELEMENT_NODE, parse, walkSync, type ElementNode } from 'ultrahtml';
import { withServedBuild } from './lib/built-site.ts';
import { sleep } from '../scripts/lib/harness/process.ts';
import { fmt, latency, options as flags, round, row, runBenchmark, type Figure } from './lib/report.ts';

const options = flags({ handle: 'jess-home-lab', build: false, requests: 300, static: '/' });
/** Compressed HTML: one TCP initial window; storefront p50 / static p50 (issue 13); untimed request pairs before the timed ones. */
const [HTML_TARGET_BYTES, SERVING_TARGET_RATIO, WARMUP_PAIRS] = [14 * 1024, 1.5, 5];
const CACHE = 'X-Shopfront-Cache';

/** The summed sizes of `parts`: gzip at level 6 (servers on the fly), brotli at quality 11 (precompressed). */
function sizes(...parts: (Buffer | string)[]) {
  const sum = (size: (b: Buffer) => Uint8Array) => parts.reduce((n, p) => n + size(Buffer.from(p)).length, 0);
  const quality = { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } };
  const [gzip, brotli] = [sum((b) => gzipSync(b, { level: 6 })), sum((b) => brotliCompressSync(b, quality))];
  return { raw: sum((b) => b), gzip, brotli };
}

/** A srcset candidate's URL: its first word. */
const firstWord = (text: string) => text.trim().split(/\s+/)[0] ?? '';
const cssUrls = (css: string) =>
  [...css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');

/** One GET through Node's fetch (one keep-alive pool for the whole bench), timed to its whole body; with `ok`, a 200 or an error. */
async function get(origin: string, path: string, ok = true) {
  const started = performance.now();
  const init = { redirect: 'manual', signal: AbortSignal.timeout(30_000) } as const;
  const response = await fetch(new URL(path, origin), init);
  const [status, cache] = [response.status, response.headers.get(CACHE)];
  const body = Buffer.from(await response.arrayBuffer());
  if (ok && status !== 200)
    throw new Error(`GET ${path} answered ${status}: ${body.toString().slice(0, 200)}`);
  return { status, cache, body, ms: performance.now() - started };
}

/** The storefront's first request on a fresh server (a cache miss), then asked until it comes from the cache. */
async function missThenHit(origin: string, storefront: string) {
  await get(origin, '/healthz', false); // the isolate warm, the page not yet rendered
  const miss = await get(origin, storefront);
  const was = miss.cache ?? `not rendered by the worker (no ${CACHE}: an older build? Run with --build)`;
  if (miss.cache !== 'MISS')
    throw new Error(`the first GET ${storefront} on a fresh server was ${was}, not MISS`);
  // The worker stores the page after answering (waitUntil): ask until it comes from the cache.
  for (let tries = 1; ; tries++, await sleep(100)) {
    const cached = await get(origin, storefront);
    if (cached.cache === 'HIT') return { miss, cached };
    if (tries >= 50)
      throw new Error(`GET ${storefront} still answered ${cached.cache} after ${tries} requests`);
  }
}

/** What the page makes a browser fetch from this server (stylesheets, scripts, images), fetched. */
async function resources(origin: string, html: string, pageUrl: string) {
  const elements: ElementNode[] = [];
  walkSync(parse(html), (node) => void (node.type === ELEMENT_NODE && elements.push(node)));
  const of = (name: string, rel?: RegExp) =>
    elements.filter((e) => e.name === name && (!rel || rel.test(e.attributes.rel ?? '')));
  const attr = (name: string) => (e: ElementNode) => e.attributes[name] ?? '';
  const text = (e: ElementNode) => e.children.map((c) => String(c.value ?? '')).join('');
  const srcset = (e: ElementNode) => attr('srcset')(e).split(',').map(firstWord);
  /** Referenced same-origin URLs this server did not answer 200 for. */
  const missing = new Set<string>();
  /** The bodies of the same-origin URLs (resolved against `base`) among `urls`. */
  const fetchAll = async (urls: string[], base = pageUrl, out = new Map<string, Buffer>()) => {
    for (const raw of urls.filter((u) => u && !u.startsWith('data:'))) {
      const url = URL.parse(raw, base);
      if (url === null) missing.add(raw);
      if (url?.origin !== origin || out.has(url.pathname + url.search)) continue;
      const answer = await get(origin, url.pathname + url.search, false);
      if (answer.status === 200) out.set(url.pathname + url.search, answer.body);
      else missing.add(raw);
    }
    return out;
  };
  const css = await fetchAll(of('link', /\bstylesheet\b/i).map(attr('href')));
  const inlineCss = of('style').map(text);
  const [scripts, json] = [of('script'), /^application\/(ld\+)?json/i];
  const preloads = of('link', /^(modulepreload|preload)$/i).filter(
    (e) => /modulepreload/i.test(attr('rel')(e)) || /^script$/i.test(attr('as')(e)),
  );
  const js = await fetchAll([...scripts.map(attr('src')), ...preloads.map(attr('href'))]);
  const inlineJs = scripts
    .filter((e) => e.attributes.src === undefined && !json.test(attr('type')(e)))
    .map(text);
  const img = of('img');
  const images = await fetchAll([
    ...img.flatMap((e) => [attr('src')(e), ...srcset(e)]),
    ...of('source').flatMap(srcset),
    ...of('link', /\bicon\b/i).map(attr('href')),
    ...inlineCss.flatMap(cssUrls),
  ]);
  // A stylesheet's url()s are relative to the stylesheet.
  for (const [path, body] of css)
    await fetchAll(cssUrls(body.toString('utf8')), new URL(path, origin).href, images);
  const lazy = img.filter((e) => e.attributes.loading === 'lazy').length;
  const onAttrs = elements.flatMap((e) => Object.keys(e.attributes)).filter((a) => /^on[a-z]+$/i.test(a));
  const unserved = missing.size > 0 ? `; ${missing.size} referenced URL(s) not served` : '';
  const imageNote = `${images.size} file(s), ${lazy} of ${img.length} <img> lazy${unserved}`;
  return { css, inlineCss, js, inlineJs, images, eventHandlers: onAttrs.length, imageNote };
}

/** Cache hits of the storefront against the static page, interleaved, on the same connection pool. */
async function interleaved(origin: string, storefront: string) {
  const timed = { storefront: [] as number[], static: [] as number[] };
  const cache: string[] = [];
  let staticBytes = 0;
  for (let i = 0; i < WARMUP_PAIRS + options.requests; i++)
    for (const path of i % 2 === 0 ? [storefront, options.static] : [options.static, storefront]) {
      const answer = await get(origin, path);
      if (i < WARMUP_PAIRS) continue;
      timed[path === storefront ? 'storefront' : 'static'].push(answer.ms);
      if (path === storefront) cache.push(`${answer.cache}`);
      else staticBytes = answer.body.length;
    }
  const states = Map.groupBy(cache, (state) => state);
  const cacheNote = [...states].map(([state, all]) => `${state} ${all.length}`).join(', ');
  const [hit, plain] = [latency(timed.storefront), latency(timed.static)];
  return { hit, plain, hits: states.get('HIT')?.length, cacheNote, staticBytes };
}

async function measure(origin: string): Promise<Figure[]> {
  const storefront = `/shop/${options.handle}/`;
  const { miss, cached } = await missThenHit(origin, storefront);
  const html = cached.body.toString('utf8');
  const page = await resources(origin, html, new URL(storefront, origin).href);
  const products = new Set(html.match(new RegExp(`href="/go/${options.handle}/[^/"?]+`, 'g')));
  // The first list page: its own first request is a cache miss too.
  const listSlug = new RegExp(`href="/shop/${options.handle}/([a-z0-9-]+)/"`).exec(html)?.[1];
  if (!listSlug) throw new Error(`GET ${storefront} links to no list page (/shop/${options.handle}/<list>/)`);
  const listPath = `/shop/${options.handle}/${listSlug}/`;
  const list = await get(origin, listPath);
  const served = await interleaved(origin, storefront);
  const js = [...page.js.values(), ...page.inlineJs];
  const [css, images] = [[...page.css.values()], [...page.images.values()]];
  // prettier-ignore
  const size = { html: sizes(html), css: sizes(...css), js: sizes(...js), images: sizes(...images), list: sizes(list.body) };
  const total = sizes(html, ...css, ...js, ...images);
  const [kb, ms] = [(n: number) => `${fmt(n / 1024, 1)} KB`, (n: number) => `${fmt(n, 1)} ms`];
  const KB = (n: number) => round(n / 1024, 1);
  const compressed = (size: ReturnType<typeof sizes>) => `raw ${kb(size.raw)}, brotli ${kb(size.brotli)}`;
  const window = (bytes: number) => ['<= 14 KB', bytes <= HTML_TARGET_BYTES] as const;
  const inline = `inline CSS ${kb(sizes(...page.inlineCss).raw)} raw`;
  const noJs = js.length === 0 && page.eventHandlers === 0;
  const scripts = `${page.js.size} file(s), ${page.inlineJs.length} inline script(s) (JSON-LD not counted), ${page.eventHandlers} inline event handlers`;
  const [{ hit, plain }, staticKb] = [served, kb(served.staticBytes)];
  const ratio = hit.p50 / plain.p50;
  // prettier-ignore
  return [
    row(`${storefront} products linked`, products.size),
    row('HTML (gzip)', KB(size.html.gzip), 'KB', `${compressed(size.html)}; ${inline}`, ...window(size.html.gzip)),
    row('HTML (brotli)', KB(size.html.brotli), 'KB', '', ...window(size.html.brotli)),
    row('CSS files (gzip)', KB(size.css.gzip), 'KB', `${page.css.size} file(s), raw ${kb(size.css.raw)}`),
    row('JS (gzip)', KB(size.js.gzip), 'KB', scripts, 'no required JS', noJs),
    row('images (raw / gzip)', `${kb(size.images.raw)} / ${kb(size.images.gzip)}`, undefined, page.imageNote),
    row('total (gzip)', KB(total.gzip), 'KB', compressed(total)),
    row(`list page ${listPath} HTML (gzip)`, KB(size.list.gzip), 'KB', compressed(size.list), ...window(size.list.gzip)),
    row(`wrangler dev: ${storefront} cache miss (first request)`, round(miss.ms, 1), 'ms',
      `${CACHE}: MISS; ${listPath} ${ms(list.ms)}`),
    row(`wrangler dev: ${storefront} from the Workers cache: p50`, hit.p50, 'ms',
      `p99 ${ms(hit.p99)} over ${hit.n} GETs; ${CACHE}: ${served.cacheNote}`),
    row(`wrangler dev: ${options.static} (static asset, ${staticKb}): p50`, plain.p50, 'ms',
      `p99 ${ms(plain.p99)} over ${plain.n} GETs, interleaved with the storefront's`),
    row('wrangler dev: storefront p50 / static p50', round(ratio, 2), 'x',
      `storefront ${kb(size.html.raw)} from the Workers cache, static ${staticKb}; Node fetch, one keep-alive pool`,
      `<= ${SERVING_TARGET_RATIO} x`, ratio <= SERVING_TARGET_RATIO && served.hits === hit.n),
  ];
}

const served = 'wrangler dev on a snapshot of the build, fetched with Node fetch';
await runBenchmark('weight', options, async () => ({
  options: { compression: 'gzip level 6, brotli quality 11 (node:zlib)', served },
  figures: await withServedBuild('weight', options.build, measure),
}));
