/** The sitemap and robots.txt as text, from the same path helpers the pages use. */
import { categoriesInUse } from '../../domain/pages/catalog.ts';
import type { Directory } from '../../domain/pages/directory.ts';
import { absoluteUrl, paths } from './urls.ts';

/**
 * Every indexable page: home, category filters, storefronts and their lists (not redirects,
 * not directory pages past the first: they only repeat storefronts listed here).
 */
export function sitemapPaths(directory: Directory): string[] {
  return [
    paths.home(),
    ...categoriesInUse(directory.categories, directory.entries).map((c) => paths.category(c.id)),
    ...directory.entries.flatMap((i) => [
      paths.storefront(i.handle),
      ...i.lists.map((slug) => paths.list(i.handle, slug)),
    ]),
  ];
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The sitemaps protocol's limit of URLs per file (and 50 MB, which 50,000 of ours never reach). */
export const SITEMAP_MAX_URLS = 50_000;

/** How many sitemap files the public pages need: one per 50,000 URLs. */
export function sitemapParts(directory: Directory): number {
  return Math.max(1, Math.ceil(sitemapPaths(directory).length / SITEMAP_MAX_URLS));
}

export function sitemapPartPath(part: number): string {
  return `/sitemaps/${part}.xml`;
}

/** Sitemap file `part` (from 1): the next 50,000 public pages. */
export function sitemapXml(directory: Directory, site: URL | undefined, part = 1): string {
  const urls = sitemapPaths(directory)
    .slice((part - 1) * SITEMAP_MAX_URLS, part * SITEMAP_MAX_URLS)
    .map((p) => `<url><loc>${escapeXml(absoluteUrl(p, site))}</loc></url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}

/** `/sitemap.xml`: the index of the sitemap files, so any program size stays within the protocol. */
export function sitemapIndexXml(directory: Directory, site: URL | undefined): string {
  const parts = Array.from({ length: sitemapParts(directory) }, (_, i) => sitemapPartPath(i + 1)).map(
    (p) => `<sitemap><loc>${escapeXml(absoluteUrl(p, site))}</loc></sitemap>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${parts.join('\n')}\n</sitemapindex>\n`;
}

/** Crawlers may read the pages but not follow tracked links or reach the worker's private routes. */
export function robotsTxt(site: URL | undefined): string {
  return [
    'User-agent: *',
    'Disallow: /go/',
    'Disallow: /api/',
    'Disallow: /dashboard/',
    'Disallow: /webhooks/',
    '',
    `Sitemap: ${absoluteUrl('/sitemap.xml', site)}`,
    '',
  ].join('\n');
}
