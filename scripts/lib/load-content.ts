/** Reads the content folder from disk for the CLI scripts and the build. */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { validateContent, type ContentSources, type SourceFile } from '../../domain/content/validate.ts';

export function readSource(root: string, file: string): SourceFile {
  const path = relative(process.cwd(), join(root, file)) || file;
  if (!existsSync(join(root, file))) return { path, data: undefined };
  return parseYaml(path, readFileSync(join(root, file), 'utf8'));
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

function readFolder(root: string, folder: string): SourceFile[] {
  const dir = join(root, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => readSource(root, join(folder, name)));
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
export function readContentSources(root: string): ContentSources {
  return {
    program: readSource(root, 'program.yaml'),
    retailers: readSource(root, 'retailers.yaml'),
    rates: readSource(root, 'commission-rates.yaml'),
    influencers: readFolder(root, 'influencers'),
    products: readFolder(root, 'products'),
    publicImages: listPublicImages(),
  };
}

export function loadContent(root: string) {
  return validateContent(readContentSources(root));
}
