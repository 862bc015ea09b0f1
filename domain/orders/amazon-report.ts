/**
 * Amazon Associates order report (CSV) -> order events. One data row is one
 * event of one line; see docs/orders.md for the format. Parsing is all or
 * nothing: any bad row makes the whole file bad, reported row by row.
 *
 * Each row gets an id derived from its normalised content (and how many identical
 * rows came before it in the file), so importing the same file twice stores
 * nothing new.
 */
import { parse } from 'csv-parse/sync';
import { toMinorUnits } from '../money.ts';
import { utcDay } from '../time.ts';
import { MAX_QUANTITY } from './commission.ts';
import { eventJson, parseOrderEvent, type OrderEvent, type OrderEventType } from './event.ts';
import type { ProgramTable } from './program-table.ts';

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

export interface RowIssue {
  /** Line number in the file (1-based). */
  row: number;
  /** Column name as in the header, or "(file)" / "(header)". */
  field: string;
  message: string;
}

export interface ReportRow {
  row: number;
  /** Normalised content plus its occurrence number: the idempotency key. */
  key: string;
  /** The row as read, by column name: stored as the raw event. */
  raw: Record<string, string>;
  event: OrderEvent;
}

export function parseAmazonReport(
  text: string,
  program: ProgramTable,
): { ok: true; rows: ReportRow[] } | { ok: false; issues: RowIssue[] } {
  let records: CsvRecord[];
  try {
    // With `info`, csv-parse yields { record, info } objects (its typings say string[][]).
    const output: unknown[] = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    });
    records = output.map(csvRecord);
  } catch (error) {
    const line = typeof error === 'object' && error && 'lines' in error ? Number(error.lines) : 1;
    const message = error instanceof Error ? error.message.replace(/^Invalid [^:]*: /, '') : String(error);
    return {
      ok: false,
      issues: [{ row: line || 1, field: '(file)', message: `not readable as CSV: ${message}` }],
    };
  }

  // Amazon puts a title line ("Fee-Orders reports from ...") above the header; skip up to two such lines.
  const headerIndex = records
    .slice(0, 3)
    .findIndex((r) => r.record.some((cell) => same(cell, REPORT_COLUMNS.trackingId)));
  const header = records[headerIndex];
  if (headerIndex < 0 || !header) {
    const expected = Object.values(REPORT_COLUMNS).join(', ');
    return {
      ok: false,
      issues: [
        { row: 1, field: '(header)', message: `no header row found; expected the columns ${expected}` },
      ],
    };
  }
  const issues: RowIssue[] = [];
  const index = new Map<Column, number>();
  for (const [column, name] of Object.entries(REPORT_COLUMNS) as [Column, string][]) {
    const at = header.record.findIndex((cell) => same(cell, name));
    if (at >= 0) index.set(column, at);
    else if (!OPTIONAL.has(column))
      issues.push({ row: header.info.lines, field: '(header)', message: `missing column "${name}"` });
  }
  if (issues.length > 0) return { ok: false, issues };

  const rows: ReportRow[] = [];
  const occurrences = new Map<string, number>();
  for (const { record, info } of records.slice(headerIndex + 1)) {
    const cell = (column: Column) => {
      const at = index.get(column);
      return at === undefined ? '' : (record[at] ?? '');
    };
    const raw: Record<string, string> = {};
    header.record.forEach((name, i) => {
      if (name) raw[name] = record[i] ?? '';
    });
    const result = rowEvent(cell, program);
    if (!result.ok) {
      for (const issue of result.issues) issues.push({ row: info.lines, ...issue });
      continue;
    }
    const normal = JSON.stringify(eventJson(result.event));
    const n = (occurrences.get(normal) ?? 0) + 1;
    occurrences.set(normal, n);
    rows.push({ row: info.lines, key: `${normal}#${n}`, raw, event: result.event });
  }
  if (issues.length > 0) return { ok: false, issues };
  if (rows.length === 0)
    return {
      ok: false,
      issues: [{ row: header.info.lines, field: '(file)', message: 'the report has no data rows' }],
    };
  return { ok: true, rows };
}

/** The idempotency key of a row as an event id: "amzr_" + hex SHA-256. */
export async function reportEventId(row: ReportRow): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(row.key));
  return `amzr_${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

function csvRecord(value: unknown): CsvRecord {
  if (typeof value === 'object' && value !== null && 'record' in value && 'info' in value) {
    const { record, info } = value;
    if (
      Array.isArray(record) &&
      typeof info === 'object' &&
      info !== null &&
      'lines' in info &&
      typeof info.lines === 'number'
    )
      return { record: record.map(String), info: { lines: info.lines } };
  }
  throw new Error('unexpected csv-parse output');
}

type CellIssue = { field: string; message: string };

function rowEvent(
  cell: (column: Column) => string,
  program: ProgramTable,
): { ok: true; event: OrderEvent } | { ok: false; issues: CellIssue[] } {
  const issues: CellIssue[] = [];
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
    const plain = priceText.replace(/^\$/, '');
    const grouped = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(plain) ? plain.replace(/,/g, '') : plain;
    const converted = toMinorUnits(grouped, program.currency);
    if (converted.ok) unitPrice = converted.minor;
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
    currency: program.currency,
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

/** A program category id from an id or a display name (any case); anything else as a slug, which gets the default rate. */
function categoryId(text: string, program: ProgramTable): string {
  const lower = text.toLowerCase();
  const known = program.categories.find((c) => c.id === lower || c.name.toLowerCase() === lower);
  return known?.id ?? (lower.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || lower);
}

function same(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.toLowerCase();
}
