/** D1 reads behind the dashboards that the public APIs do not already offer. */
import { isNotNavigation } from '../links/bot-detection.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { BOT_VIEW, clickRanges, rangeParams } from '../reports/click-counts.ts';
import { integer, integerOrZero, text, textOrNull, type Row } from '../lib/rows.ts';

export interface LedgerLine {
  entry_id: number;
  order_id: string;
  product_id: string;
  bucket: string;
  effective_at: number;
  quantity: number;
  amount_minor: number;
  revenue_minor: number;
  currency: string;
  category: string;
  unit_price_minor: number;
  rate_bps: number;
  event_type: string;
  attribution: string | null;
}

const LEDGER_LINES = `
SELECT l.entry_id, l.order_id, l.product_id, l.bucket, l.effective_at, l.quantity, l.amount_minor,
       l.revenue_minor, l.currency, l.category, l.unit_price_minor, l.rate_bps, e.type AS event_type, e.attribution
FROM ledger_entries AS l JOIN order_events AS e ON e.event_id = l.event_id
WHERE l.handle = ?1 AND l.effective_at >= ?2 AND l.effective_at < ?3
ORDER BY l.effective_at, l.entry_id`;

export async function readLedgerLines(
  db: D1Database,
  handle: string,
  start: number,
  end: number,
): Promise<LedgerLine[]> {
  const { results } = await withRetry(() => db.prepare(LEDGER_LINES).bind(handle, start, end).all<Row>());
  return results.map((row) => ({
    entry_id: integer(row, 'entry_id'),
    order_id: text(row, 'order_id'),
    product_id: text(row, 'product_id'),
    bucket: text(row, 'bucket'),
    effective_at: integer(row, 'effective_at'),
    quantity: integer(row, 'quantity'),
    amount_minor: integer(row, 'amount_minor'),
    revenue_minor: integer(row, 'revenue_minor'),
    currency: text(row, 'currency'),
    category: text(row, 'category'),
    unit_price_minor: integer(row, 'unit_price_minor'),
    rate_bps: integer(row, 'rate_bps'),
    event_type: text(row, 'event_type'),
    attribution: textOrNull(row, 'attribution'),
  }));
}

/** Why a ledger line exists, in words an influencer can check. */
export function ledgerReason(line: LedgerLine, title?: string | null): string {
  const rate = `${(line.rate_bps / 100).toFixed(2).replace(/\.?0+$/, '')}%`;
  const product = title ? `${title} (${line.product_id})` : line.product_id;
  const what = `${Math.abs(line.quantity)} × ${product} in ${line.category} at ${rate}`;
  // An Amazon statement's entry (statement.ts): Amazon's own Ad Fees, no rate table.
  if (line.order_id.startsWith('amzs:'))
    return `Amazon statement: ${Math.abs(line.quantity)} × ${product}, Amazon's Ad Fees → ${line.bucket}`;
  const event = line.event_type.replace('order.', '');
  // A negative pending entry is the other half of a status change: the figure moves on.
  if (line.bucket === 'pending' && line.amount_minor < 0) return `${event}: ${what} leaves pending`;
  return `${event}: ${what} → ${line.bucket}`;
}

export interface BotShare {
  reason: string;
  clicks: number;
}

/**
 * Every logged request in [start, end) and the ones that were not human clicks by
 * reason, split into bots and requests a browser made without a click (image
 * loads, frames, prefetches), which are shown apart.
 */
export async function readBotShare(
  db: D1Database,
  start: number,
  end: number,
  now = Date.now(),
): Promise<{ total: number; bots: BotShare[]; notNavigation: BotShare[] }> {
  const ranges = rangeParams(clickRanges(start, end, now));
  const [total, bots] = await withRetry(() =>
    db.batch<Row>([
      db.prepare(`${BOT_VIEW} SELECT SUM(human + bot) AS n FROM b`).bind(...ranges),
      db
        .prepare(
          `${BOT_VIEW} SELECT NULLIF(bot_reason, '') AS reason, SUM(bot) AS clicks FROM b
           GROUP BY bot_reason HAVING clicks > 0 ORDER BY clicks DESC`,
        )
        .bind(...ranges),
    ]),
  );
  const reasons = (bots?.results ?? []).map((r) => ({
    reason: textOrNull(r, 'reason') ?? 'unknown',
    clicks: integer(r, 'clicks'),
  }));
  return {
    total: integerOrZero(total?.results[0] ?? {}, 'n'),
    bots: reasons.filter((r) => !isNotNavigation(r.reason)),
    notNavigation: reasons.filter((r) => isNotNavigation(r.reason)),
  };
}
