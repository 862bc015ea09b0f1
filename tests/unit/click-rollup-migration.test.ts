/**
 * migrations/0011_click_daily_narrow.sql on a database that already holds clicks: its
 * back-fill of the narrow roll-ups from 0008's (creator, day, product, source) table must
 * equal the raw clicks, and its new triggers must keep them equal for clicks written and
 * re-flagged afterwards. The worker tests only ever see the migrations applied to an empty
 * database, so this runs the real files in order on SQLite (node:sqlite) with clicks in
 * between.
 */
import type { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkMigrationWithClicks, clicksWith } from './migration-files.ts';

const NARROW = '0011_click_daily_narrow.sql';

const click = clicksWith({
  product: fc.constantFrom('P1', 'P2', null),
  src: fc.constantFrom('ig', 'yt', null),
  bot: fc.constantFrom(null, 'crawler', 'prefetch', 'subresource:image'),
});
type Click = typeof click extends fc.Arbitrary<infer T> ? T : never;

let id = 0;
function insert(db: DatabaseSync, clicks: Click[]): void {
  const statement = db.prepare(
    `INSERT INTO clicks (click_id, at, handle, product_id, src, device, visitor_hash, is_bot, bot_reason, is_duplicate, method)
     VALUES (?, ?, ?, ?, ?, ?, 'v', ?, ?, ?, 'GET')`,
  );
  for (const c of clicks)
    statement.run(
      `c${++id}`,
      Date.parse('2020-01-01T00:00:00Z') + c.minute * 60_000,
      c.handle,
      c.product,
      c.src,
      c.bot ? 'bot' : 'mobile',
      c.bot ? 1 : 0,
      c.bot,
      c.duplicate ? 1 : 0,
    );
}

const counts = `SUM(is_bot = 0) AS human, SUM(is_bot <> 0) AS bot, SUM(is_bot = 0 AND is_duplicate <> 0) AS duplicate,
  SUM(is_bot <> 0 AND (bot_reason = 'prefetch' OR bot_reason LIKE 'subresource:%')) AS not_navigation`;
function agree(db: DatabaseSync, dimension: 'src' | 'product_id', table: string): void {
  const raw = db
    .prepare(
      `SELECT handle, date(at / 1000, 'unixepoch') AS day, coalesce(${dimension}, '') AS k, ${counts}
       FROM clicks GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    )
    .all();
  const rolled = db
    .prepare(
      `SELECT handle, day, ${dimension} AS k, human, bot, duplicate, not_navigation FROM ${table}
       WHERE human <> 0 OR bot <> 0 OR duplicate <> 0 ORDER BY 1, 2, 3`,
    )
    .all();
  expect(rolled, `${table} against the raw clicks`).toEqual(raw);
}

describe('migration 0011 (narrow click roll-ups)', () => {
  it('back-fills from the clicks already rolled up, and its triggers keep the roll-ups exact', () => {
    checkMigrationWithClicks({
      migration: NARROW,
      click,
      insertBefore: insert,
      insertAfter: insert,
      reflag: `UPDATE clicks SET is_bot = ?2, bot_reason = CASE WHEN ?2 THEN 'prefetch' ELSE NULL END,
                 is_duplicate = 1 - is_duplicate WHERE click_id = ?1`,
      agree: (db) => {
        agree(db, 'src', 'click_daily_source');
        agree(db, 'product_id', 'click_daily_product');
      },
    });
  });
});
