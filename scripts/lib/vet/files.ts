/** Content files as path -> text, from the working tree or from git, and as parse-ready sources. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { ContentSources } from '../../../domain/content/validate.ts';
import { ADMIN_FILES, CONTENT_DIR, isContentFile } from '../../../domain/vet/changes.ts';
import { parseYaml } from '../load-content.ts';

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
