/** The static paths under /shop/: live storefronts and lists, plus redirects left by renamed handles. */
import type { Influencer } from '../../domain/content/schema.ts';
import { approvedInfluencers, handleRedirects, type Catalog, type List } from './catalog.ts';
import { paths } from './urls.ts';

export type StorefrontPage =
  | { params: { handle: string }; props: { kind: 'page'; influencer: Influencer } }
  | { params: { handle: string }; props: { kind: 'redirect'; to: string } };

export type ListPage =
  | { params: { handle: string; list: string }; props: { kind: 'page'; influencer: Influencer; list: List } }
  | { params: { handle: string; list: string }; props: { kind: 'redirect'; to: string } };

export function storefrontPages(catalog: Catalog): StorefrontPage[] {
  return [
    ...approvedInfluencers(catalog.influencers).map((influencer) => ({
      params: { handle: influencer.handle },
      props: { kind: 'page' as const, influencer },
    })),
    ...handleRedirects(catalog.influencers).map(({ from, to }) => ({
      params: { handle: from },
      props: { kind: 'redirect' as const, to: paths.storefront(to.handle) },
    })),
  ];
}

export function listPages(catalog: Catalog): ListPage[] {
  return [
    ...approvedInfluencers(catalog.influencers).flatMap((influencer) =>
      influencer.lists.map((list) => ({
        params: { handle: influencer.handle, list: list.slug },
        props: { kind: 'page' as const, influencer, list },
      })),
    ),
    ...handleRedirects(catalog.influencers).flatMap(({ from, to }) =>
      to.lists.map((list) => ({
        params: { handle: from, list: list.slug },
        props: { kind: 'redirect' as const, to: paths.list(to.handle, list.slug) },
      })),
    ),
  ];
}
