/** The sitemap and robots.txt as text, from the same path helpers the pages use. */
import { approvedInfluencers, categoriesInUse, type Catalog } from './catalog.ts';
import { absoluteUrl, paths } from './urls.ts';

/** Every indexable page: home, category filters, storefronts and their lists (not redirects). */
export function sitemapPaths(catalog: Catalog): string[] {
  const approved = approvedInfluencers(catalog.influencers);
  return [
    paths.home(),
    ...categoriesInUse(catalog.categories, approved).map((c) => paths.category(c.id)),
    ...approved.flatMap((i) => [
      paths.storefront(i.handle),
      ...i.lists.map((l) => paths.list(i.handle, l.slug)),
    ]),
  ];
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function sitemapXml(catalog: Catalog, site: URL | undefined): string {
  const urls = sitemapPaths(catalog).map((p) => `<url><loc>${escapeXml(absoluteUrl(p, site))}</loc></url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
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
