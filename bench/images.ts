/**
 * `npm run bench:images`: the image packs (domain/images/packs.ts) of a synthetic program,
 * every creator with an avatar (the sample avatars' bytes, cycled) and optionally local
 * product images (the sample product images' bytes): images a pack, bytes a pack, the index
 * overhead, and the time to decode a pack's index. Target: the largest pack far under the
 * 25 MiB a static asset may hold.
 *
 * Flags: --creators N (default 100000), --products N (local product images, default 0),
 * --avatar-bytes N (every avatar N bytes instead of the samples' own).
 * Last stdout line: the figures as JSON (see bench/lib/report.ts).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodePack,
  encodePack,
  imageFromPack,
  imagePackOf,
  MAX_PACK_BYTES,
  type ImageFile,
} from '../domain/images/packs.ts';
import { SHARDS } from '../domain/links/shards.ts';
import { ROOT } from '../scripts/lib/harness/process.ts';
import { benchArgs, fmt, numberArg, quantile, round, runBenchmark } from './lib/report.ts';

const args = benchArgs();
const options = {
  creators: numberArg(args, 'creators', 100_000),
  products: args.has('products') ? numberArg(args, 'products', 0) : 0,
  avatarBytes: args.has('avatar-bytes') ? numberArg(args, 'avatar-bytes', 0) : null,
};

function samples(folder: string): { bytes: Buffer; sha256: string }[] {
  const dir = join(ROOT, 'site', 'public', 'images', folder);
  return readdirSync(dir)
    .sort()
    .map((name) => readFileSync(join(dir, name)))
    .map((bytes) => ({ bytes, sha256: createHash('sha256').update(bytes).digest('base64url') }));
}

await runBenchmark('images', options, async () => {
  const fixed = options.avatarBytes === null ? null : Buffer.alloc(options.avatarBytes, 7);
  const avatars = fixed
    ? [{ bytes: fixed, sha256: createHash('sha256').update(fixed).digest('base64url') }]
    : samples('avatars');
  const products = samples('products');
  const groups: ImageFile[][] = Array.from({ length: SHARDS.images }, () => []);
  const add = (path: string, sample: { bytes: Buffer; sha256: string } | undefined) => {
    if (!sample) throw new Error('no sample images');
    groups[imagePackOf(path)]?.push({ path, bytes: sample.bytes, sha256: sample.sha256 });
  };
  for (let i = 0; i < options.creators; i++)
    add(`/images/avatars/creator-${i}.png`, avatars[i % avatars.length]);
  for (let i = 0; i < options.products; i++)
    add(`/images/products/P${String(i).padStart(9, '0')}.svg`, products[i % products.length]);

  // One pack at a time: the whole program's images are never in memory twice.
  const sizes: number[] = [];
  let imageBytes = 0;
  let fullest = groups[0] ?? [];
  for (const group of groups) {
    sizes.push(encodePack(group).length);
    imageBytes += group.reduce((n, image) => n + image.bytes.length, 0);
    if (group.length > fullest.length) fullest = group;
  }
  const counts = groups.map((g) => g.length);
  const largest = Math.max(...sizes);
  const total = sizes.reduce((n, s) => n + s, 0);
  const images = options.creators + options.products;
  const overhead = images === 0 ? 0 : (total - imageBytes - 12 * SHARDS.images) / images;

  const pack = encodePack(fullest);
  const first = fullest[0]?.path ?? '';
  for (let r = 0; r < 200; r++) imageFromPack(decodePack(pack), first);
  const reps = 2000;
  const started = performance.now();
  for (let r = 0; r < reps; r++) imageFromPack(decodePack(pack), first);
  const decodeMs = (performance.now() - started) / reps;

  return {
    figures: [
      { name: 'pack files', value: SHARDS.images, note: `${fmt(images)} images; for any program size` },
      {
        name: 'images a pack (median / max)',
        value: `${fmt(quantile(counts, 0.5))} / ${fmt(Math.max(...counts))}`,
      },
      { name: 'bytes a pack (median)', value: round(quantile(sizes, 0.5) / 1024), unit: 'KiB' },
      {
        name: 'bytes a pack (largest)',
        value: round(largest / 1024),
        unit: 'KiB',
        target: `<= ${fmt(MAX_PACK_BYTES / 1024)} KiB`,
        met: largest <= MAX_PACK_BYTES,
      },
      { name: 'index bytes an image', value: round(overhead), unit: 'B' },
      {
        name: "decoding the fullest pack's index",
        value: round(decodeMs, 3),
        unit: 'ms',
        note: 'warm, Node',
      },
    ],
    options: { samples: { avatars: avatars.length, products: products.length } },
    details: { totalBytes: total, imageBytes },
  };
});
