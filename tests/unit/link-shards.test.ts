/**
 * The link data the build writes beside the static assets: a fixed number of files
 * whatever the program size, and a rebuild rewrites only the shards a change moved.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatError, type Content } from '../../domain/content/validate.ts';
import { SHARDS } from '../../domain/links/shards.ts';
import { loadContent } from '../../build/load-content.ts';
import { writeLinkData } from '../../build/write-route-table.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sample(): Content {
  const { content, errors } = loadContent('content');
  if (!content) throw new Error(errors.map(formatError).join('\n'));
  return content;
}

/** The sample program with `extra` more approved creators and products. */
function grown(extra: number): Content {
  const content = sample();
  const [creator] = content.influencers.filter((i) => i.status === 'approved');
  const [product] = content.products;
  if (!creator || !product) throw new Error('sample content has no approved creator or product');
  for (let i = 0; i < extra; i++) {
    content.influencers.push({ ...creator, handle: `grown-${i}`, tracking_id: `grown${i}-20` });
    content.products.push({ ...product, id: `GROWN${i}`, url: `${product.url.split('?')[0]}?g=${i}` });
  }
  return content;
}

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
}

function tempAssets(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shopfront-link-shards-'));
  dirs.push(dir);
  return dir;
}

describe('link data files', () => {
  it('are as many for 10 creators as for 5,000', () => {
    const small = tempAssets();
    const large = tempAssets();
    writeLinkData(sample(), small);
    writeLinkData(grown(5000), large);
    // Handles, products and the products' search queries (as many query shards as product shards).
    expect(files(small)).toHaveLength(SHARDS.handles + 2 * SHARDS.products);
    expect(files(large).sort()).toEqual(files(small).sort());
  });

  it('are rewritten only where a change lands', () => {
    const dir = tempAssets();
    const content = grown(200);
    expect(writeLinkData(content, dir).written).toBe(SHARDS.handles + 2 * SHARDS.products);
    expect(writeLinkData(content, dir).written).toBe(0);
    const changed = content.influencers.find((i) => i.handle === 'grown-7');
    if (!changed) throw new Error('no grown-7');
    changed.tracking_id = 'changed7-20';
    expect(writeLinkData(content, dir).written).toBe(1);
    // A retitled product: only its query shard.
    const product = content.products.find((p) => p.retailer === 'amazon-us');
    if (!product) throw new Error('no amazon-us product');
    product.title = `${product.title} (2nd edition)`;
    expect(writeLinkData(content, dir).written).toBe(1);
  });
});
