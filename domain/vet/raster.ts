/**
 * What an image file contributed in a pull request (or uploaded) really is, read from its
 * bytes (CONTRACT.md section 9), never from its name: PNG, JPEG, WebP or AVIF, with its
 * pixel size parsed from the header. Anything else (SVG, GIF, HTML, a script with a .png
 * name) is refused, and so is:
 *
 *   data past the image's end       PNG: bytes after IEND; JPEG: bytes after the first EOI
 *                                   (segments and entropy-coded scans are walked, so data
 *                                   hidden before a final FF D9 is found); WebP: bytes past
 *                                   the RIFF size or chunks that do not tile it; AVIF:
 *                                   top-level boxes that do not tile the file exactly
 *   markup inside the image data    MARKUP below (a file read as a page must not run script)
 *   personal metadata               EXIF, XMP or IPTC blocks (camera, time and often the GPS
 *                                   position a photo was taken at): refused with a message
 *                                   saying how to export without them, never stripped here
 *                                   (vet cannot rewrite a contributor's file)
 *   too many frames                 frames ≤ maxFrames and frames × width × height ≤
 *                                   maxAnimatedPixels (APNG: max(acTL's count, fcTL chunks);
 *                                   WebP: ANMF chunks; AVIF sequence: stsz sample count)
 *   too big                         bytes ≤ maxBytes, 1 ≤ width, height ≤ maxSide
 */
import {
  ascii,
  avif,
  latin1,
  metadataMessage,
  u16be,
  u24le,
  u32be,
  u32le,
  type Parsed,
} from './raster-parse.ts';

export { metadataMessage } from './raster-parse.ts';

export type RasterType = 'png' | 'jpeg' | 'webp' | 'avif';

export const IMAGE_LIMITS = {
  /** Bytes per file. */
  maxBytes: 2 * 1024 * 1024,
  /** Pixels per side. */
  maxSide: 4096,
  /** Frames of an animated image. */
  maxFrames: 60,
  /** Frames × width × height of an animated image (decoded size stays bounded). */
  maxAnimatedPixels: 64 * 1024 * 1024,
};
export type ImageLimits = typeof IMAGE_LIMITS;

/** File name endings allowed for each type. */
export const RASTER_EXTENSIONS: Record<RasterType, string[]> = {
  png: ['png'],
  jpeg: ['jpg', 'jpeg'],
  webp: ['webp'],
  avif: ['avif'],
};

export type Inspection =
  { ok: true; type: RasterType; width: number; height: number } | { ok: false; message: string };

const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

/**
 * Tags and attributes that make a file read as HTML or SVG run script or load a page.
 * Only names of three letters or more: shorter ones turn up in compressed bytes by chance.
 */
const MARKUP =
  /<(?:script|html|body|iframe|frame|object|embed|svg|math|style|meta|base|form|foreignobject)[\s>/]|\bon[a-z]{4,}\s*=|javascript:/i;

export function inspectImage(bytes: Uint8Array, limits: Partial<ImageLimits> = {}): Inspection {
  const max = { ...IMAGE_LIMITS, ...limits };
  if (bytes.length > max.maxBytes)
    return fail(`is ${bytes.length} bytes; images may be at most ${max.maxBytes} bytes`);
  const found = parseRaster(bytes);
  if (!found.ok) return found;
  // Bytes never decode to these tags by chance; a file that holds them is meant to be read as a page.
  if (MARKUP.test(latin1(bytes))) return fail('contains HTML or script markup inside the image data');
  const { type, width, height, frames } = found;
  if (width < 1 || height < 1) return fail(`has no pixels (${width}×${height})`);
  if (width > max.maxSide || height > max.maxSide)
    return fail(`is ${width}×${height} pixels; images may be at most ${max.maxSide} pixels on each side`);
  if (frames > max.maxFrames)
    return fail(`is an animation of ${frames} frames; images may have at most ${max.maxFrames} frames`);
  if (frames > 1 && frames * width * height > max.maxAnimatedPixels)
    return fail(
      `is an animation of ${frames} frames of ${width}×${height} pixels; an animation may hold at most ${max.maxAnimatedPixels} pixels in all its frames`,
    );
  return { ok: true, type, width, height };
}

function parseRaster(b: Uint8Array): Parsed | { ok: false; message: string } {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return png(b);
  if (startsWith(b, [0xff, 0xd8, 0xff])) return jpeg(b);
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return webp(b);
  if (ascii(b, 4, 4) === 'ftyp') return avif(b);
  const head = latin1(b.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith('<svg') || head.startsWith('<?xml') || head.includes('<svg'))
    return fail('is an SVG image; only PNG, JPEG, WebP or AVIF are accepted (SVG can carry script)');
  if (head.startsWith('<')) return fail('is markup (HTML or XML), not an image');
  return fail('is not a PNG, JPEG, WebP or AVIF image (checked by its content)');
}

/** PNG chunks and text keywords that hold EXIF or XMP. */
const PNG_METADATA: Record<string, string> = { eXIf: 'EXIF', iTXt: '', tEXt: '', zTXt: '' };
const PNG_TEXT_METADATA: [RegExp, string][] = [
  [/^Raw profile type (?:exif|APP1)$/i, 'EXIF'],
  [/^Raw profile type (?:xmp|iptc|8bim)$/i, 'XMP or IPTC'],
  [/^XML:com\.adobe\.xmp$/, 'XMP'],
];

function pngMetadata(type: string, data: Uint8Array): string | null {
  const kind = PNG_METADATA[type];
  if (kind === undefined) return null;
  if (kind !== '') return kind;
  const end = data.indexOf(0);
  const keyword = latin1(data.subarray(0, end < 0 ? Math.min(data.length, 80) : end));
  return PNG_TEXT_METADATA.find(([pattern]) => pattern.test(keyword))?.[1] ?? null;
}

function png(b: Uint8Array): Parsed | { ok: false; message: string } {
  if (b.length < 33 || ascii(b, 12, 4) !== 'IHDR') return fail('is a truncated PNG (no IHDR chunk)');
  // Walk the chunks to IEND so nothing can hide after the image.
  let at = 8;
  let declared = 1;
  let frameControls = 0;
  while (at + 12 <= b.length) {
    const length = u32be(b, at);
    const type = ascii(b, at + 4, 4);
    const next = at + 12 + length;
    if (next > b.length) return fail(`is a truncated PNG (chunk ${type} runs past the end)`);
    const metadata = pngMetadata(type, b.subarray(at + 8, at + 8 + length));
    if (metadata) return fail(metadataMessage(metadata));
    if (type === 'acTL') declared = u32be(b, at + 8);
    if (type === 'fcTL') frameControls++;
    if (type === 'IEND') {
      if (next !== b.length) return fail(`has ${b.length - next} bytes after the PNG's end`);
      const frames = Math.max(declared, frameControls, 1);
      return { ok: true, type: 'png', width: u32be(b, 16), height: u32be(b, 20), frames };
    }
    at = next;
  }
  return fail('is a truncated PNG (no IEND chunk)');
}

/** APPn segments that hold metadata, by marker and signature. */
function jpegMetadata(marker: number, data: Uint8Array): string | null {
  const head = latin1(data.subarray(0, 40));
  if (marker === 0xe1 && head.startsWith('Exif\0')) return 'EXIF';
  if (marker === 0xe1 && head.startsWith('http://ns.adobe.com/')) return 'XMP';
  if (marker === 0xed && head.startsWith('Photoshop 3.0\0')) return 'IPTC';
  return null;
}

const isRestart = (m: number) => m >= 0xd0 && m <= 0xd7;
const isFrame = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** The offset just past an entropy-coded scan starting at `at`: the next real marker. */
function scanEnd(b: Uint8Array, at: number): number {
  while (at + 1 < b.length) {
    if (b[at] !== 0xff) at++;
    else if (b[at + 1] === 0x00 || isRestart(b[at + 1] ?? 0)) at += 2;
    else if (b[at + 1] === 0xff) at++;
    else return at;
  }
  return b.length;
}

function jpeg(b: Uint8Array): Parsed | { ok: false; message: string } {
  let at = 2;
  let size: { width: number; height: number } | null = null;
  while (at + 2 <= b.length) {
    if (b[at] !== 0xff) return fail('is a malformed JPEG (expected a marker)');
    const marker = b[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) {
      if (size === null) return fail('is a malformed JPEG (no frame header before the image data)');
      const end = at + 2;
      if (end !== b.length) return fail(`has ${b.length - end} bytes after the JPEG's end`);
      return { ok: true, type: 'jpeg', ...size, frames: 1 };
    }
    if (marker === 0x01 || isRestart(marker)) {
      at += 2;
      continue;
    }
    if (marker === 0xd8) return fail('is a malformed JPEG (a second start of image)');
    if (marker === 0xda && size === null)
      return fail('is a malformed JPEG (no frame header before the image data)');
    const length = u16be(b, at + 2);
    if (length < 2 || at + 2 + length > b.length) return fail('is a truncated JPEG');
    const metadata = jpegMetadata(marker, b.subarray(at + 4, at + 2 + length));
    if (metadata) return fail(metadataMessage(metadata));
    if (isFrame(marker)) {
      if (length < 7) return fail('is a truncated JPEG');
      size = { height: u16be(b, at + 5), width: u16be(b, at + 7) };
    }
    at += 2 + length;
    if (marker === 0xda) at = scanEnd(b, at);
  }
  return fail('is a truncated JPEG (no end of image marker)');
}

function webp(b: Uint8Array): Parsed | { ok: false; message: string } {
  const riffSize = u32le(b, 4) + 8;
  if (riffSize !== b.length)
    return fail(
      riffSize < b.length ? `has ${b.length - riffSize} bytes after the WebP's end` : 'is a truncated WebP',
    );
  let frames = 0;
  for (let at = 12; at < b.length;) {
    const type = ascii(b, at, 4);
    const next = at + 8 + u32le(b, at + 4) + (u32le(b, at + 4) % 2);
    if (at + 8 > b.length || next > b.length) return fail(`is a truncated WebP (chunk ${type})`);
    if (type === 'EXIF') return fail(metadataMessage('EXIF'));
    if (type === 'XMP ') return fail(metadataMessage('XMP'));
    if (type === 'ANMF') frames++;
    at = next;
  }
  frames = Math.max(frames, 1);
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ' && b.length >= 30)
    return { ok: true, type: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff, frames };
  if (chunk === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
    const bits = u32le(b, 21);
    return {
      ok: true,
      type: 'webp',
      width: (bits & 0x3fff) + 1,
      height: ((bits >>> 14) & 0x3fff) + 1,
      frames,
    };
  }
  if (chunk === 'VP8X' && b.length >= 30)
    return { ok: true, type: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, frames };
  return fail('is a WebP file without a readable image header');
}

function startsWith(b: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => b[i] === byte);
}
function u16le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}
