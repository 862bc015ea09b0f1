/**
 * Avatars and local product images, read from the image packs the build writes beside the
 * static assets (domain/images/packs.ts, docs/scale.md) through the `ASSETS` binding.
 *
 * Decoded packs stay in this isolate (worker/lib/shard-cache.ts) up to a byte budget (a pack
 * is under 1 MB at 100,000 avatars, but may legally be up to 25 MiB), so a hot avatar is
 * served from memory.
 *
 * Before any pack, the name filter (domain/images/name-filter.ts, one small file kept in the
 * same cache and counters as the packs, read on every request so never the least recently used) says whether any pack holds the path: a made-up name is answered 404 without a pack
 * read, however many packs the byte budget has dropped (CONTRACT.md section 16).
 */
import {
  decodePack,
  imageFromPack,
  imagePackOf,
  imagePackPath,
  type PackedImage,
} from '../../domain/images/packs.ts';
import { decodeNameFilter, IMAGE_NAMES_PATH, mayHold } from '../../domain/images/name-filter.ts';
import { ShardCache, ShardUnavailable } from '../lib/shard-cache.ts';

/** A pack could not be read (or its bytes are not a pack): the route answers 503, never a wrong 404. */
export { ShardUnavailable as ImagePackUnavailable };

/** At most 24 MB of packs per isolate (of its 128 MB). */
const packs = new ShardCache(Infinity, 24 * 1024 * 1024);

/** Hit, miss and failure counts of this isolate, for tests. */
export const imageStoreCounters = packs.counters;

/** The image at a URL path (e.g. `/images/avatars/ana.png`), or null when no pack holds it. */
export async function readImage(assets: Fetcher, path: string): Promise<PackedImage | null> {
  const filter = await packs.readBytes(assets, IMAGE_NAMES_PATH, decodeNameFilter);
  if (!mayHold(filter, path)) return null;
  const pack = await packs.readBytes(assets, imagePackPath(imagePackOf(path)), decodePack);
  return imageFromPack(pack, path);
}

/** Forgets every cached pack (tests). */
export function clearImageStore(): void {
  packs.clear();
}
