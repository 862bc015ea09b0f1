/**
 * Writes what the worker vets change requests against (domain/requests/vet-request.ts): the
 * program, retailers and rate files as validated data, the handle index by skeleton
 * (domain/requests/handle-index.ts) and the products' file data by id
 * (domain/requests/product-index.ts), under the static assets folder.
 */
import type { Content } from '../domain/content/validate.ts';
import {
  buildHandleIndex,
  handleIndexPath,
  REQUEST_BASE_PATH,
  type HandleIndexShard,
} from '../domain/requests/handle-index.ts';
import type { RequestBase } from '../domain/requests/vet-request.ts';
import { buildProductIndex, productIndexPath } from '../domain/requests/product-index.ts';
import { writeIfChanged } from './write-if-changed.ts';

export function writeRequestBase(content: Content, root: string): { files: number; written: number } {
  const base: RequestBase = {
    program: content.program,
    retailers: { retailers: content.retailers },
    rates: { retailers: content.rates },
  };
  let written = writeIfChanged(root, REQUEST_BASE_PATH, JSON.stringify(base)) ? 1 : 0;
  const shards: HandleIndexShard[] = buildHandleIndex(content.influencers);
  shards.forEach((shard, i) => {
    if (writeIfChanged(root, handleIndexPath(i), JSON.stringify(shard))) written++;
  });
  const products = buildProductIndex(content.products);
  products.forEach((shard, i) => {
    if (writeIfChanged(root, productIndexPath(i), JSON.stringify(shard))) written++;
  });
  return { files: shards.length + products.length + 1, written };
}
