/**
 * Daily click roll-ups (migrations/0008_click_daily.sql, 0011_click_daily_narrow.sql,
 * 0016_click_marketplace.sql, the reasons of 0018_click_flags.sql) and the retention job.
 * Roll-ups must always equal the aggregate of the raw clicks, whatever was written
 * and flagged; stats must not change when raw clicks move from the raw table into
 * roll-ups or are deleted. Uses its own handles and the years 2018-2019 only (and today, for
 * the test that today is read from the roll-ups).
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chunkClicks,
  DUPLICATE_WINDOW_MS,
  FLAG_REPEATS,
  insertChunkStatements,
  insertClicks,
} from '../../worker/clicks/store.ts';
import type { ClickRecord } from '../../domain/clicks/message.ts';
import { deleteOldClicks, retentionCutoff } from '../../worker/clicks/retention.ts';
import { readBotShare } from '../../worker/dashboard/queries.ts';
import { readCreatorRows, readStats } from '../../worker/reports/stats-query.ts';
import { DAY_MS } from '../../domain/time.ts';
import { CLICK_FLAGS } from '../../domain/clicks/flags.ts';
import { createWorker } from '../../worker/worker.ts';
import program from '../../worker/generated/program.ts';

const BASE = Date.parse('2019-03-01T00:00:00Z');
let runs = 0;

interface RollupRow {
  day: string;
  handle: string;
  product_id: string;
  src: string;
  country: string;
  device: string;
  bot_reason: string;
  human: number;
  bot: number;
  duplicate: number;
}

const RAW_AGGREGATE = `
SELECT date(at / 1000, 'unixepoch') AS day, handle, coalesce(product_id, '') AS product_id, coalesce(src, '') AS src,
       coalesce(country, '') AS country, device, coalesce(bot_reason, '') AS bot_reason,
       SUM(is_bot = 0) AS human, SUM(is_bot <> 0) AS bot, SUM(is_bot = 0 AND is_duplicate <> 0) AS duplicate
FROM clicks WHERE handle LIKE ?1 GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7`;
const ROLLUP = `
SELECT day, handle, product_id, src, country, device, bot_reason, human, bot, duplicate
FROM click_daily WHERE handle LIKE ?1 AND (human <> 0 OR bot <> 0 OR duplicate <> 0)
ORDER BY 1, 2, 3, 4, 5, 6, 7`;
/** The narrow roll-ups (0011): one dimension each, and the same four counts. */
const narrow = (dimension: 'src' | 'product_id') => ({
  raw: `
SELECT handle, date(at / 1000, 'unixepoch') AS day, coalesce(${dimension}, '') AS ${dimension},
       SUM(is_bot = 0) AS human, SUM(is_bot <> 0) AS bot, SUM(is_bot = 0 AND is_duplicate <> 0) AS duplicate,
       SUM(is_bot <> 0 AND (bot_reason = 'prefetch' OR bot_reason LIKE 'subresource:%')) AS not_navigation
FROM clicks WHERE handle LIKE ?1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  rollup: `
SELECT handle, day, ${dimension}, human, bot, duplicate, not_navigation
FROM ${dimension === 'src' ? 'click_daily_source' : 'click_daily_product'}
WHERE handle LIKE ?1 AND (human <> 0 OR bot <> 0 OR duplicate <> 0) ORDER BY 1, 2, 3`,
});

/** The (country, marketplace) roll-up (0016). */
const MARKET_RAW = `
SELECT handle, date(at / 1000, 'unixepoch') AS day, coalesce(country, '') AS country,
       coalesce(marketplace, '') AS marketplace,
       SUM(is_bot = 0) AS human, SUM(is_bot <> 0) AS bot, SUM(is_bot = 0 AND is_duplicate <> 0) AS duplicate
FROM clicks WHERE handle LIKE ?1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`;
const MARKET_ROLLUP = `
SELECT handle, day, country, marketplace, human, bot, duplicate FROM click_daily_market
WHERE handle LIKE ?1 AND (human <> 0 OR bot <> 0 OR duplicate <> 0) ORDER BY 1, 2, 3, 4`;
/** Counts by reason (0018): each bot reason, human repeats, and each flag of a click. */
const RAW_REASONS = `
SELECT handle, day, reason, COUNT(*) AS clicks FROM (
  SELECT handle, date(at / 1000, 'unixepoch') AS day, coalesce(bot_reason, 'unknown') AS reason
  FROM clicks WHERE handle LIKE ?1 AND is_bot <> 0
  UNION ALL
  SELECT handle, date(at / 1000, 'unixepoch'), 'duplicate' FROM clicks WHERE handle LIKE ?1 AND is_bot = 0 AND is_duplicate <> 0
  UNION ALL
  SELECT handle, date(at / 1000, 'unixepoch'), flag.key
  FROM clicks JOIN json_each('{"no_activation":1,"self":2,"burst":4}') AS flag ON clicks.flags & flag.value
  WHERE handle LIKE ?1
) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
const ROLLUP_REASONS = `
SELECT handle, day, reason, clicks FROM click_daily_reason WHERE handle LIKE ?1 AND clicks <> 0 ORDER BY 1, 2, 3`;

/** A human GET click on product P1 from a phone, with no source, referrer or country. */
function humanClick(
  click_id: string,
  at: number,
  handle: string,
  extra: Partial<ClickRecord> = {},
): ClickRecord {
  return {
    click_id,
    at,
    handle,
    product_id: 'P1',
    src: null,
    referrer_host: null,
    country: null,
    device: 'mobile',
    visitor_hash: 'v',
    is_bot: false,
    bot_reason: null,
    method: 'GET',
    ...extra,
  };
}

async function all<T>(sql: string, ...params: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<T>()
  ).results;
}

const arbitraryClick = fc.record({
  handle: fc.constantFrom('a', 'b'),
  minute: fc.integer({ min: 0, max: 6 * 24 * 60 }),
  product: fc.constantFrom('P1', 'P2', 'P3', null),
  src: fc.constantFrom('ig', 'tiktok', null),
  country: fc.constantFrom('US', 'DE', null),
  marketplace: fc.constantFrom('amazon-us', 'amazon-de', null, undefined),
  device: fc.constantFrom('mobile', 'desktop', 'tablet'),
  // v1 clicks most, so its days cross the burst limit within a batch and in later batches.
  visitor: fc.oneof({ arbitrary: fc.constant('v1'), weight: 2 }, fc.constantFrom('v1', 'v2', 'v3')),
  bot: fc.constantFrom(null, 'crawler', 'head', 'prefetch', 'subresource:image'),
  method: fc.constantFrom('GET', 'HEAD'),
  flags: fc.subarray(['no_activation', 'self', 'burst'] as const),
});

/** A small burst limit, so random batches cross it. */
const BURST_LIMIT = 3;

/** What the flags of the clicks of `like` must be, derived from the table by a plain reading of section 16. */
const EXPECTED_FLAGS = `
SELECT click_id,
  product_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM clicks AS e WHERE e.visitor_hash = c.visitor_hash AND e.product_id = c.product_id AND e.is_bot = 0
      AND e.at >= c.at - ?2 AND (e.at < c.at OR (e.at = c.at AND e.click_id < c.click_id))
  ) AS duplicate,
  EXISTS (
    SELECT 1 FROM dashboard_visitors AS d
    WHERE d.handle = c.handle AND d.visitor_hash = c.visitor_hash AND d.day = date(c.at / 1000, 'unixepoch')
  ) AS self,
  (SELECT COUNT(*) FROM clicks AS n WHERE n.visitor_hash = c.visitor_hash AND n.at / 86400000 = c.at / 86400000
     AND NOT (n.is_bot <> 0 AND (n.bot_reason = 'prefetch' OR n.bot_reason LIKE 'subresource:%'))) > ?3 AS burst
FROM clicks AS c WHERE handle LIKE ?1 ORDER BY click_id`;

describe('daily click roll-ups', () => {
  it('equal the aggregate of raw clicks after inserts, redelivered batches and flag changes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(arbitraryClick, { minLength: 1, maxLength: 12 }), fc.boolean()), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.constantFrom('v1', 'v2', 'v3'), fc.nat({ max: 6 })), {
          maxLength: 3,
        }),
        fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 7 })), {
          maxLength: 6,
        }),
        async (batches, dashboards, flips) => {
          const prefix = `rollup-${++runs}-`;
          let n = 0;
          const records = batches.map(([batch]) =>
            batch.map((c): ClickRecord => ({
              click_id: `${prefix}${n++}`,
              at: BASE + c.minute * 60_000,
              handle: `${prefix}${c.handle}`,
              product_id: c.product,
              src: c.src,
              referrer_host: null,
              country: c.country,
              ...(c.marketplace === undefined ? {} : { marketplace: c.marketplace }),
              device: c.bot ? 'bot' : c.device,
              visitor_hash: `${prefix}${c.visitor}`,
              is_bot: c.bot !== null,
              bot_reason: c.bot,
              method: c.method === 'HEAD' ? 'HEAD' : 'GET',
              flags: [...c.flags],
            })),
          );
          // Members' own dashboard hashes, recorded before the clicks arrive (self is set by the INSERT).
          for (const [handle, visitor, day] of dashboards)
            await env.DB.prepare(
              'INSERT OR IGNORE INTO dashboard_visitors (handle, day, visitor_hash) VALUES (?1, ?2, ?3)',
            )
              .bind(
                `${prefix}${handle}`,
                new Date(BASE + day * DAY_MS).toISOString().slice(0, 10),
                `${prefix}${visitor}`,
              )
              .run();
          // The consumer's own statements, one transaction per chunk. A batch whose first half landed
          // before a failure is delivered again whole, and the first batch once more at the end.
          const deliver = async (clicks: readonly ClickRecord[]) => {
            for (const chunk of chunkClicks(clicks))
              await env.DB.batch(insertChunkStatements(env.DB, chunk, 'queue', BURST_LIMIT));
          };
          for (const [i, batch] of records.entries()) {
            if (batches[i]?.[1]) await deliver(batch.slice(0, Math.ceil(batch.length / 2)));
            await deliver(batch);
          }
          if (records[0]) await deliver(records[0]);
          const like = `${prefix}%`;
          // Every flag the consumer sets is what the stored clicks say it must be (or the message carried).
          const sent = new Map(records.flat().map((r) => [r.click_id, r.flags ?? []]));
          const stored = await all<{ click_id: string; is_duplicate: number; flags: number }>(
            'SELECT click_id, is_duplicate, flags FROM clicks WHERE handle LIKE ?1 ORDER BY click_id',
            like,
          );
          const expected = await all<{ click_id: string; duplicate: number; self: number; burst: number }>(
            EXPECTED_FLAGS,
            like,
            DUPLICATE_WINDOW_MS,
            BURST_LIMIT,
          );
          expect(stored).toEqual(
            expected.map((e) => {
              const carried = sent.get(e.click_id) ?? [];
              const bit = (flag: 'no_activation' | 'self' | 'burst', set: boolean) =>
                set || carried.includes(flag) ? CLICK_FLAGS[flag] : 0;
              return {
                click_id: e.click_id,
                is_duplicate: e.duplicate,
                flags: bit('no_activation', false) | bit('self', e.self === 1) | bit('burst', e.burst === 1),
              };
            }),
          );
          // Flags changed afterwards (a bot rule or a replay) move the counts too.
          const ids = records.flat().map((r) => r.click_id);
          for (const [index, bot, duplicate, flags] of flips) {
            const id = ids[index % ids.length];
            await env.DB.prepare(
              `UPDATE clicks SET is_bot = ?2, bot_reason = CASE WHEN ?2 THEN 'subresource:image' ELSE NULL END, is_duplicate = ?3,
                 flags = ?4
               WHERE click_id = ?1`,
            )
              .bind(id, bot ? 1 : 0, duplicate ? 1 : 0, flags)
              .run();
          }
          expect(await all<RollupRow>(ROLLUP, like)).toEqual(await all<RollupRow>(RAW_AGGREGATE, like));
          for (const { raw, rollup } of [narrow('src'), narrow('product_id')])
            expect(await all(rollup, like)).toEqual(await all(raw, like));
          expect(await all(MARKET_ROLLUP, like)).toEqual(await all(MARKET_RAW, like));
          expect(await all(ROLLUP_REASONS, like)).toEqual(await all(RAW_REASONS, like));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('give the same stats as raw clicks read for parts of a day, and the same after the raw clicks are deleted', async () => {
    const handle = 'rollup-stats';
    const clicks: ClickRecord[] = [];
    // Pairs of clicks ten minutes apart by one visitor on one product: the second is a duplicate.
    for (let i = 0; i < 60; i++) {
      const pair = Math.floor(i / 2);
      clicks.push({
        click_id: `rs-${i}`,
        at: Date.parse('2019-05-01T00:00:00Z') + pair * 5 * 3_600_000 + (i % 2) * 600_000 + 17,
        handle,
        product_id: pair % 7 === 0 ? null : `P${pair % 3}`,
        src: i % 4 === 0 ? null : ['ig', 'yt', 'tt'][i % 3]!,
        referrer_host: null,
        country: i % 3 === 0 ? null : ['US', 'GB', 'DE'][i % 3]!,
        marketplace: pair % 7 === 0 ? null : i % 2 === 0 ? 'amazon-us' : 'amazon-uk',
        device: i % 5 === 0 ? 'bot' : 'mobile',
        visitor_hash: `v${pair % 4}`,
        is_bot: i % 5 === 0,
        bot_reason: i % 5 === 0 ? (i % 10 === 0 ? 'prefetch' : 'crawler') : null,
        method: 'GET',
      });
    }
    await insertClicks(env.DB, clicks, 'queue');
    const from = '2019-05-02';
    const to = '2019-05-11';
    // Whole days, the last one "today" or not: every click from the roll-ups.
    const stats = await readStats(env.DB, handle, from, to, 'USD');
    expect(stats.clicks.human).toBeGreaterThan(0);
    expect(stats.clicks.duplicate).toBeGreaterThan(0);
    expect(stats.by_src.length).toBeGreaterThan(1);
    expect(stats.by_country.length).toBeGreaterThan(1);
    expect(stats.by_marketplace.length).toBeGreaterThan(1);
    expect(stats.clicks.not_navigation).toBeGreaterThan(0);
    expect(stats.clicks.bot).toBeGreaterThan(0);

    const start = Date.parse(`${from}T00:00:00Z`);
    const end = Date.parse(`${to}T00:00:00Z`) + DAY_MS;
    const creators = await readCreatorRows(env.DB, start, end);
    const bots = await readBotShare(env.DB, start, end);
    expect(bots.total).toBeGreaterThan(0);
    // Edges 1 ms into a day (no click there): the first day is read raw, the others from roll-ups;
    // a range inside one day is read raw alone. Same figures.
    const mine = (rows: Awaited<ReturnType<typeof readCreatorRows>>) => rows.find((c) => c.handle === handle);
    expect(mine(await readCreatorRows(env.DB, start + 1, end))).toEqual(mine(creators));
    expect(await readBotShare(env.DB, start + 1, end)).toEqual(bots);
    const day = Date.parse('2019-05-03T00:00:00Z');
    const oneDayRaw = await readBotShare(env.DB, day + 1, day + DAY_MS - 1);
    expect(oneDayRaw.total).toBeGreaterThan(0);
    expect(oneDayRaw).toEqual(await readBotShare(env.DB, day, day + DAY_MS));

    // Retention long after: every raw click of the handle is gone, roll-ups answer alone.
    const later = Date.parse('2019-12-01T00:00:00Z');
    await deleteOldClicks(env.DB, 90, later, { chunk: 7 });
    expect(await all('SELECT click_id FROM clicks WHERE handle = ?1', handle)).toEqual([]);
    expect(await readStats(env.DB, handle, from, to, 'USD')).toEqual(stats);
    expect(mine(await readCreatorRows(env.DB, start, end))).toEqual(mine(creators));
    expect(await readBotShare(env.DB, start, end)).toEqual(bots);
  });

  it("read today from the roll-ups, not today's raw clicks (bench:stats)", async () => {
    const handle = 'rollup-today';
    const now = Date.now();
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const clicks: ClickRecord[] = Array.from({ length: 6 }, (_, i) => ({
      click_id: `rt-${now}-${i}`,
      at: today + i,
      handle,
      product_id: 'P1',
      src: 'ig',
      referrer_host: null,
      country: 'US',
      marketplace: 'amazon-us',
      device: i === 0 ? 'bot' : 'mobile',
      visitor_hash: `v${i}`,
      is_bot: i === 0,
      bot_reason: i === 0 ? 'crawler' : null,
      method: 'GET',
    }));
    await insertClicks(env.DB, clicks, 'queue');
    const day = new Date(today).toISOString().slice(0, 10);
    const before = await readStats(env.DB, handle, day, day, 'USD');
    expect(before.clicks).toMatchObject({ human: 5, bot: 1, by_reason: { crawler: 1 } });
    // Only the roll-ups hold today's counts once the raw rows are gone: stats still show them.
    await env.DB.prepare('DELETE FROM clicks WHERE handle = ?1').bind(handle).run();
    expect(await readStats(env.DB, handle, day, day, 'USD')).toEqual(before);
  });
});

describe('the duplicate and burst flags', () => {
  it("reads a visitor's clicks only from the index, within the chunk's times and the window (issue 26)", async () => {
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${FLAG_REPEATS}`)
      .bind(0, 1, '[]', 1, 30, '[]')
      .all<{ detail: string }>();
    const plan = results.map((r) => r.detail);
    expect(
      plan.some((d) => d.startsWith('SCAN clicks')),
      plan.join('\n'),
    ).toBe(false);
    expect(plan).toContainEqual(
      expect.stringMatching(/^SEARCH clicks USING INDEX \w+ \(visitor_hash=\? AND at>\? AND at<\?\)/),
    );
    // Earlier clicks: one visitor's clicks of the window, filtered by product and bot in the index
    // (migration 0024): no row is read however many clicks the visitor made in the window.
    expect(plan).toContainEqual(
      expect.stringMatching(
        /^SEARCH earlier (?:EXISTS )?USING COVERING INDEX clicks_visitor_at \(visitor_hash=\? AND at>\? AND at<\?\)/,
      ),
    );
    // A click of the same millisecond (the click-id tie) is the only earlier click read as a row.
    expect(plan).toContainEqual(
      expect.stringMatching(
        /^SEARCH tie (?:EXISTS )?USING INDEX clicks_visitor_at \(visitor_hash=\? AND at=\? AND product_id=\? AND is_bot=\?\)/,
      ),
    );
    // A visitor's clicks of a day are counted from the index alone: rows are read only for a
    // visitor-day above the burst limit in all its clicks.
    expect(plan).toContainEqual(
      expect.stringMatching(
        /^SEARCH clicks USING COVERING INDEX clicks_visitor_at \(visitor_hash=\? AND at>\? AND at<\?\)/,
      ),
    );
  });

  it('are those of the table for a heavy visitor over the limit, batches in order, late, redelivered and across days', async () => {
    const handle = 'heavy-visitor';
    const limit = 5;
    const day = BASE + 40 * DAY_MS;
    let n = 0;
    // One visitor clicking every 10 s, three products, every fourth a prefetch (not a navigation).
    const click = (at: number, visitor = 'heavy-v') =>
      humanClick(`heavy-${String(n++).padStart(4, '0')}`, at, handle, {
        visitor_hash: visitor,
        product_id: `P${n % 3}`,
        ...(n % 4 === 0 ? { is_bot: true, bot_reason: 'prefetch', device: 'bot' } : {}),
      });
    const noon = day + 12 * 3_600_000;
    const batches: ClickRecord[][] = [];
    // Ten batches in time order: the visitor crosses the limit in the second, and is settled after.
    for (let b = 0; b < 10; b++)
      batches.push([
        ...Array.from({ length: 4 }, (_, k) => click(noon + (b * 4 + k) * 10_000)),
        click(noon + b * 40_000, `other-${b % 3}`),
      ]);
    // Late: the day's first clicks, before every click stored (the day is not settled before them).
    batches.push(Array.from({ length: 3 }, (_, k) => click(day + k * 60_000)));
    // The next day, under the limit; then a late batch across both days, and a redelivery.
    batches.push([click(day + DAY_MS + 1_000), click(day + DAY_MS + 2_000)]);
    batches.push([click(noon + 5_000), click(noon + 5_000), click(day + DAY_MS + 3_000)]);
    batches.push(batches[3] ?? []);
    for (const batch of batches) await env.DB.batch(insertChunkStatements(env.DB, batch, 'queue', limit));

    const stored = await all<{ click_id: string; is_duplicate: number; flags: number }>(
      'SELECT click_id, is_duplicate, flags FROM clicks WHERE handle = ?1 ORDER BY click_id',
      handle,
    );
    const expected = await all<{ click_id: string; duplicate: number; burst: number }>(
      EXPECTED_FLAGS,
      handle,
      DUPLICATE_WINDOW_MS,
      limit,
    );
    expect(stored).toEqual(
      expected.map((e) => ({
        click_id: e.click_id,
        is_duplicate: e.duplicate,
        flags: e.burst ? CLICK_FLAGS.burst : 0,
      })),
    );
    // Not vacuous: the first day is over the limit, the next is not, and some clicks are repeats.
    const burst = stored.filter((r) => r.flags === CLICK_FLAGS.burst).length;
    expect(burst).toBe(4 * 10 + 3 + 2);
    expect(stored.some((r) => r.is_duplicate === 1)).toBe(true);
    expect(await all(ROLLUP_REASONS, handle)).toEqual(await all(RAW_REASONS, handle));
  });
});

describe('click retention', () => {
  it('deletes only raw clicks older than the retention, in chunks, and keeps the roll-ups', async () => {
    const handle = 'retention-chunks';
    const now = Date.parse('2018-09-10T15:00:00Z');
    const cutoff = retentionCutoff(now, 30);
    expect(new Date(cutoff).toISOString()).toBe('2018-08-11T00:00:00.000Z');
    const times = [cutoff - DAY_MS * 3, cutoff - 1, cutoff, cutoff + 1, now];
    const rows: ClickRecord[] = [];
    times.forEach((at, t) => {
      for (let k = 0; k < 4; k++)
        rows.push(humanClick(`ret-${t}-${k}`, at - (t < 2 ? k : 0), handle, { visitor_hash: `ret-${k}` }));
    });
    await insertClicks(env.DB, rows, 'queue');
    const before = await all('SELECT * FROM click_daily_product WHERE handle = ?1 ORDER BY day', handle);

    const result = await deleteOldClicks(env.DB, 30, now, { chunk: 3 });
    expect(result).toEqual({ cutoff, deleted: 8, done: true });
    const left = await all<{ at: number }>('SELECT at FROM clicks WHERE handle = ?1', handle);
    expect(left).toHaveLength(12);
    expect(left.every((r) => r.at >= cutoff)).toBe(true);
    expect(await all('SELECT * FROM click_daily_product WHERE handle = ?1 ORDER BY day', handle)).toEqual(
      before,
    );
    // Nothing left to do: a second run deletes nothing.
    expect((await deleteOldClicks(env.DB, 30, now, { chunk: 3 })).deleted).toBe(0);
  });

  it('stops at its time budget and says it is not done', async () => {
    const handle = 'retention-budget';
    const rows = Array.from({ length: 10 }, (_, i) =>
      humanClick(`bud-${i}`, Date.parse('2018-01-02T00:00:00Z') + i, handle, {
        product_id: null,
        device: 'desktop',
        visitor_hash: 'b',
      }),
    );
    await insertClicks(env.DB, rows, 'queue');
    const now = Date.parse('2018-02-01T00:00:00Z');
    const first = await deleteOldClicks(env.DB, 7, now, { chunk: 2, budgetMs: 0 });
    expect(first).toMatchObject({ deleted: 2, done: false });
    expect((await deleteOldClicks(env.DB, 7, now, { chunk: 2 })).deleted).toBe(8);
  });

  it('runs from the cron trigger with the retention of content/program.yaml', async () => {
    expect(program.click_retention_days).toBe(90);
    const handle = 'retention-cron';
    const scheduled = Date.parse('2018-06-01T00:17:00Z');
    const old = Date.parse('2018-03-01T00:00:00Z'); // 92 days before
    const kept = Date.parse('2018-03-04T00:00:00Z'); // 89 days before
    await insertClicks(
      env.DB,
      [
        humanClick('cron-old', old, handle, { visitor_hash: 'c' }),
        humanClick('cron-kept', kept, handle, { visitor_hash: 'c' }),
      ],
      'queue',
    );
    const worker = createWorker(() => new Response('fallback'));
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ scheduledTime: scheduled, cron: '17 * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await all('SELECT click_id FROM clicks WHERE handle = ?1', handle)).toEqual([
      { click_id: 'cron-kept' },
    ]);
    expect(
      await all('SELECT day, human FROM click_daily_product WHERE handle = ?1 ORDER BY day', handle),
    ).toEqual([
      { day: '2018-03-01', human: 1 },
      { day: '2018-03-04', human: 1 },
    ]);
  });
});
