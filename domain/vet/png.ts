/**
 * A minimal PNG writer (8-bit RGB, no interlace) for the placeholder avatar that
 * `npm run apply` puts at the applicant's own avatar path, so a fresh application
 * validates and shows the raster format the vetting check asks for.
 */
import { deflateSync } from 'node:zlib';
import { concatBytes, PNG_SIGNATURE, pngChunk as chunk } from '../images/png.ts';

export { concatBytes };

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
    PNG_SIGNATURE,
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
