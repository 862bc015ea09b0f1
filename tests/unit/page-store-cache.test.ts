/**
 * The page store's shard cache (build/page-store-cache.ts): a rebuild after a change gives exactly the
 * files a cold build gives (byte for byte, every file), and serializes only the shards the
 * change moved; the rest are hard links to read-only cache files, pruned to those in use.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatError, type Content } from '../../domain/content/validate.ts';
import { isInfluencer } from '../../domain/content/schema.ts';
import type { ProductData } from '../../domain/catalog/offers.ts';
import { SHARDS } from '../../domain/links/shards.ts';
import { pageShardOf, pageShardPath } from '../../domain/pages/page-store.ts';
import { shareCardPath } from '../../domain/pages/share-card.ts';
import { loadContent } from '../../build/load-content.ts';
import { writePageStore } from '../../build/write-page-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shopfront-page-cache-'));
  dirs.push(dir);
  return dir;
}

/** The sample program with `extra` more approved creators, each showing the first creator's products. */
function grown(extra: number): Content {
  const { content, errors } = loadContent('content');
  if (!content) throw new Error(errors.map(formatError).join('\n'));
  const creator = content.influencers.find((i) => i.status === 'approved' && 'lists' in i && i.lists.length);
  if (!creator) throw new Error('sample content has no approved creator with lists');
  for (let i = 0; i < extra; i++)
    content.influencers.push({
      ...creator,
      handle: `grown-${i}`,
      tracking_id: `grown${i}-20`,
      previous_handles: [],
    });
  return content;
}

/** Every file under `root`, by path, as bytes. */
function tree(root: string): Map<string, Buffer> {
  const names = readdirSync(root, { recursive: true, encoding: 'utf8' });
  return new Map(
    names
      .filter((name) => statSync(join(root, name)).isFile())
      .sort()
      .map((name) => [name, readFileSync(join(root, name))]),
  );
}

interface Inputs {
  productData: ProductData | null;
  cards: Set<string>;
}

/** A cold build (no cache) and a rebuild from `cache`, each into an empty folder: the same files. */
function rebuildMatchesCold(content: Content, cache: string, inputs: Inputs): number {
  const [cold, rebuilt] = [temp(), temp()];
  writePageStore(content, cold, inputs.productData, inputs.cards);
  const { files, serialized } = writePageStore(content, rebuilt, inputs.productData, inputs.cards, cache);
  expect(files).toBe(SHARDS.pages);
  const [a, b] = [tree(cold), tree(rebuilt)];
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [path, bytes] of a) expect(b.get(path)?.equals(bytes), path).toBe(true);
  return serialized;
}

const offerOf = (price_minor: number) => ({
  price_minor,
  currency: 'USD' as const,
  prime: true,
  checked_at: '2026-12-07T09:12:00.000Z',
});

describe('page store shard cache', () => {
  it('rebuilds exactly the files of a cold build, serializing only the shards a change moved', () => {
    const content = grown(300);
    const cache = temp();
    const inputs: Inputs = { productData: null, cards: new Set() };
    const shardOfHandle = (handle: string) => pageShardOf(handle);
    // Cold: every distinct shard serialized once (the empty ones share one key).
    const distinct = rebuildMatchesCold(content, cache, inputs);
    expect(distinct).toBeGreaterThan(300);
    expect(distinct).toBeLessThan(SHARDS.pages);
    expect(rebuildMatchesCold(content, cache, inputs)).toBe(0);

    // One creator's bio: that creator's shard.
    const member = content.influencers.filter(isInfluencer).find((i) => i.handle === 'grown-7');
    if (!member) throw new Error('no grown-7');
    member.bio = 'Changed my bio.';
    expect(rebuildMatchesCold(content, cache, inputs)).toBe(1);

    // A product every grown creator shows: all their shards, none of the others.
    const productId = member.featured[0]!;
    const product = content.products.find((p) => p.id === productId)!;
    product.title = `${product.title} (2nd edition)`;
    const showing = content.influencers
      .filter(isInfluencer)
      .filter((i) => i.status === 'approved')
      .filter((i) =>
        [...i.featured, ...i.lists.flatMap((l) => l.items.map((x) => x.product))].includes(productId),
      );
    const moved = new Set(showing.map((i) => shardOfHandle(i.handle)));
    expect(rebuildMatchesCold(content, cache, inputs)).toBe(moved.size);

    // An offer from the product data refresh, then a new price for it.
    inputs.productData = { v: 1, source: 'fixture', refreshed_at: '2026-12-07T10:00:00.000Z', offers: {} };
    inputs.productData.offers[productId] = offerOf(1999);
    expect(rebuildMatchesCold(content, cache, inputs)).toBe(moved.size);
    inputs.productData.offers[productId]!.price_minor = 2099;
    expect(rebuildMatchesCold(content, cache, inputs)).toBe(moved.size);

    // A share card rendered for one creator: its shard.
    inputs.cards.add(shareCardPath('grown-11'));
    expect(rebuildMatchesCold(content, cache, inputs)).toBe(1);

    // The site's name is in every shard: all of them (the empty ones once).
    content.program.site.name = 'Renamed shop';
    expect(rebuildMatchesCold(content, cache, inputs)).toBe(distinct);
  });

  it('links read-only cache files into the output and keeps only the keys in use', () => {
    const content = grown(20);
    const [cache, out] = [temp(), temp()];
    writePageStore(content, temp(), null, new Set(), cache);
    const before = readdirSync(cache).length;
    content.program.site.name = 'Renamed shop';
    writePageStore(content, out, null, new Set(), cache);
    // The old site name's entries are gone, as many new ones in their place.
    expect(readdirSync(cache)).toHaveLength(before);
    const shard = statSync(join(out, pageShardPath(pageShardOf('grown-3'))));
    expect(shard.nlink).toBe(2);
    expect(shard.mode & 0o222).toBe(0);
    expect(JSON.parse(readFileSync(join(out, pageShardPath(pageShardOf('grown-3'))), 'utf8')).site).toBe(
      'Renamed shop',
    );
  });
});
