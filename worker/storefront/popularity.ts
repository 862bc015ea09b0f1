/**
 * "Most popular" (CONTRACT section 17): each storefront's most-clicked products of the last 30
 * days, refreshed by the daily cron trigger (wrangler.toml) and kept in KV, so a storefront
 * render reads one KV value (cached in the isolate for an hour) and a view costs no D1 query.
 *
 * Rules:
 *   window(now)       = the UTC days [today − 29, today] (30 days, today's roll-ups included:
 *                       they are exact, written by triggers with each click)
 *   clicks(h, p)      = Σ over the window of click_daily_product.human − duplicate
 *                       (human clicks, repeats of one visitor counted once; bots never)
 *   popular(h)        = the products with clicks(h, p) > 0, most clicks first, ties by product id,
 *                       at most POPULAR_KEPT (the page shows the first 4 it still carries)
 *   shard(h)          = FNV-1a(h) mod POPULARITY_SHARDS; one KV value per shard:
 *                       `popular:v1:<shard>` = { refreshed_at, from, to, handles: { h: [ids] } }
 * Every shard is written on every run (an empty one too, so a creator with no clicks left
 * loses the section): POPULARITY_SHARDS KV writes a day, inside the Free plan's 1,000.
 * Handles are read from D1 in pages of HANDLES_PER_STATEMENT, so no statement returns more
 * than POPULAR_KEPT × HANDLES_PER_STATEMENT rows, whatever the program size.
 */
import { shardOf } from '../../domain/links/shards.ts';
import { DAY_MS, utcDay } from '../../domain/time.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { log } from '../lib/log.ts';

export const POPULARITY_SHARDS = 64;
export const POPULAR_KEPT = 8;
export const WINDOW_DAYS = 30;
const HANDLES_PER_STATEMENT = 2_000;

export interface PopularityShard {
  refreshed_at: string;
  from: string;
  to: string;
  handles: Record<string, string[]>;
}

export function popularityKey(shard: number): string {
  return `popular:v1:${shard}`;
}

export function popularityShardOf(handle: string): number {
  return shardOf(handle, POPULARITY_SHARDS);
}

const TOP_PRODUCTS = `
SELECT handle, product_id, clicks FROM (
  SELECT handle, product_id, SUM(human - duplicate) AS clicks,
         ROW_NUMBER() OVER (PARTITION BY handle ORDER BY SUM(human - duplicate) DESC, product_id) AS rank
  FROM click_daily_product
  WHERE day >= ?1 AND day <= ?2 AND product_id <> ''
    AND handle IN (SELECT DISTINCT handle FROM click_daily_product
                   WHERE day >= ?1 AND day <= ?2 AND handle > ?3 ORDER BY handle LIMIT ?4)
  GROUP BY handle, product_id
) WHERE rank <= ?5 AND clicks > 0
ORDER BY handle, rank`;

interface Row {
  handle: string;
  product_id: string;
  clicks: number;
}

/** Reads the window's rankings, page by page of handles. */
export async function readPopularity(
  db: D1Database,
  now: number,
): Promise<Omit<PopularityShard, 'refreshed_at'>> {
  const from = utcDay(now - (WINDOW_DAYS - 1) * DAY_MS);
  const to = utcDay(now);
  const handles: Record<string, string[]> = {};
  let after = '';
  for (;;) {
    const { results } = await withRetry(() =>
      db.prepare(TOP_PRODUCTS).bind(from, to, after, HANDLES_PER_STATEMENT, POPULAR_KEPT).all<Row>(),
    );
    for (const row of results) (handles[row.handle] ??= []).push(row.product_id);
    const last = results.at(-1)?.handle;
    // A page of handles can hold fewer rows than handles (only clicks on the storefront itself).
    const distinct = new Set(results.map((r) => r.handle)).size;
    if (last === undefined || distinct < HANDLES_PER_STATEMENT) break;
    after = last;
  }
  return { from, to, handles };
}

/** The daily job: read, split by shard, write every shard. Logged; a failure leaves yesterday's values. */
export async function refreshPopularity(db: D1Database, kv: KVNamespace, now = Date.now()): Promise<void> {
  try {
    const read = await readPopularity(db, now);
    const shards: PopularityShard[] = Array.from({ length: POPULARITY_SHARDS }, () => ({
      refreshed_at: new Date(now).toISOString(),
      from: read.from,
      to: read.to,
      handles: {},
    }));
    for (const [handle, ids] of Object.entries(read.handles)) {
      const shard = shards[popularityShardOf(handle)];
      if (shard) shard.handles[handle] = ids;
    }
    await Promise.all(shards.map((s, i) => kv.put(popularityKey(i), JSON.stringify(s))));
    log('info', 'storefront.popularity', {
      from: read.from,
      to: read.to,
      handles: Object.keys(read.handles).length,
    });
  } catch (error) {
    log('error', 'storefront.popularity_failed', { error: String(error) });
  }
}
