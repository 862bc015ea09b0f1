/** Content files as path -> text, from the working tree or from git, and as parse-ready sources. */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { baseName, type ContentSources, type SourceFile } from '../../../domain/content/validate.ts';
import {
  ADMIN_FILES,
  CONTENT_DIR,
  INFLUENCER_DIR,
  isContentFile,
  isInfluencerFile,
} from '../../../domain/vet/changes.ts';
import { memberImagePath, type ChangedPath } from '../../../domain/vet/paths.ts';
import { parseYaml } from '../../../build/load-content.ts';

/** The working tree's content files (the same set `loadContent` reads), keyed like git paths. */
export function readContentFromDisk(): Map<string, string> {
  const files = new Map<string, string>();
  const paths = [...ADMIN_FILES];
  for (const folder of ['influencers', 'products']) {
    const dir = `${CONTENT_DIR}/${folder}`;
    if (existsSync(dir)) paths.push(...readdirSync(dir).map((name) => `${dir}/${name}`));
  }
  for (const path of paths.filter(isContentFile).sort())
    if (existsSync(path)) files.set(path, readFileSync(path, 'utf8'));
  return files;
}

/**
 * Content paths that are symbolic links. The check reads a pull request's files
 * with the base branch's code and posts what it read, so a link to a file
 * elsewhere on the runner must never be followed.
 */
export function symlinkedContent(): string[] {
  const top = [CONTENT_DIR, ...ADMIN_FILES, `${CONTENT_DIR}/influencers`, `${CONTENT_DIR}/products`];
  const found = top.filter(isSymlink);
  if (found.length > 0) return found;
  for (const folder of ['influencers', 'products']) {
    const dir = `${CONTENT_DIR}/${folder}`;
    if (existsSync(dir))
      found.push(
        ...readdirSync(dir)
          .map((name) => `${dir}/${name}`)
          .filter(isSymlink),
      );
  }
  return found;
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Parses files read from git exactly as load-content parses files on disk. */
export function sourcesFrom(files: ReadonlyMap<string, string>): ContentSources {
  const read = (path: string) => {
    const text = files.get(path);
    return text === undefined ? { path, data: undefined } : parseYaml(path, text);
  };
  const folder = (name: string) =>
    [...files.keys()]
      .filter((p) => p.startsWith(`${CONTENT_DIR}/${name}/`))
      .sort()
      .map(read);
  return {
    program: read(`${CONTENT_DIR}/program.yaml`),
    retailers: read(`${CONTENT_DIR}/retailers.yaml`),
    rates: read(`${CONTENT_DIR}/commission-rates.yaml`),
    influencers: folder('influencers'),
    products: folder('products'),
  };
}

/** Whether "/images/x.svg" exists under site/public (never outside it). */
export function publicFileExists(path: string): boolean {
  const root = resolve('site/public');
  const full = resolve(root, `.${path}`);
  return full.startsWith(root + sep) && existsSync(full);
}

/**
 * The head side of each changed path: member images are read (a symbolic link is
 * reported, never followed); other files are not read, only their path matters.
 */
export function readChangedPaths(
  paths: readonly { path: string; status: ChangedPath['status'] }[],
): ChangedPath[] {
  return paths.map(({ path, status }) => {
    if (status === 'removed' || (!existsSync(path) && !isSymlink(path))) return { path, status, head: null };
    if (isSymlink(path)) return { path, status, head: { symlink: true } };
    const bytes = memberImagePath(path) ? new Uint8Array(readFileSync(path)) : new Uint8Array(0);
    return { path, status, head: { symlink: false, bytes } };
  });
}

/** `request_signing_public_key` of a program.yaml as parsed (read before the schema, which may not know it). */
export function signingKeyOf(program: SourceFile): string | null {
  const data = 'data' in program ? program.data : undefined;
  if (typeof data !== 'object' || data === null) return null;
  const key = (data as Record<string, unknown>).request_signing_public_key;
  return typeof key === 'string' && key.trim() !== '' ? key.trim() : null;
}

/** Handles whose member file or member images a list of changed paths touches. */
export function touchedHandles(paths: readonly string[]): string[] {
  const handles = paths.flatMap((path) => {
    if (isInfluencerFile(path)) return [baseName(path)];
    const image = memberImagePath(path);
    return image ? [image.handle] : [];
  });
  return [...new Set(handles)].sort();
}

/** A member file's bytes in the working tree (a symbolic link or a missing file: null). */
export function memberFile(handle: string): Uint8Array | null {
  for (const ext of ['yaml', 'yml']) {
    const path = `${INFLUENCER_DIR}${handle}.${ext}`;
    if (existsSync(path) && !isSymlink(path)) return new Uint8Array(readFileSync(path));
  }
  return null;
}
