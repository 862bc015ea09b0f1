/** Reads the content folder from disk for the CLI scripts and the build. */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
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

/** Everything under a content root, ready for `validateContent`. */
export function readContentSources(root: string): ContentSources {
  return {
    program: readSource(root, 'program.yaml'),
    retailers: readSource(root, 'retailers.yaml'),
    rates: readSource(root, 'commission-rates.yaml'),
    influencers: readFolder(root, 'influencers'),
    products: readFolder(root, 'products'),
  };
}

export function loadContent(root: string) {
  return validateContent(readContentSources(root));
}
