/**
 * Reads a QR code back the way a phone would, for the tests: the image's pixels go to jsQR
 * (a pure-JS QR reader), never to our own encoder. A PNG is decoded by fast-png; an SVG's
 * dark modules are read from its path (horizontal runs "M x y h w v1 h-w z") and painted
 * into pixels first.
 */
import { decode } from 'fast-png';
import jsQR from 'jsqr';

/** RGBA pixels from any greyscale or colour PNG fast-png decodes (1-bit included). */
function rgbaOf(bytes: Uint8Array): { data: Uint8ClampedArray; width: number; height: number } {
  const img = decode(bytes);
  const out = new Uint8ClampedArray(img.width * img.height * 4);
  const stride = Math.ceil((img.width * img.depth * img.channels) / 8);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      let grey: number;
      if (img.depth === 1) grey = (img.data[y * stride + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 255 : 0;
      else grey = Number(img.data[(y * img.width + x) * img.channels]);
      out.set([grey, grey, grey, 255], (y * img.width + x) * 4);
    }
  return { data: out, width: img.width, height: img.height };
}

export function readPngQr(bytes: Uint8Array): string | null {
  const { data, width, height } = rgbaOf(bytes);
  return jsQR(data, width, height)?.data ?? null;
}

export function readSvgQr(svg: string, scale = 6): string | null {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const path = /<path[^>]* d="([^"]*)"/.exec(svg)?.[1];
  if (!size || path === undefined) return null;
  const dark = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  for (const [, x, y, w] of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g))
    for (let i = 0; i < Number(w); i++) dark[Number(y)]![Number(x) + i] = true;
  const width = size * scale;
  const data = new Uint8ClampedArray(width * width * 4);
  for (let py = 0; py < width; py++)
    for (let px = 0; px < width; px++) {
      const grey = dark[Math.floor(py / scale)]![Math.floor(px / scale)] ? 0 : 255;
      data.set([grey, grey, grey, 255], (py * width + px) * 4);
    }
  return jsQR(data, width, width)?.data ?? null;
}
