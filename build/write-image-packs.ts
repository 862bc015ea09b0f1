import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { imagePackPath, PACKED_IMAGE_DIRS, packImages, type ImageFile } from '../domain/images/packs.ts';
import { encodeNameFilter, IMAGE_NAMES_PATH } from '../domain/images/name-filter.ts';
import { SHARDS } from '../domain/links/shards.ts';
import { writeIfChanged } from './write-if-changed.ts';

export interface ImagePackReport {
  /** Images packed. */
  images: number;
  /** Pack files: always `count`, whatever the number of images. */
  files: number;
  /** Pack files (re)written because their bytes changed. */
  written: number;
  /** Bytes of the largest pack. */
  largest: number;
}

/**
 * Packs the images under `from` (a folder laid out like the site: `images/avatars/...`,
 * `images/products/...`) into `count` pack files under `to` (the static assets folder). A
 * pack whose bytes did not change is left alone, and pack files of another count are removed.
 * Beside them, the filter of the names they hold (domain/images/name-filter.ts).
 */
export function packImageFiles(from: string, to: string, count: number = SHARDS.images): ImagePackReport {
  const images: ImageFile[] = imageFiles(from).map((path) => {
    const bytes = readFileSync(join(from, path));
    return { path, bytes, sha256: createHash('sha256').update(bytes).digest('base64url') };
  });
  const packs = packImages(images, count);
  let written = 0;
  packs.forEach((bytes, i) => {
    if (writeIfChanged(to, imagePackPath(i), bytes)) written++;
  });
  // The names the packs hold, so the worker answers a made-up name without reading a pack.
  writeIfChanged(to, IMAGE_NAMES_PATH, encodeNameFilter(images.map((image) => image.path)));
  const folder = dirname(join(to, imagePackPath(0)));
  const expected = new Set(packs.map((_, i) => join(to, imagePackPath(i))));
  for (const name of readdirSync(folder)) {
    if (!expected.has(join(folder, name))) rmSync(join(folder, name), { recursive: true, force: true });
  }
  return {
    images: images.length,
    files: packs.length,
    written,
    largest: Math.max(0, ...packs.map((p) => p.length)),
  };
}

/**
 * At the end of a build: packs the built images in the static assets folder, then deletes
 * the image files themselves so they are not deployed (the worker serves them from the packs).
 */
export function writeImagePacks(assetsDir: string): ImagePackReport {
  const report = packImageFiles(assetsDir, assetsDir);
  for (const dir of PACKED_IMAGE_DIRS) rmSync(join(assetsDir, dir), { recursive: true, force: true });
  return report;
}

/** The URL paths of the files under the packed image folders of `root`, e.g. `/images/avatars/ana.png`. */
function imageFiles(root: string): string[] {
  const paths: string[] = [];
  for (const dir of PACKED_IMAGE_DIRS) {
    const folder = join(root, dir);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
      if (!statSync(join(folder, name)).isFile()) continue;
      paths.push(`${dir}${name.split(sep).join('/')}`);
    }
  }
  return paths;
}
