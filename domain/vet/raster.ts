/**
 * What an image file contributed in a pull request really is, read from its bytes
 * (CONTRACT.md section 9), never from its name: PNG, JPEG, WebP or AVIF, with its
 * pixel size parsed from the header. Anything else (SVG, HTML, a script with a
 * .png name) is refused, and so are files with markup or data past the image's
 * end (polyglots), oversized files and oversized images.
 */

export type RasterType = 'png' | 'jpeg' | 'webp' | 'avif';

export const IMAGE_LIMITS = {
  /** Bytes per file. */
  maxBytes: 2 * 1024 * 1024,
  /** Pixels per side. */
  maxSide: 4096,
};

/** File name endings allowed for each type. */
export const RASTER_EXTENSIONS: Record<RasterType, string[]> = {
  png: ['png'],
  jpeg: ['jpg', 'jpeg'],
  webp: ['webp'],
  avif: ['avif'],
};

export type Inspection =
  { ok: true; type: RasterType; width: number; height: number } | { ok: false; message: string };

const fail = (message: string): Inspection => ({ ok: false, message });

const MARKUP = /<(?:script|html|iframe|object|embed|foreignobject)[\s>/]/i;

export function inspectImage(bytes: Uint8Array, limits = IMAGE_LIMITS): Inspection {
  if (bytes.length > limits.maxBytes)
    return fail(`is ${bytes.length} bytes; images may be at most ${limits.maxBytes} bytes`);
  const found = parseRaster(bytes);
  if (!found.ok) return found;
  // Bytes never decode to these tags by chance; a file that holds them is meant to be read as a page.
  if (MARKUP.test(latin1(bytes))) return fail('contains HTML or script markup inside the image data');
  const { width, height } = found;
  if (width < 1 || height < 1) return fail(`has no pixels (${width}×${height})`);
  if (width > limits.maxSide || height > limits.maxSide)
    return fail(`is ${width}×${height} pixels; images may be at most ${limits.maxSide} pixels on each side`);
  return found;
}

function parseRaster(b: Uint8Array): Inspection {
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

function png(b: Uint8Array): Inspection {
  if (b.length < 33 || ascii(b, 12, 4) !== 'IHDR') return fail('is a truncated PNG (no IHDR chunk)');
  // Walk the chunks to IEND so nothing can hide after the image.
  let at = 8;
  while (at + 12 <= b.length) {
    const length = u32be(b, at);
    const type = ascii(b, at + 4, 4);
    const next = at + 12 + length;
    if (next > b.length) return fail(`is a truncated PNG (chunk ${type} runs past the end)`);
    if (type === 'IEND') {
      if (next !== b.length) return fail(`has ${b.length - next} bytes after the PNG's end`);
      return { ok: true, type: 'png', width: u32be(b, 16), height: u32be(b, 20) };
    }
    at = next;
  }
  return fail('is a truncated PNG (no IEND chunk)');
}

function jpeg(b: Uint8Array): Inspection {
  let at = 2;
  let size: { width: number; height: number } | null = null;
  while (at + 4 <= b.length && size === null) {
    if (b[at] !== 0xff) return fail('is a malformed JPEG (expected a marker)');
    const marker = b[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda)
      return fail('is a malformed JPEG (no frame header before the image data)');
    const length = u16be(b, at + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 9 > b.length) return fail('is a truncated JPEG');
      size = { height: u16be(b, at + 5), width: u16be(b, at + 7) };
    }
    at += 2 + length;
  }
  if (size === null) return fail('is a truncated JPEG (no frame header)');
  if (b[b.length - 2] !== 0xff || b[b.length - 1] !== 0xd9)
    return fail("has data after the JPEG's end (or is truncated)");
  return { ok: true, type: 'jpeg', ...size };
}

function webp(b: Uint8Array): Inspection {
  const riffSize = u32le(b, 4) + 8;
  if (riffSize !== b.length)
    return fail(
      riffSize < b.length ? `has ${b.length - riffSize} bytes after the WebP's end` : 'is a truncated WebP',
    );
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ' && b.length >= 30)
    return { ok: true, type: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  if (chunk === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
    const bits = u32le(b, 21);
    return { ok: true, type: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && b.length >= 30)
    return { ok: true, type: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  return fail('is a WebP file without a readable image header');
}

function avif(b: Uint8Array): Inspection {
  const ftypSize = u32be(b, 0);
  const brands = [];
  for (let at = 8; at + 4 <= Math.min(ftypSize, b.length); at += 4)
    if (at !== 12) brands.push(ascii(b, at, 4));
  if (!brands.includes('avif') && !brands.includes('avis'))
    return fail(`is an ISO media file (brands ${brands.join(', ')}), not an AVIF image`);
  // Image spatial extents ("ispe") boxes give the size; the largest is the primary image.
  let width = 0;
  let height = 0;
  for (let at = b.indexOf(0x69); at !== -1 && at + 16 <= b.length; at = b.indexOf(0x69, at + 1)) {
    if (ascii(b, at, 4) !== 'ispe') continue;
    width = Math.max(width, u32be(b, at + 8));
    height = Math.max(height, u32be(b, at + 12));
  }
  if (width === 0) return fail('is an AVIF file without image size (no ispe box)');
  return { ok: true, type: 'avif', width, height };
}

function startsWith(b: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => b[i] === byte);
}
function ascii(b: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...b.subarray(at, at + length));
}
function latin1(b: Uint8Array): string {
  return new TextDecoder('latin1').decode(b);
}
function u16be(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}
function u16le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}
function u24le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16);
}
function u32be(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
}
function u32le(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}
