/**
 * `npm run bench:stats`: `GET /api/stats/<handle>` for 365 days of one creator with 10,000,000
 * clicks in the log, through `wrangler dev` on the built site. Target: p50 <= 100 ms.
 * The clicks are written straight into the local D1 file: raw rows for the retention window,
 * daily roll-ups before it; the raw days' roll-ups by the migration's own GROUP BY (so both
 * agree). Spread over products, 5 sources, 10 countries, 3 devices; 8% bots, 5% duplicates.
 *
 * Flags: --clicks N (default 10,000,000), --days N (365), --requests N (40), --build.
 * Last stdout line: the figures as JSON (bench/lib/report.ts).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { isInfluencer } from '../domain/content/schema.ts';
import { benchSecret, ensureBuilt, sampleContent, snapshotBuild, tempDir } from './lib/built-site.ts';
import { benchArgs, fmt, log, numberArg, quantile, round, runBenchmark, type Figure } from './lib/report.ts';
import { d1File } from '../scripts/lib/harness/d1.ts';
import { applyMigrations, startWranglerDev } from '../scripts/lib/harness/wrangler.ts';

const args = benchArgs();
const options = {
  clicks: numberArg(args, 'clicks', 10_000_000),
  days: numberArg(args, 'days', 365),
  requests: numberArg(args, 'requests', 40),
  build: args.has('build'),
};
const TARGET_MS = 100;
const DAY_MS = 86_400_000;
const SOURCES = ['ig', 'tiktok', 'yt', 'newsletter', null];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'CA', 'AU', 'NL', 'ES', 'IT', 'SE'];
/** Where the sample's marketplaces send a shopper of each country (section 14), as SQL over `country`. */
const MARKETPLACE_OF_COUNTRY =
  "CASE country WHEN 'GB' THEN 'amazon-uk' WHEN 'DE' THEN 'amazon-de' WHEN 'CA' THEN 'amazon-ca' ELSE 'amazon-us' END";
/** Roll-up triggers dropped while the clicks are written in bulk, then restored. */
const ROLLUP_TRIGGERS = [
  'clicks_rollup_insert',
  'clicks_rollup_update',
  'clicks_rollup_market_insert',
  'clicks_rollup_market_update',
];
const DEVICES = ['mobile', 'desktop', 'tablet'];

function pick<T>(list: readonly T[], n: number): T {
  const value = list[n % list.length];
  if (value === undefined) throw new Error('empty list');
  return value;
}

/** The approved creator with the most products: the one whose stats are read. */
function creator(): { handle: string; products: string[]; retention: number } {
  const content = sampleContent();
  const best = content.influencers
    .filter(isInfluencer)
    .filter((i) => i.status === 'approved')
    .map((i) => ({
      handle: i.handle,
      products: [...new Set([...i.featured, ...i.lists.flatMap((l) => l.items.map((x) => x.product))])],
    }))
    .sort((a, b) => b.products.length - a.products.length)[0];
  if (!best) throw new Error('no approved creator in content/');
  return { ...best, retention: content.program.click_retention_days };
}

/** Writes the click log; returns raw and roll-up row counts. */
function writeClicks(file: string, who: ReturnType<typeof creator>, today: number) {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;');
  // The triggers would add every raw row to the roll-ups one by one; the GROUP BY below does it at once.
  const triggers = db
    .prepare(
      `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN (${ROLLUP_TRIGGERS.map((t) => `'${t}'`).join(', ')})`,
    )
    .all()
    .map((r) => String((r as { sql: string }).sql));
  for (const name of ROLLUP_TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
  const perDay = Math.floor(options.clicks / options.days);
  const rawDays = Math.min(options.days, who.retention + 1);
  const first = today - (options.days - 1) * DAY_MS;
  const insertRaw = db.prepare(
    `INSERT INTO clicks (click_id, at, handle, product_id, src, referrer_host, country, device, visitor_hash, is_bot, bot_reason, is_duplicate, method, marketplace)
     VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, 'GET', ${MARKETPLACE_OF_COUNTRY.replaceAll('country', '?6')})`,
  );
  const insertDaily = db.prepare(
    `INSERT INTO click_daily (day, handle, product_id, src, country, device, bot_reason, human, bot, duplicate)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let raw = 0;
  const products = who.products.length;
  for (let d = 0; d < options.days; d++) {
    const dayStart = first + d * DAY_MS;
    const day = new Date(dayStart).toISOString().slice(0, 10);
    db.exec('BEGIN');
    if (d >= options.days - rawDays) {
      // Today is only partly over: its clicks end now.
      const span = d === options.days - 1 ? Math.max(1, Date.now() - dayStart) : DAY_MS;
      for (let k = 0; k < perDay; k++) {
        const n = d * perDay + k;
        const bot = n % 100 < 8;
        insertRaw.run(
          `bench-${n}`,
          dayStart + Math.floor((k / perDay) * span),
          who.handle,
          pick(who.products, n * 7),
          pick(SOURCES, n * 3),
          pick(COUNTRIES, n * 11),
          bot ? 'bot' : pick(DEVICES, n),
          `v${n % 5000}`,
          bot ? 1 : 0,
          bot ? 'crawler' : null,
          !bot && n % 100 >= 95 ? 1 : 0,
        );
        raw++;
      }
    } else {
      // The same spread, already rolled up: one row per (product, source, country, device).
      const keys = products * SOURCES.length * COUNTRIES.length * DEVICES.length;
      for (let key = 0; key < keys; key++) {
        const count = Math.floor(perDay / keys) + (key < perDay % keys ? 1 : 0);
        if (count === 0) continue;
        const product = pick(who.products, key);
        const src = pick(SOURCES, Math.floor(key / products));
        const country = pick(COUNTRIES, Math.floor(key / products / SOURCES.length));
        const device = pick(DEVICES, Math.floor(key / products / SOURCES.length / COUNTRIES.length));
        const bot = Math.round(count * 0.08);
        const human = count - bot;
        const duplicate = Math.round(human * 0.05);
        insertDaily.run(day, who.handle, product, src ?? '', country, device, '', human, 0, duplicate);
        if (bot > 0)
          insertDaily.run(day, who.handle, product, src ?? '', country, 'bot', 'crawler', 0, bot, 0);
      }
    }
    db.exec('COMMIT');
  }
  // Roll-ups of the raw days, exactly as the migration back-fills them.
  const rawFrom = new Date(first + (options.days - rawDays) * DAY_MS).toISOString().slice(0, 10);
  db.prepare(
    `INSERT INTO click_daily (day, handle, product_id, src, country, device, bot_reason, human, bot, duplicate)
     SELECT date(at / 1000, 'unixepoch'), handle, coalesce(product_id, ''), coalesce(src, ''), coalesce(country, ''),
            device, coalesce(bot_reason, ''), SUM(is_bot = 0), SUM(is_bot <> 0), SUM(is_bot = 0 AND is_duplicate <> 0)
     FROM clicks WHERE at >= ?1 GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  ).run(Date.parse(`${rawFrom}T00:00:00Z`));
  // By source and by product, of every day: sums of the wide roll-ups.
  for (const [table, column] of [
    ['click_daily_source', 'src'],
    ['click_daily_product', 'product_id'],
  ])
    db.prepare(
      `INSERT INTO ${table} (handle, day, ${column}, human, bot, duplicate, not_navigation)
       SELECT handle, day, ${column}, SUM(human), SUM(bot), SUM(duplicate), 0
       FROM click_daily GROUP BY handle, day, ${column}`,
    ).run();
  // Clicks by (country, marketplace) of every day (migration 0016), from the wide roll-ups.
  db.exec(
    `INSERT INTO click_daily_market (handle, day, country, marketplace, human, bot, duplicate)
     SELECT handle, day, country, ${MARKETPLACE_OF_COUNTRY}, SUM(human), SUM(bot), SUM(duplicate)
     FROM click_daily GROUP BY handle, day, country`,
  );
  for (const sql of triggers) db.exec(sql);
  const one = (sql: string, ...params: string[]) =>
    Number((db.prepare(sql).get(...params) as { n: number }).n);
  const count = (table: string) => one(`SELECT COUNT(*) AS n FROM ${table}`);
  const counts = {
    // click_daily holds every click (wide roll-ups of every day): what stats must report.
    expectedHuman: one('SELECT SUM(human) AS n FROM click_daily WHERE handle = ?1', who.handle),
    raw,
    clickDaily: count('click_daily'),
    clickDailySource: count('click_daily_source'),
    clickDailyProduct: count('click_daily_product'),
  };
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  return { ...counts, rawDays };
}

await runBenchmark('stats', options, async () => {
  await ensureBuilt(options.build);
  const dir = tempDir('stats');
  const snapshot = snapshotBuild(dir);
  const persistTo = join(dir, 'state');
  await applyMigrations(snapshot.config, persistTo);
  const file = d1File(persistTo);
  if (!file) throw new Error('no local D1 file after migrating');
  const who = creator();
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  log(`writing ${fmt(options.clicks)} clicks of ${who.handle} over ${options.days} days into ${file}`);
  const started = Date.now();
  const written = writeClicks(file, who, today);
  const writeSeconds = round((Date.now() - started) / 1000, 1);
  const dbMiB = round(statSync(file).size / 2 ** 20);
  log(
    `  ${fmt(written.raw)} raw rows (${written.rawDays} days), ${fmt(written.clickDaily)} click_daily, ${fmt(written.clickDailySource)} click_daily_source and ${fmt(written.clickDailyProduct)} click_daily_product rows; ${dbMiB} MiB in ${writeSeconds} s`,
  );

  const server = await startWranglerDev({
    config: snapshot.config,
    persistTo,
    logFile: join(dir, 'wrangler-dev.log'),
    envFile: snapshot.envFile,
    readyPath: '/healthz',
    logLevel: 'warn',
  });
  const from = new Date(today - (options.days - 1) * DAY_MS).toISOString().slice(0, 10);
  const to = new Date(today).toISOString().slice(0, 10);
  const url = `${server.url}/api/stats/${who.handle}?from=${from}&to=${to}`;
  const headers = { authorization: `Bearer ${benchSecret('ADMIN_TOKEN')}` };
  const times: number[] = [];
  let human = 0;
  try {
    for (let i = 0; i < options.requests + 3; i++) {
      const t0 = performance.now();
      const res = await fetch(url, { headers });
      const body = (await res.json()) as { clicks?: { human?: number; bot?: number } };
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`stats answered ${res.status}: ${JSON.stringify(body)}`);
      human = body.clicks?.human ?? 0;
      if (human !== written.expectedHuman)
        throw new Error(`stats reported ${human} human clicks, the log holds ${written.expectedHuman}`);
      if (i >= 3) times.push(ms); // the first requests warm the isolate and SQLite's cache
    }
  } finally {
    await server.stop();
  }
  const q = (p: number) => round(quantile(times, p), 1);
  const p50 = q(0.5);
  const figures: Figure[] = [
    {
      name: `wrangler dev: stats of ${options.days} days, ${fmt(options.clicks)} clicks: p50`,
      value: p50,
      unit: 'ms',
      target: `<= ${TARGET_MS} ms`,
      met: p50 <= TARGET_MS,
      note: `p90 ${q(0.9)} ms, max ${q(1)} ms over ${times.length} sequential requests; ${fmt(human)} human clicks reported`,
    },
    {
      name: 'click log rows',
      value: `${fmt(written.raw)} raw + ${fmt(written.clickDaily + written.clickDailySource + written.clickDailyProduct)} roll-up`,
      note: `raw: today and the ${written.rawDays - 1} days before (click_retention_days); click_daily ${fmt(written.clickDaily)}, click_daily_source ${fmt(written.clickDailySource)}, click_daily_product ${fmt(written.clickDailyProduct)}`,
    },
    { name: 'local D1 file', value: dbMiB, unit: 'MiB', note: `written directly in ${writeSeconds} s` },
  ];
  return { figures, details: { times, written } };
});
