/** Site paths in one place, so pages, the sitemap and tests agree on every URL. */
import { shareCardPath } from '../../domain/pages/share-card.ts';

export const paths = {
  home: () => '/',
  category: (id: string) => `/category/${id}/`,
  /** Page `n` of the directory (all storefronts, or one category); page 1 is the plain URL. */
  directory: (n: number, category?: string) => {
    const first = category === undefined ? '/' : `/category/${category}/`;
    return n <= 1 ? first : `${first}page/${n}/`;
  },
  storefront: (handle: string) => `/shop/${handle}/`,
  list: (handle: string, slug: string) => `/shop/${handle}/${slug}/`,
  /** A storefront's search page (`?q=`); "search" is reserved as a list slug. */
  search: (handle: string, q?: string) =>
    `/shop/${handle}/search/${q === undefined ? '' : `?q=${encodeURIComponent(q)}`}`,
  /** The 1200x630 share card of a storefront, or of one of its lists (rendered at build, image packs). */
  card: shareCardPath,
  /** The web application form (another issue builds it). */
  apply: () => '/apply/',
  /** The worker's tracked redirect (CONTRACT section 3); `src` says where the click came from. */
  go: (handle: string, productId: string, src = 'storefront') =>
    `/go/${handle}/${encodeURIComponent(productId)}?src=${src}`,
};

/** An absolute URL on the site; `site` comes from program.yaml (or SITE_URL) via the content gate. */
export function absoluteUrl(pathOrUrl: string, site: URL | undefined): string {
  if (!site) throw new Error('astro config "site" is not set (the content gate sets it from program.yaml)');
  return new URL(pathOrUrl, site).href;
}
