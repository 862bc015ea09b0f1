/**
 * One creator's human clicks by country and by marketplace (CONTRACT.md section 14), for
 * `GET /api/stats` (`by_country`, `by_marketplace`) and the dashboard. Same split as every
 * click count (click-counts.ts): whole days before today from the roll-up of
 * migrations/0016_click_marketplace.sql, keyed creator first, and the edges from raw clicks.
 * Parameters ?1..?6 are rangeParams, ?7 the creator.
 *
 *   by_country[c]     = human clicks whose country is c      (null: unknown)
 *   by_marketplace[m] = human clicks sent to marketplace m   (null: a bio link, or a click
 *                                                              stored before migration 0016)
 * Each list sums to the creator's human clicks; most clicks first, then by key (null first).
 */
import { integer, textOrNull, type Row } from '../lib/rows.ts';

export const CLICKS_BY_MARKET = `WITH m AS (
  SELECT country, marketplace, human FROM click_daily_market WHERE handle = ?7 AND day >= ?1 AND day < ?2
  UNION ALL
  SELECT coalesce(country, ''), coalesce(marketplace, ''), is_bot = 0 FROM clicks
  WHERE handle = ?7 AND at >= ?3 AND at < ?4
  UNION ALL
  SELECT coalesce(country, ''), coalesce(marketplace, ''), is_bot = 0 FROM clicks
  WHERE handle = ?7 AND at >= ?5 AND at < ?6
)
SELECT 'country' AS k, NULLIF(country, '') AS key, SUM(human) AS human FROM m GROUP BY country HAVING SUM(human) > 0
UNION ALL
SELECT 'marketplace', NULLIF(marketplace, ''), SUM(human) FROM m GROUP BY marketplace HAVING SUM(human) > 0`;

export interface MarketFigures {
  by_country: { country: string | null; clicks: number }[];
  by_marketplace: { marketplace: string | null; clicks: number }[];
}

export function marketFigures(rows: readonly Row[]): MarketFigures {
  const of = (kind: string) =>
    rows
      .filter((row) => row['k'] === kind)
      .map((row) => ({ key: textOrNull(row, 'key'), clicks: integer(row, 'human') }))
      .sort((a, b) => b.clicks - a.clicks || order(a.key, b.key));
  return {
    by_country: of('country').map(({ key, clicks }) => ({ country: key, clicks })),
    by_marketplace: of('marketplace').map(({ key, clicks }) => ({ marketplace: key, clicks })),
  };
}

function order(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
