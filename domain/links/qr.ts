/**
 * QR codes for a storefront and its lists (CONTRACT.md section 17). A QR code always leads
 * through this site's own bio link, never to a retailer (Amazon forbids its links offline):
 *   storefront  = <origin>/go/<handle>?src=qr                 (logged, then /shop/<handle>/)
 *   list        = <origin>/go/<handle>?src=qr&list=<slug>     (logged, then /shop/<handle>/<slug>/)
 * Encoding: `uqr`, error correction M (15% of the code may be damaged or covered), a quiet
 * zone of 4 modules (what the standard asks for). Drawing, for a code of n modules a side:
 *   SVG  viewBox 0 0 n n, one path of horizontal runs of dark modules, crisp edges;
 *   PNG  1-bit, (n x SCALE) pixels a side, module (i, j) covering pixels [i*SCALE, (i+1)*SCALE).
 */
import { encode } from 'uqr';
import { encodeBitmapPng } from '../images/png.ts';
import { HANDLE_PATTERN, SLUG_PATTERN } from '../content/schema.ts';

/** Pixels per module in the PNG: a version-4 code (41 modules with its quiet zone) is 410 px. */
export const PNG_SCALE = 10;
/** Pixels per module the SVG declares as its size (it scales without loss). */
const SVG_SCALE = 8;

export interface QrTarget {
  handle: string;
  /** A list's slug, or null for the storefront. */
  list: string | null;
}

/** The URL a QR code of this storefront or list encodes (always ?src=qr, always /go/). */
export function qrTargetUrl(origin: string, target: QrTarget): string {
  if (!HANDLE_PATTERN.test(target.handle)) throw new Error(`not a handle: ${target.handle}`);
  if (target.list !== null && !SLUG_PATTERN.test(target.list))
    throw new Error(`not a list slug: ${target.list}`);
  const list = target.list === null ? '' : `&list=${target.list}`;
  return `${new URL(origin).origin}/go/${target.handle}?src=qr${list}`;
}

/** The modules of the code, row by row (true = dark), quiet zone included. */
export function qrModules(text: string): boolean[][] {
  return encode(text, { ecc: 'M', border: 4 }).data;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A standalone SVG document of the code, titled with the URL it encodes. */
export function qrSvg(text: string): string {
  const modules = qrModules(text);
  const n = modules.length;
  const runs: string[] = [];
  modules.forEach((row, y) => {
    for (let x = 0; x < n;) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < n && row[x]) x++;
      runs.push(`M${start} ${y}h${x - start}v1h${start - x}z`);
    }
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" width="${n * SVG_SCALE}" height="${n * SVG_SCALE}" shape-rendering="crispEdges" role="img">` +
    `<title>${escapeXml(text)}</title><rect width="${n}" height="${n}" fill="#fff"/>` +
    `<path fill="#000" d="${runs.join('')}"/></svg>\n`
  );
}

/** The code as a black-and-white PNG, PNG_SCALE pixels a module. */
export async function qrPng(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const modules = qrModules(text);
  const size = modules.length * PNG_SCALE;
  return encodeBitmapPng(
    size,
    size,
    (x, y) => modules[Math.floor(y / PNG_SCALE)]?.[Math.floor(x / PNG_SCALE)] === true,
  );
}
