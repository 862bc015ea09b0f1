/**
 * `npm run bench:images`: the image packs (domain/images/packs.ts) of a synthetic program,
 * every creator with an avatar (the sample avatars' bytes, cycled) and optionally local
 * product images (the sample product images' bytes): images a pack, bytes a pack, the index
 * overhead, and the time to decode a pack's index. Target: the largest pack far under the
 * 25 MiB a static asset may hold.
 *
 * Flags: --creators N (default 100000), --products N (local product images, default 0),
 * --avatar-bytes N (every avatar N bytes instead of the samples' own).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as packs from '../domain/images/packs.ts';
import { SHARDS } from '../domain/links/shards.ts';
import { ROOT } from '../scripts/lib/harness/process.ts';
import { fmt, options as flags, quantile, round, row, runBenchmark } from './lib/report.ts';

const options = flags({ creators: 100_000, products: 0, avatarBytes: 0 });

const image = (bytes: Buffer) => ({ bytes, sha256: createHash('sha256').update(bytes).digest('base64url') });
const samples = (folder: string, dir = join(ROOT, 'site', 'public', 'images', folder)) =>
  readdirSync(dir)
    .toSorted()
    .map((name) => image(readFileSync(join(dir, name))));

await runBenchmark('images', options, async () => {
  const avatars =
    options.avatarBytes === 0 ? samples('avatars') : [image(Buffer.alloc(options.avatarBytes, 7))];
  const products = samples('products');
  const groups: packs.ImageFile[][] = Array.from({ length: SHARDS.images }, () => []);
  const add = (path: string, list: ReturnType<typeof image>[], i: number) =>
    groups[packs.imagePackOf(path)]?.push({ path, ...list[i % list.length]! });
  for (let i = 0; i < options.creators; i++) add(`/images/avatars/creator-${i}.png`, avatars, i);
  for (let i = 0; i < options.products; i++)
    add(`/images/products/P${String(i).padStart(9, '0')}.svg`, products, i);

  // One pack at a time: the whole program's images are never in memory twice.
  const sizes = groups.map((group) => packs.encodePack(group).length);
  const imageBytes = groups.flat().reduce((n, file) => n + file.bytes.length, 0);
  const [counts, largest] = [groups.map((g) => g.length), Math.max(...sizes)];
  const fullest = groups.reduce((a, b) => (b.length > a.length ? b : a));
  const images = options.creators + options.products;
  const overhead =
    images === 0 ? 0 : (sizes.reduce((n, s) => n + s, 0) - imageBytes - 12 * SHARDS.images) / images;

  const pack = packs.encodePack(fullest);
  const first = fullest[0]?.path ?? '';
  const decode = () => packs.imageFromPack(packs.decodePack(pack), first);
  for (let r = 0; r < 200; r++) decode();
  const started = performance.now();
  for (let r = 0; r < 2000; r++) decode();
  const decodeMs = (performance.now() - started) / 2000;

  const max = packs.MAX_PACK_BYTES;
  // prettier-ignore
  return {
    figures: [
      row('pack files', SHARDS.images, undefined, `${fmt(images)} images; for any program size`),
      row('images a pack (median / max)', `${fmt(quantile(counts, 0.5))} / ${fmt(Math.max(...counts))}`),
      row('bytes a pack (median)', round(quantile(sizes, 0.5) / 1024), 'KiB'),
      row('bytes a pack (largest)', round(largest / 1024), 'KiB', undefined, `<= ${fmt(max / 1024)} KiB`, largest <= max),
      row('index bytes an image', round(overhead), 'B'),
      row("decoding the fullest pack's index", round(decodeMs, 3), 'ms', 'warm, Node'),
    ],
    options: { samples: { avatars: avatars.length, products: products.length } },
  };
});
