/**
 * One creator's human clicks by country and by marketplace (CONTRACT.md section 14), for
 * `GET /api/stats` (`by_country`, `by_marketplace`) and the dashboard. Same split as every
 * click count (click-counts.ts, view `m`): whole days before today from the roll-up of
 * migrations/0016_click_marketplace.sql, keyed creator first, and the edges from the raw
 * clicks that the stats' one click statement reads once for all its figures.
 *
 *   by_country[c]     = human clicks whose country is c      (null: unknown)
 *   by_marketplace[m] = human clicks sent to marketplace m   (null: a bio link, or a click
 *                                                              stored before migration 0016)
 * Each list sums to the creator's human clicks; most clicks first, then by key (null first).
 */
import { integer, text, type Row } from '../lib/rows.ts';

/**
 * One more branch of the stats' one click statement (CLICKS_OF_ONE), over the view `m` of
 * click-counts.ts: human clicks per (country, marketplace), as "<country> <marketplace>" ('' for
 * none; neither contains a space). One branch, not one per list: D1 allows at most five terms
 * in a compound SELECT, and a creator's pairs are a few dozen rows.
 */
export const MARKET_BRANCH = `
UNION ALL
SELECT 'market', country || ' ' || marketplace, SUM(human), 0, 0, 0 FROM m
GROUP BY country, marketplace HAVING SUM(human) > 0`;

export interface MarketFigures {
  by_country: { country: string | null; clicks: number }[];
  by_marketplace: { marketplace: string | null; clicks: number }[];
}

/** The two lists from the statement's "market" rows (`key`, `human`). */
export function marketFigures(rows: readonly Row[]): MarketFigures {
  const countries = new Map<string | null, number>();
  const marketplaces = new Map<string | null, number>();
  for (const row of rows) {
    if (row['k'] !== 'market') continue;
    const key = text(row, 'key');
    const at = key.indexOf(' ');
    const clicks = integer(row, 'human');
    const country = key.slice(0, at) || null;
    const marketplace = key.slice(at + 1) || null;
    countries.set(country, (countries.get(country) ?? 0) + clicks);
    marketplaces.set(marketplace, (marketplaces.get(marketplace) ?? 0) + clicks);
  }
  const sorted = (map: Map<string | null, number>) => [...map].sort(([a, x], [b, y]) => y - x || order(a, b));
  return {
    by_country: sorted(countries).map(([country, clicks]) => ({ country, clicks })),
    by_marketplace: sorted(marketplaces).map(([marketplace, clicks]) => ({ marketplace, clicks })),
  };
}

function order(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
