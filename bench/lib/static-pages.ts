/**
 * For the plain static Astro reference of bench:build: storefront and list pages
 * prerendered one file each by the same components (as shopfront built them before
 * the page store), so the reference builds the same site the way a plain static
 * Astro project would. Written over the on-demand pages in the reference's copy.
 */
export const STATIC_STOREFRONT = `---
import type { GetStaticPaths } from 'astro';
import Base from '../../../layouts/Base.astro';
import CreatorHeader from '../../../components/CreatorHeader.astro';
import Disclosure from '../../../components/Disclosure.astro';
import ProductGrid from '../../../components/ProductGrid.astro';
import { approvedInfluencers, featuredCards, retailersOf, visibleLists } from '../../../lib/catalog.ts';
import { siteName } from '../../../lib/load-directory.ts';
import { loadCatalog } from '../../../lib/static-catalog.ts';
import { paths } from '../../../lib/urls.ts';

export const getStaticPaths = (async () =>
  approvedInfluencers((await loadCatalog()).influencers).map((influencer) => ({
    params: { handle: influencer.handle },
    props: { influencer },
  }))) satisfies GetStaticPaths;

const { influencer } = Astro.props;
const catalog = await loadCatalog();
const featured = featuredCards(catalog, influencer);
const lists = visibleLists(catalog, influencer);
const retailers = retailersOf([...featured, ...lists.flatMap((l) => l.cards)]);
---

<Base siteName={await siteName()} title={influencer.name} description={influencer.bio} image={influencer.avatar} type="profile">
  <CreatorHeader influencer={influencer} />
  <Disclosure retailers={retailers} />
  {featured.length > 0 && (<section aria-labelledby="featured"><h2 id="featured">Featured</h2><ProductGrid cards={featured} handle={influencer.handle} /></section>)}
  {lists.map(({ list, cards }) => (
    <section aria-labelledby={\`l-\${list.slug}\`}>
      <div class="sh"><h2 id={\`l-\${list.slug}\`}>{list.title}</h2><a class="more" href={paths.list(influencer.handle, list.slug)}>Open list →</a></div>
      <ProductGrid cards={cards} handle={influencer.handle} />
    </section>
  ))}
</Base>
`;

export const STATIC_LIST = `---
import type { GetStaticPaths } from 'astro';
import Base from '../../../layouts/Base.astro';
import Disclosure from '../../../components/Disclosure.astro';
import ProductGrid from '../../../components/ProductGrid.astro';
import { approvedInfluencers, listCards, retailersOf } from '../../../lib/catalog.ts';
import { siteName } from '../../../lib/load-directory.ts';
import { loadCatalog } from '../../../lib/static-catalog.ts';
import { paths } from '../../../lib/urls.ts';

export const getStaticPaths = (async () =>
  approvedInfluencers((await loadCatalog()).influencers).flatMap((influencer) =>
    influencer.lists.map((list) => ({ params: { handle: influencer.handle, list: list.slug }, props: { influencer, list } })),
  )) satisfies GetStaticPaths;

const { influencer, list } = Astro.props;
const cards = listCards(await loadCatalog(), list);
---

<Base siteName={await siteName()} title={\`\${list.title}, by \${influencer.name}\`} description={list.title} image={influencer.avatar} type="article">
  <h1>{list.title}</h1>
  <Disclosure retailers={retailersOf(cards)} />
  <ProductGrid cards={cards} handle={influencer.handle} level={2} />
  <p class="more back"><a href={paths.storefront(influencer.handle)}>More from {influencer.name} →</a></p>
</Base>
`;

/** The whole catalog for the static reference's pages, read from the content folder in Node. */
export const STATIC_CATALOG = `import { loadBuildContent } from '../../build/load-content.ts';
import { contentDir } from '../../build/content-gate.ts';
import { catalogFromContent } from '../../build/write-page-store.ts';
import type { Catalog } from './catalog.ts';

let cached: Catalog | undefined;
export async function loadCatalog(): Promise<Catalog> {
  const { content } = loadBuildContent(contentDir());
  if (!content) throw new Error('content errors');
  cached ??= catalogFromContent(content);
  return cached;
}
`;
