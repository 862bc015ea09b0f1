/** Reads the content folder from disk for the CLI scripts and the build. */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { parseDocument } from 'yaml';
import { validateContent, type ContentSources, type SourceFile } from '../../domain/content/validate.ts';

/**
 * Parsed files by the SHA-256 of their text, kept between builds (docs/scale.md): YAML
 * parsing is most of a large build's content time (about 22 s for 10,000 creators'
 * 50 MB), so a build parses only the files whose bytes changed. A hit is exactly what
 * parsing the same text gives; the key includes the parser's options version.
 */
/** Entries are kept serialized (v8), so a cold build does not hold every file's parse tree at once. */
type ParseCache = { entries: Map<string, Uint8Array>; used: Set<string>; added: number };

/** The cache format and the parser's exact version: a `yaml` upgrade starts a cold cache. */
const PARSE_CACHE_VERSION = `v1 yaml@${(createRequire(import.meta.url)('yaml/package.json') as { version: string }).version}`;

export function readSource(root: string, file: string, cache?: ParseCache): SourceFile {
  const path = relative(process.cwd(), join(root, file)) || file;
  if (!existsSync(join(root, file))) return { path, data: undefined };
  const text = readFileSync(join(root, file), 'utf8');
  if (!cache) return parseYaml(path, text);
  const key = createHash('sha256').update(PARSE_CACHE_VERSION).update(text).digest('base64');
  cache.used.add(key);
  const hit = cache.entries.get(key);
  if (hit) {
    const stored: unknown = deserialize(hit);
    if (stored !== null && typeof stored === 'object' && ('data' in stored || 'syntaxError' in stored))
      return { ...(stored as Omit<SourceFile, 'path'>), path } as SourceFile;
  }
  const parsed = parseYaml(path, text);
  const { path: _path, ...rest } = parsed;
  cache.entries.set(key, serialize(rest));
  cache.added++;
  return parsed;
}

export function parseYaml(path: string, text: string): SourceFile {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
    const message = (error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '');
    return { path, syntaxError: { line: pos.line, column: pos.col, message } };
  }
  return { path, data: doc.toJS() };
}

function yamlFiles(root: string, folder: string): string[] {
  const dir = join(root, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(folder, name));
}

/** A folder's files, each parsed (or taken from `cache`) when the iteration reaches it. */
function* streamFolder(root: string, folder: string, cache?: ParseCache): Generator<SourceFile> {
  for (const file of yamlFiles(root, folder)) yield readSource(root, file, cache);
}

/** The site's public folder (Astro's publicDir). */
export const PUBLIC_DIR = 'site/public';

/** Every file under the public images folder, as the URL paths the site serves them at. */
export function listPublicImages(publicDir = PUBLIC_DIR): Set<string> {
  const dir = join(publicDir, 'images');
  if (!existsSync(dir)) return new Set();
  return new Set(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => `/${relative(publicDir, join(entry.parentPath, entry.name)).split(sep).join('/')}`),
  );
}

/** Everything under a content root, ready for `validateContent`. */
/** Everything under a content root, ready for `validateContent` (and for tests to change). */
export function readContentSources(
  root: string,
): ContentSources & { influencers: SourceFile[]; products: SourceFile[] } {
  const sources = streamContentSources(root);
  return { ...sources, influencers: [...sources.influencers], products: [...sources.products] };
}

/** The same sources for one pass of validation: files are parsed as validation reaches them. */
function streamContentSources(root: string, cache?: ParseCache): ContentSources {
  return {
    program: readSource(root, 'program.yaml', cache),
    retailers: readSource(root, 'retailers.yaml', cache),
    rates: readSource(root, 'commission-rates.yaml', cache),
    influencers: streamFolder(root, 'influencers', cache),
    products: streamFolder(root, 'products', cache),
    publicImages: listPublicImages(),
  };
}

/** Reads and validates a content folder, parsing every file. */
export function loadContent(root: string) {
  return validateContent(readContentSources(root));
}

/** Where the build keeps its parse cache (CI caches this folder, .github/workflows/deploy.yml). */
export function parseCacheFile(): string {
  return (
    process.env.SHOPFRONT_PARSE_CACHE ?? join('node_modules', '.cache', 'shopfront', 'content-parse.bin')
  );
}

function openParseCache(file: string): ParseCache {
  const cache: ParseCache = { entries: new Map(), used: new Set(), added: 0 };
  try {
    if (existsSync(file)) {
      const stored: unknown = deserialize(readFileSync(file));
      if (stored instanceof Map) cache.entries = stored as ParseCache['entries'];
    }
  } catch {
    // An unreadable cache is a cold cache.
  }
  return cache;
}

function saveParseCache(file: string, cache: ParseCache): void {
  const unused = cache.entries.size - cache.used.size;
  if (cache.added === 0 && unused === 0) return;
  // Only what this content used: a cache never grows past one program.
  const kept = new Map([...cache.entries].filter(([key]) => cache.used.has(key)));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, serialize(kept));
  renameSync(`${file}.tmp`, file);
}

const LOADED = Symbol.for('shopfront.content.loaded');

function buildContentMemo(): Map<string, ReturnType<typeof loadContent>> {
  return ((globalThis as { [LOADED]?: Map<string, ReturnType<typeof loadContent>> })[LOADED] ??= new Map());
}

/** Lets the build's content go once everything derived from it is written (the content gate). */
export function forgetBuildContent(root: string): void {
  buildContentMemo().delete(resolve(root));
}

/**
 * The build's content: validated once per process, whichever module graph asks (the
 * content gate in the Astro config and the collections' loader in Vite's runner each
 * have their own copy of this module, so the memo lives on globalThis), and parsed
 * only where files changed since the last build. `fresh` reads the folder again (dev).
 */
export function loadBuildContent(
  root: string,
  options: { fresh?: boolean } = {},
): ReturnType<typeof loadContent> {
  const memo = ((globalThis as { [LOADED]?: Map<string, ReturnType<typeof loadContent>> })[LOADED] ??=
    new Map());
  const key = resolve(root);
  const known = memo.get(key);
  if (known && !options.fresh) return known;
  const file = parseCacheFile();
  const cache = openParseCache(file);
  const result = validateContent(streamContentSources(root, cache));
  saveParseCache(file, cache);
  memo.set(key, result);
  return result;
}
