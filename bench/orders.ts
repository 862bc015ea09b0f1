/**
 * `npm run bench:orders`: signed order events through the webhook, end to end, beside two
 * references that do an event's mandatory platform work with none of our code
 * (bench/orders-reference-worker.js, issue 26):
 *   O1  verifies the same Standard Webhooks signature (same secret, same HMAC over the same
 *       bytes) and inserts one row per event into D1;
 *   O2  verifies the same way and issues the D1 statements the webhook path issues per event
 *       (one guarded write batch of the event, terms and entries: placed 4, shipped and
 *       returned 2), against the same schema.
 * At two levels (as bench/redirect.ts measures links):
 *   dev      `wrangler dev` on a free port with a fresh local state folder per target
 *            (migrations applied), what a user runs locally;
 *   runtime  the same bundles in Miniflare alone, without wrangler's dev proxy in the path.
 * The shopfront runs from source (bench/orders-worker.ts: the same app, with a plain 404
 * instead of Astro's pages, and a D1 binding that counts the statements each request issues),
 * so no site build is needed. With `--url http://localhost:8787` it measures a worker already
 * running (`npm start`) alone, against its default local state.
 *
 * It sends --events N events (default 3000: N/3 orders, each placed, shipped, then one item
 * returned; all placed first, then shipments, then returns, as time would order them) with
 * --connections C requests in flight (default 32). The targets get the same signed events
 * alternating: after a warm-up of other orders, the events in --rounds slices (default 6),
 * each slice to every target in turn. It prints events/s and latency per target, the
 * shopfront's rate over O1's and O2's (targets, through wrangler dev: >= 0.75x O1, >= 0.95x
 * O2), D1 statements and round trips per event type as each worker reported them, events
 * sent / stored per target, and the ledger check: per influencer and bucket the same sums as
 * the pure ledger code gives for the same events. Figures only; nothing fails on a target.
 * Flags: --events N, --connections C, --rounds R, --level dev|runtime|both, --url U.
 * Last stdout line: the figures as JSON (bench/lib/report.ts).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Content } from '../domain/content/validate.ts';
import type { IncomingEvent } from '../domain/orders/apply.ts';
import type { OrderEvent } from '../domain/orders/event.ts';
import { eventJson } from '../domain/orders/event.ts';
import { createMemoryLedger } from '../domain/orders/memory-ledger.ts';
import { buildProgramTable, programFromTable } from '../domain/orders/program-table.ts';
import { DAY_MS } from '../domain/time.ts';
import { resolveTarget } from '../scripts/lib/orders/target.ts';
import { writeRouteTable } from '../build/write-route-table.ts';
import { benchSecret, sampleContent, tempDir, writeBenchEnv } from './lib/built-site.ts';
import { progress } from '../scripts/lib/progress.ts';
import { ROOT } from '../scripts/lib/harness/process.ts';
import {
  levelsOf,
  MIGRATED_D1,
  startTarget,
  writeConfig,
  type Level as TargetLevel,
  type Target,
} from './lib/targets.ts';
import { benchArgs, fmt, log, numberArg, quantile, round, runBenchmark, type Figure } from './lib/report.ts';
import { queryLocalD1 } from '../scripts/lib/harness/d1.ts';
import { signedEventHeaders } from '../scripts/lib/harness/webhook.ts';
import { linkedProducts } from '../domain/content/members.ts';

const args = benchArgs();
const options = {
  events: Math.max(3, Math.round(numberArg(args, 'events', 3000) / 3) * 3),
  connections: numberArg(args, 'connections', 32),
  rounds: numberArg(args, 'rounds', 6),
  level: args.get('level') ?? 'both',
  url: args.get('url'),
};
levelsOf(options.level);
/** The levels' names in the figures. */
const LEVEL: Record<TargetLevel, string> = { dev: 'wrangler dev', runtime: 'runtime (Miniflare)' };
const TARGET_EVENTS_PER_SECOND = 500;
/** Targets from issue 26, through wrangler dev: shopfront / O2 and shopfront / O1. */
const TARGET_RATIO = { o2: 0.95, o1: 0.75 } as const;

type TargetKey = 'shopfront' | 'o1' | 'o2';
const KEYS: TargetKey[] = ['shopfront', 'o1', 'o2'];
const TARGET_NAME: Record<TargetKey, string> = {
  shopfront: 'shopfront',
  o1: 'O1 verify + 1 insert',
  o2: 'O2 verify + our statements',
};
/** Rows that show an event stored, per target (the run's ids start with its prefix). */
const STORED_SQL: Record<TargetKey, string> = {
  shopfront: 'SELECT COUNT(*) AS n FROM order_events WHERE event_id LIKE ?',
  o1: 'SELECT COUNT(*) AS n FROM reference_events WHERE event_id LIKE ?',
  o2: 'SELECT COUNT(*) AS n FROM order_events WHERE event_id LIKE ?',
};

type Server = Pick<Target, 'url' | 'persistTo' | 'stop'>;

interface Level {
  name: string;
  secret: string;
  targets: Partial<Record<TargetKey, Server>>;
}

interface Sent {
  body: string;
  type: OrderEvent['type'];
  headers: Record<string, string>;
}

interface TargetResult {
  rate: number;
  seconds: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  stored: number;
  /** Per event type: D1 statements and round trips per event, as the worker reported them. */
  perType: Record<string, { events: number; statements: number; batches: number }>;
  /** The first 5xx answer's body, to say why. */
  firstError?: string;
}

interface LevelResult {
  name: string;
  sent: number;
  targets: Partial<Record<TargetKey, TargetResult>>;
  mismatches: string[];
}

function emptyResult(): TargetResult {
  return { rate: 0, seconds: 0, p50: 0, p99: 0, statuses: {}, stored: 0, perType: {} };
}

/** Sends `requests` with C in flight; returns seconds taken, folding answers into `into`. */
async function send(url: string, requests: readonly Sent[], into: TargetResult, latencies: number[]) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      for (let i = next++; i < requests.length; i = next++) {
        const request = requests[i]!;
        const t0 = performance.now();
        const res = await fetch(`${url}/webhooks/orders`, {
          method: 'POST',
          headers: request.headers,
          body: request.body,
        });
        const text = await res.text();
        if (res.status >= 500 && !into.firstError) into.firstError = `${res.status} ${text.slice(0, 300)}`;
        latencies.push(performance.now() - t0);
        into.statuses[res.status] = (into.statuses[res.status] ?? 0) + 1;
        const type = (into.perType[request.type] ??= { events: 0, statements: 0, batches: 0 });
        type.events++;
        type.statements += Number(res.headers.get('x-bench-d1-statements') ?? NaN);
        type.batches += Number(res.headers.get('x-bench-d1-batches') ?? NaN);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

function signed(level: Level, events: readonly IncomingEvent[]): Sent[] {
  // Signed up front: the client's own work stays out of the timed loop.
  return events.map((e) => ({
    body: e.body,
    type: e.event.type,
    headers: signedEventHeaders(level.secret, e.event_id, e.body),
  }));
}

/**
 * The same events to every target, alternating: a warm-up of other orders, then the run's
 * events in --rounds slices (in time order), each slice to every target in turn, the
 * first target rotating per round so none always goes first.
 */
async function measure(level: Level, content: Content, program: ReturnType<typeof programFromTable>) {
  const keys = KEYS.filter((k) => level.targets[k]);
  log(`\n${level.name}: ${options.events} events, ${options.connections} in flight, to ${keys.join(', ')}`);
  const warmup = signed(level, makeEvents(runId('warm'), content, Math.max(3, options.connections * 3)));
  const run = runId('bench');
  const events = makeEvents(run, content, options.events);
  const requests = signed(level, events);
  const results = Object.fromEntries(keys.map((k) => [k, emptyResult()])) as Record<TargetKey, TargetResult>;
  const latencies = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<TargetKey, number[]>;
  for (const key of keys) await send(level.targets[key]!.url, warmup, emptyResult(), []);

  const slice = Math.ceil(requests.length / options.rounds);
  const bar = progress(`bench:orders ${level.name}`, options.rounds * keys.length, 'slices');
  for (let round = 0; round < options.rounds; round++) {
    const part = requests.slice(round * slice, (round + 1) * slice);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[(round + k) % keys.length]!;
      results[key].seconds += await send(level.targets[key]!.url, part, results[key], latencies[key]);
      bar.tick(1, `${TARGET_NAME[key]}`);
    }
  }
  bar.stop();

  for (const key of keys) {
    const r = results[key];
    const server = level.targets[key]!;
    r.rate = events.length / r.seconds;
    r.p50 = quantile(latencies[key], 0.5);
    r.p99 = quantile(latencies[key], 0.99);
    r.stored = Number(queryLocalD1(server.persistTo, STORED_SQL[key], `${run}_%`)[0]?.n ?? 0);
    log(
      `  ${TARGET_NAME[key].padEnd(28)} ${fmt(r.rate)} events/s  p50 ${fmt(r.p50, 1)} ms  p99 ${fmt(r.p99, 1)} ms`,
    );
  }
  // The ledger the shopfront built, against the pure ledger code on the same events.
  let mismatches: string[] = [];
  if (level.targets.shopfront) {
    const expected = createMemoryLedger(program);
    for (const e of events) expected.apply([e]);
    const want = sums(expected.entries);
    const stored = sums(
      queryLocalD1(
        level.targets.shopfront.persistTo,
        'SELECT handle, bucket, amount_minor FROM ledger_entries WHERE order_id LIKE ?',
        `${run}_%`,
      ),
    );
    const differs = [...new Set([...want.keys(), ...stored.keys()])].filter(
      (k) => want.get(k) !== stored.get(k),
    );
    mismatches = [...new Set(differs.map((k) => k.split(' ')[0] ?? ''))];
  }
  await Promise.all(keys.map((k) => level.targets[k]!.stop()));
  return { name: level.name, sent: events.length, targets: results, mismatches } satisfies LevelResult;
}

function runId(kind: string): string {
  return `${kind}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** A worker already running (`npm start`): its URL, its secret as the order scripts find it. */
function useRunning(url: string): Level {
  const target = resolveTarget({ remote: false, url });
  const persistTo = join(ROOT, '.wrangler', 'state');
  return {
    name: 'running worker',
    secret: target.secret('ORDER_WEBHOOK_SECRET'),
    targets: { shopfront: { url: target.url, persistTo, stop: async () => undefined } },
  };
}

/** The three targets at one level, one at a time, each with fresh migrated state. */
async function start(level: TargetLevel, dir: string, envFile: string): Promise<Level> {
  const targets: Partial<Record<TargetKey, Server>> = {};
  for (const key of KEYS) {
    const reference = key === 'shopfront' ? {} : { vars: { REFERENCE: key } };
    const main = join(ROOT, 'bench', key === 'shopfront' ? 'orders-worker.ts' : 'orders-reference-worker.js');
    const config = writeConfig(join(dir, `${key}.wrangler.json`), `orders-${key}`, main, {
      ...MIGRATED_D1,
      ...reference,
    });
    log(`> ${key}: ${LEVEL[level]}, fresh local state`);
    const readyPath = key === 'shopfront' ? '/healthz' : '/';
    targets[key] = await startTarget(level, config, { name: key, dir, envFile, readyPath, logLevel: 'warn' });
  }
  return { name: LEVEL[level], secret: benchSecret('ORDER_WEBHOOK_SECRET'), targets };
}

/** Orders of the products approved members link (influencers and associates): placed, shipped, one item returned; in time order by phase. */
function makeEvents(run: string, content: Content, count: number): IncomingEvent[] {
  const shops = content.influencers
    .filter((i) => i.status === 'approved')
    .map((i) => ({ trackingId: i.tracking_id, products: linkedProducts(i, content.products) }))
    .filter((s) => s.products.length > 0);
  const now = Date.now();
  const phases: IncomingEvent[][] = [[], [], []];
  for (let n = 0; n < count / 3; n++) {
    const shop = shops[n % shops.length]!;
    const product = shop.products[(n * 7) % shop.products.length]!;
    const orderedAt = now - 10 * DAY_MS + Math.floor((n / (count / 3)) * 5 * DAY_MS);
    const order = (type: OrderEvent['type'], at: number, quantity: number): OrderEvent => ({
      type,
      order_id: `${run}_order_${n}`,
      ordered_at: orderedAt,
      occurred_at: at,
      tracking_id: shop.trackingId,
      click_id: null,
      retailer: null,
      currency: 'USD',
      items: [
        { product_id: product.id, category: product.category, quantity, unit_price: product.price_minor },
      ],
    });
    const steps = [
      order('order.placed', orderedAt, 2),
      order('order.shipped', orderedAt + DAY_MS, 2),
      order('order.returned', orderedAt + 4 * DAY_MS, 1),
    ];
    steps.forEach((event, phase) =>
      phases[phase]!.push({
        event_id: `${run}_${n}_${phase}`,
        source: 'webhook',
        body: JSON.stringify(eventJson(event)),
        received_at: now,
        event,
      }),
    );
  }
  return phases.flat();
}

/** Ledger sums per influencer and bucket, "handle bucket" -> minor units. */
function sums(rows: readonly { handle: unknown; bucket: unknown; amount_minor: unknown }[]) {
  const out = new Map<string, number>();
  for (const r of rows)
    out.set(
      `${String(r.handle)} ${String(r.bucket)}`,
      (out.get(`${String(r.handle)} ${String(r.bucket)}`) ?? 0) + Number(r.amount_minor),
    );
  return out;
}

function figuresOf(r: LevelResult): Figure[] {
  const t = r.targets;
  const ratio = (key: 'o1' | 'o2'): Figure[] => {
    if (!t.shopfront || !t[key]) return [];
    const value = round(t.shopfront.rate / t[key].rate, 3);
    const target = r.name === 'wrangler dev' ? TARGET_RATIO[key] : null;
    return [
      {
        name: `${r.name}: shopfront / ${TARGET_NAME[key]}`,
        value,
        unit: 'x',
        ...(target === null ? {} : { target: `>= ${target}`, met: value >= target }),
      },
    ];
  };
  const perTarget = KEYS.flatMap((key): Figure[] => {
    const x = t[key];
    if (!x) return [];
    const types = Object.entries(x.perType)
      .map(
        ([type, c]) =>
          `${type.slice(6)} ${fmt(c.statements / c.events, 1)} (${fmt(c.batches / c.events, 1)} batches)`,
      )
      .join(', ');
    return [
      {
        name: `${r.name}: ${TARGET_NAME[key]}`,
        value: round(x.rate),
        unit: 'events/s',
        ...(key === 'shopfront'
          ? { target: `>= ${TARGET_EVENTS_PER_SECOND}`, met: x.rate >= TARGET_EVENTS_PER_SECOND }
          : {}),
        note: `p50 ${fmt(x.p50, 1)} ms, p99 ${fmt(x.p99, 1)} ms; answers ${Object.entries(x.statuses)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')}`,
      },
      { name: `${r.name}: ${TARGET_NAME[key]}: D1 statements per event`, value: types },
      {
        name: `${r.name}: ${TARGET_NAME[key]}: events sent / stored / lost`,
        value: `${r.sent} / ${x.stored} / ${r.sent - x.stored}`,
        target: '0 lost',
        met: x.stored === r.sent,
      },
    ];
  });
  return [
    ...perTarget,
    ...ratio('o2'),
    ...ratio('o1'),
    ...(t.shopfront
      ? [
          {
            name: `${r.name}: ledger matches pure derivation`,
            value: r.mismatches.length === 0 ? 'yes' : `no: ${r.mismatches.join(', ')}`,
          },
        ]
      : []),
  ];
}

await runBenchmark('orders', options, async () => {
  const content = sampleContent();
  const program = programFromTable(buildProgramTable(content));

  const results: LevelResult[] = [];
  if (options.url) results.push(await measure(useRunning(options.url), content, program));
  else {
    writeRouteTable(content); // the generated tables the worker imports, from the same content
    const dir = tempDir('orders');
    const envFile = writeBenchEnv(dir);
    for (const level of levelsOf(options.level))
      results.push(await measure(await start(level, dir, envFile), content, program));
  }
  return {
    figures: results.flatMap(figuresOf),
    details: results.map(({ name, targets }) => ({
      name,
      targets: Object.fromEntries(
        Object.entries(targets).map(([k, x]) => [
          k,
          { statuses: x.statuses, perType: x.perType, seconds: round(x.seconds, 2) },
        ]),
      ),
    })),
  };
});
