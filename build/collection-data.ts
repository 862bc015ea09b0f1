/**
 * What the content collections (site/content.config.ts) hold: only what prerendered pages
 * read, the directory's entries of approved storefronts, the categories and the site block.
 * The content gate computes it right after it has written everything else the build derives
 * from content, so the whole validated program (1.3 GB at 100,000 creators) can be let go
 * before Astro syncs, bundles and renders (docs/scale.md).
 */
import type { Content } from '../domain/content/validate.ts';
import { directoryOf, type DirectoryEntry } from '../domain/pages/directory.ts';

export interface CollectionData {
  storefronts: (DirectoryEntry & { order: number })[];
  categories: Content['program']['categories'];
  site: (Content['program']['site'] & { id: 'site' })[];
}

export function collectionData(content: Content): CollectionData {
  return {
    storefronts: directoryOf({ influencers: content.influencers, categories: [] }).entries.map(
      (e, order) => ({
        ...e,
        order,
      }),
    ),
    categories: content.program.categories,
    site: [{ ...content.program.site, id: 'site' }],
  };
}
