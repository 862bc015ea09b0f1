/**
 * `npm run bench:weight`: page weight of the largest sample storefront
 * (jess-home-lab, 30 products) as built: HTML, CSS, JS and images, raw, gzip and
 * brotli. Targets: <= 14 KB compressed HTML (one TCP initial window) and no JS.
 *
 * Flags: --handle NAME (default jess-home-lab), --build (astro build first).
 * Last stdout line: the figures as JSON (see bench/lib/report.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readPackedImage } from '../scripts/lib/write-image-packs.ts';
import { ensureBuilt, snapshotBuild, tempDir } from './lib/built-site.ts';
import { runBench } from './lib/proc.ts';
import { fmt, load1, log, parseArgs, printFailure, printResult, round, type Figure } from './lib/report.ts';

const args = parseArgs(process.argv.slice(2));
const options = { handle: args.get('handle') ?? 'jess-home-lab', build: args.has('build') };
const HTML_TARGET_BYTES = 14 * 1024;

interface Size {
  raw: number;
  gzip: number;
  brotli: number;
}

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

const loadStart = load1();
await runBench(main, printFailure('weight', options, loadStart));

async function main(): Promise<void> {
  await ensureBuilt(options.build);
  const snapshot = snapshotBuild(tempDir('weight'));
  const client = join(snapshot.dir, 'dist', 'client');
  const pagePath = join(client, 'shop', options.handle, 'index.html');
  if (!existsSync(pagePath)) throw new Error(`no built storefront at shop/${options.handle}/index.html`);
  const html = readFileSync(pagePath, 'utf8');
  /** A local file of the build for a root-relative URL, or null for external/missing ones. */
  const local = (url: string): string | null => {
    if (!url.startsWith('/') || url.startsWith('//')) return null;
    const path = normalize(join(client, decodeURIComponent(url.split(/[?#]/)[0] ?? '')));
    return path.startsWith(client) && existsSync(path) ? path : null;
  };
  const external = new Set<string>();
  const missing = new Set<string>();
  const files = (urls: string[]): Map<string, Buffer> => {
    const out = new Map<string, Buffer>();
    for (const url of urls) {
      if (/^https?:\/\//.test(url) || url.startsWith('//')) external.add(url);
      else {
        const path = local(url);
        // Avatars and product images are served from the image packs (docs/scale.md).
        const packed = path ? null : readPackedImage(client, decodeURIComponent(url.split(/[?#]/)[0] ?? ''));
        if (path) out.set(url, readFileSync(path));
        else if (packed) out.set(url, Buffer.from(packed));
        else missing.add(url);
      }
    }
    return out;
  };

  const stylesheetUrls = tags(html, 'link')
    .filter((t) => /\brel\s*=\s*["']?[^"'>]*stylesheet/i.test(t))
    .map((t) => attr(t, 'href') ?? '');
  const css = files(stylesheetUrls);
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
  const js = files([...externalScripts, ...preloadScripts]);
  const inlineJs = scriptTags
    .filter((t) => attr(t, 'src') === null && !isData(t))
    .map((t) => scriptBody(html, t));
  const eventHandlers = (html.match(/\son[a-z]+\s*=\s*["']/gi) ?? []).length;

  const imageUrls = [
    ...tags(html, 'img').flatMap((t) => [attr(t, 'src') ?? '', ...srcsetUrls(attr(t, 'srcset'))]),
    ...tags(html, 'source').flatMap((t) => srcsetUrls(attr(t, 'srcset'))),
    ...tags(html, 'link')
      .filter((t) => /\brel\s*=\s*["']?[^"'>]*icon/i.test(t))
      .map((t) => attr(t, 'href') ?? ''),
    ...inlineCss.flatMap(cssUrls),
    ...[...css.values()].flatMap((b) => cssUrls(b.toString('utf8'))),
  ].filter(Boolean);
  const images = files([...new Set(imageUrls)]);
  const lazyImages = tags(html, 'img').filter((t) => /\bloading\s*=\s*["']?lazy/i.test(t)).length;

  const products = new Set(
    [...html.matchAll(new RegExp(`href="/go/${options.handle}/([^/"?]+)`, 'g'))].map((m) => m[1]),
  );

  const sum = (buffers: Iterable<Buffer>) => [...buffers].reduce((total, b) => add(total, sizes(b)), ZERO);
  const weights = {
    html: sizes(html),
    inlineCss: inlineCss.reduce((total, c) => add(total, sizes(c)), ZERO),
    css: sum(css.values()),
    js: add(
      sum(js.values()),
      inlineJs.reduce((total, j) => add(total, sizes(j)), ZERO),
    ),
    images: sum(images.values()),
  };
  const total = add(add(add(weights.html, weights.css), weights.js), weights.images);
  const jsCount = js.size + inlineJs.length;
  const kb = (n: number) => `${fmt(n / 1024, 1)} KB`;
  const row = (s: Size) => `${kb(s.raw)} raw, ${kb(s.gzip)} gzip, ${kb(s.brotli)} brotli`;

  log(`\nPage weight of /shop/${options.handle}/ (${products.size} products linked)`);
  log(`  HTML     ${row(weights.html)}  (inline CSS in it: ${row(weights.inlineCss)})`);
  log(`  CSS      ${row(weights.css)}  (${css.size} stylesheet file(s))`);
  log(
    `  JS       ${row(weights.js)}  (${js.size} file(s), ${inlineJs.length} inline script(s), ${eventHandlers} inline handlers)`,
  );
  log(`  images   ${row(weights.images)}  (${images.size} file(s), ${lazyImages} lazy <img>)`);
  log(`  total    ${row(total)}`);
  if (external.size > 0) log(`  external (not counted): ${[...external].join(', ')}`);
  if (missing.size > 0) log(`  referenced but not in the build: ${[...missing].join(', ')}`);

  const figures: Figure[] = [
    { name: `/shop/${options.handle}/ products linked`, value: products.size },
    {
      name: 'HTML (gzip)',
      value: round(weights.html.gzip / 1024, 1),
      unit: 'KB',
      target: '<= 14 KB',
      met: weights.html.gzip <= HTML_TARGET_BYTES,
      note: `raw ${kb(weights.html.raw)}, brotli ${kb(weights.html.brotli)}; inline CSS ${kb(weights.inlineCss.raw)} raw`,
    },
    {
      name: 'HTML (brotli)',
      value: round(weights.html.brotli / 1024, 1),
      unit: 'KB',
      target: '<= 14 KB',
      met: weights.html.brotli <= HTML_TARGET_BYTES,
    },
    {
      name: 'CSS files (gzip)',
      value: round(weights.css.gzip / 1024, 1),
      unit: 'KB',
      note: `${css.size} file(s), raw ${kb(weights.css.raw)}`,
    },
    {
      name: 'JS (gzip)',
      value: round(weights.js.gzip / 1024, 1),
      unit: 'KB',
      target: 'no required JS',
      met: jsCount === 0 && eventHandlers === 0,
      note: `${js.size} file(s), ${inlineJs.length} inline script(s) (JSON-LD not counted), ${eventHandlers} inline event handlers`,
    },
    {
      name: 'images (raw / gzip)',
      value: `${kb(weights.images.raw)} / ${kb(weights.images.gzip)}`,
      note: `${images.size} file(s), ${lazyImages} of ${tags(html, 'img').length} <img> lazy`,
    },
    {
      name: 'total (gzip)',
      value: round(total.gzip / 1024, 1),
      unit: 'KB',
      note: `raw ${kb(total.raw)}, brotli ${kb(total.brotli)}`,
    },
  ];
  printResult({
    bench: 'weight',
    ok: true,
    load: { start: loadStart, end: load1() },
    options: { ...options, compression: 'gzip level 6, brotli quality 11 (node:zlib)' },
    figures,
    details: {
      weights,
      total,
      files: {
        css: [...css.keys()],
        js: [...js.keys()],
        images: [...images.keys()],
        external: [...external],
        missing: [...missing],
      },
    },
  });
}
