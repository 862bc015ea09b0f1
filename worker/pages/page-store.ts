/**
 * The storefront and list pages' data, read from the page store the build writes
 * beside the static assets (domain/pages/page-store.ts, docs/scale.md): one shard file
 * per 1/4096 of the handles, fetched through the assets binding and kept parsed in
 * this isolate. A handle's record is checked against its schema when it is read.
 */
import { HANDLE_PATTERN } from '../../domain/content/schema.ts';
import {
  catalogOf,
  pageRecord,
  pageShard,
  pageShardOf,
  pageShardPath,
} from '../../domain/pages/page-store.ts';
import type { Catalog } from '../../domain/pages/catalog.ts';
import type { Influencer } from '../../domain/content/schema.ts';
import pagesConfig from '../generated/pages.ts';
import { ShardCache, ShardUnavailable } from '../lib/shard-cache.ts';
import { log } from '../lib/log.ts';
import { STATUS_OF } from '../lib/reasons.ts';

export { ShardUnavailable as PageStoreUnavailable };

/** About 330 KB of JSON a shard at 100,000 creators: 32 parsed shards stay well inside an isolate's memory. */
const shards = new ShardCache(32);

/** Hit, miss and failure counts of this isolate, for /healthz. */
export const pageStoreCounters = shards.counters;

export type Storefront =
  | {
      kind: 'page';
      site: string;
      priceMaxAgeHours: number;
      influencer: Influencer;
      catalog: Catalog;
      /** Paths of the share cards the build rendered for this storefront and its lists. */
      cards: readonly string[];
    }
  | { kind: 'redirect'; to: string }
  | { kind: 'missing' };

/** What `/shop/<handle>/` and its lists show; throws PageStoreUnavailable when the store cannot be read. */
export async function readStorefront(assets: Fetcher, handle: string): Promise<Storefront> {
  if (!HANDLE_PATTERN.test(handle) || handle.length > 64) return { kind: 'missing' };
  const path = pageShardPath(pageShardOf(handle, pagesConfig.shards));
  const shard = await shards.read(assets, path, (json) => pageShard.parse(json));
  if (!Object.hasOwn(shard.pages, handle)) return { kind: 'missing' };
  const parsed = pageRecord.safeParse(shard.pages[handle]);
  if (!parsed.success)
    throw shards.failed(path, `${path}: record "${handle}" is malformed: ${parsed.error.message}`);
  const record = parsed.data;
  if (record.kind === 'redirect') return record;
  return {
    kind: 'page',
    site: shard.site,
    priceMaxAgeHours: shard.price_max_age_hours,
    influencer: record.influencer,
    catalog: catalogOf(record, shard.categories),
    cards: record.cards,
  };
}

/** Forgets every cached shard (tests). */
export function clearPageStore(): void {
  shards.clear();
}

/**
 * A storefront page's data, or the answer to give instead: 404 for an unknown handle
 * (Astro renders the 404 page), 301 from a renamed handle to `moved(current handle)`,
 * 503 with Retry-After when the store cannot be read (logged), never a 500.
 */
export async function storefrontOrAnswer(
  assets: Fetcher,
  handle: string,
  moved: (current: string) => string,
): Promise<Extract<Storefront, { kind: 'page' }> | Response> {
  let found: Storefront;
  try {
    found = await readStorefront(assets, handle);
  } catch (error) {
    if (!(error instanceof ShardUnavailable)) throw error;
    log('error', 'pages.store_unavailable', { handle, error: error.message });
    return new Response('This page is briefly unavailable. Please try again in a minute.', {
      status: STATUS_OF.store_unavailable,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '60' },
    });
  }
  if (found.kind === 'missing') return new Response(null, { status: STATUS_OF.not_found });
  if (found.kind === 'redirect')
    return new Response(null, { status: 301, headers: { Location: moved(found.to) } });
  return found;
}
