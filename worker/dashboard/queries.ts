/** D1 reads behind the dashboards that the public APIs do not already offer. */
import { memberIndex } from '../../domain/orders/payouts.ts';
import { program } from '../orders/program.ts';
import { isNotNavigation } from '../links/bot-detection.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { BOT_VIEW, clickRanges, rangeParams } from '../reports/click-counts.ts';
import { integer, integerOrZero, rowReader, text, textOrNull, type Row } from '../lib/rows.ts';

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
  /** A dispute credit's line (event_type `dispute.credit`): the dispute it names; else null or absent. */
  dispute_id?: number | null;
}

// A member's lines in [?2, ?3): its ledger entries, and its dispute credits (migrations/0021_disputes.sql)
// as earned lines dated when decided, entry_id = -dispute_id (so every line has its own key).
// Credits are the member's by its stable id (?6; docs/decisions.md), whatever handle filed them.
const LINES_OF = `
SELECT l.entry_id, l.order_id, l.product_id, l.bucket, l.effective_at, l.quantity, l.amount_minor,
       l.revenue_minor, l.currency, l.category, l.unit_price_minor, l.rate_bps, e.type AS event_type, e.attribution,
       NULL AS dispute_id
FROM ledger_entries AS l JOIN order_events AS e ON e.event_id = l.event_id
WHERE l.handle = ?1 AND l.effective_at >= ?2 AND l.effective_at < ?3
UNION ALL
SELECT 0 - c.dispute_id, c.order_id, '', 'earned', c.decided_at, 0, c.amount_minor, 0, c.currency, '', 0, 0,
       'dispute.credit', NULL, c.dispute_id
FROM dispute_credits AS c WHERE c.member_id = ?6 AND c.decided_at >= ?2 AND c.decided_at < ?3`;

const LEDGER_LINES = `SELECT * FROM (${LINES_OF}) ORDER BY effective_at, entry_id`;

/** A handle's stable member id (docs/decisions.md): the key of its dispute credits. */
function memberOf(handle: string): string {
  return memberIndex(program.table).idOf(handle);
}

const ledgerLineOf: (row: Row) => LedgerLine = rowReader({
  entry_id: integer,
  order_id: text,
  product_id: text,
  bucket: text,
  effective_at: integer,
  quantity: integer,
  amount_minor: integer,
  revenue_minor: integer,
  currency: text,
  category: text,
  unit_price_minor: integer,
  rate_bps: integer,
  event_type: text,
  attribution: textOrNull,
  dispute_id: (row: Row, key: string) => (row[key] === null ? null : integer(row, key)),
});

export async function readLedgerLines(
  db: D1Database,
  handle: string,
  start: number,
  end: number,
): Promise<LedgerLine[]> {
  const { results } = await withRetry(() =>
    db.prepare(LEDGER_LINES).bind(handle, start, end, null, null, memberOf(handle)).all<Row>(),
  );
  return results.map(ledgerLineOf);
}

/** Ledger lines a dashboard page shows: the newest first. */
export const LEDGER_PAGE_SIZE = 50;

const LEDGER_PAGE = `SELECT * FROM (${LINES_OF}) ORDER BY effective_at DESC, entry_id DESC LIMIT ?4 OFFSET ?5`;
const LEDGER_COUNT = `
SELECT (SELECT COUNT(*) FROM ledger_entries WHERE handle = ?1 AND effective_at >= ?2 AND effective_at < ?3)
     + (SELECT COUNT(*) FROM dispute_credits WHERE member_id = ?6 AND decided_at >= ?2 AND decided_at < ?3) AS n`;

/**
 * One page of a member's ledger in [start, end), newest first, and how many entries the
 * period has:  pages = max(1, ceil(total / size)),  page clamped to [1, pages],
 * rows = entries (page - 1) * size ... page * size - 1 (the ledger_entries_handle_effective index).
 */
export async function readLedgerPage(
  db: D1Database,
  handle: string,
  start: number,
  end: number,
  page: number,
  size = LEDGER_PAGE_SIZE,
): Promise<{ lines: LedgerLine[]; total: number; page: number; pages: number }> {
  const counted = await withRetry(() =>
    db.prepare(LEDGER_COUNT).bind(handle, start, end, null, null, memberOf(handle)).first<Row>(),
  );
  const total = integerOrZero(counted ?? {}, 'n');
  const pages = Math.max(1, Math.ceil(total / size));
  const at = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
  const { results } = await withRetry(() =>
    db
      .prepare(LEDGER_PAGE)
      .bind(handle, start, end, size, (at - 1) * size, memberOf(handle))
      .all<Row>(),
  );
  return { lines: results.map(ledgerLineOf), total, page: at, pages };
}

/**
 * What happened, in words a member can check (never "leaves pending -$0.07", which reads
 * like money taken back). A status change writes two entries: one bucket goes down, the
 * other up; the sentence of each says where the money went.
 */
export function ledgerReason(line: LedgerLine, title?: string | null): string {
  const rate = `${(line.rate_bps / 100).toFixed(2).replace(/\.?0+$/, '')}%`;
  const product = title ? `${title} (${line.product_id})` : line.product_id;
  const what = `${Math.abs(line.quantity)} × ${product}`;
  const down = line.amount_minor < 0;
  // A dispute credit (migrations/0021_disputes.sql): a manual entry an admin made, naming the dispute.
  if (typeof line.dispute_id === 'number')
    return `Dispute ${line.dispute_id} credited by an admin (order ${line.order_id}): commission earned, paid with this month.`;
  // An Amazon statement's entry (domain/orders/statement.ts): Amazon's own Ad Fees, no rate table.
  if (line.order_id.startsWith('amzs:'))
    return `Amazon's report: ${what}. Amazon's own Ad Fees; ${line.bucket} commission ${down ? 'goes down' : 'goes up'}.`;
  const event = line.event_type.replace('order.', '');
  switch (`${line.bucket}:${down ? 'down' : 'up'}:${event}`) {
    case 'pending:up:placed':
      return `Ordered: ${what}. Commission at ${rate} waits as pending until it ships.`;
    case 'pending:down:shipped':
      return `Shipped: ${what}. Its pending commission moves to earned (the earned line); nothing is taken from you.`;
    case 'pending:down:cancelled':
      return `Cancelled before shipping: ${what}. Its pending commission will not be paid (the void line).`;
    case 'earned:up:shipped':
      return `Shipped: ${what} at ${rate}. Commission earned.`;
    case 'void:up:cancelled':
      return `Cancelled before shipping: ${what}. This commission is void: it was never earned.`;
    case 'reversed:down:returned':
      return `Returned: ${what}. The commission it earned is taken back.`;
  }
  // Anything else is a correction after a late or out-of-order event: say which figure moved.
  return `Correction after "${event}": ${what} at ${rate}; ${line.bucket} commission ${down ? 'goes down' : 'goes up'}.`;
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
): Promise<{ total: number; bots: BotShare[]; notNavigation: BotShare[] }> {
  const ranges = rangeParams(clickRanges(start, end));
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
