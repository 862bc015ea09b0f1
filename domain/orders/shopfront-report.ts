/**
 * shopfront's own order-level report (with order ids and statuses): each row is
 * one order event, exactly as a webhook would deliver it (the per-order model of
 * ledger.ts, kept as is). Amazon's own layouts are statements (amazon-report.ts).
 * Parsing is all or nothing: any bad row makes the whole file bad, reported row by
 * row. A row's event id comes from its normalised content plus how many identical
 * rows came before it in the file: importing the same file twice stores nothing
 * new, and two identical rows in one file both count.
 *
 * Marketplace (CONTRACT.md section 14), as for the webhook and Amazon's layouts:
 *   market     = reportMarket(the import's `marketplace`, the price header's sign)   (report-file.ts)
 *   row event  = the row in market's currency, `retailer` = the import's marketplace if it named one
 *   stored     = withMarketplace(row event)   (marketplace.ts: the webhook's own resolution, so an
 *                exported order re-imported is stored, rated and paid in the marketplace a webhook
 *                delivering it would name; without a `marketplace` the home one)
 *   own file   = rowsOfMarketplace(rows, market, 'file', settled = the row's order in `credited`)
 *                (report-tracking.ts: a file whose known tracking ids are another marketplace's, home
 *                ids counting as their group's, judging no row of an order already credited ->
 *                other_marketplace, naming the `orders` of the rows that refused it, so the import
 *                can read which are credited and judge again; else every row passed on, and the store
 *                judges the row deciding each order's credit as the webhook's (planOrder): a row of
 *                another marketplace's id is left out there, listed and logged by the import,
 *                worker/orders/statement-import.ts)
 * The idempotency key is the row's content (its currency included), not the marketplace named:
 * a file imported before the marketplace was resolved here (when `marketplace` was ignored) is
 * still recognised as imported, with or without `marketplace` naming the home one.
 */
import { utcDay } from '../time.ts';
import { MAX_QUANTITY } from './commission.ts';
import { eventJson, parseOrderEvent, type OrderEvent, type OrderEventType } from './event.ts';
import type { ProgramTable } from './program-table.ts';
import type { FieldIssue, RowIssue } from '../issues.ts';
import { withMarketplace } from './marketplace.ts';
import { rowsOfMarketplace } from './report-tracking.ts';
import {
  categoryId,
  columnKey,
  readMoney,
  reportMarket,
  type CsvRecord,
  type ReportRefusal,
} from './report-file.ts';
import type { Currency } from '../currency.ts';
import { sha256Hex } from '../requests/signature.ts';

export const REPORT_COLUMNS = {
  category: 'Category',
  name: 'Name',
  asin: 'ASIN',
  orderId: 'Order ID',
  orderDate: 'Order Date',
  date: 'Date',
  status: 'Status',
  qty: 'Qty',
  price: 'Price($)',
  trackingId: 'Tracking ID',
  subTag: 'Sub Tag',
} as const;
type Column = keyof typeof REPORT_COLUMNS;
const OPTIONAL: ReadonlySet<Column> = new Set(['name', 'subTag']);

const STATUS: Record<string, OrderEventType> = {
  ordered: 'order.placed',
  shipped: 'order.shipped',
  cancelled: 'order.cancelled',
  canceled: 'order.cancelled',
  returned: 'order.returned',
};

export interface ReportRow {
  row: number;
  /** Normalised content and its occurrence number: the idempotency key. */
  key: string;
  /** The row as read, by column name: stored as the raw event. */
  raw: Record<string, string>;
  event: OrderEvent;
}

export type ShopfrontReport =
  | {
      ok: true;
      layout: 'shopfront-orders';
      /** Data rows read. */
      lines: number;
      /** The rows imported: every row read. */
      rows: ReportRow[];
    }
  | ReportRefusal;

/** The header of the shopfront layout among the first records, or -1. */
export function shopfrontHeaderAt(head: readonly CsvRecord[]): number {
  return head.findIndex(
    (r) =>
      r.record.some((cell) => same(cell, REPORT_COLUMNS.trackingId)) &&
      r.record.some((cell) => same(cell, REPORT_COLUMNS.orderId)),
  );
}

export function parseShopfrontReport(
  records: readonly CsvRecord[],
  headerIndex: number,
  program: ProgramTable,
  marketplace?: string,
  /** Orders already credited: their rows are never judged by their tracking id (report-tracking.ts). */
  credited: ReadonlySet<string> = new Set(),
): ShopfrontReport {
  const header = records[headerIndex];
  if (!header)
    return { ok: false, reason: 'no_header', issues: [{ row: 1, field: '(header)', message: 'no header' }] };
  const market = reportMarket(program, marketplace, header);
  if (!market.ok) return market;
  const issues: RowIssue[] = [];
  const index = new Map<Column, number>();
  for (const [column, name] of Object.entries(REPORT_COLUMNS) as [Column, string][]) {
    // The price column by its name without the sign: "Price(£)" in a file of a GBP marketplace.
    const at = header.record.findIndex((cell) =>
      column === 'price' ? columnKey(cell) === columnKey(name) : same(cell, name),
    );
    if (at >= 0) index.set(column, at);
    else if (!OPTIONAL.has(column))
      issues.push({ row: header.line, field: '(header)', message: `missing column "${name}"` });
  }
  if (issues.length > 0) return { ok: false, reason: 'missing_columns', issues };
  const rows: ReportRow[] = [];
  const occurrences = new Map<string, number>();
  for (const { record, line } of records.slice(headerIndex + 1)) {
    const cell = (column: Column) => {
      const at = index.get(column);
      return at === undefined ? '' : (record[at] ?? '');
    };
    const raw: Record<string, string> = {};
    header.record.forEach((name, i) => {
      if (name) raw[name] = record[i] ?? '';
    });
    const result = rowEvent(cell, program, market.currency, marketplace);
    if (!result.ok) {
      for (const issue of result.issues) issues.push({ row: line, ...issue });
      continue;
    }
    const resolved = withMarketplace(result.event, program);
    if (!resolved.ok) {
      for (const issue of resolved.issues)
        issues.push({ row: line, field: 'marketplace', message: issue.message });
      continue;
    }
    // The row's content, not where it is imported for: neither the marketplace named nor the
    // currency it brings, so one file imported for two marketplaces is one order, counted once.
    const normal = JSON.stringify(eventJson({ ...result.event, retailer: null, currency: program.currency }));
    const n = (occurrences.get(normal) ?? 0) + 1;
    occurrences.set(normal, n);
    rows.push({ row: line, key: `${normal}#${n}`, raw, event: resolved.event });
  }
  if (issues.length > 0) return { ok: false, reason: 'bad_rows', issues };
  if (rows.length === 0)
    return {
      ok: false,
      reason: 'no_rows',
      issues: [{ row: header.line, field: '(file)', message: 'the report has no data rows' }],
    };
  const refusal = fileRefusal(rows, program, market.marketplace, credited);
  return refusal ?? { ok: true, layout: 'shopfront-orders', lines: rows.length, rows };
}

/** The file judged as a whole (`own file` above), naming the orders of the rows that refused it. */
function fileRefusal(
  rows: readonly ReportRow[],
  program: ProgramTable,
  marketplace: string,
  credited: ReadonlySet<string>,
): ReportRefusal | null {
  const own = rowsOfMarketplace(
    rows,
    (r) => r.event.tracking_id,
    program,
    marketplace,
    REPORT_COLUMNS.trackingId,
    'file',
    (r) => credited.has(r.event.order_id),
  );
  if (own.ok) return null;
  const orders = [...new Set(own.judged.map((r) => r.event.order_id))].sort();
  return { ok: false, reason: own.reason, issues: own.issues, orders };
}

/** The idempotency key of a row as an event id: "amzr_" + hex SHA-256. */
export async function reportEventId(row: ReportRow): Promise<string> {
  return `amzr_${await sha256Hex(row.key)}`;
}

function rowEvent(
  cell: (column: Column) => string,
  program: ProgramTable,
  currency: Currency,
  marketplace: string | undefined,
): { ok: true; event: OrderEvent } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const fail = (column: Column, message: string) => {
    issues.push({ field: REPORT_COLUMNS[column], message });
    return undefined;
  };
  const required = (column: Column) => cell(column) || fail(column, 'is empty');

  const statusText = required('status');
  const type = statusText === undefined ? undefined : STATUS[statusText.toLowerCase()];
  if (statusText !== undefined && !type)
    fail('status', `must be Ordered, Shipped, Cancelled or Returned, got "${statusText}"`);

  const time = (column: Column) => {
    const text = required(column);
    if (text === undefined) return undefined;
    return (
      reportTime(text) ??
      fail(column, `must be a UTC date-time like 2026-11-03 14:22:10 (or a date), got "${text}"`)
    );
  };
  const orderedAt = time('orderDate');
  const occurredAt = time('date');

  const qtyText = required('qty');
  const quantity = qtyText !== undefined && /^\d{1,6}$/.test(qtyText) ? Number(qtyText) : undefined;
  if (qtyText !== undefined && (quantity === undefined || quantity < 1 || quantity > MAX_QUANTITY))
    fail('qty', `must be a whole number from 1 to ${MAX_QUANTITY}, got "${qtyText}"`);

  const priceText = required('price');
  let unitPrice: number | undefined;
  if (priceText !== undefined) {
    const converted = readMoney(priceText, currency, false);
    if (converted.ok) unitPrice = converted.value;
    else fail('price', converted.message);
  }

  const categoryText = required('category');
  const category = categoryText === undefined ? undefined : categoryId(categoryText, program);

  const asin = required('asin');
  const orderId = required('orderId');
  const trackingId = required('trackingId');
  if (issues.length > 0 || !type || orderedAt === undefined || occurredAt === undefined)
    return { ok: false, issues };

  const subTag = cell('subTag');
  const parsed = parseOrderEvent({
    type,
    order_id: orderId,
    ordered_at: orderedAt,
    occurred_at: occurredAt,
    tracking_id: trackingId,
    ...(subTag ? { click_id: subTag } : {}),
    ...(marketplace === undefined ? {} : { retailer: marketplace }),
    currency,
    items: [{ product_id: asin, category, quantity, unit_price: unitPrice }],
  });
  if (parsed.ok) return parsed;
  return { ok: false, issues: parsed.issues.map((i) => ({ field: columnOf(i.path), message: i.message })) };
}

const PATH_COLUMNS: Record<string, Column> = {
  type: 'status',
  order_id: 'orderId',
  ordered_at: 'orderDate',
  occurred_at: 'date',
  tracking_id: 'trackingId',
  click_id: 'subTag',
  'items[0].product_id': 'asin',
  'items[0].category': 'category',
  'items[0].quantity': 'qty',
  'items[0].unit_price': 'price',
};

function columnOf(path: string): string {
  const column = PATH_COLUMNS[path];
  return column ? REPORT_COLUMNS[column] : path;
}

/** "2026-11-03 14:22:10", "2026-11-03T14:22:10Z", "2026-11-03T14:22:10-08:00" or "2026-11-03"; no zone means UTC. */
export function reportTime(text: string): string | null {
  const match =
    /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:\d{2})?)?$/.exec(text);
  if (!match) return null;
  const [, day, time = '00:00:00', zone = 'Z'] = match;
  const iso = `${day}T${time.length === 5 ? `${time}:00` : time}${zone}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  // Reject dates Date.parse rolls over (2026-02-30).
  if (zone === 'Z' && utcDay(ms) !== day) return null;
  return new Date(ms).toISOString();
}

function same(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.toLowerCase();
}
