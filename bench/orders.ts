/**
 * `npm run bench:orders`: signed order events through the webhook, end to end.
 *
 * Self-contained by default, at two levels (as bench/redirect.ts measures links):
 *   dev      `wrangler dev` on a free port with a fresh local state folder
 *            (migrations applied), what a user runs locally;
 *   runtime  the same worker bundle in Miniflare alone, without wrangler's dev
 *            proxy in the path (closer to what production does per request).
 * Both run the worker from source (bench/orders-worker.ts: the same app, with a
 * plain 404 instead of Astro's pages), so no site build is needed. With
 * `--url http://localhost:8787` it uses a worker already running (`npm start`)
 * and its default local state instead.
 *
 * It sends --events N events (default 3000: N/3 orders, each placed, shipped,
 * then one item returned; all placed first, then shipments, then returns, as
 * time would order them) with --connections C requests in flight (default 32),
 * prints events/s and latency p50/p99, then checks the ledger: every event
 * stored once, and per influencer and bucket the same sums as the pure ledger
 * code gives for the same events. Figures only; nothing fails on a target.
 * Flags: --events N, --connections C, --level dev|runtime|both, --url U.
 * Last stdout line: the figures as JSON (bench/lib/report.ts).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatError } from '../domain/content/validate.ts';
import type { IncomingEvent } from '../domain/orders/apply.ts';
import type { OrderEvent } from '../domain/orders/event.ts';
import { eventJson } from '../domain/orders/event.ts';
import { BUCKETS, commissionFigures, sumEntries } from '../domain/orders/ledger.ts';
import { createMemoryLedger } from '../domain/orders/memory-ledger.ts';
import { buildProgramTable, programOf } from '../domain/orders/program-table.ts';
import { DAY_MS } from '../domain/time.ts';
import { loadContent } from '../build/load-content.ts';
import { resolveTarget } from '../scripts/lib/orders/target.ts';
import { writeRouteTable } from '../build/write-route-table.ts';
import { BENCH_SECRETS, tempDir, writeBenchEnv } from './lib/built-site.ts';
import { progress } from '../scripts/lib/progress.ts';
import { mustRun, ROOT } from '../scripts/lib/harness/process.ts';
import { startBundledWorker } from './lib/miniflare-site.ts';
import { benchArgs, fmt, log, numberArg, quantile, round, runBenchmark, type Figure } from './lib/report.ts';
import { queryLocalD1 } from '../scripts/lib/harness/d1.ts';
import { signedEventHeaders } from '../scripts/lib/harness/webhook.ts';
import { applyMigrations, startWranglerDev } from '../scripts/lib/harness/wrangler.ts';
import { linkedProducts } from '../domain/content/members.ts';

const args = benchArgs();
const options = {
  events: Math.max(3, Math.round(numberArg(args, 'events', 3000) / 3) * 3),
  connections: numberArg(args, 'connections', 32),
  level: args.get('level') ?? 'both',
  url: args.get('url'),
};
if (!['dev', 'runtime', 'both'].includes(options.level))
  throw new Error('--level must be dev, runtime or both');
const TARGET_EVENTS_PER_SECOND = 500;

type Content = NonNullable<ReturnType<typeof loadContent>['content']>;
type Figures = ReturnType<typeof commissionFigures>;

interface Server {
  name: string;
  url: string;
  secret: string;
  persistTo: string;
  stop: () => Promise<void>;
}

interface LevelResult {
  name: string;
  rate: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  stored: number;
  sent: number;
  mismatches: string[];
}

async function measure(
  server: Server,
  content: Content,
  program: ReturnType<typeof programOf>,
): Promise<LevelResult> {
  log(`\n${server.name}: ${options.events} events, ${options.connections} in flight, against ${server.url}`);
  const run = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const events = makeEvents(run, content);
  // Signed up front: the client's own work stays out of the timed loop.
  const requests = events.map((event) => ({
    body: event.body,
    headers: signedEventHeaders(server.secret, event.event_id, event.body),
  }));

  let next = 0;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const bar = progress(`bench:orders ${server.name}`, requests.length, 'events');
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      for (let i = next++; i < requests.length; i = next++) {
        const request = requests[i]!;
        const t0 = performance.now();
        const res = await fetch(`${server.url}/webhooks/orders`, {
          method: 'POST',
          headers: request.headers,
          body: request.body,
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        bar.tick(1, `${res.status}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  bar.stop();

  // The ledger the worker built, against the pure ledger code on the same events.
  const expected = createMemoryLedger(program);
  for (const e of events) expected.apply([e]);
  const stored = readLedger(server.persistTo, run);
  const want = figuresByHandle(expected.entries);
  const mismatches = [...new Set([...Object.keys(want), ...Object.keys(stored.figures)])].filter(
    (handle) => JSON.stringify(want[handle]) !== JSON.stringify(stored.figures[handle]),
  );
  await server.stop();

  const result = {
    name: server.name,
    rate: events.length / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    statuses,
    stored: stored.events,
    sent: events.length,
    mismatches,
  };
  log(`  ${fmt(events.length)} events in ${fmt(seconds, 2)} s`);
  return result;
}

/** A worker already running (`npm start`): its URL, its secret as the order scripts find it. */
function useRunning(url: string): Server {
  const target = resolveTarget({ remote: false, url });
  const secret = target.secret('ORDER_WEBHOOK_SECRET');
  const persistTo = join(ROOT, '.wrangler', 'state');
  return { name: 'running worker', url: target.url, secret, persistTo, stop: async () => undefined };
}

interface Setup {
  dir: string;
  config: string;
  envFile: string;
}

/** A temp folder with the bench's wrangler config and secrets. */
async function prepare(): Promise<Setup> {
  const dir = tempDir('orders');
  const config = join(dir, 'wrangler.json');
  writeFileSync(
    config,
    JSON.stringify({
      name: 'shopfront-bench-orders',
      main: join(ROOT, 'bench', 'orders-worker.ts'),
      compatibility_date: '2026-10-01',
      compatibility_flags: ['nodejs_compat'],
      send_metrics: false,
      d1_databases: [
        {
          binding: 'DB',
          database_name: 'shopfront',
          database_id: DATABASE_ID,
          migrations_dir: join(ROOT, 'migrations'),
        },
      ],
    }),
  );
  return { dir, config, envFile: writeBenchEnv(dir) };
}

const DATABASE_ID = '00000000-0000-0000-0000-000000000000';

async function freshState(setup: Setup, name: string): Promise<string> {
  const persistTo = join(setup.dir, `state-${name}`);
  log(`> wrangler d1 migrations apply (fresh local state for ${name})`);
  await applyMigrations(setup.config, persistTo);
  return persistTo;
}

async function startDev(setup: Setup): Promise<Server> {
  const persistTo = await freshState(setup, 'dev');
  log('> wrangler dev');
  const dev = await startWranglerDev({
    config: setup.config,
    persistTo,
    logFile: join(setup.dir, 'wrangler-dev.log'),
    envFile: setup.envFile,
    readyPath: '/healthz',
    logLevel: 'warn',
  });
  return {
    name: 'wrangler dev',
    url: dev.url,
    secret: BENCH_SECRETS.ORDER_WEBHOOK_SECRET,
    persistTo,
    stop: dev.stop,
  };
}

/** The worker bundled by wrangler (as `wrangler deploy` would), served by Miniflare alone. */
async function startRuntime(setup: Setup): Promise<Server> {
  const persistTo = await freshState(setup, 'runtime');
  const outdir = join(setup.dir, 'bundle');
  log('> wrangler deploy --dry-run (bundle)');
  await mustRun('wrangler', ['deploy', '--dry-run', '--outdir', outdir, '-c', setup.config], {
    cwd: setup.dir,
    timeoutMs: 120_000,
  });
  const server = await startBundledWorker('shopfront-bench-orders', outdir, 'orders-worker.js', {
    databaseId: DATABASE_ID,
    persistTo,
  });
  const { url, stop } = server;
  return { name: 'runtime (Miniflare)', url, secret: BENCH_SECRETS.ORDER_WEBHOOK_SECRET, persistTo, stop };
}

/** Orders of the products approved members link (influencers and associates): placed, shipped, one item returned; in time order by phase. */
function makeEvents(run: string, content: Content): IncomingEvent[] {
  const shops = content.influencers
    .filter((i) => i.status === 'approved')
    .map((i) => ({ trackingId: i.tracking_id, products: linkedProducts(i, content.products) }))
    .filter((s) => s.products.length > 0);
  const now = Date.now();
  const phases: IncomingEvent[][] = [[], [], []];
  for (let n = 0; n < options.events / 3; n++) {
    const shop = shops[n % shops.length]!;
    const product = shop.products[(n * 7) % shop.products.length]!;
    const orderedAt = now - 10 * DAY_MS + Math.floor((n / (options.events / 3)) * 5 * DAY_MS);
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

function figuresByHandle(rows: Parameters<typeof sumEntries>[0]): Record<string, Figures> {
  const byHandle: Record<string, Figures> = {};
  for (const handle of new Set(rows.map((r) => r.handle)))
    byHandle[handle] = commissionFigures(sumEntries(rows.filter((r) => r.handle === handle)));
  return byHandle;
}

/** Reads the run's events and ledger sums from the local D1 file, read-only. */
function readLedger(persistTo: string, run: string): { events: number; figures: Record<string, Figures> } {
  const like = `${run}_%`;
  const [counted] = queryLocalD1(
    persistTo,
    'SELECT COUNT(*) AS n FROM order_events WHERE event_id LIKE ?',
    like,
  );
  const rows = queryLocalD1(
    persistTo,
    'SELECT handle, bucket, SUM(amount_minor) AS amount FROM ledger_entries WHERE order_id LIKE ? GROUP BY handle, bucket',
    like,
  );
  const figures: Record<string, Figures> = {};
  for (const handle of new Set(rows.map((r) => String(r.handle))))
    figures[handle] = commissionFigures(
      rows
        .filter((r) => String(r.handle) === handle)
        .flatMap((r) => {
          const bucket = BUCKETS.find((b) => b === r.bucket);
          return bucket ? [{ bucket, amount_minor: Number(r.amount), quantity: 0, revenue_minor: 0 }] : [];
        }),
    );
  return { events: Number(counted?.n ?? 0), figures };
}

await runBenchmark('orders', options, async () => {
  const { content, errors } = loadContent(join(ROOT, 'content'));
  if (!content) throw new Error(errors.map(formatError).join('\n'));
  const program = programOf(buildProgramTable(content));

  const results: LevelResult[] = [];
  if (options.url) results.push(await measure(useRunning(options.url), content, program));
  else {
    writeRouteTable(content); // the generated tables the worker imports, from the same content
    const setup = await prepare();
    if (options.level !== 'runtime') results.push(await measure(await startDev(setup), content, program));
    if (options.level !== 'dev') results.push(await measure(await startRuntime(setup), content, program));
  }

  const figures: Figure[] = results.flatMap((r) => [
    {
      name: `${r.name}: events/s`,
      value: round(r.rate),
      unit: 'events/s',
      target: `>= ${TARGET_EVENTS_PER_SECOND}`,
      met: r.rate >= TARGET_EVENTS_PER_SECOND,
      note: `answers ${Object.entries(r.statuses)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}`,
    },
    { name: `${r.name}: latency p50`, value: round(r.p50, 1), unit: 'ms' },
    { name: `${r.name}: latency p99`, value: round(r.p99, 1), unit: 'ms' },
    { name: `${r.name}: events stored`, value: r.stored, note: `of ${r.sent} sent` },
    {
      name: `${r.name}: ledger matches pure derivation`,
      value: r.mismatches.length === 0 ? 'yes' : `no: ${r.mismatches.join(', ')}`,
    },
  ]);
  return { figures, details: results.map(({ name, statuses }) => ({ name, statuses })) };
});
