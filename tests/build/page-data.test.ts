/** The page helpers on their own: plain data in, plain data out. */
import { describe, expect, it } from 'vitest';
import type { Member, Product, Retailer } from '../../domain/content/schema.ts';
import { AMAZON_US, testAssociate, testInfluencer, testProduct } from '../lib/catalog-fixtures.ts';
import {
  approvedInfluencers,
  categoriesInUse,
  featuredCards,
  followerTier,
  handleRedirects,
  listCards,
  retailersOf,
  totalFollowers,
  visibleLists,
  type Catalog,
} from '../../domain/pages/catalog.ts';
import { formatCount, formatDay, formatPrice } from '../../site/lib/format.ts';
import {
  robotsTxt,
  sitemapIndexXml,
  sitemapPaths,
  sitemapXml,
  SITEMAP_MAX_URLS,
} from '../../site/lib/sitemap.ts';
import { DIRECTORY_PAGE_SIZE, directoryOf, directoryPage, laterPages } from '../../domain/pages/directory.ts';
import { paths as sitePaths } from '../../site/lib/urls.ts';
import { absoluteUrl, paths } from '../../site/lib/urls.ts';

const amazon = AMAZON_US;
const shop: Retailer = {
  ...amazon,
  id: 'shop-jp',
  name: 'Shop JP',
  currency: 'JPY',
  disclosure: 'Shop JP pays us.',
};

const product = testProduct;
const influencer = testInfluencer;
const associate = testAssociate;

function catalog(influencers: Member[], products: Product[]): Catalog {
  return {
    influencers,
    products: new Map(products.map((p) => [p.id, p])),
    retailers: new Map([amazon, shop].map((r) => [r.id, r])),
    categories: [
      { id: 'books', name: 'Books' },
      { id: 'kitchen', name: 'Kitchen' },
      { id: 'tv', name: 'TV' },
    ],
  };
}

describe('associates', () => {
  const data = catalog([influencer('ana'), associate('site-reviews')], [product('A')]);

  it('are never storefronts: not listed, no category, no sitemap entry, no redirect', () => {
    expect(approvedInfluencers(data.influencers).map((i) => i.handle)).toEqual(['ana']);
    expect(categoriesInUse(data.categories, approvedInfluencers(data.influencers)).map((c) => c.id)).toEqual([
      'kitchen',
    ]);
    expect(sitemapPaths(directoryOf(data)).join(' ')).not.toContain('site-reviews');
    expect(handleRedirects(data.influencers)).toEqual([]);
  });
});

describe('storefront contents', () => {
  const products = [product('A'), product('B', { available: false }), product('C', { retailer: 'shop-jp' })];
  const ana = influencer('ana', {
    featured: ['C', 'B', 'A', 'A'],
    lists: [
      { slug: 'one', title: 'One', items: [{ product: 'A', note: 'first note' }, { product: 'B' }] },
      { slug: 'two', title: 'Two', items: [{ product: 'A', note: 'second note' }, { product: 'C' }] },
      { slug: 'gone', title: 'Gone', items: [{ product: 'B', note: 'sold out' }] },
    ],
  });
  const data = catalog([ana], products);

  it('drops unavailable products from lists and keeps list order', () => {
    expect(listCards(data, ana.lists[0]!).map((c) => [c.product.id, c.note])).toEqual([['A', 'first note']]);
    expect(listCards(data, ana.lists[1]!).map((c) => c.product.id)).toEqual(['A', 'C']);
  });

  it('shows featured products once each, with the note from the first list that has one', () => {
    expect(featuredCards(data, ana).map((c) => [c.product.id, c.note])).toEqual([
      ['C', undefined],
      ['A', 'first note'],
    ]);
  });

  it('hides lists with nothing left to show', () => {
    expect(visibleLists(data, ana).map((l) => l.list.slug)).toEqual(['one', 'two']);
  });

  it('names each retailer on the page once, in order of appearance', () => {
    expect(retailersOf(featuredCards(data, ana)).map((r) => r.id)).toEqual(['shop-jp', 'amazon-us']);
    expect(retailersOf([])).toEqual([]);
  });
});

describe('directory', () => {
  const people = [
    influencer('zed', { name: 'Zed' }),
    influencer('amy', { name: 'Amy', categories: ['books', 'kitchen'] }),
    influencer('ben', { name: 'Ben', status: 'applied', categories: ['tv'] }),
    influencer('cy', { name: 'Cy', status: 'suspended', categories: ['tv'] }),
    influencer('dot', { name: 'Dot', status: 'rejected', categories: ['tv'] }),
  ];

  it('keeps approved storefronts only, by name', () => {
    expect(approvedInfluencers(people).map((i) => i.handle)).toEqual(['amy', 'zed']);
  });

  it('offers only categories that approved storefronts cover, in program order', () => {
    const data = catalog(people, []);
    expect(categoriesInUse(data.categories, approvedInfluencers(people)).map((c) => c.id)).toEqual([
      'books',
      'kitchen',
    ]);
  });

  it('sums followers and tiers by the biggest audience', () => {
    const socials = (counts: number[]) =>
      counts.map((followers) => ({ platform: 'x' as const, url: 'https://x.com/a', followers }));
    expect(totalFollowers(influencer('a', { socials: socials([641200, 412900, 88300]) }))).toBe(1142400);
    expect(followerTier(influencer('a', { socials: socials([641200, 412900]) }))).toBe('Macro');
    expect(followerTier(influencer('a', { socials: socials([9999]) }))).toBe('Nano');
    expect(followerTier(influencer('a', { socials: socials([10000]) }))).toBe('Micro');
    expect(followerTier(influencer('a', { socials: socials([99999, 5]) }))).toBe('Micro');
    expect(followerTier(influencer('a', { socials: socials([100000]) }))).toBe('Mid-tier');
    expect(followerTier(influencer('a', { socials: socials([500000]) }))).toBe('Macro');
    expect(followerTier(influencer('a', { socials: socials([1000000]) }))).toBe('Mega');
  });
});

describe('renamed handles', () => {
  it('redirects old handles of approved storefronts only', () => {
    const people = [
      influencer('new-name', { previous_handles: ['old-name', 'older-name'] }),
      influencer('paused', { status: 'suspended', previous_handles: ['paused-old'] }),
    ];
    expect(handleRedirects(people).map((r) => [r.from, r.to.handle])).toEqual([
      ['old-name', 'new-name'],
      ['older-name', 'new-name'],
    ]);
  });

  it('refuses an old handle that is a current handle or claimed twice', () => {
    expect(() =>
      handleRedirects([influencer('ana', { previous_handles: ['ben'] }), influencer('ben')]),
    ).toThrow('influencers/ana.yaml: previous_handles[0]: "ben" is the handle of a storefront');
    expect(() =>
      handleRedirects([
        influencer('ana', { previous_handles: ['old'] }),
        influencer('ben', { previous_handles: ['old'] }),
      ]),
    ).toThrow('influencers/ben.yaml: previous_handles[0]: "old" is also a previous handle of ana');
  });
});

describe('formatting', () => {
  it('formats days as written, whatever the time zone', () => {
    expect(formatDay('2026-11-20')).toBe('Nov 20, 2026');
    expect(formatDay('2026-01-01')).toBe('Jan 1, 2026');
  });

  it('formats prices from minor units by currency', () => {
    expect(formatPrice(2499, 'USD')).toBe('$24.99');
    expect(formatPrice(12900, 'USD')).toBe('$129.00');
    expect(formatPrice(129999, 'USD')).toBe('$1,299.99');
    expect(formatPrice(1200, 'JPY')).toBe('¥1,200');
  });

  it('abbreviates follower counts', () => {
    expect(formatCount(48200)).toBe('48.2K');
    expect(formatCount(1142400)).toBe('1.1M');
    expect(formatCount(950)).toBe('950');
  });
});

describe('directory pages', () => {
  it('splits a listing into pages of a fixed size, page 1 at the plain URL', () => {
    const items = Array.from({ length: DIRECTORY_PAGE_SIZE * 2 + 1 }, (_, i) => i);
    expect(directoryPage(items, 1)).toMatchObject({ n: 1, last: 3 });
    expect(directoryPage(items, 1).items).toHaveLength(DIRECTORY_PAGE_SIZE);
    expect(directoryPage(items, 3).items).toEqual([DIRECTORY_PAGE_SIZE * 2]);
    expect(laterPages(items.length)).toEqual([2, 3]);
    expect(laterPages(0)).toEqual([]);
    expect(laterPages(DIRECTORY_PAGE_SIZE)).toEqual([]);
    expect(sitePaths.directory(1)).toBe('/');
    expect(sitePaths.directory(2)).toBe('/page/2/');
    expect(sitePaths.directory(1, 'kitchen')).toBe('/category/kitchen/');
    expect(sitePaths.directory(3, 'kitchen')).toBe('/category/kitchen/page/3/');
  });
});

describe('urls, sitemap and robots', () => {
  const site = new URL('https://shop.example/');

  it('builds tracked links with a source', () => {
    expect(paths.go('ana', 'B000TEST01')).toBe('/go/ana/B000TEST01?src=storefront');
  });

  it('makes absolute URLs and refuses to guess without a site', () => {
    expect(absoluteUrl('/shop/ana/', site)).toBe('https://shop.example/shop/ana/');
    expect(absoluteUrl('https://cdn.example/a.jpg', site)).toBe('https://cdn.example/a.jpg');
    expect(() => absoluteUrl('/', undefined)).toThrow(/site/);
  });

  it('lists public pages but not redirects or unapproved storefronts', () => {
    const data = catalog(
      [
        influencer('ana', {
          previous_handles: ['ana-old'],
          lists: [{ slug: 'pans', title: 'Pans', items: [{ product: 'A' }] }],
        }),
        influencer('ben', { status: 'applied' }),
      ],
      [product('A')],
    );
    expect(sitemapPaths(directoryOf(data))).toEqual([
      '/',
      '/category/kitchen/',
      '/shop/ana/',
      '/shop/ana/pans/',
    ]);
    expect(sitemapXml(directoryOf(data), site)).toContain('<loc>https://shop.example/shop/ana/pans/</loc>');
    expect(sitemapIndexXml(directoryOf(data), site)).toContain(
      '<sitemap><loc>https://shop.example/sitemaps/1.xml</loc></sitemap>',
    );
  });

  it('splits a large program into sitemap files of at most 50,000 URLs, all named by the index', () => {
    // 20,000 storefronts of two lists: 60,000 storefront and list URLs, plus home and a category.
    const many = catalog(
      Array.from({ length: 20_000 }, (_, i) =>
        influencer(`shop-${i}`, {
          lists: [
            { slug: 'a', title: 'A', items: [{ product: 'A' }] },
            { slug: 'b', title: 'B', items: [{ product: 'A' }] },
          ],
        }),
      ),
      [product('A')],
    );
    const index = sitemapIndexXml(directoryOf(many), site);
    expect(index.match(/<sitemap>/g)).toHaveLength(2);
    const first = sitemapXml(directoryOf(many), site, 1).match(/<url>/g) ?? [];
    const second = sitemapXml(directoryOf(many), site, 2).match(/<url>/g) ?? [];
    expect(first).toHaveLength(SITEMAP_MAX_URLS);
    expect(first.length + second.length).toBe(sitemapPaths(directoryOf(many)).length);
    expect(sitemapPaths(directoryOf(many))).toHaveLength(60_002);
  });

  it('disallows private routes and names the sitemap', () => {
    expect(robotsTxt(site)).toBe(
      'User-agent: *\nDisallow: /go/\nDisallow: /api/\nDisallow: /dashboard/\nDisallow: /webhooks/\n\nSitemap: https://shop.example/sitemap.xml\n',
    );
  });
});
