/**
 * Which image names exist, as a Bloom filter the build writes beside the packs and the worker
 * reads once per isolate (CONTRACT.md section 16): a request for a made-up name
 * (`/images/avatars/<random>.png`) is answered 404 without reading any pack, so a scan of
 * random names costs no pack reads, whatever the pack cache holds.
 *
 *   "SFNAMES1"   8 bytes, the format and its version
 *   k            u8: hashes per name
 *   bits         the rest: m = 8 · (length − 9) bits
 *
 * Sizing: m = max(64, ⌈BITS_PER_NAME · n⌉ rounded up to bytes), k = HASHES; with 10 bits a name
 * and 7 hashes, false positives ≈ (1 − e^(−k·n/m))^k ≈ 0.8% (such a name reads its pack, which
 * answers 404 as before). Bit i of name x: (h1(x) + i · h2(x)) mod m, h1 and h2 FNV-1a (32 bit)
 * over the UTF-16 code units with two offset bases, h2 made odd (Kirsch-Mitzenmacher).
 * 100,000 avatars make 125 KB. A name that *is* in the filter is always found: never a wrong 404.
 */
import { DATA_PREFIX } from '../links/shards.ts';

export const IMAGE_NAMES_PATH = `${DATA_PREFIX}image-names.bin`;
const MAGIC = 'SFNAMES1';
const HEADER = MAGIC.length + 1;
const BITS_PER_NAME = 10;
const HASHES = 7;

export class NameFilterFormatError extends Error {}

export interface NameFilter {
  hashes: number;
  bits: Uint8Array;
}

function fnv1a(text: string, basis: number): number {
  let hash = basis;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function* positions(path: string, hashes: number, m: number): Generator<number> {
  const h1 = fnv1a(path, 0x811c9dc5);
  const h2 = (fnv1a(path, 0x5bd1e995) | 1) >>> 0;
  for (let i = 0; i < hashes; i++) yield (h1 + ((i * h2) % m)) % m;
}

/** The filter of these URL paths, as the bytes of its file. */
export function encodeNameFilter(paths: readonly string[]): Uint8Array<ArrayBuffer> {
  const bytes = Math.max(8, Math.ceil((BITS_PER_NAME * paths.length) / 8));
  const out = new Uint8Array(HEADER + bytes);
  out.set(new TextEncoder().encode(MAGIC));
  out[MAGIC.length] = HASHES;
  const bits = out.subarray(HEADER);
  for (const path of paths)
    for (const bit of positions(path, HASHES, bytes * 8)) bits[bit >> 3]! |= 1 << (bit & 7);
  return out;
}

export function decodeNameFilter(bytes: Uint8Array): NameFilter {
  if (bytes.length <= HEADER || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC)
    throw new NameFilterFormatError('not an image name filter (no SFNAMES1 header)');
  const hashes = bytes[MAGIC.length] ?? 0;
  if (hashes < 1 || hashes > 32) throw new NameFilterFormatError(`bad hash count ${hashes}`);
  return { hashes, bits: bytes.subarray(HEADER) };
}

/** False only when no image has this path; true for every image (and ~0.8% of other names). */
export function mayHold(filter: NameFilter, path: string): boolean {
  const m = filter.bits.length * 8;
  for (const bit of positions(path, filter.hashes, m))
    if (((filter.bits[bit >> 3] ?? 0) & (1 << (bit & 7))) === 0) return false;
  return true;
}
