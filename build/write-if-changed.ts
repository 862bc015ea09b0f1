import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes `data` (text as UTF-8, or bytes) to `root/path` unless the file already holds
 * exactly it; returns whether it wrote. Build data (link shards, page shards, image packs)
 * goes through here, so an incremental build touches, and a deploy re-uploads, only the
 * files a change moved.
 */
export function writeIfChanged(root: string, path: string, data: string | Uint8Array): boolean {
  const file = join(root, path);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (existsSync(file) && readFileSync(file).equals(bytes)) return false;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return true;
}
