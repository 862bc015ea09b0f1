/**
 * `npm run bench:stats`: `GET /api/stats/<handle>` for 365 days of one creator with 10,000,000
 * clicks in the log, through `wrangler dev` on the built site. Target: p50 <= 100 ms.
 * The clicks are written straight into the local D1 file: raw rows for the retention window,
 * daily roll-ups before it; the raw days' roll-ups by the migration's own GROUP BY (so both
 * agree). Spread over products, 5 sources, 10 countries, 3 devices; 8% bots, 5% duplicates.
 * Whole days, today's included, are read from the roll-ups (worker/reports/click-counts.ts).
 *
 * Flags: --clicks N (default 10,000,000), --days N (365), --requests N (40), --build.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { storefrontProductIds } from '../domain/content/members.ts';
import { DAY_MS, startOfUtcDay, utcDay } from '../domain/time.ts';
import { BENCH_SECRETS, ensureBuilt, sampleContent, snapshotBuild, tempDir } from './lib/built-site.ts';
import { fmt, latency, log, options as flags, round, row, runBenchmark } from './lib/report.ts';
import { d1File } from '../scripts/lib/harness/d1.ts';
import { applyMigrations, startWranglerDev } from '../scripts/lib/harness/wrangler.ts';

const options = flags({ clicks: 10_000_000, days: 365, requests: 40, build: false });
const TARGET_MS = 100;
const SOURCES = ['ig', 'tiktok', 'yt', 'newsletter', null];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'CA', 'AU', 'NL', 'ES', 'IT', 'SE'];
const DEVICES = ['mobile', 'desktop', 'tablet'];
/** Where the sample's marketplaces send a shopper of each country (section 14), as SQL over `country`. */
const MARKETPLACE_OF_COUNTRY =
  "CASE country WHEN 'GB' THEN 'amazon-uk' WHEN 'DE' THEN 'amazon-de' WHEN 'CA' THEN 'amazon-ca' ELSE 'amazon-us' END";
const ROLLUP =
  'click_daily (day, handle, product_id, src, country, device, bot_reason, human, bot, duplicate)';
const pick = <T>(list: readonly T[], n: number): T => list[Math.floor(n) % list.length] as T;
const PER_DAY = Math.floor(options.clicks / options.days);

/** The approved creator with the most products: the one whose stats are read. */
function creator() {
  const content = sampleContent();
  const approved = content.influencers.filter((i) => i.status === 'approved');
  const [best] = approved
    .map((i) => ({ handle: i.handle, products: storefrontProductIds(i) }))
    .sort((a, b) => b.products.length - a.products.length);
  if (!best?.products.length) throw new Error('no approved creator in content/');
  return { ...best, retention: content.program.click_retention_days };
}
type Creator = ReturnType<typeof creator>;

/** The raw clicks of the last `rawDays` days, PER_DAY a day (today's end now). */
function writeRaw(db: DatabaseSync, who: Creator, first: number, rawDays: number) {
  const insert = db.prepare(
    `INSERT INTO clicks (click_id, at, handle, product_id, src, referrer_host, country, device, visitor_hash, is_bot, bot_reason, is_duplicate, method, marketplace)
     VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, 'GET', ${MARKETPLACE_OF_COUNTRY.replaceAll('country', '?6')})`,
  );
  for (let d = options.days - rawDays; d < options.days; d++) {
    const dayStart = first + d * DAY_MS;
    const span = d === options.days - 1 ? Math.max(1, Date.now() - dayStart) : DAY_MS;
    db.exec('BEGIN');
    for (let k = 0; k < PER_DAY; k++) {
      const n = d * PER_DAY + k;
      const bot = n % 100 < 8;
      const at = dayStart + Math.floor((k / PER_DAY) * span);
      const [device, reason, duplicate] = bot
        ? ['bot', 'crawler', 0]
        : [pick(DEVICES, n), null, +(n % 100 >= 95)];
      // prettier-ignore
      insert.run(`bench-${n}`, at, who.handle, pick(who.products, n * 7), pick(SOURCES, n * 3), pick(COUNTRIES, n * 11), device, `v${n % 5000}`, +bot, reason, duplicate);
    }
    db.exec('COMMIT');
  }
  return PER_DAY * rawDays;
}

/** The `days` days from `first`, before the retention window: the same spread already rolled up, a row per (product, source, country, device). */
function writeRolledUp(db: DatabaseSync, who: Creator, first: number, days: number) {
  const [perDay, products] = [PER_DAY, who.products.length];
  const keys = products * SOURCES.length * COUNTRIES.length * DEVICES.length;
  const insert = db.prepare(`INSERT INTO ${ROLLUP} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (let d = 0; d < days; d++) {
    db.exec('BEGIN');
    for (let key = 0; key < keys; key++) {
      const count = Math.floor(perDay / keys) + (key < perDay % keys ? 1 : 0);
      const at = [utcDay(first + d * DAY_MS), who.handle, pick(who.products, key)] as const;
      const k = key / products;
      const [src, country] = [pick(SOURCES, k) ?? '', pick(COUNTRIES, k / SOURCES.length)];
      const device = pick(DEVICES, k / SOURCES.length / COUNTRIES.length);
      const bot = Math.round(count * 0.08);
      if (count > 0)
        insert.run(...at, src, country, device, '', count - bot, 0, Math.round((count - bot) * 0.05));
      if (bot > 0) insert.run(...at, src, country, 'bot', 'crawler', 0, bot, 0);
    }
    db.exec('COMMIT');
  }
}

/** Writes the click log and its roll-ups as the triggers and migrations would have; returns row counts. */
function writeClicks(file: string, who: Creator, today: number) {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;');
  // The roll-up and reason triggers would add every raw row to the roll-ups one by one; the GROUP BY
  // below does it at once: dropped while the clicks are written in bulk, then restored.
  const rollupTriggers =
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND (name LIKE 'clicks_rollup_%' OR name LIKE 'clicks_reason_%')";
  const triggers = db.prepare(rollupTriggers).all() as { name: string; sql: string }[];
  for (const { name } of triggers) db.exec(`DROP TRIGGER ${name}`);
  const rawDays = Math.min(options.days, who.retention + 1);
  const first = today - (options.days - 1) * DAY_MS;
  const raw = writeRaw(db, who, first, rawDays);
  // Roll-ups of the raw days, exactly as the migration back-fills them.
  const rawFrom = first + (options.days - rawDays) * DAY_MS;
  db.prepare(
    `INSERT INTO ${ROLLUP}
     SELECT date(at / 1000, 'unixepoch'), handle, coalesce(product_id, ''), coalesce(src, ''), coalesce(country, ''),
            device, coalesce(bot_reason, ''), SUM(is_bot = 0), SUM(is_bot <> 0), SUM(is_bot = 0 AND is_duplicate <> 0)
     FROM clicks WHERE at >= ?1 GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  ).run(rawFrom);
  writeRolledUp(db, who, first, options.days - rawDays);
  // The narrow roll-ups of every day, sums of the wide ones: by source, by product, by (country,
  // marketplace) (migration 0016), by reason (0018's back-fill: bot reasons and duplicates, no flags here).
  const bySums = { click_daily_source: 'src', click_daily_product: 'product_id' };
  const sums = Object.entries(bySums).map(
    ([table, column]) => `INSERT INTO ${table} (handle, day, ${column}, human, bot, duplicate, not_navigation)
     SELECT handle, day, ${column}, SUM(human), SUM(bot), SUM(duplicate), 0 FROM click_daily GROUP BY handle, day, ${column};`,
  );
  db.exec(`${sums.join('\n')}
    INSERT INTO click_daily_market (handle, day, country, marketplace, human, bot, duplicate)
     SELECT handle, day, country, ${MARKETPLACE_OF_COUNTRY}, SUM(human), SUM(bot), SUM(duplicate)
     FROM click_daily GROUP BY handle, day, country;
    INSERT INTO click_daily_reason (handle, day, reason, clicks)
     SELECT handle, day, CASE WHEN bot_reason = '' THEN 'unknown' ELSE bot_reason END, SUM(bot)
     FROM click_daily WHERE bot > 0 GROUP BY 1, 2, 3
     UNION ALL
     SELECT handle, day, 'duplicate', SUM(duplicate) FROM click_daily WHERE duplicate > 0 GROUP BY 1, 2`);
  for (const { sql } of triggers) db.exec(sql);
  const count = (sql: string) => Number(Object.values(db.prepare(sql).get(who.handle) ?? {})[0]);
  // click_daily holds every click (wide roll-ups of every day): what stats must report.
  const expected = {
    human: count('SELECT SUM(human) FROM click_daily WHERE handle = ?1'),
    duplicate: count('SELECT SUM(duplicate) FROM click_daily WHERE handle = ?1'),
  };
  const tables = ['click_daily', ...Object.keys(bySums), 'click_daily_market', 'click_daily_reason'];
  const rows = tables.map((table) => count(`SELECT COUNT(*) FROM ${table} WHERE handle = ?1`));
  const note = tables.map((t, i) => `${t} ${fmt(rows[i])}`);
  const rollups = { rows: rows.reduce((a, b) => a + b, 0), note };
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  return { expected, raw, rawDays, rollups };
}

/** `requests` sequential GETs of the stats after 3 untimed ones (the isolate and SQLite's cache warm); each must report every human click and every duplicate. */
async function timeStats(url: string, expected: { human: number; duplicate: number }): Promise<number[]> {
  const [headers, times] = [{ authorization: `Bearer ${BENCH_SECRETS.ADMIN_TOKEN!}` }, [] as number[]];
  for (let i = 0; i < options.requests + 3; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    const body = (await res.json()) as { clicks?: { human?: number; by_reason?: Record<string, number> } };
    if (i >= 3) times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`stats answered ${res.status}: ${JSON.stringify(body)}`);
    const reported = { human: body.clicks?.human, duplicate: body.clicks?.by_reason?.['duplicate'] };
    for (const [what, n] of Object.entries(expected) as [keyof typeof expected, number][])
      if (reported[what] !== n)
        throw new Error(`stats reported ${reported[what]} ${what} clicks, the log holds ${n}`);
  }
  return times;
}

await runBenchmark('stats', options, async () => {
  await ensureBuilt(options.build);
  const { config, envFile, dir } = snapshotBuild(tempDir('stats'));
  const persistTo = join(dir, 'state');
  await applyMigrations(config, persistTo);
  const file = d1File(persistTo);
  if (!file) throw new Error('no local D1 file after migrating');
  const [who, today] = [creator(), startOfUtcDay(Date.now())];
  log(`writing ${fmt(options.clicks)} clicks of ${who.handle} over ${options.days} days into ${file}`);
  const started = Date.now();
  const w = writeClicks(file, who, today);
  const writeSeconds = round((Date.now() - started) / 1000, 1);
  const [logFile, readyPath, logLevel] = [join(dir, 'wrangler-dev.log'), '/healthz', 'warn'];
  const server = await startWranglerDev({ config, persistTo, logFile, envFile, readyPath, logLevel });
  const url = `${server.url}/api/stats/${who.handle}?from=${utcDay(today - (options.days - 1) * DAY_MS)}&to=${utcDay(today)}`;
  const t = latency(await timeStats(url, w.expected).finally(() => server.stop()));
  return {
    // prettier-ignore
    figures: [
      row(`wrangler dev: stats of ${options.days} days, ${fmt(options.clicks)} clicks: p50`, t.p50, 'ms',
        `p90 ${t.p90} ms, max ${t.max} ms over ${t.n} sequential requests; ${fmt(w.expected.human)} human clicks reported`,
        `<= ${TARGET_MS} ms`, t.p50 <= TARGET_MS),
      row('click log rows', `${fmt(w.raw)} raw + ${fmt(w.rollups.rows)} roll-up`, undefined,
        `raw: today and the ${w.rawDays - 1} days before (click_retention_days); ${w.rollups.note.join(', ')}`),
      row('local D1 file', round(statSync(file).size / 2 ** 20), 'MiB', `written directly in ${writeSeconds} s`),
    ],
  };
});
