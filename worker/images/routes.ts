/**
 * GET|HEAD /images/avatars/* and /images/products/*: served from the image packs
 * (worker/images/image-store.ts), since the build deploys no file of its own for them
 * (docs/scale.md). Other paths under /images/ are not routed here and stay static assets.
 *
 * An avatar's URL is stable per handle but its bytes change when the member replaces it, so
 * browsers keep an image for a day and then revalidate with its ETag (a 304 costs no bytes).
 * The security middleware gives every response here the inert policy (not HTML).
 */
import { Hono, type Context } from 'hono';
import {
  imagePackOf,
  imagePackPath,
  imageTypeOf,
  isPackedImagePath,
  PACKED_IMAGE_DIRS,
  type PackedImage,
} from '../../domain/images/packs.ts';
import type { AppEnv } from '../env.ts';
import { ImagePackUnavailable, readImage } from './image-store.ts';
import { log } from '../lib/log.ts';
import { STATUS_OF } from '../lib/reasons.ts';

const CACHE = 'public, max-age=86400';
const NO_STORE = { 'Cache-Control': 'no-store', 'Content-Type': 'text/plain; charset=utf-8' };

/** Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for it). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

async function serve(c: Context<AppEnv>): Promise<Response> {
  let path: string;
  try {
    path = decodeURIComponent(new URL(c.req.url).pathname);
  } catch {
    return new Response('Not found', { status: STATUS_OF.not_found, headers: NO_STORE });
  }
  // Only names a pack can hold are looked up: a scan of made-up paths reads no pack.
  if (!isPackedImagePath(path) || imageTypeOf(path) === null)
    return new Response('Not found', { status: STATUS_OF.not_found, headers: NO_STORE });
  let image: PackedImage | null;
  try {
    image = await readImage(c.env.ASSETS, path);
  } catch (error) {
    if (!(error instanceof ImagePackUnavailable)) throw error;
    const pack = imagePackPath(imagePackOf(path));
    log('error', 'images.pack_unavailable', { path, pack, error: error.message });
    return new Response('Images are briefly unavailable. Please try again.', {
      status: STATUS_OF.store_unavailable,
      headers: { ...NO_STORE, 'Retry-After': '5' },
    });
  }
  if (image === null) return new Response('Not found', { status: STATUS_OF.not_found, headers: NO_STORE });
  const headers = { ETag: image.etag, 'Cache-Control': CACHE };
  if (etagMatches(c.req.header('if-none-match'), image.etag))
    return new Response(null, { status: 304, headers });
  return new Response(image.body, { headers: { ...headers, 'Content-Type': image.type } });
}

export const images = new Hono<AppEnv>();
for (const dir of PACKED_IMAGE_DIRS) images.get(`${dir.slice('/images'.length)}*`, serve);
