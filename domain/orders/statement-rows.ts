/**
 * A planned statement as the rows the store appends (migration 0013), as plain data:
 *
 *   event     one order_events row per statement ("amzs_<session>"): the event its
 *             ledger entries name; status processed, credited to no one but the
 *             statement itself, so no listing of unattributed events shows it
 *   keys      one amazon_keys row per key first recorded, with its credit (frozen)
 *   changes   one amazon_key_changes row per change (after - before)
 *   entries   ledger_entries of Fee-Earnings changes of credited keys: moneyDeltas,
 *             order_id = key id, product = ASIN, dated to the key's day, rate 0 (the
 *             figure is Amazon's, no rate table valued it)
 */
import { dayStart } from '../time.ts';
import type { EventRow, LedgerRow } from './apply.ts';
import { keyTime, moneyDeltas, type Statement, type StatementPlan } from './statement.ts';

export interface StatementRecord {
  statement_id: number;
  session_id: string;
  file_sha256: string;
  file_bytes: number;
  file_name: string | null;
  encoding: string;
  imported_by: string;
  imported_at: number;
}

export interface KeyRow {
  key_id: string;
  layout: string;
  marketplace: string;
  tracking_id: string;
  asin: string;
  price_minor: number;
  day: string;
  category: string;
  member_id: string | null;
  handle: string | null;
  statement_id: number;
}

export interface ChangeRow {
  key_id: string;
  statement_id: number;
  kind: string;
  ordered: number;
  shipped: number;
  returned: number;
  fee_minor: number;
}

export const KEY_COLUMNS = [
  'key_id',
  'layout',
  'marketplace',
  'tracking_id',
  'asin',
  'price_minor',
  'day',
  'category',
  'member_id',
  'handle',
  'statement_id',
] as const satisfies readonly (keyof KeyRow)[];

export const CHANGE_COLUMNS = [
  'key_id',
  'statement_id',
  'kind',
  'ordered',
  'shipped',
  'returned',
  'fee_minor',
] as const satisfies readonly (keyof ChangeRow)[];

export function statementEventId(sessionId: string): string {
  return `amzs_${sessionId}`;
}

export function statementEvent(statement: Statement, record: StatementRecord): EventRow {
  const event_id = statementEventId(record.session_id);
  return {
    event_id,
    source: 'amazon_report',
    order_id: `amazon-statement:${record.statement_id}`,
    order_seq: 1,
    type: 'order.shipped',
    ordered_at: dayStart(statement.coverage.from),
    occurred_at: dayStart(statement.coverage.to),
    tracking_id: '(statement)',
    click_id: null,
    retailer: statement.marketplace,
    currency: statement.currency,
    items_json: '[]',
    status: 'processed',
    handle: '(statement)',
    attribution: 'tracking_id',
    attributed_click_id: null,
    attribution_note: `Amazon ${statement.layout} statement ${record.statement_id}`,
    body: JSON.stringify({
      statement_id: record.statement_id,
      layout: statement.layout,
      marketplace: statement.marketplace,
      coverage: statement.coverage,
      file_sha256: record.file_sha256,
      file_name: record.file_name,
    }),
    received_at: record.imported_at,
  };
}

export function statementRows(
  statement: Statement,
  plan: StatementPlan,
  record: StatementRecord,
  /** A member's handle today (the one people read on new rows); null when no longer in content. */
  handleNow: (memberId: string) => string | null,
): { keys: KeyRow[]; changes: ChangeRow[]; entries: LedgerRow[] } {
  const keys: KeyRow[] = [];
  const changes: ChangeRow[] = [];
  const entries: LedgerRow[] = [];
  const event_id = statementEventId(record.session_id);
  for (const c of plan.changes) {
    if (c.kind === 'added')
      keys.push({
        key_id: c.key_id,
        layout: statement.layout,
        ...c.key,
        category: c.category,
        member_id: c.credit?.member_id ?? null,
        handle: c.credit?.handle ?? null,
        statement_id: record.statement_id,
      });
    changes.push({ key_id: c.key_id, statement_id: record.statement_id, kind: c.kind, ...c.delta });
    if (statement.layout !== 'fee-earnings' || c.credit === null) continue;
    const handle = handleNow(c.credit.member_id) ?? c.credit.handle;
    const at = keyTime(c.key);
    for (const d of moneyDeltas(c))
      entries.push({
        order_id: c.key_id,
        product_id: c.key.asin,
        handle,
        bucket: d.bucket,
        effective_at: at,
        ordered_at: at,
        quantity: d.quantity,
        amount_minor: d.amount_minor,
        revenue_minor: d.revenue_minor,
        currency: statement.currency,
        category: c.category,
        unit_price_minor: c.key.price_minor,
        rate_bps: 0,
        event_id,
        created_at: record.imported_at,
      });
  }
  return { keys, changes, entries };
}
