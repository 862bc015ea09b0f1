/** Which content files a pull request adds, edits, renames or removes. */
import { baseName } from '../content/validate.ts';
import type { Snapshot } from './snapshot.ts';

export const CONTENT_DIR = 'content';
export const INFLUENCER_DIR = `${CONTENT_DIR}/influencers/`;
/** Program settings, retailers and rates: only admins change these. */
export const ADMIN_FILES = ['program.yaml', 'retailers.yaml', 'commission-rates.yaml'].map(
  (f) => `${CONTENT_DIR}/${f}`,
);

/** The files `loadContent` reads, as repository paths. */
export function isContentFile(path: string): boolean {
  return ADMIN_FILES.includes(path) || /^content\/(influencers|products)\/[^/]+\.ya?ml$/.test(path);
}

export function isInfluencerFile(path: string): boolean {
  return path.startsWith(INFLUENCER_DIR) && isContentFile(path);
}

export interface FileChanges {
  added: string[];
  modified: string[];
  removed: string[];
}

/** Compares two revisions given as path -> file text. */
export function diffFiles(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): FileChanges {
  const added: string[] = [];
  const modified: string[] = [];
  const removed: string[] = [];
  for (const [path, text] of head) {
    const before = base.get(path);
    if (before === undefined) added.push(path);
    else if (before !== text) modified.push(path);
  }
  for (const path of base.keys()) if (!head.has(path)) removed.push(path);
  return { added: added.sort(), modified: modified.sort(), removed: removed.sort() };
}

export type StorefrontChange =
  | { kind: 'added'; path: string; handle: string }
  | { kind: 'modified'; path: string; handle: string }
  | { kind: 'renamed'; path: string; handle: string; fromPath: string; fromHandle: string };

export interface StorefrontChanges {
  changed: StorefrontChange[];
  /** Influencer files gone at head that are not the source of a rename. */
  removed: { path: string; handle: string }[];
}

/**
 * Storefront files touched: a new file whose `previous_handles` names a removed
 * file's handle is a rename of it, not a new storefront plus a removal.
 */
export function storefrontChanges(files: FileChanges, head: Snapshot): StorefrontChanges {
  const removed = files.removed.filter(isInfluencerFile);
  const changed: StorefrontChange[] = [];
  for (const path of files.added.filter(isInfluencerFile)) {
    const handle = baseName(path);
    const previous = head.influencers.get(path)?.previous_handles ?? [];
    const fromPath = removed.find((r) => previous.includes(baseName(r)));
    if (fromPath) {
      removed.splice(removed.indexOf(fromPath), 1);
      changed.push({ kind: 'renamed', path, handle, fromPath, fromHandle: baseName(fromPath) });
    } else {
      changed.push({ kind: 'added', path, handle });
    }
  }
  for (const path of files.modified.filter(isInfluencerFile))
    changed.push({ kind: 'modified', path, handle: baseName(path) });
  return {
    changed: changed.sort((a, b) => a.path.localeCompare(b.path)),
    removed: removed.map((path) => ({ path, handle: baseName(path) })),
  };
}
