/** Image bytes for the vetting tests: real PNGs of any size (domain/vet/png.ts). */
import { concatBytes, encodePng } from '../../domain/vet/png.ts';

export const concat = concatBytes;

/** A grey PNG, optionally with one extra chunk (e.g. a tEXt chunk carrying markup). */
export function makePng(width: number, height: number, extraChunk?: [string, Uint8Array]): Uint8Array {
  return encodePng(width, height, () => [128, 128, 128], extraChunk ? [extraChunk] : []);
}
