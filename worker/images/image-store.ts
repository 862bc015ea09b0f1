/**
 * Avatars and local product images, read from the image packs the build writes beside the
 * static assets (domain/images/packs.ts, docs/scale.md) through the `ASSETS` binding.
 *
 * Decoded packs stay in this isolate, least recently used first out, up to a byte budget
 * (a pack is about 0.7 MB at 100,000 avatars), so a hot avatar is served from memory. Only
 * settled values are cached: no request ever awaits a fetch another request started.
 */
import {
  decodePack,
  imageFromPack,
  imagePackOf,
  imagePackPath,
  type ImagePack,
  type PackedImage,
} from '../../domain/images/packs.ts';

/** The assets binding could not give a pack (or gave bytes that are not one): answer 503, never a wrong 404. */
export class ImagePackUnavailable extends Error {
  readonly pack: string;
  constructor(pack: string, message: string) {
    super(message);
    this.pack = pack;
  }
}

/** Bytes of decoded packs kept per isolate (of its 128 MB). */
const MAX_BYTES = 24 * 1024 * 1024;
const packs = new Map<number, ImagePack>();
let cachedBytes = 0;

/** Hit, miss and failure counts of this isolate, for tests. */
export const imageStoreCounters = { hits: 0, misses: 0, failures: 0 };

async function readPack(assets: Fetcher, index: number): Promise<ImagePack> {
  const cached = packs.get(index);
  if (cached !== undefined) {
    imageStoreCounters.hits++;
    // Most recently used last.
    packs.delete(index);
    packs.set(index, cached);
    return cached;
  }
  imageStoreCounters.misses++;
  const path = imagePackPath(index);
  let pack: ImagePack;
  try {
    const res = await assets.fetch(new Request(`https://assets.invalid${path}`));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    pack = decodePack(new Uint8Array(await res.arrayBuffer()));
  } catch (error) {
    imageStoreCounters.failures++;
    throw new ImagePackUnavailable(path, `image pack ${path} unavailable: ${String(error)}`);
  }
  // Another request may have read the same pack meanwhile: keep one copy.
  const previous = packs.get(index);
  if (previous !== undefined) cachedBytes -= previous.bytes.length;
  packs.set(index, pack);
  cachedBytes += pack.bytes.length;
  while (cachedBytes > MAX_BYTES && packs.size > 1) {
    const oldest = packs.keys().next().value;
    if (oldest === undefined) break;
    cachedBytes -= packs.get(oldest)?.bytes.length ?? 0;
    packs.delete(oldest);
  }
  return pack;
}

/** The image at a URL path (e.g. `/images/avatars/ana.png`), or null when no pack holds it. */
export async function readImage(assets: Fetcher, path: string): Promise<PackedImage | null> {
  return imageFromPack(await readPack(assets, imagePackOf(path)), path);
}

/** Forgets every cached pack (tests). */
export function clearImageStore(): void {
  packs.clear();
  cachedBytes = 0;
}
