/** Image bytes for the vetting tests: real PNGs of any size (domain/vet/png.ts). */
import { concatBytes, encodePng } from '../../domain/vet/png.ts';

export const concat = concatBytes;

/** A grey PNG, optionally with one extra chunk (e.g. a tEXt chunk carrying markup). */
export function makePng(width: number, height: number, extraChunk?: [string, Uint8Array]): Uint8Array {
  return encodePng(width, height, () => [128, 128, 128], extraChunk ? [extraChunk] : []);
}

const text = (value: string) => new TextEncoder().encode(value);

/** Big-endian u32. */
function be32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}
function le32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, true);
  return out;
}

/** A minimal TIFF header with one IFD entry: what an EXIF block starts with. */
export const TIFF = new Uint8Array([
  0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0x1a, 0, 0, 0, 0,
]);

/** A JPEG with an extra segment (marker, payload) right after its start of image. */
export function withJpegSegment(jpeg: Uint8Array, marker: number, payload: Uint8Array): Uint8Array {
  const length = payload.length + 2;
  return concatBytes(
    jpeg.subarray(0, 2),
    new Uint8Array([0xff, marker, length >> 8, length & 0xff]),
    payload,
    jpeg.subarray(2),
  );
}

/** A RIFF chunk (padded to an even length). */
export function riffChunk(type: string, data: Uint8Array): Uint8Array {
  return concatBytes(text(type), le32(data.length), data, new Uint8Array(data.length % 2));
}

/** A WebP made of the given chunks (the first must be its image or VP8X header). */
export function webpOf(...chunks: Uint8Array[]): Uint8Array {
  const body = concatBytes(text('WEBP'), ...chunks);
  return concatBytes(text('RIFF'), le32(body.length), body);
}

/** The chunks of a WebP file after "WEBP". */
export function webpChunks(file: Uint8Array): Uint8Array {
  return file.subarray(12);
}

/** An ISO BMFF box. */
export function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const body = concatBytes(...payload);
  return concatBytes(be32(body.length + 8), text(type), body);
}
/** A full box (version and flags first). */
export function fullBox(type: string, version: number, ...payload: Uint8Array[]): Uint8Array {
  return box(type, new Uint8Array([version, 0, 0, 0]), ...payload);
}

/** A small AVIF: one av01 item (plus `items` of other types), its ispe, optional moov frames. */
export function makeAvif(
  options: { width?: number; height?: number; items?: string[]; frames?: number; after?: Uint8Array } = {},
): Uint8Array {
  const { width = 40, height = 30, items = [], frames } = options;
  const infe = (id: number, type: string) =>
    fullBox('infe', 2, new Uint8Array([0, id, 0, 0]), text(type), new Uint8Array([0]));
  const types = ['av01', ...items];
  const meta = fullBox(
    'meta',
    0,
    fullBox('hdlr', 0, new Uint8Array(4), text('pict'), new Uint8Array(13)),
    fullBox('iinf', 0, new Uint8Array([0, types.length]), ...types.map((t, i) => infe(i + 1, t))),
    box('iprp', box('ipco', fullBox('ispe', 0, be32(width), be32(height)))),
  );
  const moov =
    frames === undefined
      ? new Uint8Array(0)
      : box(
          'moov',
          box('trak', box('mdia', box('minf', box('stbl', fullBox('stsz', 0, be32(100), be32(frames)))))),
        );
  return concatBytes(
    box('ftyp', text('avif'), be32(0), text('avifmif1miaf')),
    meta,
    moov,
    box('mdat', new Uint8Array([0x12, 0, 0x0a, 0x06])),
    options.after ?? new Uint8Array(0),
  );
}

/** An animated PNG declaring `declared` frames in acTL and carrying `controls` fcTL chunks. */
export function makeApng(width: number, height: number, declared: number, controls = 1): Uint8Array {
  const acTL = concatBytes(be32(declared), be32(0));
  const fcTL = (n: number) =>
    concatBytes(be32(n), be32(width), be32(height), be32(0), be32(0), new Uint8Array([0, 1, 0, 10, 0, 0]));
  return encodePng(width, height, () => [10, 20, 30], [
    ['acTL', acTL],
    ...Array.from({ length: controls }, (_, i): [string, Uint8Array] => ['fcTL', fcTL(i)]),
  ]);
}
