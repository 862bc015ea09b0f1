/**
 * Where click counts of a time range come from (migrations/0008_click_daily.sql,
 * 0011_click_daily_narrow.sql, 0016, 0018): every whole UTC day of the range, today's
 * included, from the daily roll-ups, and only a part of a day at an edge of the range
 * (a range that does not start or end at midnight UTC) from raw clicks. Raw clicks are
 * deleted after the retention period; the roll-ups stay, so a year of stats never reads
 * a year of clicks.
 *
 * Today is read from the roll-ups too: the triggers that keep them run in the same
 * transaction as every write of a click, so today's roll-up rows count exactly the raw
 * clicks stored so far (the property test of tests/worker/click-rollups.test.ts), and
 * reading them costs a creator's few rows of the day, not every click of the day: at
 * 10,000,000 clicks a year (27,000 a day) today's raw clicks were most of the stats' time
 * (docs/scale.md, "Stats at 10M clicks").
 *
 * Queries read named views this module prepends as a WITH clause (every creator's `c`,
 * one creator's `s` and `p`, the bot reasons' `b`), '' for a missing product or source (as
 * in the roll-ups); not_navigation is the part of bot that browsers requested without a
 * click. Parameters ?1..?6 are the ranges below; a query adds its own from ?7 on.
 */

import { DAY_MS, utcDay } from '../../domain/time.ts';
import { CLICK_FLAGS } from '../../domain/clicks/flags.ts';
import { NOT_NAVIGATION_SQL } from '../links/bot-detection.ts';

export interface ClickRanges {
  /** Roll-up days [from, to) as YYYY-MM-DD; equal when no whole day is read from roll-ups. */
  rollupFrom: string;
  rollupTo: string;
  /** Raw click time ranges [start, end) in unix ms, before and after the roll-up days. */
  rawBefore: [number, number];
  rawAfter: [number, number];
}

/** Splits [start, end) (unix ms) into its whole UTC days (roll-ups) and the parts of a day before and after them (raw). */
export function clickRanges(start: number, end: number): ClickRanges {
  const first = Math.ceil(start / DAY_MS) * DAY_MS;
  const last = Math.floor(end / DAY_MS) * DAY_MS;
  if (first >= last) return { rollupFrom: '', rollupTo: '', rawBefore: [start, end], rawAfter: [0, 0] };
  return {
    rollupFrom: utcDay(first),
    rollupTo: utcDay(last),
    rawBefore: [start, first],
    rawAfter: [last, end],
  };
}

export function rangeParams(r: ClickRanges): (string | number)[] {
  return [r.rollupFrom, r.rollupTo, r.rawBefore[0], r.rawBefore[1], r.rawAfter[0], r.rawAfter[1]];
}

const RAW_COLUMNS = `handle, date(at / 1000, 'unixepoch') AS day, coalesce(product_id, '') AS product_id,
  coalesce(src, '') AS src, is_bot = 0 AS human, is_bot <> 0 AS bot, is_bot = 0 AND is_duplicate <> 0 AS duplicate,
  coalesce(is_bot <> 0 AND ${NOT_NAVIGATION_SQL}, 0) AS not_navigation`;

/** A raw click's country and marketplace, '' for none (as in click_daily_market). */
const RAW_MARKET = "coalesce(country, '') AS country, coalesce(marketplace, '') AS marketplace";

const CLICK_DAILY_COLUMNS = `handle, day, product_id, src, human, bot, duplicate,
  CASE WHEN ${NOT_NAVIGATION_SQL} THEN bot ELSE 0 END AS not_navigation`;

/** The WITH clause defining `c` over every creator's roll-ups (click_daily, keyed by day) and clicks. */
export const EVERY_CREATOR_VIEW = `WITH c AS (
  SELECT ${CLICK_DAILY_COLUMNS} FROM click_daily WHERE day >= ?1 AND day < ?2
  UNION ALL
  SELECT ${RAW_COLUMNS} FROM clicks WHERE at >= ?3 AND at < ?4
  UNION ALL
  SELECT ${RAW_COLUMNS} FROM clicks WHERE at >= ?5 AND at < ?6
)`;

/**
 * The WITH clause of one member's clicks (?7: a JSON array of every handle it had), from the narrow roll-ups of
 * migrations/0011_click_daily_narrow.sql and 0016_click_marketplace.sql, as three views:
 * - `s(day, src, human, bot, duplicate, not_navigation)`: by day and source; totals, days, sources;
 * - `p(product_id, human)`: by product;
 * - `m(country, marketplace, human)`: by shopper country and marketplace (section 14).
 * The creator's raw clicks (parts of a day at the edges of the range; none for whole days) are
 * read once and grouped by (day, product, source, country, marketplace) into `raw`, rows the
 * views share: reading them twice, or grouping the union of everything three ways, costs more
 * than the roll-ups (bench:stats).
 */
export const ONE_CREATOR_VIEWS = `WITH raw AS MATERIALIZED (
  SELECT day, product_id, src, country, marketplace, SUM(human) AS human, SUM(bot) AS bot,
         SUM(duplicate) AS duplicate, SUM(not_navigation) AS not_navigation
  FROM (
    SELECT ${RAW_COLUMNS}, ${RAW_MARKET} FROM clicks WHERE handle IN (SELECT value FROM json_each(?7)) AND at >= ?3 AND at < ?4
    UNION ALL
    SELECT ${RAW_COLUMNS}, ${RAW_MARKET} FROM clicks WHERE handle IN (SELECT value FROM json_each(?7)) AND at >= ?5 AND at < ?6
  )
  GROUP BY day, product_id, src, country, marketplace
), m AS (
  SELECT country, marketplace, human FROM click_daily_market WHERE handle IN (SELECT value FROM json_each(?7)) AND day >= ?1 AND day < ?2
  UNION ALL
  SELECT country, marketplace, human FROM raw
), s AS (
  SELECT day, src, human, bot, duplicate, not_navigation FROM click_daily_source
  WHERE handle IN (SELECT value FROM json_each(?7)) AND day >= ?1 AND day < ?2
  UNION ALL
  SELECT day, src, human, bot, duplicate, not_navigation FROM raw
), p AS (
  SELECT product_id, human FROM click_daily_product WHERE handle IN (SELECT value FROM json_each(?7)) AND day >= ?1 AND day < ?2
  UNION ALL
  SELECT product_id, human FROM raw
)`;

/**
 * The same split over click_daily (with bot reasons): `b(bot_reason, human, bot)`,
 * '' for no reason.
 */
export const BOT_VIEW = `WITH b AS (
  SELECT bot_reason, human, bot FROM click_daily WHERE day >= ?1 AND day < ?2
  UNION ALL
  SELECT coalesce(bot_reason, ''), is_bot = 0, is_bot <> 0 FROM clicks WHERE at >= ?3 AND at < ?4
  UNION ALL
  SELECT coalesce(bot_reason, ''), is_bot = 0, is_bot <> 0 FROM clicks WHERE at >= ?5 AND at < ?6
)`;

/**
 * One creator's clicks by reason (migrations/0018_click_flags.sql): `r(reason, clicks)`, the
 * roll-up click_daily_reason for whole days and the same expansion of raw clicks for the rest
 * (?1..?6 the ranges, ?7 the creator). A click counts under each reason it carries: its bot
 * reason (when a bot), duplicate (a human repeat), and each flag of domain/clicks/flags.ts.
 * (D1 allows few terms in a compound SELECT, hence the flags as one join.)
 */
export const REASON_VIEW = `WITH raw AS (
  SELECT * FROM clicks WHERE handle IN (SELECT value FROM json_each(?7)) AND ((at >= ?3 AND at < ?4) OR (at >= ?5 AND at < ?6))
), r AS (
  SELECT reason, clicks FROM click_daily_reason WHERE handle IN (SELECT value FROM json_each(?7)) AND day >= ?1 AND day < ?2
  UNION ALL SELECT coalesce(bot_reason, 'unknown'), 1 FROM raw WHERE is_bot <> 0
  UNION ALL SELECT 'duplicate', 1 FROM raw WHERE is_bot = 0 AND is_duplicate <> 0
  UNION ALL SELECT flag.key, 1 FROM raw JOIN json_each('${JSON.stringify(CLICK_FLAGS)}') AS flag
    ON raw.flags & flag.value
)`;
