/**
 * Share cards (CONTRACT section 17): a 1200x630 PNG per storefront and per list, and one for the
 * site's home page, shown by social apps when a link is pasted (`og:image`). Rendered at build
 * (never in a shopper's request) with satori (layout to SVG) and resvg (SVG to PNG, WebAssembly),
 * in a font shipped in an npm package (@fontsource/inter). A card shows the name, the avatar
 * (a local PNG, JPEG or SVG; otherwise, and for https avatars, which the build does not fetch,
 * the initials) and list titles: never a retailer's product photo (Amazon's licence forbids
 * storing them).
 *
 * Only cards whose inputs changed are rendered: a cache keyed by the SHA-256 of the renderer's
 * versions, the card's text and the avatar's bytes (build/parse-cache.ts, its own file)
 * is kept between builds (in CI by a cache step of its own, the latest deploy's, deploy.yml). The PNGs go under `images/cards/` in the static
 * assets folder, and from there into the image packs with the avatars (no file per member).
 *
 * A build renders for at most SHARE_CARD_BUDGET_S seconds (default 10), in this order:
 *   order = [site card] ++ [cards new or changed since the last run] ++ [the rest, in content order]
 *   new or changed = path not in the last run's manifest, or there under another key digest
 * so one creator's edit is rendered first, and a backlog (a cold cache: 40,001 cards for 10,000
 * creators, about 45 min) is left to `npm run cards:render` and later builds, never paid in full by
 * a rebuild. The manifest (path -> key digest of every card of the last run, rendered or not) is
 * kept beside the cache (`<cache>.paths.json`); without one, every card counts as new.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import satori from 'satori';
import type { CardJob } from './share-card-jobs.ts';
import { ParseCache } from './parse-cache.ts';

export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;

const require = createRequire(import.meta.url);
/** A package's version, from its package.json next to its resolved entry (not every package exports it). */
function versionOf(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}
/**
 * Part of every card's cache key. Bump `v1` when the drawing changes (layout, colours, text):
 * CI restores the card cache of the latest deploy by prefix (.github/workflows/deploy.yml), so an
 * old card is replaced only when its key changes, whatever the code around it.
 */
const RENDERER = `share-card v1 satori@${versionOf('satori')} resvg@${versionOf('@resvg/resvg-wasm')} inter@${versionOf('@fontsource/inter')}`;

export function shareCardCacheFile(): string {
  return process.env.SHOPFRONT_CARD_CACHE ?? join('node_modules', '.cache', 'shopfront', 'share-cards.bin');
}

let ready: Promise<{ regular: Buffer; bold: Buffer }> | null = null;

function init(): Promise<{ regular: Buffer; bold: Buffer }> {
  ready ??= (async () => {
    await initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
    const font = (weight: number) =>
      readFileSync(require.resolve(`@fontsource/inter/files/inter-latin-${weight}-normal.woff`));
    return { regular: font(400), bold: font(700) };
  })();
  return ready;
}

const PALETTE = ['#0b6e80', '#7a3e9d', '#a4461b', '#2f6b2f', '#8a2846', '#3b4fa0', '#5d5a12', '#1f5f5b'];

function colourOf(seed: string): string {
  const hash = createHash('sha256').update(seed).digest();
  return PALETTE[(hash[0] ?? 0) % PALETTE.length] ?? '#0b6e80';
}

function initials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => [...w][0]?.toUpperCase() ?? '')
      .join('') || '?'
  );
}

const AVATAR_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  svg: 'image/svg+xml',
};

/** The avatar as a data URI satori can draw, or null (initials). */
function avatarData(avatar: string | undefined, publicDir: string): { uri: string; bytes: Buffer } | null {
  if (!avatar?.startsWith('/')) return null;
  const type = AVATAR_TYPES[/\.([a-z]+)$/i.exec(avatar)?.[1]?.toLowerCase() ?? ''];
  const file = join(publicDir, avatar);
  if (!type || !existsSync(file)) return null;
  const bytes = readFileSync(file);
  return { uri: `data:${type};base64,${bytes.toString('base64')}`, bytes };
}

type Node = { type: string; props: Record<string, unknown> };
const el = (
  type: string,
  style: Record<string, unknown>,
  children?: unknown,
  extra: Record<string, unknown> = {},
): Node => ({
  type,
  props: { style, children, ...extra },
});

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

const PAD = 64;

function layout(job: CardJob, avatar: string | null): Node {
  const colour = colourOf(job.seed);
  const face = avatar
    ? el('img', { width: 240, height: 240, borderRadius: 120, border: '8px solid #ffffff' }, undefined, {
        src: avatar,
        width: 240,
        height: 240,
      })
    : el(
        'div',
        {
          width: 240,
          height: 240,
          borderRadius: 120,
          background: '#ffffff',
          color: colour,
          fontSize: 96,
          fontWeight: 700,
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'center',
        },
        initials(job.name),
      );
  return el(
    'div',
    {
      // satori sizes the content box: padding comes on top of width and height.
      width: CARD_WIDTH - 2 * PAD,
      height: CARD_HEIGHT - 2 * PAD,
      display: 'flex',
      flexDirection: 'column',
      background: colour,
      color: '#ffffff',
      fontFamily: 'Inter',
      padding: PAD,
      justifyContent: 'space-between',
    },
    [
      el('div', { display: 'flex', alignItems: 'center', gap: 56, height: 380 }, [
        face,
        el('div', { display: 'flex', flexDirection: 'column', flex: 1, minWidth: 0 }, [
          el('div', { fontSize: 30, opacity: 0.85 }, clip(job.kicker, 60)),
          el('div', { fontSize: 68, fontWeight: 700, lineHeight: 1.1, marginTop: 8 }, clip(job.title, 60)),
          el(
            'div',
            { display: 'flex', flexDirection: 'column', marginTop: 24, gap: 6 },
            job.lines
              .slice(0, 4)
              .map((line) => el('div', { fontSize: 32, opacity: 0.95 }, `· ${clip(line, 48)}`)),
          ),
        ]),
      ]),
      el(
        'div',
        {
          display: 'flex',
          fontSize: 28,
          color: '#ffffffd9',
          borderTop: '2px solid #ffffff80',
          paddingTop: 20,
        },
        clip(job.footer, 80),
      ),
    ],
  );
}

/** One card's PNG bytes. */
export async function renderShareCard(job: CardJob, publicDir: string): Promise<Uint8Array> {
  const fonts = await init();
  const avatar = avatarData(job.avatar, publicDir);
  const svg = await satori(layout(job, avatar?.uri ?? null) as Parameters<typeof satori>[0], {
    width: CARD_WIDTH,
    height: CARD_HEIGHT,
    fonts: [
      { name: 'Inter', data: fonts.regular, weight: 400, style: 'normal' },
      { name: 'Inter', data: fonts.bold, weight: 700, style: 'normal' },
    ],
  });
  // Freed now, not when the garbage collector gets to them: the WebAssembly memory holds each
  // card's 3 MB pixmap until then, and never shrinks (it reached 3.8 GiB in a build).
  const resvg = new Resvg(svg, { fitTo: { mode: 'original' } });
  const image = resvg.render();
  try {
    return image.asPng();
  } finally {
    image.free();
    resvg.free();
  }
}

/** The cache key text of a card: the renderer, the card's text and its avatar's bytes (hashed once a run). */
function cardKey(job: CardJob, publicDir: string, avatarHashes: Map<string, string>): string {
  const path = job.avatar ?? '';
  let avatarHash = avatarHashes.get(path);
  if (avatarHash === undefined) {
    const avatar = avatarData(job.avatar, publicDir);
    avatarHash = avatar ? createHash('sha256').update(avatar.bytes).digest('base64') : 'none';
    avatarHashes.set(path, avatarHash);
  }
  return `${RENDERER}\n${JSON.stringify(job)}\n${avatarHash}`;
}

export interface ShareCardReport {
  cards: number;
  rendered: number;
  /** Cards neither cached nor rendered this time (the budget ran out): their pages use the avatar. */
  skipped: number;
  ms: number;
}

/** Seconds a build may spend rendering cards (SHARE_CARD_BUDGET_S, default 10); the rest wait for the next. */
export function shareCardBudgetMs(): number {
  const seconds = Number(process.env.SHARE_CARD_BUDGET_S ?? 10);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 10_000;
}

/** Path -> digest of the card's key, for every card of a run (the header's manifest). */
export type CardManifest = Map<string, string>;

/** The job indexes in render order (the header's formula): the site card, new or changed, the rest. */
export function renderOrder(paths: readonly string[], digests: readonly string[], last: CardManifest | null) {
  const fresh = (i: number) => last === null || last.get(paths[i] ?? '') !== digests[i];
  const rest = paths.map((_, i) => i).slice(1);
  return [0, ...rest.filter(fresh), ...rest.filter((i) => !fresh(i))].slice(0, paths.length);
}

function readManifest(file: string): CardManifest | null {
  try {
    return new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>));
  } catch {
    return null; // none yet, or unreadable: every card counts as new
  }
}

/**
 * Writes every card that is cached or can be rendered within `budgetMs` under `outDir` (null:
 * only fill the cache, `npm run cards:render`), rendering only those not in the cache, in
 * `renderOrder`; the first job (the site's card) is always rendered. Returns the paths of the
 * cards written.
 */
export async function writeShareCards(
  jobs: readonly CardJob[],
  outDir: string | null,
  options: { publicDir?: string; cacheFile?: string; budgetMs?: number } = {},
): Promise<ShareCardReport & { ready: Set<string> }> {
  const { publicDir = 'site/public', cacheFile = shareCardCacheFile(), budgetMs = Infinity } = options;
  const started = performance.now();
  const avatarHashes = new Map<string, string>();
  const keys = jobs.map((job) => cardKey(job, publicDir, avatarHashes));
  const digests = keys.map((key) => createHash('sha256').update(key).digest('base64').slice(0, 16));
  const paths = jobs.map((job) => job.path);
  const cache = new ParseCache(cacheFile);
  const ready = new Set<string>();
  let rendered = 0;
  const order = renderOrder(paths, digests, readManifest(`${cacheFile}.paths.json`));
  try {
    for (const [n, i] of order.entries()) {
      const [job, key] = [jobs[i]!, keys[i]!];
      const outOfTime = n > 0 && performance.now() - started > budgetMs;
      const png = outOfTime
        ? cache.peek<Uint8Array>(key)
        : await cache.getAsync(key, async () => {
            rendered++;
            return renderShareCard(job, publicDir);
          });
      if (png === null) continue;
      ready.add(job.path);
      if (outDir === null) continue;
      const file = join(outDir, job.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, png);
    }
  } finally {
    cache.save();
  }
  // After a run that went through: a failed one leaves its new and changed cards first for the next.
  const manifest = Object.fromEntries(paths.map((path, i) => [path, digests[i]]));
  writeFileSync(`${cacheFile}.paths.json`, JSON.stringify(manifest));
  const ms = Math.round(performance.now() - started);
  return { cards: jobs.length, rendered, skipped: jobs.length - ready.size, ms, ready };
}
