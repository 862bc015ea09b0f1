/**
 * Builds the route table, the link data and the image packs (into the tests' static assets)
 * from the sample content and site/public/images before the worker is bundled,
 * and hands the tests the links they should expect, computed here from the YAML
 * independently of the worker's own lookup.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { linkedProducts } from '../../domain/content/members.ts';
import { formatError } from '../../domain/content/validate.ts';
import { loadContent } from '../../build/load-content.ts';
import { writeLinkData, writeRouteTable } from '../../build/write-route-table.ts';
import { packImageFiles } from '../../build/write-image-packs.ts';
import { writeRequestBase } from '../../build/write-request-base.ts';
import { writeLiveIndex } from '../../build/write-live-index.ts';
import { writePageStore } from '../../build/write-page-store.ts';
import { TEST_ASSETS } from '../../vitest.config.ts';
import { catalogSyncSql } from '../../scripts/lib/catalog-sql.ts';
import type { ExpectedLink, MarketplaceFacts, SampleImage } from './provided.ts';

export default function setup(project: TestProject) {
  const { content, errors } = loadContent('content');
  if (!content) throw new Error(errors.map(formatError).join('\n'));
  writeRouteTable(content);
  writeLinkData(content, TEST_ASSETS);
  writeRequestBase(content, TEST_ASSETS);
  writeLiveIndex('content', TEST_ASSETS);
  // The storefronts' page store (the QR codes' route reads which storefronts and lists exist; storefront edits start from the member's file as the build has it).
  writePageStore(content, TEST_ASSETS);
  // The same writer as the build's, from the images the build would copy into dist/client.
  packImageFiles('site/public', TEST_ASSETS);
  const retailers = new Map(content.retailers.map((r) => [r.id, r]));
  const expectedLinks: ExpectedLink[] = [];
  for (const influencer of content.influencers.filter((i) => i.status === 'approved')) {
    // Influencers: what their storefront lists; associates: the catalog of their categories.
    for (const product of linkedProducts(influencer, content.products)) {
      const retailer = retailers.get(product.retailer);
      if (!retailer) continue;
      expectedLinks.push({
        handle: influencer.handle,
        product: product.id,
        url: product.url,
        tag: retailer.tag_param,
        subtag: retailer.subtag_param,
        trackingId: influencer.tracking_id,
      });
    }
  }
  project.provide('expectedLinks', expectedLinks);
  const avatar = content.influencers.find((i) => i.avatar.startsWith('/images/avatars/'))?.avatar;
  const product = content.products.find((p) => p.image.startsWith('/images/products/'))?.image;
  if (!avatar || !product) throw new Error('the sample content has no local avatar or product image');
  project.provide(
    'sampleImages',
    [avatar, product].map((path): SampleImage => ({
      path,
      base64: readFileSync(`site/public${path}`).toString('base64'),
    })),
  );
  // The catalog copy in D1 the dashboards read, written by the same SQL `npm start` runs.
  project.provide('catalogSql', catalogSyncSql(content.products, 'test'));
  project.provide(
    'associateHandles',
    content.influencers
      .filter((i) => i.status === 'approved' && i.program === 'associate')
      .map((i) => i.handle),
  );
  project.provide(
    'notApprovedHandles',
    content.influencers.filter((i) => i.status !== 'approved').map((i) => i.handle),
  );
  project.provide('marketplaceFacts', {
    retailers: content.retailers.map((r) => ({
      id: r.id,
      group: r.group ?? null,
      hosts: r.hosts,
      currency: r.currency,
      countries: r.countries ?? [],
      search_url: r.search_url ?? null,
      tag: r.tag_param,
      subtag: r.subtag_param,
    })),
    members: content.influencers
      .filter((i) => i.status === 'approved')
      .map((i) => ({ handle: i.handle, trackingId: i.tracking_id, trackingIds: i.tracking_ids ?? {} })),
    products: content.products
      .filter((p) => p.available)
      .map((p) => ({ id: p.id, retailer: p.retailer, url: p.url, title: p.title, markets: p.markets ?? {} })),
  } satisfies MarketplaceFacts);
  project.provide(
    'storefronts',
    content.influencers
      .filter((i) => i.status === 'approved' && i.program === 'influencer')
      .map((i) => ({ handle: i.handle, lists: 'lists' in i ? i.lists.map((l) => l.slug) : [] })),
  );
  project.provide(
    'unavailableProducts',
    content.products.filter((p) => !p.available).map((p) => p.id),
  );
  project.provide('earlierMemberVersion', earlierMemberVersion('content/influencers/mila-cooks.yaml'));
  project.provide('shallowHistory', shallowHistory());
}

/** True in a shallow clone (no history to hold earlier versions); false in a full one or outside git. */
function shallowHistory(): boolean {
  try {
    const answer = execFileSync('git', ['rev-parse', '--is-shallow-repository'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return answer.trim() === 'true';
  } catch {
    return false;
  }
}

/** The file as its last-but-one commit left it (what the live index holds as a version only). */
function earlierMemberVersion(path: string): { path: string; text: string } | null {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const commits = git('log', '--format=%H', 'HEAD', '--', path).split('\n').filter(Boolean);
    for (const commit of commits.slice(1)) {
      const text = git('show', `${commit}:${path}`);
      if (text !== readFileSync(path, 'utf8')) return { path, text };
    }
    return null;
  } catch {
    return null;
  }
}
