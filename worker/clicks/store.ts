/**
 * D1 writes of the click log, the only module that writes clicks. Rows travel as one
 * JSON parameter per statement, cut into chunks so that every statement stays inside
 * D1's limits whatever the batch size (CONTRACT.md section 10): at most 100 bound
 * parameters (these statements bind 1 to 9), 100 KB of SQL (the text is fixed), and
 * 2 MB per value (each JSON value is kept under MAX_VALUE_BYTES). INSERT OR IGNORE on
 * the click id makes a retried or redelivered batch a no-op. Three statements a chunk, one
 * transaction (issue 26: five before): the INSERT, which also sets the section 16 flag self
 * (domain/clicks/flags.ts); the write count; one UPDATE that sets the duplicate flag and the
 * burst flag, recomputed from the table for the visitors a chunk touches, so batches may land
 * in any order. The roll-ups follow every insert and flag change by triggers (migrations 0011,
 * 0016, 0018), so they are exact for any writer.
 */
import { DAY_MS, HOUR_MS, startOfUtcDay } from '../../domain/time.ts';
import { NOT_NAVIGATION_SQL } from '../links/bot-detection.ts';
import { program } from '../orders/program.ts';
import { integer, text, type Row as D1Row } from '../lib/rows.ts';
import { CLICK_FLAGS, flagBits } from '../../domain/clicks/flags.ts';
import type { ClickRecord } from '../../domain/clicks/message.ts';

/** A click is a duplicate when the same visitor clicked the same product (as a human) within this window before. */
export const DUPLICATE_WINDOW_MS = HOUR_MS;

/** D1's limits per statement. */
export const D1_LIMITS = { boundParameters: 100, sqlBytes: 100_000, valueBytes: 2_000_000 } as const;

/** Half of D1's value limit, so a chunk's JSON is far from the edge however it is encoded. */
export const MAX_VALUE_BYTES = 1_000_000;
/** Rows per chunk, so that no single statement runs long. */
export const MAX_ROWS_PER_CHUNK = 2_000;

/** How a click reached D1, counted in click_write_counts (migration 0006). */
export type WritePath = 'queue' | 'direct' | 'dead_letter' | 'recovered';

/**
 * The chunk's rows, each flagged self (section 16) when its visitor hash is the member's own
 * dashboard hash that UTC day (worker/dashboard/visitors.ts): decided here, in the INSERT, by one
 * primary-key lookup in dashboard_visitors per row, instead of an UPDATE after it (issue 26: one
 * statement fewer per batch). A dashboard hash recorded after the click flags it from the other
 * side (visitors.ts), so the flag does not depend on which comes first.
 * Each row is a JSON array (row(), below) read from `raw`, materialized: json_each renders an
 * element's text again on every read of `value`, so fifteen reads of a flattened subquery cost
 * fifteen renders per row; read once into `raw`, the fifteen `->>` share one parse (SQLite's JSON
 * cache). Measured in SQLite with the real migrations, 100-click batches: 28 µs a click before,
 * 18 after, triggers and indexes included (docs/scale.md, "Our own CPU per click").
 */
const INSERT = `
WITH raw AS MATERIALIZED (SELECT value AS v FROM json_each(?1)),
row AS (
  SELECT
    v ->> 0 AS click_id, v ->> 1 AS at, v ->> 2 AS handle, v ->> 3 AS product_id, v ->> 4 AS src,
    v ->> 5 AS referrer_host, v ->> 6 AS country, v ->> 7 AS device, v ->> 8 AS visitor_hash,
    v ->> 9 AS is_bot, v ->> 10 AS bot_reason, v ->> 11 AS method, v ->> 12 AS incomplete,
    v ->> 13 AS marketplace, v ->> 14 AS flags
  FROM raw
)
INSERT OR IGNORE INTO clicks
  (click_id, at, handle, product_id, src, referrer_host, country, device, visitor_hash, is_bot, bot_reason, method,
   incomplete, marketplace, flags)
SELECT click_id, at, handle, product_id, src, referrer_host, country, device, visitor_hash, is_bot, bot_reason, method,
  incomplete, marketplace,
  flags | CASE WHEN visitor_hash <> '' AND EXISTS (
    SELECT 1 FROM dashboard_visitors AS d
    WHERE d.handle = row.handle AND d.visitor_hash = row.visitor_hash AND d.day = date(row.at / 1000, 'unixepoch')
  ) THEN ${CLICK_FLAGS.self} ELSE 0 END
FROM row
WHERE true
RETURNING 1`;

/** Runs right after INSERT in the same batch: changes() is the number of rows that INSERT really added. */
const COUNT = `
INSERT INTO click_write_counts (path, clicks) VALUES (?1, changes())
ON CONFLICT (path) DO UPDATE SET clicks = clicks + excluded.clicks`;

/**
 * The duplicate flag and the burst flag (section 16, domain/clicks/flags.ts) of the rows a chunk
 * may affect, in one UPDATE (issue 26: one statement fewer per batch; a row that gets both flags
 * changes once, so the roll-up triggers move its counts once). Recomputed from the table, not from
 * arrival order, so both stay right when batches land out of order.
 * - duplicate: a click on a product by a visitor who clicked the same product as a human within
 *   the window before (?4 ms; ties broken by click id). Rows to flag: ?1..?2, the chunk's times
 *   and the window after them; ?3 the chunk's visitor hashes.
 * - burst: a visitor hash with more than ?5 navigations (not a prefetch or sub-resource load) in a
 *   UTC day flags every click of that visitor that day. ?6: the chunk's visitor-days, each as
 *   [visitor_hash, day start, first, last] (ms; first..last the times of its clicks in the chunk).
 * All read one visitor's clicks through clicks_visitor_at (visitor_hash, at, product_id, is_bot;
 * migrations 0018, 0024), bounded by time on both sides, so a visitor's older history (a crawler, a
 * shared address, 90 days of clicks) is never read. tests/worker/click-rollups.test.ts checks the plan.
 * Work per chunk bounded by the chunk, not by how many clicks a visitor made (issue 26; a script
 * clicking once a second has 3,600 clicks an hour, 86,400 a day; docs/scale.md):
 * - duplicate: each candidate's earlier clicks of the window are walked in the index alone (product
 *   and bot are in it), up to the first match; only the tie (same millisecond, product and visitor,
 *   usually the click itself) is read as a row, for its click id. Left: a visitor who never repeats
 *   a product still has its whole window walked, in the index (docs/scale.md).
 * - `busy`: a visitor-day with more than ?5 clicks, counting at most ?5 + 1 index entries; only it
 *   can have more than ?5 navigations (`over`, again at most ?5 + 1 navigations; a row is read only
 *   for a bot's entry, for its bot_reason).
 * - `over` is *settled* when the visitor-day already had more than ?5 navigations before `first`:
 *       settled ⇒ every click of the day not in this chunk is flagged burst already
 *   because all of them landed in earlier chunks, and the last of those ran this statement on a
 *   visitor-day over the limit, which flags the whole day (by induction; flags are only ever set).
 *   So a settled day marks only its clicks in first..last; an unsettled one (the chunk that crosses
 *   the limit, or a late chunk of the day's first clicks) marks the whole day, once. This holds for
 *   one limit: after burst_clicks_per_day is lowered, days stored under the old one are not flagged
 *   again (the whole-day statement did not re-flag a day no chunk touched again either).
 * - `marks` evaluates each condition once per row (an UPDATE with both in SET and WHERE ran the
 *   duplicate subquery twice) and only over the rows that can change; a row in both is marked once.
 */
const IS_REPEAT = `
is_duplicate = 0
  AND product_id IS NOT NULL
  AND at BETWEEN ?1 AND ?2
  AND (
    EXISTS (
      SELECT 1 FROM clicks AS earlier
      WHERE earlier.visitor_hash = clicks.visitor_hash
        AND earlier.at >= clicks.at - ?4 AND earlier.at < clicks.at
        AND earlier.product_id = clicks.product_id
        AND earlier.is_bot = 0
    )
    OR EXISTS (
      SELECT 1 FROM clicks AS tie
      WHERE tie.visitor_hash = clicks.visitor_hash
        AND tie.at = clicks.at
        AND tie.product_id = clicks.product_id
        AND tie.is_bot = 0
        AND tie.click_id < clicks.click_id
    )
  )`;
const NAVIGATION = `NOT coalesce(is_bot <> 0 AND ${NOT_NAVIGATION_SQL}, 0)`;
export const FLAG_REPEATS = `
WITH spans AS MATERIALIZED (
  SELECT value ->> 0 AS visitor_hash, value ->> 1 AS day_at, value ->> 2 AS first_at, value ->> 3 AS last_at
  FROM json_each(?6)
),
busy AS (
  SELECT * FROM spans AS s
  WHERE (SELECT COUNT(*) FROM (
    SELECT 1 FROM clicks
    WHERE visitor_hash = s.visitor_hash AND at >= s.day_at AND at < s.day_at + ${DAY_MS}
    LIMIT ?5 + 1
  )) > ?5
),
over AS MATERIALIZED (
  SELECT b.*, (SELECT COUNT(*) FROM (
    SELECT 1 FROM clicks
    WHERE visitor_hash = b.visitor_hash AND at >= b.day_at AND at < b.first_at AND ${NAVIGATION}
    LIMIT ?5 + 1
  )) > ?5 AS settled
  FROM busy AS b
  WHERE (SELECT COUNT(*) FROM (
    SELECT 1 FROM clicks
    WHERE visitor_hash = b.visitor_hash AND at >= b.day_at AND at < b.day_at + ${DAY_MS} AND ${NAVIGATION}
    LIMIT ?5 + 1
  )) > ?5
),
marks AS (
  SELECT id, max(repeat) AS repeat, max(burst) AS burst FROM (
    SELECT rowid AS id, 1 AS repeat, 0 AS burst FROM clicks
    WHERE visitor_hash IN (SELECT value FROM json_each(?3)) AND ${IS_REPEAT}
    UNION ALL
    SELECT clicks.rowid, 0, 1 FROM over JOIN clicks
      ON clicks.visitor_hash = over.visitor_hash
      AND clicks.at >= CASE WHEN over.settled THEN over.first_at ELSE over.day_at END
      AND clicks.at <= CASE WHEN over.settled THEN over.last_at ELSE over.day_at + ${DAY_MS} - 1 END
    WHERE (clicks.flags & ${CLICK_FLAGS.burst}) = 0
  )
  GROUP BY id
)
UPDATE clicks SET
  is_duplicate = CASE WHEN marks.repeat THEN 1 ELSE is_duplicate END,
  flags = CASE WHEN marks.burst THEN flags | ${CLICK_FLAGS.burst} ELSE flags END
FROM marks
WHERE clicks.rowid = marks.id`;

/** The chunk's visitor-days as FLAG_REPEATS reads them (?6): [visitor_hash, day start, first, last]. */
function visitorDays(chunk: readonly ClickRecord[]): [string, number, number, number][] {
  const spans = new Map<string, [string, number, number, number]>();
  for (const { visitor_hash, at } of chunk) {
    if (visitor_hash === null) continue;
    const day = startOfUtcDay(at);
    const key = `${day} ${visitor_hash}`;
    const span = spans.get(key);
    if (span === undefined) spans.set(key, [visitor_hash, day, at, at]);
    else {
      span[2] = Math.min(span[2], at);
      span[3] = Math.max(span[3], at);
    }
  }
  return [...spans.values()];
}

const encoder = new TextEncoder();

interface Row {
  json: string;
  click: ClickRecord;
}

function row(click: ClickRecord): Row {
  const incomplete = click.incomplete && click.incomplete.length > 0 ? click.incomplete.join(' ') : null;
  // A click without a visitor hash is stored with '' (the column predates migration 0006 and stays
  // NOT NULL); `incomplete` says why, and '' never takes part in duplicate flags. Positional, in
  // the order INSERT reads them (v ->> 0 .. 14).
  const fields = [
    click.click_id,
    click.at,
    click.handle,
    click.product_id,
    click.src,
    click.referrer_host,
    click.country,
    click.device,
    click.visitor_hash ?? '',
    click.is_bot ? 1 : 0,
    click.bot_reason,
    click.method,
    incomplete,
    click.marketplace ?? null,
    flagBits(click.flags),
  ];
  return { click, json: JSON.stringify(fields) };
}

/** Cuts rows into chunks whose JSON array stays under MAX_VALUE_BYTES and MAX_ROWS_PER_CHUNK. */
export function chunkClicks(clicks: readonly ClickRecord[]): ClickRecord[][] {
  return chunkRows(clicks).map((chunk) => chunk.map((r) => r.click));
}

/** chunkClicks with each click's JSON, so it is encoded once (issue 26). */
function chunkRows(clicks: readonly ClickRecord[]): Row[][] {
  const chunks: Row[][] = [];
  let current: Row[] = [];
  let bytes = 2;
  for (const click of clicks) {
    const next = row(click);
    const size = encoder.encode(next.json).length + 1;
    if (current.length > 0 && (bytes + size > MAX_VALUE_BYTES || current.length >= MAX_ROWS_PER_CHUNK)) {
      chunks.push(current);
      current = [];
      bytes = 2;
    }
    current.push(next);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The statements that store one chunk (from chunkClicks) and count it under `path`. */
export function insertChunkStatements(
  db: D1Database,
  chunk: readonly ClickRecord[],
  path: WritePath,
  burstLimit: number = program.table.burst_clicks_per_day,
): D1PreparedStatement[] {
  return rowStatements(db, chunk.map(row), path, burstLimit);
}

function rowStatements(
  db: D1Database,
  rows: readonly Row[],
  path: WritePath,
  burstLimit: number = program.table.burst_clicks_per_day,
): D1PreparedStatement[] {
  const chunk = rows.map((r) => r.click);
  const times = chunk.map((c) => c.at);
  const from = Math.min(...times);
  const to = Math.max(...times) + DUPLICATE_WINDOW_MS;
  const visitors = [...new Set(chunk.flatMap((c) => (c.visitor_hash === null ? [] : [c.visitor_hash])))];
  return [
    db.prepare(INSERT).bind(`[${rows.map((r) => r.json).join(',')}]`),
    db.prepare(COUNT).bind(path),
    db
      .prepare(FLAG_REPEATS)
      .bind(
        from,
        to,
        JSON.stringify(visitors),
        DUPLICATE_WINDOW_MS,
        burstLimit,
        JSON.stringify(visitorDays(chunk)),
      ),
  ];
}

/**
 * Inserts clicks, flags duplicates and counts them, one transaction per chunk; returns rows
 * inserted. Chunks that landed before a failure stay (they are complete and idempotent): a retry
 * of the whole call inserts only what is missing.
 */
export async function insertClicks(
  db: D1Database,
  clicks: readonly ClickRecord[],
  path: WritePath,
): Promise<number> {
  let inserted = 0;
  for (const chunk of chunkRows(clicks)) {
    const [result] = await db.batch(rowStatements(db, chunk, path));
    // Counted by the rows RETURNING gives back: meta.changes would also count the roll-up triggers' rows.
    inserted += result?.results.length ?? 0;
  }
  return inserted;
}

/** Clicks stored per write path, since migration 0006 (for /healthz). */
export async function writeCounts(db: D1Database): Promise<Record<WritePath, number>> {
  const { results } = await db.prepare('SELECT path, clicks FROM click_write_counts').all<D1Row>();
  const byPath = new Map(results.map((r) => [text(r, 'path'), integer(r, 'clicks')]));
  const count = (path: WritePath) => byPath.get(path) ?? 0;
  return {
    queue: count('queue'),
    direct: count('direct'),
    dead_letter: count('dead_letter'),
    recovered: count('recovered'),
  };
}
