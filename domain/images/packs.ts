/**
 * Image packs: every avatar and local product image goes into one of a fixed number of
 * pack files beside the static assets, so the deployed file count does not grow with the
 * program (at most 20,000 static asset files per Worker version on the Free plan;
 * docs/scale.md). The build packs (build/write-image-packs.ts), the worker unpacks
 * (worker/images/image-store.ts); both find an image's pack with `imagePackOf`.
 *
 * A pack is binary, so an image costs its own bytes (base64 in JSON would add a third):
 *
 *   "SFIMGPK1"  8 bytes, the format and its version
 *   N           u32, little endian: the byte length of the index
 *   index       N bytes of UTF-8 JSON: [[path, content type, ETag, byte length], ...], by path
 *   images      each image's bytes, in index order, nothing between them
 *
 * The bytes depend only on the images (sorted by path, no dates), so an unchanged pack is
 * written byte for byte the same and an incremental deploy uploads only the packs a change
 * touched.
 */
import { z } from 'zod';
import { DATA_PREFIX, SHARDS, shardOf } from '../links/shards.ts';

/**
 * The URL folders served from packs; anything else under /images/ stays a static asset.
 * `/images/cards/`: the share cards the build renders (build/share-cards.ts).
 */
export const PACKED_IMAGE_DIRS = ['/images/avatars/', '/images/products/', '/images/cards/'] as const;

export function isPackedImagePath(path: string): boolean {
  return PACKED_IMAGE_DIRS.some((dir) => path.startsWith(dir) && path.length > dir.length);
}

/** Content types by file extension: the raster formats vetting accepts, plus the sample SVGs. */
const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  svg: 'image/svg+xml',
};

/** The content type an image path is served with, or null when its extension is not an image's. */
export function imageTypeOf(path: string): string | null {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return ext !== undefined && Object.hasOwn(IMAGE_TYPES, ext) ? (IMAGE_TYPES[ext] ?? null) : null;
}

/** Which pack holds the image at this URL path. */
export function imagePackOf(path: string, count: number = SHARDS.images): number {
  return shardOf(path, count);
}

/** Where the static-assets binding serves a pack (never the public: the worker answers 404 for /_data/). */
export function imagePackPath(index: number): string {
  return `${DATA_PREFIX}images/${index}.bin`;
}

/** One image to pack: its URL path, bytes and their SHA-256 (base64url), which becomes the ETag. */
export interface ImageFile {
  path: string;
  bytes: Uint8Array;
  sha256: string;
}

/** One image read back from a pack. `body` is a view into the pack's bytes (no copy). */
export interface PackedImage {
  type: string;
  etag: string;
  body: Uint8Array<ArrayBuffer>;
}

export interface ImagePack {
  /** The images by URL path: content type, ETag, and where their bytes are. */
  entries: Map<string, { type: string; etag: string; offset: number; length: number }>;
  bytes: Uint8Array<ArrayBuffer>;
}

/** A pack file that is not one this code wrote (truncated, another format, inconsistent). */
export class ImagePackFormatError extends Error {}

const MAGIC = 'SFIMGPK1';
const HEADER = MAGIC.length + 4;

const indexSchema = z.array(
  z.tuple([z.string().min(1), z.string().min(1), z.string().min(1), z.int().min(0)]),
);

/**
 * Splits images into `count` packs by `imagePackOf(path)` and encodes each. Every pack is
 * returned, empty ones too, so the number of files never depends on the images. A pack over
 * the 25 MiB a static asset may hold fails the build, naming its largest images (a deploy
 * would fail anyway, later and less clearly).
 */
export function packImages(
  images: readonly ImageFile[],
  count: number = SHARDS.images,
): Uint8Array<ArrayBuffer>[] {
  const groups: ImageFile[][] = Array.from({ length: count }, () => []);
  for (const image of images) groups[imagePackOf(image.path, count)]?.push(image);
  return groups.map((group, i) => {
    const pack = encodePack(group);
    if (pack.length > MAX_PACK_BYTES) {
      const largest = [...group]
        .sort((a, b) => b.bytes.length - a.bytes.length)
        .slice(0, 5)
        .map((image) => `${image.path} (${mib(image.bytes.length)})`);
      throw new Error(
        `${imagePackPath(i)}: ${group.length} images make ${mib(pack.length)}, over the ${mib(MAX_PACK_BYTES)} ` +
          `a static asset may hold; largest: ${largest.join(', ')}. Shrink those images or raise SHARDS.images.`,
      );
    }
    return pack;
  });
}

/** Cloudflare's limit on one static asset file. */
export const MAX_PACK_BYTES = 25 * 1024 * 1024;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** One pack's bytes. Throws, naming the path, on a duplicate path or a file that is not an image. */
export function encodePack(images: readonly ImageFile[]): Uint8Array<ArrayBuffer> {
  const sorted = [...images].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const index: [string, string, string, number][] = [];
  for (const [i, image] of sorted.entries()) {
    if (i > 0 && sorted[i - 1]?.path === image.path) throw new Error(`${image.path}: packed twice`);
    const type = imageTypeOf(image.path);
    if (type === null)
      throw new Error(`${image.path}: not an image file (expected ${Object.keys(IMAGE_TYPES).join(', ')})`);
    if (!/^[A-Za-z0-9_-]+$/.test(image.sha256)) throw new Error(`${image.path}: sha256 must be base64url`);
    index.push([image.path, type, `"${image.sha256}"`, image.bytes.length]);
  }
  const indexBytes = new TextEncoder().encode(JSON.stringify(index));
  const total = HEADER + indexBytes.length + sorted.reduce((n, image) => n + image.bytes.length, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, indexBytes.length, true);
  out.set(indexBytes, HEADER);
  let at = HEADER + indexBytes.length;
  for (const image of sorted) {
    out.set(image.bytes, at);
    at += image.bytes.length;
  }
  return out;
}

/** Reads a pack's index; the image bytes stay where they are. Throws ImagePackFormatError if the bytes are not a pack. */
export function decodePack(bytes: Uint8Array<ArrayBuffer>): ImagePack {
  if (bytes.length < HEADER || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC)
    throw new ImagePackFormatError('not an image pack (no SFIMGPK1 header)');
  const indexLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(
    MAGIC.length,
    true,
  );
  if (HEADER + indexLength > bytes.length)
    throw new ImagePackFormatError('index runs past the end of the pack');
  let raw: unknown;
  try {
    raw = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER, HEADER + indexLength)),
    );
  } catch (error) {
    throw new ImagePackFormatError(`index is not JSON: ${String(error)}`);
  }
  const index = indexSchema.safeParse(raw);
  if (!index.success) throw new ImagePackFormatError(`index has the wrong shape: ${index.error.message}`);
  const entries: ImagePack['entries'] = new Map();
  let offset = HEADER + indexLength;
  for (const [path, type, etag, length] of index.data) {
    entries.set(path, { type, etag, offset, length });
    offset += length;
  }
  if (offset !== bytes.length)
    throw new ImagePackFormatError(`index lists ${offset} bytes but the pack has ${bytes.length}`);
  return { entries, bytes };
}

/** The image at a URL path, or null when this pack does not hold it. */
export function imageFromPack(pack: ImagePack, path: string): PackedImage | null {
  const entry = pack.entries.get(path);
  if (entry === undefined) return null;
  return {
    type: entry.type,
    etag: entry.etag,
    body: pack.bytes.subarray(entry.offset, entry.offset + entry.length),
  };
}
