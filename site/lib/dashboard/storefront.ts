/**
 * A member's storefront as the dashboards show it (name, lists, QR codes), read from the
 * page store the storefront pages read (worker/pages/page-store.ts): one shard, cached in
 * the isolate. Only approved influencers have a storefront; anyone else, or a store that
 * cannot be read right now, gets null and the page says so instead of failing.
 */
import { env } from 'cloudflare:workers';
import { PageStoreUnavailable, readStorefront } from '../../../worker/pages/page-store.ts';
import { qrTargetUrl } from '../../../domain/links/qr.ts';

export interface MemberStorefront {
  name: string;
  handle: string;
  /** /shop/<handle>/ */
  page: string;
  lists: { slug: string; title: string }[];
}

export type StorefrontLookup =
  { kind: 'found'; storefront: MemberStorefront } | { kind: 'none' | 'unavailable' };

export async function memberStorefront(handle: string): Promise<StorefrontLookup> {
  try {
    const found = await readStorefront(env.ASSETS, handle);
    if (found.kind !== 'page') return { kind: 'none' };
    const i = found.influencer;
    return {
      kind: 'found',
      storefront: {
        name: i.name,
        handle: i.handle,
        page: `/shop/${i.handle}/`,
        lists: i.lists.map((l) => ({ slug: l.slug, title: l.title })),
      },
    };
  } catch (error) {
    if (!(error instanceof PageStoreUnavailable)) throw error;
    return { kind: 'unavailable' };
  }
}

/** A QR code's links: what it encodes, and its SVG and PNG files (worker/links/qr-routes.ts). */
export function qrCodeOf(origin: string, handle: string, list: string | null) {
  const base = `/qr/${handle}${list === null ? '' : `/${list}`}`;
  return { url: qrTargetUrl(origin, { handle, list }), svg: `${base}.svg`, png: `${base}.png` };
}
