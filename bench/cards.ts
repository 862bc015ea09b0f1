/**
 * `npm run bench:cards [-- --creators 10000 --lists 3 --sample 300]`: the share cards' cold
 * render (build/share-cards.ts) for a program of `creators` storefronts with `lists` lists each
 * (the sample storefronts cycled under new handles, build/share-card-jobs.ts: one card per
 * storefront and per list, plus the site's): renders the first `sample` cards into an empty
 * cache, one by one, and extrapolates the cold render of the whole program from their mean; then
 * writes the same cards again (all cache hits) for the warm cost.
 */
import { join } from 'node:path';
import { renderShareCard, writeShareCards } from '../build/share-cards.ts';
import { shareCardJobs } from '../build/share-card-jobs.ts';
import { sampleContent, tempDir } from './lib/built-site.ts';
import { fmt, options as flags, quantile, round, row, runBenchmark } from './lib/report.ts';
import { cycledMembers } from './lib/synthetic-content.ts';

const options = flags({ creators: 10_000, lists: 3, sample: 300 });

await runBenchmark('cards', options, async () => {
  const members = cycledMembers(sampleContent(), options.creators, options.lists);
  const all = shareCardJobs(members, 'shopfront', 'https://shop.example');
  const jobs = all.slice(0, options.sample);
  // The first render loads the WebAssembly and the fonts: timed apart.
  const t0 = performance.now();
  await renderShareCard(jobs[0]!, 'site/public');
  const [initMs, times] = [performance.now() - t0, [] as number[]];
  let bytes = 0;
  for (const job of jobs) {
    const t = performance.now();
    bytes += (await renderShareCard(job, 'site/public')).length;
    times.push(performance.now() - t);
  }
  const dir = tempDir('cards');
  const cache = { cacheFile: join(dir, 'cards.bin') };
  const cold = await writeShareCards(jobs, join(dir, 'out'), cache);
  const warm = await writeShareCards(jobs, join(dir, 'out'), cache);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  const [cards, n] = [all.length, jobs.length];
  const program = `${fmt(options.creators)} creators × ${options.lists} lists (${fmt(cards)} cards)`;
  const perCard = `p50 ${round(quantile(times, 0.5))} ms over ${n} cards; writeShareCards cold ${round(cold.ms / n)} ms a card`;
  // prettier-ignore
  return {
    figures: [
      row('first card (WebAssembly and fonts loaded)', round(initMs), 'ms'),
      row('one card, cold (satori + resvg, 1 core): mean', round(mean), 'ms', perCard),
      row(`${program}: cold render`, round((cards * mean) / 60_000), 'min', `on one core, extrapolated from ${n} cards`),
      row(`${program}: every card again, from the cache`, round(warm.ms / n, 2), 'ms a card', `about ${round((cards * warm.ms) / n / 1000)} s for the program`),
      row('PNG, mean', round(bytes / n / 1024), 'KiB', `${fmt((cards * bytes) / n / 2 ** 30, 1)} GiB for the program`),
    ],
  };
});
