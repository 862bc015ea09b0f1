/**
 * `npm run bench:orders`: signed order events through the webhook, end to end, beside two
 * references (bench/orders-reference-worker.ts, issue 26) that verify the same Standard
 * Webhooks signature (same secret, same HMAC over the same bytes) and then
 *   O1  insert one row per event into D1 (none of our code);
 *   O2  issue the statements our webhook path issues per event, built by the project's own
 *       statement and planning code (placed 4, shipped and returned 2, one batch each),
 *       without the app around them: shopfront / O2 is what our own glue costs.
 * At two levels (as bench/redirect.ts measures links), each target with fresh migrated state:
 * `wrangler dev` (what a user runs locally) and the runtime alone (Miniflare, no dev proxy).
 * The shopfront runs from source (bench/orders-worker.ts: the same app, a plain 404 instead of
 * Astro's pages, a D1 binding that counts the statements each request issues), so no site
 * build is needed. With `--url http://localhost:8787` it measures a worker already running
 * (`npm start`) alone, against its default local state.
 *
 * It sends --events N events (default 3000: N/3 orders, each placed, shipped, then one item
 * returned; all placed first, then shipments, then returns, as time would order them) with
 * --connections C requests in flight (default 32), the same signed events to every target
 * alternating: a warm-up of other orders, then the events in --rounds slices (default 6), each
 * slice to every target in turn. It prints events/s and latency per target, the shopfront's
 * rate over O2's and O1's (targets through wrangler dev: >= 0.95x O2, >= 0.75x O1), D1
 * statements and round trips per event type as each worker reported them, events sent /
 * stored per target, and whether the shopfront's ledger has per influencer and bucket the
 * sums the pure ledger code gives for the same events. Figures only; nothing fails on a target.
 * Flags: --events N, --connections C, --rounds R, --level dev|runtime|both, --url U.
 * Last stdout line: the figures as JSON (bench/lib/report.ts).
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
import { benchSecret, sampleContent, tempDir, writeBenchEnv } from './lib/built-site.ts';
import { benchArgs, fmt, log, numberArg, quantile, round, runBenchmark, type Figure } from './lib/report.ts';
import { alternate, ratioFigure } from './lib/rounds.ts';
import { LEVEL_NAME, levelsOf, MIGRATED_D1, startTarget, writeConfig, type Level } from './lib/targets.ts';

const args = benchArgs();
const options = {
  events: Math.max(3, Math.round(numberArg(args, 'events', 3000) / 3) * 3),
  connections: numberArg(args, 'connections', 32),
  rounds: numberArg(args, 'rounds', 6),
  level: args.get('level') ?? 'both',
  url: args.get('url'),
};
const levels = levelsOf(options.level);

const TARGETS = { shopfront: 'shopfront', o1: 'O1 verify + 1 insert', o2: 'O2 verify + our statements' };
type Key = keyof typeof TARGETS;
const KEYS = Object.keys(TARGETS) as Key[];
/** Targets of issue 26: the shopfront's rate, and through wrangler dev its rate over O2's and O1's. */
const TARGET_EVENTS_PER_SECOND = 500;
const TARGET_RATIO = { o2: 0.95, o1: 0.75 } as const;
/** The table whose rows show an event stored (the run's ids start with its prefix). */
const STORED_IN = { shopfront: 'order_events', o1: 'reference_events', o2: 'order_events' };

type Server = { url: string; persistTo: string; stop: () => Promise<unknown> };
type Sent = { body: string; type: string; headers: Record<string, string> };
/** A level's run: its name in the figures, its events (their ids start with `id`). */
type Run = { name: string; id: string; events: IncomingEvent[] };
/** What one target answered over the run's slices (the warm-up apart). */
interface Tally {
  seconds: number;
  latencies: number[];
  statuses: Record<string, number>;
  /** Per event type: D1 statements and round trips, as the worker reported them. */
  perType: Record<string, { events: number; statements: number; batches: number }>;
  /** The first 5xx answer, to say why. */
  firstError?: string;
}
const newTally = (): Tally => ({ seconds: 0, latencies: [], statuses: {}, perType: {} });

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
  const content = sampleContent();
  const keys = KEYS.filter((k) => servers[k]);
  const id = runId('bench');
  const run: Run = { name, id, events: makeEvents(id, content, options.events) };
  // Signed up front: the client's own work stays out of the timed loop.
  const sign = (list: IncomingEvent[]): Sent[] =>
    list.map((e) => ({ ...e, type: e.event.type, headers: signedEventHeaders(secret, e.event_id, e.body) }));
  const warmup = sign(makeEvents(runId('warm'), content, options.connections * 3));
  const requests = sign(run.events);
  const slice = Math.ceil(requests.length / options.rounds);
  const tallies = Object.fromEntries(keys.map((k) => [k, newTally()])) as Record<Key, Tally>;
  try {
    await alternate(`bench:orders ${name}`, keys, options.rounds, (key, r) => {
      const part = requests.slice((r - 1) * slice, r * slice);
      return r === 0
        ? send(servers[key]!.url, warmup, newTally())
        : send(servers[key]!.url, part, tallies[key]);
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
  const [sent, rate] = [events.length, events.length / t.seconds];
  const sql = `SELECT COUNT(*) AS n FROM ${STORED_IN[key]} WHERE event_id LIKE ?`;
  const stored = Number(queryLocalD1(persistTo, sql, `${id}_%`)[0]?.n ?? 0);
  const perType = Object.entries(t.perType).map(
    ([type, c]) =>
      `${type.slice(6)} ${fmt(c.statements / c.events, 1)} (${fmt(c.batches / c.events, 1)} batches)`,
  );
  const answers = Object.entries(t.statuses).map(([status, n]) => `${status}: ${n}`);
  const latency = `p50 ${fmt(quantile(t.latencies, 0.5), 1)} ms, p99 ${fmt(quantile(t.latencies, 0.99), 1)} ms`;
  const target = TARGET_EVENTS_PER_SECOND;
  return [
    {
      name: `${name}: ${TARGETS[key]}`,
      value: round(rate),
      unit: 'events/s',
      ...(key === 'shopfront' ? { target: `>= ${target}`, met: rate >= target } : {}),
      note:
        `${latency}; answers ${answers.join(', ')}` + (t.firstError ? `; first 5xx: ${t.firstError}` : ''),
    },
    { name: `${name}: ${TARGETS[key]}: D1 statements per event`, value: perType.join(', ') },
    {
      name: `${name}: ${TARGETS[key]}: events sent / stored / lost`,
      value: `${sent} / ${stored} / ${sent - stored}`,
      ...{ target: '0 lost', met: stored === sent },
    },
  ];
}

/** Whether the shopfront's ledger for the run has per influencer and bucket the sums the pure ledger code gives. */
function ledgerFigure({ name, id, events }: Run, persistTo: string, content: Content): Figure {
  const expected = createMemoryLedger(programFromTable(buildProgramTable(content)));
  for (const e of events) expected.apply([e]);
  const sql = 'SELECT handle, bucket, amount_minor FROM ledger_entries WHERE order_id LIKE ?';
  const sums = (rows: readonly { handle: unknown; bucket: unknown; amount_minor: unknown }[]) => {
    const out = new Map<string, number>();
    for (const r of rows) {
      const key = `${String(r.handle)} ${String(r.bucket)}`;
      out.set(key, (out.get(key) ?? 0) + Number(r.amount_minor));
    }
    return out;
  };
  const [want, got] = [sums(expected.entries), sums(queryLocalD1(persistTo, sql, `${id}_%`))];
  const differs = [...new Set([...want.keys(), ...got.keys()])].filter((k) => want.get(k) !== got.get(k));
  const handles = [...new Set(differs.map((k) => k.split(' ')[0] ?? ''))];
  const value = handles.length === 0 ? 'yes' : `no: ${handles.join(', ')}`;
  return { name: `${name}: ledger matches pure derivation`, value };
}

const runId = (kind: string) => `${kind}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

/** Orders of the products approved members link (influencers and associates): placed, shipped, one item returned; in time order by phase. */
function makeEvents(run: string, content: Content, count: number): IncomingEvent[] {
  const shops = content.influencers
    .filter((i) => i.status === 'approved')
    .map((i) => ({ trackingId: i.tracking_id, products: linkedProducts(i, content.products) }))
    .filter((s) => s.products.length > 0);
  const now = Date.now();
  const orders = Math.ceil(count / 3);
  // Each order's events: type, days after it was placed, quantity.
  const steps = [
    ['order.placed', 0, 2],
    ['order.shipped', 1, 2],
    ['order.returned', 4, 1],
  ] as const;
  return steps.flatMap(([type, days, quantity], phase) =>
    Array.from({ length: orders }, (_, n): IncomingEvent => {
      const shop = shops[n % shops.length]!;
      const product = shop.products[(n * 7) % shop.products.length]!;
      const orderedAt = now - 10 * DAY_MS + Math.floor((n / orders) * 5 * DAY_MS);
      const event: OrderEvent = {
        type,
        order_id: `${run}_order_${n}`,
        ordered_at: orderedAt,
        occurred_at: orderedAt + days * DAY_MS,
        tracking_id: shop.trackingId,
        click_id: null,
        retailer: null,
        currency: 'USD',
        items: [
          { product_id: product.id, category: product.category, quantity, unit_price: product.price_minor },
        ],
      };
      const body = JSON.stringify(eventJson(event));
      return { event_id: `${run}_${n}_${phase}`, source: 'webhook', body, received_at: now, event };
    }),
  );
}

/** The three targets at one level, one at a time, each with fresh migrated state. */
async function start(level: Level, dir: string, envFile: string): Promise<Record<Key, Server>> {
  const servers = {} as Record<Key, Server>;
  for (const key of KEYS) {
    const shopfront = key === 'shopfront';
    const main = join(ROOT, 'bench', shopfront ? 'orders-worker.ts' : 'orders-reference-worker.ts');
    const config = writeConfig(join(dir, `${key}.wrangler.json`), `orders-${key}`, main, {
      ...MIGRATED_D1,
      ...(shopfront ? {} : { vars: { REFERENCE: key } }),
    });
    const readyPath = shopfront ? '/healthz' : '/';
    servers[key] = await startTarget(level, config, { name: key, dir, envFile, readyPath, logLevel: 'warn' });
  }
  return servers;
}

await runBenchmark('orders', options, async () => {
  if (options.url) {
    // A worker already running (`npm start`): its URL and secret as the order scripts find them.
    const target = resolveTarget({ remote: false, url: options.url });
    const shopfront = {
      url: target.url,
      persistTo: join(ROOT, '.wrangler', 'state'),
      stop: async () => undefined,
    };
    return {
      figures: await measure('running worker', false, target.secret('ORDER_WEBHOOK_SECRET'), { shopfront }),
    };
  }
  writeRouteTable(sampleContent()); // the generated tables the workers import, from the same content
  const dir = tempDir('orders');
  const envFile = writeBenchEnv(dir);
  const figures: Figure[] = [];
  for (const level of levels) {
    const servers = await start(level, dir, envFile);
    figures.push(
      ...(await measure(LEVEL_NAME[level], level === 'dev', benchSecret('ORDER_WEBHOOK_SECRET'), servers)),
    );
  }
  return { figures };
});
