/**
 * `npm run bench:orders`: signed order events through the webhook, end to end, beside the
 * references O1 (verify + one insert) and O2 (verify + our webhook path's statements) of
 * bench/orders-reference-worker.ts (issue 26), each with fresh migrated state, through `wrangler
 * dev` and on the runtime alone (Miniflare). The shopfront runs from source (bench/orders-worker.ts:
 * the app with a 404 for pages and a counted D1), so no site build is needed.
 *
 * --events N (default 3000: N/3 orders, each placed, shipped, then one item returned, in time
 * order by phase) go with --connections C in flight (default 32) to every target alternating: a
 * warm-up of other orders, then --rounds slices (default 6). Figures: per target events/s, latency,
 * D1 statements and round trips per event type (as each worker reported them), events sent /
 * stored / lost; the shopfront's rate over O2's and O1's (targets through wrangler dev: >= 0.95x,
 * >= 0.75x); whether its ledger has per influencer and bucket the pure ledger code's sums.
 * Flags: --events N, --connections C, --rounds R, --level dev|runtime|both, --url U (a running
 * worker alone, e.g. http://localhost:8787).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { linkedProducts } from '../domain/content/members.ts';
import type { Content } from '../domain/content/validate.ts';
import type { IncomingEvent } from '../domain/orders/apply.ts';
import { eventJson, type OrderEvent } from '../domain/orders/event.ts';
import { createMemoryLedger } from '../domain/orders/memory-ledger.ts';
import { buildProgramTable, programFromTable } from '../domain/orders/program-table.ts';
import { DAY_MS } from '../domain/time.ts';
import { writeRouteTable } from '../build/write-route-table.ts';
import { queryLocalD1 } from '../scripts/lib/harness/d1.ts';
import { ROOT } from '../scripts/lib/harness/process.ts';
import { signedEventHeaders } from '../scripts/lib/harness/webhook.ts';
import { resolveTarget } from '../scripts/lib/orders/target.ts';
import { BENCH_SECRETS, sampleContent, tempDir, writeBenchEnv } from './lib/built-site.ts';
import { fmt, options as flags, quantile, round, row, runBenchmark, type Figure } from './lib/report.ts';
import { alternate, ratioFigure } from './lib/rounds.ts';
import { LEVEL_NAME, levelsOf, MIGRATED_D1, startTarget, writeConfig, type Level } from './lib/targets.ts';

const flagged = flags({ events: 3000, connections: 32, rounds: 6, level: 'both', url: '' });
const options = { ...flagged, events: Math.max(3, Math.round(flagged.events / 3) * 3) };

const TARGETS = { shopfront: 'shopfront', o1: 'O1 verify + 1 insert', o2: 'O2 verify + our statements' };
type Key = keyof typeof TARGETS;
const KEYS = Object.keys(TARGETS) as Key[];
/** Targets of issue 26: the shopfront's events/s, and through wrangler dev its rate over O2's and O1's. */
const [TARGET_EVENTS_PER_SECOND, TARGET_RATIO] = [500, { o2: 0.95, o1: 0.75 }];

type Server = { url: string; persistTo: string; stop: () => Promise<unknown> };
type Sent = { body: string; type: string; headers: Record<string, string> };
/** A level's run: its name in the figures, its events (their ids start with `id`). */
type Run = { name: string; id: string; events: IncomingEvent[] };
/** What a target answered over the run's slices: per event type, the D1 statements and round trips it reported. */
class Tally {
  seconds = 0;
  latencies: number[] = [];
  statuses: Record<string, number> = {};
  perType: Record<string, { events: number; statements: number; batches: number }> = {};
  firstError?: string;
}

/** Sends `requests` with --connections in flight, folding the answers into `into`. */
async function send(url: string, requests: readonly Sent[], into: Tally): Promise<void> {
  let next = 0;
  const started = performance.now();
  const sender = async () => {
    for (let i = next++; i < requests.length; i = next++) {
      const { body, type, headers } = requests[i]!;
      const t0 = performance.now();
      const res = await fetch(`${url}/webhooks/orders`, { method: 'POST', headers, body });
      const text = await res.text();
      into.latencies.push(performance.now() - t0);
      if (res.status >= 500) into.firstError ??= `${res.status} ${text.slice(0, 300)}`;
      into.statuses[res.status] = (into.statuses[res.status] ?? 0) + 1;
      const count = (into.perType[type] ??= { events: 0, statements: 0, batches: 0 });
      count.events++;
      count.statements += Number(res.headers.get('x-bench-d1-statements') ?? NaN);
      count.batches += Number(res.headers.get('x-bench-d1-batches') ?? NaN);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, sender));
  into.seconds += (performance.now() - started) / 1000;
}

/** One level (or the running worker): the same signed events to every target, alternating; the figures. */
async function measure(name: string, dev: boolean, secret: string, servers: Partial<Record<Key, Server>>) {
  const [content, keys, id] = [sampleContent(), KEYS.filter((k) => servers[k]), runId('bench')];
  const run: Run = { name, id, events: makeEvents(id, content, options.events) };
  // Signed up front: the client's own work stays out of the timed loop.
  const sign = (list: IncomingEvent[]): Sent[] =>
    list.map((e) => ({ ...e, type: e.event.type, headers: signedEventHeaders(secret, e.event_id, e.body) }));
  const warmup = sign(makeEvents(runId('warm'), content, options.connections * 3));
  const [requests, slice] = [sign(run.events), Math.ceil(run.events.length / options.rounds)];
  const tallies = Object.fromEntries(keys.map((k) => [k, new Tally()])) as Record<Key, Tally>;
  try {
    await alternate(`bench:orders ${name}`, keys, options.rounds, (key, r) => {
      const [url, part] = [servers[key]!.url, requests.slice((r - 1) * slice, r * slice)];
      return r === 0 ? send(url, warmup, new Tally()) : send(url, part, tallies[key]);
    });
    const figures = keys.flatMap((key) => targetFigures(run, key, tallies[key], servers[key]!.persistTo));
    if (!servers.shopfront) return figures;
    const rate = (key: Key) => run.events.length / tallies[key].seconds;
    for (const key of ['o2', 'o1'] as const) {
      const [ratio, target] = [rate('shopfront') / rate(key), dev ? TARGET_RATIO[key] : undefined];
      if (servers[key]) figures.push(ratioFigure(`${name}: shopfront / ${TARGETS[key]}`, ratio, target));
    }
    return [...figures, ledgerFigure(run, servers.shopfront.persistTo, content)];
  } finally {
    await Promise.all(keys.map((k) => servers[k]!.stop()));
  }
}

function targetFigures({ name, id, events }: Run, key: Key, t: Tally, persistTo: string): Figure[] {
  const [what, sent, rate] = [`${name}: ${TARGETS[key]}`, events.length, events.length / t.seconds];
  const table = key === 'o1' ? 'reference_events' : 'order_events'; // where the target stores an event
  const sql = `SELECT COUNT(*) AS n FROM ${table} WHERE event_id LIKE ?`;
  const stored = Number(queryLocalD1(persistTo, sql, `${id}_%`)[0]?.n ?? 0);
  const types = Object.entries(t.perType).map(([type, { events: n, statements, batches }]) =>
    [type.slice(6), fmt(statements / n, 1), `(${fmt(batches / n, 1)} batches)`].join(' '),
  );
  const answers = Object.entries(t.statuses).map(([status, n]) => `${status}: ${n}`);
  const latency = `p50 ${fmt(quantile(t.latencies, 0.5), 1)} ms, p99 ${fmt(quantile(t.latencies, 0.99), 1)} ms`;
  const note = `${latency}; answers ${answers.join(', ')}${t.firstError ? `; first 5xx: ${t.firstError}` : ''}`;
  const [min, lost] = [TARGET_EVENTS_PER_SECOND, `${sent} / ${stored} / ${sent - stored}`];
  const target = key === 'shopfront' ? `>= ${min}` : undefined;
  return [
    row(what, round(rate), 'events/s', note, target, target ? rate >= min : undefined),
    row(`${what}: D1 statements per event`, types.join(', ')),
    row(`${what}: events sent / stored / lost`, lost, undefined, undefined, '0 lost', stored === sent),
  ];
}

/** Whether the shopfront's ledger for the run has per influencer and bucket the sums the pure ledger code gives. */
function ledgerFigure({ name, id, events }: Run, persistTo: string, content: Content): Figure {
  const expected = createMemoryLedger(programFromTable(buildProgramTable(content)));
  for (const e of events) expected.apply([e]);
  const want = new Map<string, number>();
  for (const { handle, bucket, amount_minor } of expected.entries)
    want.set(`${handle} ${bucket}`, (want.get(`${handle} ${bucket}`) ?? 0) + amount_minor);
  const sql = `SELECT handle || ' ' || bucket AS k, SUM(amount_minor) AS n FROM ledger_entries WHERE order_id LIKE ?`;
  const sums = queryLocalD1<{ k: string; n: number }>(persistTo, `${sql} GROUP BY k`, `${id}_%`);
  const got = new Map(sums.map((r) => [r.k, r.n]));
  const differs = [...new Set([...want.keys(), ...got.keys()])].filter((k) => want.get(k) !== got.get(k));
  const handles = [...new Set(differs.map((k) => k.split(' ')[0] ?? ''))];
  return row(`${name}: ledger matches pure derivation`, handles.length ? `no: ${handles.join(', ')}` : 'yes');
}

const runId = (kind: string) => `${kind}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

/** Orders of the products approved members link (influencers and associates): placed, shipped, one item returned; in time order by phase. */
function makeEvents(run: string, content: Content, count: number): IncomingEvent[] {
  const approved = content.influencers.filter((i) => i.status === 'approved');
  const shops = approved
    .map((i) => ({ tracking_id: i.tracking_id, products: linkedProducts(i, content.products) }))
    .filter((s) => s.products.length > 0);
  const [now, orders] = [Date.now(), Math.ceil(count / 3)];
  // Each order's events: type, days after it was placed, quantity.
  // prettier-ignore
  const steps = [['order.placed', 0, 2], ['order.shipped', 1, 2], ['order.returned', 4, 1]] as const;
  return steps.flatMap(([type, days, quantity], phase) =>
    Array.from({ length: orders }, (_, n): IncomingEvent => {
      const { tracking_id, products } = shops[n % shops.length]!;
      const { id: product_id, category, price_minor: unit_price } = products[(n * 7) % products.length]!;
      const ordered_at = now - 10 * DAY_MS + Math.floor((n / orders) * 5 * DAY_MS);
      const when = { ordered_at, occurred_at: ordered_at + days * DAY_MS };
      const items = [{ product_id, category, quantity, unit_price }];
      const order = { order_id: `${run}_order_${n}`, tracking_id, click_id: null, retailer: null };
      const event: OrderEvent = { ...order, type, ...when, currency: 'USD', items };
      const body = JSON.stringify(eventJson(event));
      return { event_id: `${run}_${n}_${phase}`, source: 'webhook', body, received_at: now, event };
    }),
  );
}

/** The three targets at one level, one at a time, each with fresh migrated state. */
async function start(level: Level, dir: string, envFile: string): Promise<Record<Key, Server>> {
  const servers = {} as Record<Key, Server>;
  for (const key of KEYS) {
    const ours = key === 'shopfront';
    const main = join(ROOT, 'bench', ours ? 'orders-worker.ts' : 'orders-reference-worker.ts');
    const extra = { ...MIGRATED_D1, ...(ours ? {} : { vars: { REFERENCE: key } }) };
    const config = writeConfig(join(dir, `${key}.wrangler.json`), `orders-${key}`, main, extra);
    const readyPath = ours ? '/healthz' : '/';
    servers[key] = await startTarget(level, config, { name: key, dir, envFile, readyPath, logLevel: 'warn' });
  }
  return servers;
}

await runBenchmark('orders', options, async () => {
  if (options.url) {
    // A worker already running (`npm start`): its URL and secret as the order scripts find them.
    const target = resolveTarget({ remote: false, url: options.url });
    const shopfront = { url: target.url, persistTo: join(ROOT, '.wrangler', 'state'), stop: async () => 0 };
    const secret = target.secret('ORDER_WEBHOOK_SECRET');
    return { figures: await measure('running worker', false, secret, { shopfront }) };
  }
  writeRouteTable(sampleContent()); // the generated tables the workers import, from the same content
  const [dir, secret] = [tempDir('orders'), BENCH_SECRETS.ORDER_WEBHOOK_SECRET!];
  const figures: Figure[] = [];
  for (const level of levelsOf(options.level)) {
    const servers = await start(level, dir, writeBenchEnv(dir));
    figures.push(...(await measure(LEVEL_NAME[level], level === 'dev', secret, servers)));
  }
  return { figures };
});
