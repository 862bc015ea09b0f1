/**
 * `npm run bench:cards [-- --creators 10000 --lists 3 --sample 300]`: the share cards' cold
 * render (build/share-cards.ts) for a synthetic program of `creators` storefronts with
 * `lists` lists each (one card per storefront and per list, plus the site's): renders `sample`
 * cards into an empty cache, one by one, and extrapolates the cold render of the whole program
 * from their mean; then runs the same cards again (all cache hits) for the warm cost. Avatars are
 * the sample avatars' bytes, cycled. Prints one JSON line.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderShareCard, writeShareCards } from '../build/share-cards.ts';
import type { CardJob } from '../build/share-card-jobs.ts';
import { benchArgs, numberArg, quantile } from './lib/report.ts';

const args = benchArgs();
const [creators, lists, sample] = [
  numberArg(args, 'creators', 10_000),
  numberArg(args, 'lists', 3),
  numberArg(args, 'sample', 300),
].map(Math.round) as [number, number, number];
const avatars = readdirSync('site/public/images/avatars').map((f) => `/images/avatars/${f}`);
const TITLES = [
  'Weeknight dinners',
  'Books I pressed into friends’ hands',
  'Gear for the trail',
  'My desk setup',
];

function jobsFor(n: number): CardJob[] {
  const jobs: CardJob[] = [];
  for (let i = 0; i < n && jobs.length < sample; i++) {
    const handle = `creator-${i}`;
    const base = { avatar: avatars[i % avatars.length], name: `Creator ${i}`, seed: handle };
    const titles = Array.from({ length: lists }, (_, l) => `${TITLES[l % TITLES.length]} ${i}`);
    jobs.push({
      ...base,
      path: `/images/cards/${handle}.png`,
      kicker: 'Storefront on shopfront',
      title: `Creator ${i}`,
      lines: titles,
      footer: `shop.example/shop/${handle}/`,
    });
    titles.forEach((t, l) =>
      jobs.push({
        ...base,
        path: `/images/cards/${handle}/list-${l}.png`,
        kicker: `A list by Creator ${i}`,
        title: t,
        lines: ['12 picks'],
        footer: `shop.example/shop/${handle}/list-${l}/`,
      }),
    );
  }
  return jobs.slice(0, sample);
}

const dir = mkdtempSync(join(tmpdir(), 'bench-cards-'));
try {
  const jobs = jobsFor(creators);
  // The first render loads the WebAssembly and the fonts: timed apart.
  const t0 = performance.now();
  await renderShareCard(jobs[0]!, 'site/public');
  const initMs = performance.now() - t0;
  const times: number[] = [];
  let bytes = 0;
  for (const job of jobs) {
    const t = performance.now();
    bytes += (await renderShareCard(job, 'site/public')).length;
    times.push(performance.now() - t);
  }
  const cache = join(dir, 'cards.bin');
  const cold = await writeShareCards(jobs, join(dir, 'out'), { cacheFile: cache });
  const warm = await writeShareCards(jobs, join(dir, 'out'), { cacheFile: cache });
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  const cards = creators * (1 + lists) + 1;
  console.log(
    JSON.stringify({
      creators,
      lists_each: lists,
      cards,
      sample: jobs.length,
      init_ms: Math.round(initMs),
      render_ms_p50: Math.round(quantile(times, 0.5)),
      render_ms_mean: Math.round(mean),
      png_bytes_mean: Math.round(bytes / jobs.length),
      cold_write_ms_per_card: Math.round(cold.ms / jobs.length),
      warm_write_ms_per_card: Math.round((warm.ms / jobs.length) * 100) / 100,
      cold_minutes_extrapolated: Math.round((cards * mean) / 60_000),
      warm_seconds_extrapolated: Math.round((cards * warm.ms) / jobs.length / 1000),
      png_mib_total_extrapolated: Math.round((cards * bytes) / jobs.length / 2 ** 20),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
