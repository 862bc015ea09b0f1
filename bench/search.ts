/**
 * `npm run bench:search [-- --creators 100000]`: the work of one storefront search
 * (`/shop/<handle>/search/?q=`) at a program's size, without HTTP: the page store's shards
 * are built for `creators` storefronts of 30 products (the sample storefronts' members and
 * products, cycled under new handles), then for the fullest shard: reading it as a cold
 * isolate does (JSON.parse and the record's schema), and the search itself over the member's
 * products for several queries. Target: one search's work far under 100 ms; the page render
 * comes on top, as for any storefront page (never from the Workers cache).
 */
import { featuredCards, listCards, type Card } from '../domain/pages/catalog.ts';
import { buildPageShards, catalogOf, pageRecord, pageShard } from '../domain/pages/page-store.ts';
import { catalogFromContent } from '../build/write-page-store.ts';
import { parseQuery, searchCards } from '../site/lib/search.ts';
import { sampleContent } from './lib/built-site.ts';
import { fmt, options as flags, quantile, round, row, runBenchmark } from './lib/report.ts';
import { cycledMembers } from './lib/synthetic-content.ts';

const options = flags({ creators: 100_000 });
const QUERIES = ['skillet', 'skilets', 'crème', 'lodge', 'kitchen', 'zzzz', 'usb c cable', 'book'];

/** Reads a page of the shard (cold: parse and schema) and runs every query over its cards; returns both times in ms. */
function readAndSearch(shardText: string, round: number): { readMs: number; searchMs: number[] } {
  const t = performance.now();
  const shard = pageShard.parse(JSON.parse(shardText));
  const handles = Object.keys(shard.pages).sort();
  const record = pageRecord.parse(shard.pages[handles[round % handles.length]!]);
  const readMs = performance.now() - t;
  if (record.kind !== 'page') return { readMs, searchMs: [] };
  const [c, byId] = [catalogOf(record, shard.categories), new Map<string, Card>()];
  const lists = record.influencer.lists.flatMap((l) => listCards(c, l));
  for (const card of [...featuredCards(c, record.influencer), ...lists])
    if (!byId.get(card.product.id)?.note) byId.set(card.product.id, card);
  const names = new Map(c.categories.map((x) => [x.id, x.name]));
  const searchMs = QUERIES.map((q) => {
    const s = performance.now();
    const parsed = parseQuery(q);
    if (parsed.kind === 'words') searchCards([...byId.values()], parsed.words, names);
    return performance.now() - s;
  });
  return { readMs, searchMs };
}

await runBenchmark('search', options, async () => {
  const content = sampleContent();
  const catalog = { ...catalogFromContent(content), influencers: cycledMembers(content, options.creators) };
  const t0 = performance.now();
  const built = buildPageShards(catalog, { site: 'shopfront', price_max_age_hours: 24 });
  const buildSeconds = round((performance.now() - t0) / 1000, 1);
  const shards = built.map((s) => JSON.stringify(s));
  const fullest = shards.reduce((a, b) => (b.length > a.length ? b : a));
  const runs = Array.from({ length: 30 }, (_, r) => readAndSearch(fullest, r));
  const [read, search] = [runs.map((r) => r.readMs), runs.flatMap((r) => r.searchMs)];
  const p50 = (xs: number[], digits: number) => round(quantile(xs, 0.5), digits);
  const work = quantile(read, 0.5) + quantile(search, 0.5);
  const shardNote = `built in ${buildSeconds} s; fullest ${round(fullest.length / 1024)} KiB`;
  // prettier-ignore
  return {
    figures: [
      row(`${fmt(options.creators)} creators: page store shards`, shards.length, undefined, shardNote),
      row('reading the fullest shard as a cold isolate: p50', p50(read, 2), 'ms'),
      row("the search over a member's products: p50", p50(search, 3), 'ms', `max ${round(Math.max(...search), 3)} ms, ${QUERIES.length} queries`),
      row("one search's work (read + search): p50", round(work, 2), 'ms', 'then the page render', '<= 100 ms', work <= 100),
    ],
  };
});
