/**
 * Where a page's share card is served (CONTRACT section 17): the build renders it there
 * (build/share-cards.ts) and the page's `og:image` points at it (site/lib/urls.ts `paths.card`).
 */

/** The card of the site's home and directory pages (`_` never starts a handle). */
export const SITE_CARD = '_site';

export function shareCardPath(handle: string, slug?: string): string {
  return slug === undefined ? `/images/cards/${handle}.png` : `/images/cards/${handle}/${slug}.png`;
}
