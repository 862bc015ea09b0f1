import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes `text` to `root/path` unless the file already holds exactly it; returns whether
 * it wrote. Build data (link shards, page shards) goes through here, so an incremental
 * build touches, and a deploy re-uploads, only the files a change moved.
 */
export function writeIfChanged(root: string, path: string, text: string): boolean {
  const file = join(root, path);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return false;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return true;
}
