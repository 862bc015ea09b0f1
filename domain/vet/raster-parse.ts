/**
 * Byte readers and the AVIF (ISO base media file) walk for domain/vet/raster.ts.
 *
 * AVIF rules:
 *   the file is a sequence of top-level boxes that tiles it exactly:
 *     Σ box sizes = file length, every box type in TOP_LEVEL (nothing appended, no unknown box)
 *   brands (ftyp) include "avif" or "avis"
 *   size = the largest ispe (image spatial extents) under meta/iprp/ipco (alpha and
 *          thumbnails are never larger than the primary image)
 *   frames = the largest stsz sample count of a track under moov (1 for a still image)
 *   metadata: an item of type "Exif", or a "mime" item (XMP), under meta/iinf is refused
 */
export interface Parsed {
  ok: true;
  type: 'png' | 'jpeg' | 'webp' | 'avif';
  width: number;
  height: number;
  frames: number;
}
type Failure = { ok: false; message: string };
const fail = (message: string): Failure => ({ ok: false, message });

const TOP_LEVEL = new Set(['ftyp', 'meta', 'mdat', 'moov', 'free', 'skip']);

interface Box {
  type: string;
  /** First byte of the payload (after the header). */
  start: number;
  /** One past the box's last byte. */
  end: number;
}

/** The boxes between `start` and `end`, or a message when they do not tile that range. */
function boxesIn(b: Uint8Array, start: number, end: number): Box[] | string {
  const out: Box[] = [];
  let at = start;
  while (at < end) {
    if (at + 8 > end) return `the ${end - at} bytes from offset ${at} are not a whole box`;
    let size = u32be(b, at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) return `the ${end - at} bytes from offset ${at} are not a whole box`;
      size = u32be(b, at + 8) * 2 ** 32 + u32be(b, at + 12);
      header = 16;
    } else if (size === 0) size = end - at; // to the end of its container
    if (size < header || at + size > end)
      return `the ${end - at} bytes from offset ${at} are not a whole box`;
    out.push({ type: ascii(b, at + 4, 4), start: at + header, end: at + size });
    at += size;
  }
  return out;
}

/** Children of the first box of each type along `path`, FullBoxes' 4-byte version/flags skipped. */
function childrenAt(b: Uint8Array, boxes: Box[], path: string[]): Box[][] {
  let level: Box[][] = [boxes];
  for (const type of path) {
    const next: Box[][] = [];
    for (const box of level.flat().filter((x) => x.type === type)) {
      const skip = type === 'meta' ? 4 : type === 'iinf' ? iinfHeader(b, box) : 0;
      const children = boxesIn(b, box.start + skip, box.end);
      if (typeof children !== 'string') next.push(children);
    }
    level = next;
  }
  return level;
}

function iinfHeader(b: Uint8Array, box: Box): number {
  return (b[box.start] ?? 0) === 0 ? 6 : 8; // version/flags, then a 16- or 32-bit entry count
}

/** The item type of an infe box (version 2 or 3), or null. */
function itemType(b: Uint8Array, infe: Box): string | null {
  const version = b[infe.start] ?? 0;
  if (version < 2) return null;
  const at = infe.start + 4 + (version === 2 ? 2 : 4) + 2;
  return at + 4 <= infe.end ? ascii(b, at, 4) : null;
}

export function avif(b: Uint8Array): Parsed | Failure {
  const top = boxesIn(b, 0, b.length);
  if (typeof top === 'string') return fail(`has data after the AVIF's end or is truncated (${top})`);
  const ftyp = top[0];
  const brands = [];
  if (ftyp)
    for (let at = ftyp.start; at + 4 <= ftyp.end; at += 4)
      if (at !== ftyp.start + 4) brands.push(ascii(b, at, 4));
  if (!brands.includes('avif') && !brands.includes('avis'))
    return fail(`is an ISO media file (brands ${brands.join(', ')}), not an AVIF image`);
  const unknown = top.find((box) => !TOP_LEVEL.has(box.type));
  if (unknown)
    return fail(
      `has an unexpected "${unknown.type.replace(/[^\x20-\x7e]/g, '?')}" box after the AVIF's image data`,
    );

  for (const infe of childrenAt(b, top, ['meta', 'iinf'])
    .flat()
    .filter((x) => x.type === 'infe')) {
    const type = itemType(b, infe);
    if (type === 'Exif') return fail(metadataMessage('EXIF'));
    if (type === 'mime') return fail(metadataMessage('XMP'));
  }
  let width = 0;
  let height = 0;
  for (const ispe of childrenAt(b, top, ['meta', 'iprp', 'ipco'])
    .flat()
    .filter((x) => x.type === 'ispe')) {
    width = Math.max(width, u32be(b, ispe.start + 4));
    height = Math.max(height, u32be(b, ispe.start + 8));
  }
  if (width === 0) return fail('is an AVIF file without image size (no ispe box)');
  let frames = 1;
  for (const stsz of childrenAt(b, top, ['moov', 'trak', 'mdia', 'minf', 'stbl']).flat())
    if (stsz.type === 'stsz') frames = Math.max(frames, u32be(b, stsz.start + 8));
  return { ok: true, type: 'avif', width, height, frames };
}

/** Why an image with personal metadata is refused, and how to fix it. */
export function metadataMessage(kind: string): string {
  return (
    `carries ${kind} metadata (camera, time and often the GPS position where a photo was taken); ` +
    'export the image again without metadata (e.g. `exiftool -all= <file>`, or "remove location" when sharing from a phone) and add it again'
  );
}

export function ascii(b: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...b.subarray(at, at + length));
}
export function latin1(b: Uint8Array): string {
  return new TextDecoder('latin1').decode(b);
}
export function u16be(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}
export function u24le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16);
}
export function u32be(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
}
export function u32le(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}
