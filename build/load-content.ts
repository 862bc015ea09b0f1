/** Reads the content folder from disk for the CLI scripts and the build. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { ParseCache, parseCacheFile } from './parse-cache.ts';
import { validateContent, type ContentSources, type SourceFile } from '../domain/content/validate.ts';

export function readSource(root: string, file: string, cache?: ParseCache): SourceFile {
  const path = relative(process.cwd(), join(root, file)) || file;
  if (!existsSync(join(root, file))) return { path, data: undefined };
  const text = readFileSync(join(root, file), 'utf8');
  if (!cache) return parseYaml(path, text);
  // Stored without the path: the same text under another name is the same parse.
  const stored: unknown = cache.get(text, () => {
    const { path: _path, ...rest } = parseYaml(path, text);
    return rest;
  });
  if (stored !== null && typeof stored === 'object' && ('data' in stored || 'syntaxError' in stored))
    return { ...(stored as Omit<SourceFile, 'path'>), path } as SourceFile;
  return parseYaml(path, text);
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

const LOADED = Symbol.for('shopfront.content.loaded');

function buildContentMemo(): Map<string, ReturnType<typeof loadContent>> {
  return ((globalThis as { [LOADED]?: Map<string, ReturnType<typeof loadContent>> })[LOADED] ??= new Map());
}

/** Lets the build's content go once everything derived from it is written (the content gate). */
export function forgetBuildContent(root: string): void {
  buildContentMemo().delete(resolve(root));
}

const KEPT = Symbol.for('shopfront.content.kept');

/**
 * What the build keeps of its content after letting the rest go (the content gate keeps the
 * collections' data for the loaders in Vite's runner, which has its own copy of this module):
 * `value` stored under `root`, or, with no value, what is stored (undefined when nothing is).
 * `null` forgets it.
 */
export function keptFromBuildContent<T>(root: string, value?: T | null): T | undefined {
  const kept = ((globalThis as { [KEPT]?: Map<string, unknown> })[KEPT] ??= new Map());
  const key = resolve(root);
  if (value === null) kept.delete(key);
  else if (value !== undefined) kept.set(key, value);
  return kept.get(key) as T | undefined;
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
  const cache = new ParseCache(parseCacheFile());
  const result = validateContent(streamContentSources(root, cache));
  cache.save();
  memo.set(key, result);
  return result;
}
