/**
 * Writes the live index (domain/requests/live-index.ts): the SHA-256 of the bytes of every
 * file under content/influencers/ and content/products/ this build is made from, so the
 * deployed worker knows which change requests it contains.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLiveIndex, liveIndexPath } from '../domain/requests/live-index.ts';
import { writeIfChanged } from './write-if-changed.ts';

function* digestsOf(contentRoot: string): Generator<string> {
  for (const folder of ['influencers', 'products']) {
    const dir = join(contentRoot, folder);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir))
      if (/\.ya?ml$/.test(name))
        yield createHash('sha256')
          .update(readFileSync(join(dir, name)))
          .digest('hex');
  }
}

export function writeLiveIndex(contentRoot: string, root: string): { files: number; written: number } {
  const shards = buildLiveIndex(digestsOf(contentRoot));
  let written = 0;
  shards.forEach((shard, i) => {
    if (writeIfChanged(root, liveIndexPath(i), JSON.stringify(shard))) written++;
  });
  return { files: shards.length, written };
}
