/**
 * migrations/0016_click_marketplace.sql on a database that already holds clicks: its back-fill
 * of the (creator, day, country, marketplace) roll-up from click_daily must equal the raw
 * clicks (all without a marketplace), and its triggers must keep it equal for clicks written
 * and re-flagged afterwards, beside the older roll-ups and their triggers. Runs the real files
 * in order on SQLite (node:sqlite), as click-rollup-migration.test.ts does for 0011.
 */
import type { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkMigrationWithClicks, clicksWith } from './migration-files.ts';

const MARKET = '0016_click_marketplace.sql';

const click = clicksWith({
  country: fc.constantFrom('US', 'GB', null),
  marketplace: fc.constantFrom('amazon-us', 'amazon-uk', null),
  bot: fc.boolean(),
});
type Click = typeof click extends fc.Arbitrary<infer T> ? T : never;

let id = 0;
function insert(db: DatabaseSync, clicks: Click[], withMarketplace: boolean): void {
  const columns = withMarketplace ? ', marketplace' : '';
  const statement = db.prepare(
    `INSERT INTO clicks (click_id, at, handle, product_id, country, device, visitor_hash, is_bot, is_duplicate, method${columns})
     VALUES (?, ?, ?, 'P1', ?, 'mobile', 'v', ?, ?, 'GET'${withMarketplace ? ', ?' : ''})`,
  );
  for (const c of clicks) {
    const values = [
      `c${++id}`,
      Date.parse('2020-01-01T00:00:00Z') + c.minute * 60_000,
      c.handle,
      c.country,
      c.bot ? 1 : 0,
      c.duplicate ? 1 : 0,
    ];
    statement.run(...(withMarketplace ? [...values, c.marketplace] : values));
  }
}

function agree(db: DatabaseSync): void {
  const raw = db
    .prepare(
      `SELECT handle, date(at / 1000, 'unixepoch') AS day, coalesce(country, '') AS country,
              coalesce(marketplace, '') AS marketplace,
              SUM(is_bot = 0) AS human, SUM(is_bot <> 0) AS bot, SUM(is_bot = 0 AND is_duplicate <> 0) AS duplicate
       FROM clicks GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    )
    .all();
  const rolled = db
    .prepare(
      `SELECT handle, day, country, marketplace, human, bot, duplicate FROM click_daily_market
       WHERE human <> 0 OR bot <> 0 OR duplicate <> 0 ORDER BY 1, 2, 3, 4`,
    )
    .all();
  expect(rolled).toEqual(raw);
}

describe('migration 0016 (clicks by country and marketplace)', () => {
  it('back-fills from the clicks already rolled up, and its triggers keep the roll-up exact', () => {
    checkMigrationWithClicks({
      migration: MARKET,
      click,
      insertBefore: (db, clicks) => insert(db, clicks, false),
      insertAfter: (db, clicks) => insert(db, clicks, true),
      reflag: 'UPDATE clicks SET is_bot = ?2, is_duplicate = 1 - is_duplicate WHERE click_id = ?1',
      agree: (db) => {
        agree(db);
        // The older roll-ups' triggers still run beside these ones.
        const human = db.prepare('SELECT SUM(human) AS n FROM click_daily_source').get();
        const ours = db.prepare('SELECT SUM(human) AS n FROM click_daily_market').get();
        expect(ours).toEqual(human);
      },
    });
  });
});
