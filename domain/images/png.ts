/**
 * PNG pieces shared by every PNG this project writes (the vetting placeholder avatar in
 * domain/vet/png.ts, the QR codes in domain/links/qr.ts), in one home:
 *   file   = signature ‖ IHDR ‖ extra chunks ‖ IDAT(zlib(rows)) ‖ IEND
 *   chunk  = length (u32 BE) ‖ type ‖ data ‖ CRC-32(type ‖ data)
 *   1-bit row = filter byte 0 ‖ ceil(width / 8) bytes, most significant bit first, 1 = white
 * `encodeBitmapPng` compresses with the platform's CompressionStream ("deflate" is the zlib
 * format PNG asks for), so it runs unchanged in Node and in the Worker (no node:zlib).
 */

export const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function pngChunk(type: string, data: Uint8Array): Uint8Array {
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

export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** zlib-deflates bytes with CompressionStream. */
async function zlibDeflate(data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A black-and-white PNG (1-bit greyscale): pixel (x, y) is black when `dark(x, y)`. */
export async function encodeBitmapPng(
  width: number,
  height: number,
  dark: (x: number, y: number) => boolean,
): Promise<Uint8Array<ArrayBuffer>> {
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    width * height > 16e6
  )
    throw new RangeError(`bitmap size ${width}x${height} out of range`);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([1, 0, 0, 0, 0], 8); // 1 bit per pixel, greyscale, deflate, no filter, no interlace
  const stride = Math.ceil(width / 8) + 1;
  const raw = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) if (!dark(x, y)) raw[y * stride + 1 + (x >> 3)]! |= 0x80 >> (x & 7);
  return concatBytes(
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', await zlibDeflate(raw)),
    pngChunk('IEND', new Uint8Array(0)),
  );
}
