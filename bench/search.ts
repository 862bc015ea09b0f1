/**
 * `npm run bench:search [-- --creators 100000]`: the work of one storefront search
 * (`/shop/<handle>/search/?q=`) at a program's size, without HTTP: the page store's shards
 * are built for `creators` storefronts of 30 products (the sample storefronts' members and
 * products, cycled under new handles), then for the fullest shard: reading it as a cold
 * isolate does (JSON.parse and the record's schema), and the search itself over the member's
 * products for several queries. Prints one JSON line.
 */
import { validateContent } from '../domain/content/validate.ts';
import { isInfluencer, type Influencer } from '../domain/content/schema.ts';
import { featuredCards, listCards, type Card } from '../domain/pages/catalog.ts';
import { buildPageShards, catalogOf, pageRecord, pageShard } from '../domain/pages/page-store.ts';
import { catalogFromContent } from '../build/write-page-store.ts';
import { readContentSources } from '../build/load-content.ts';
import { parseQuery, searchCards } from '../site/lib/search.ts';
import { benchArgs, numberArg, quantile } from './lib/report.ts';

const creators = Math.round(numberArg(benchArgs(), 'creators', 100_000));
const { content } = validateContent(readContentSources('content'));
if (!content) throw new Error('content does not validate');
const samples = content.influencers
  .filter(isInfluencer)
  .filter((i) => i.status === 'approved' && i.lists.length > 0);
const members: Influencer[] = Array.from({ length: creators }, (_, i) => {
  const s = samples[i % samples.length]!;
  return { ...s, handle: `creator-${i}`, previous_handles: [], name: `${s.name} ${i}` };
});
const catalog = { ...catalogFromContent(content), influencers: members };
const t0 = performance.now();
const shards = buildPageShards(catalog, { site: 'shopfront', price_max_age_hours: 24 });
const buildMs = performance.now() - t0;
const texts = shards.map((s) => JSON.stringify(s));
const fullest = texts.reduce((a, b) => (b.length > a.length ? b : a));

const median = (xs: number[]) => quantile(xs, 0.5);
const readMs: number[] = [];
const searchMs: number[] = [];
const QUERIES = ['skillet', 'skilets', 'crème', 'lodge', 'kitchen', 'zzzz', 'usb c cable', 'book'];
for (let round = 0; round < 30; round++) {
  const t = performance.now();
  const shard = pageShard.parse(JSON.parse(fullest));
  const handle = Object.keys(shard.pages).sort()[round % Object.keys(shard.pages).length]!;
  const record = pageRecord.parse(shard.pages[handle]);
  readMs.push(performance.now() - t);
  if (record.kind !== 'page') continue;
  const c = catalogOf(record, shard.categories);
  const byId = new Map<string, Card>();
  for (const card of [
    ...featuredCards(c, record.influencer),
    ...record.influencer.lists.flatMap((l) => listCards(c, l)),
  ])
    if (!byId.get(card.product.id)?.note) byId.set(card.product.id, card);
  const names = new Map(c.categories.map((x) => [x.id, x.name]));
  for (const q of QUERIES) {
    const s = performance.now();
    const parsed = parseQuery(q);
    if (parsed.kind === 'words') searchCards([...byId.values()], parsed.words, names);
    searchMs.push(performance.now() - s);
  }
}
console.log(
  JSON.stringify({
    creators,
    shards: shards.length,
    build_shards_s: Math.round(buildMs / 100) / 10,
    fullest_shard_kib: Math.round(fullest.length / 1024),
    cold_read_ms_p50: Math.round(median(readMs) * 100) / 100,
    search_ms_p50: Math.round(median(searchMs) * 1000) / 1000,
    search_ms_max: Math.round(Math.max(...searchMs) * 1000) / 1000,
  }),
);
