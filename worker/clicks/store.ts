/**
 * D1 writes of the click log. A whole batch is one statement whatever its size:
 * the rows travel as one JSON parameter (D1 allows 100 bound parameters per
 * statement), and INSERT OR IGNORE on the click id makes a retried batch a no-op.
 */
import { HOUR_MS } from '../../domain/time.ts';
import type { ClickRecord } from './message.ts';

/** A click is a duplicate when the same visitor clicked the same product (as a human) within this window before. */
export const DUPLICATE_WINDOW_MS = HOUR_MS;

const INSERT = `
INSERT OR IGNORE INTO clicks
  (click_id, at, handle, product_id, src, referrer_host, country, device, visitor_hash, is_bot, bot_reason, method)
SELECT
  json_extract(value, '$.click_id'), json_extract(value, '$.at'), json_extract(value, '$.handle'),
  json_extract(value, '$.product_id'), json_extract(value, '$.src'), json_extract(value, '$.referrer_host'),
  json_extract(value, '$.country'), json_extract(value, '$.device'), json_extract(value, '$.visitor_hash'),
  json_extract(value, '$.is_bot'), json_extract(value, '$.bot_reason'), json_extract(value, '$.method')
FROM json_each(?1)`;

/**
 * Flags duplicates among the rows a batch may affect. Recomputing from the table
 * (not from arrival order) keeps the flag right when batches land out of order.
 */
const FLAG_DUPLICATES = `
UPDATE clicks SET is_duplicate = 1
WHERE is_duplicate = 0
  AND product_id IS NOT NULL
  AND at BETWEEN ?1 AND ?2
  AND visitor_hash IN (SELECT value FROM json_each(?3))
  AND EXISTS (
    SELECT 1 FROM clicks AS earlier
    WHERE earlier.visitor_hash = clicks.visitor_hash
      AND earlier.product_id = clicks.product_id
      AND earlier.is_bot = 0
      AND earlier.at >= clicks.at - ?4
      AND (earlier.at < clicks.at OR (earlier.at = clicks.at AND earlier.click_id < clicks.click_id))
  )`;

export function insertClicksStatements(
  db: D1Database,
  clicks: readonly ClickRecord[],
): D1PreparedStatement[] {
  if (clicks.length === 0) return [];
  const rows = clicks.map((c) => ({ ...c, is_bot: c.is_bot ? 1 : 0 }));
  const times = clicks.map((c) => c.at);
  const from = Math.min(...times);
  const to = Math.max(...times) + DUPLICATE_WINDOW_MS;
  const visitors = [...new Set(clicks.map((c) => c.visitor_hash))];
  return [
    db.prepare(INSERT).bind(JSON.stringify(rows)),
    db.prepare(FLAG_DUPLICATES).bind(from, to, JSON.stringify(visitors), DUPLICATE_WINDOW_MS),
  ];
}

/** Inserts a batch of clicks and flags duplicates in one transaction; returns rows inserted. */
export async function insertClicks(db: D1Database, clicks: readonly ClickRecord[]): Promise<number> {
  const statements = insertClicksStatements(db, clicks);
  if (statements.length === 0) return 0;
  const [inserted] = await db.batch(statements);
  return inserted?.meta.changes ?? 0;
}
