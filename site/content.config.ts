/**
 * The collections the pages read are filled from the content exactly as
 * `npm run check:content`, `npm run vet` and the content gate see it: the same
 * YAML parser (the `yaml` package, YAML 1.2: `no` stays a string, `0123` stays
 * `0123`, an unquoted date stays text), the same schema module, the same
 * cross-file rules (build/load-content.ts, domain/content/). Astro's own
 * glob loader would parse the files a second time with its YAML 1.1 parser, so
 * what was validated would not be exactly what was built. The collection schemas
 * below only carry the validated types; the data was checked once, by the content gate.
 */
import { defineCollection } from 'astro:content';
import { resolve } from 'node:path';
import type { Loader } from 'astro/loaders';
import { z } from 'zod';
import { formatError } from '../domain/content/validate.ts';
import { contentDir } from '../build/content-gate.ts';
import { keptFromBuildContent, loadBuildContent } from '../build/load-content.ts';
import { collectionData, type CollectionData } from '../build/collection-data.ts';

let fresh = false;

/**
 * The collections' data: what the content gate kept of this build's content (the rest is
 * let go before Astro renders), or, in dev after a change, a new load of the content.
 */
function data(): CollectionData {
  const root = contentDir();
  const kept = fresh ? undefined : keptFromBuildContent<CollectionData>(root);
  if (kept) return kept;
  const result = loadBuildContent(root, { fresh });
  fresh = false;
  if (!result.content)
    throw new Error(`content errors in ${root}/:\n${result.errors.map(formatError).join('\n')}`);
  const computed = collectionData(result.content);
  keptFromBuildContent(root, computed);
  return computed;
}

/**
 * A collection holding one entry per item of the validated content, keyed by `key`;
 * its schema only carries the type. In dev, a change under the content folder loads
 * the content again; content that no longer validates is reported and the entries
 * already stored stay.
 */
function collection<K extends string, T extends Record<string, unknown> & Record<K, string>>(
  name: string,
  items: (data: CollectionData) => readonly T[],
  key: K,
) {
  const loader: Loader = {
    name: `shopfront:${name}`,
    load: async ({ store, generateDigest, watcher, logger }) => {
      const fill = () => {
        const entries = items(data());
        store.clear();
        for (const item of entries) {
          const data: Record<string, unknown> = { ...item };
          store.set({ id: item[key], data, digest: generateDigest(data) });
        }
      };
      fill();
      const folder = resolve(contentDir());
      watcher?.on('all', (_event, path) => {
        if (!resolve(path).startsWith(`${folder}/`)) return;
        fresh = true;
        try {
          fill();
        } catch (error) {
          logger.error(error instanceof Error ? error.message : String(error));
        }
      });
    },
  };
  return defineCollection({ loader, schema: z.custom<T>() });
}

/**
 * Only what prerendered pages read: the directory's entries of approved storefronts,
 * the categories and the site block. Storefront and list pages are rendered on demand
 * from the page store (domain/pages/page-store.ts), so the build does not copy every
 * member's lists and every product into Astro's data store (docs/scale.md).
 */
export const collections = {
  storefronts: collection('storefronts', (d) => d.storefronts, 'handle'),
  categories: collection('categories', (d) => d.categories, 'id'),
  /** program.yaml's `site` block (public name and URL) as a one-entry collection. */
  site: collection('site', (d) => d.site, 'id'),
};
