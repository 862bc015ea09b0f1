/**
 * A minimal PNG writer (8-bit RGB, no interlace) for the placeholder avatar that
 * `npm run apply` puts at the applicant's own avatar path, so a fresh application
 * validates and shows the raster format the vetting check asks for.
 */
import { deflateSync } from 'node:zlib';

export type Rgb = readonly [number, number, number];

/** A PNG whose pixel (x, y) has the colour `paint(x, y)`; `extra` chunks go before the image data. */
export function encodePng(
  width: number,
  height: number,
  paint: (x: number, y: number) => Rgb,
  extra: readonly [type: string, data: Uint8Array][] = [],
): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB
  const raw = new Uint8Array((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1); // each row starts with filter type 0
    for (let x = 0; x < width; x++) raw.set(paint(x, y), row + 1 + x * 3);
  }
  return concatBytes(
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...extra.map(([type, data]) => chunk(type, data)),
    chunk('IDAT', new Uint8Array(deflateSync(raw, { level: 9 }))),
    chunk('IEND', new Uint8Array(0)),
  );
}

/** The placeholder avatar: a soft grey disc on white, to be replaced by the applicant's photo. */
export function placeholderAvatar(size = 192): Uint8Array {
  const r = size / 2;
  return encodePng(size, size, (x, y) =>
    (x - r) ** 2 + (y - r) ** 2 <= (r - 2) ** 2 ? [200, 204, 212] : [255, 255, 255],
  );
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
