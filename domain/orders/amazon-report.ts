/**
 * Amazon Associates report files (CSV) -> order events. Three layouts, told
 * apart by their header (columns found by name, a currency sign in a header
 * ignored, extra columns tolerated; see docs/orders.md):
 * - Fee-Earnings, as Associates Central exports it: shipped items and returns per
 *   row, with Amazon's own `Ad Fees` (what Amazon pays), reconciled against the
 *   rate tables per row and in total;
 * - Fee-Orders, as Associates Central exports it: items ordered per row;
 * - shopfront's order-level export (with order ids and statuses), kept readable.
 * Parsing is all or nothing: any bad row makes the whole file bad, reported row by
 * row. An unknown header set is refused naming its columns.
 *
 * Amazon's files carry no order id. A row's events get an id derived from the
 * layout and the row's normalised content plus how many identical rows came
 * before it in the file: importing the same file twice stores nothing new, and
 * two identical rows in one file both count. Rows of one tracking id, ASIN and
 * price share one ledger line (order id `amzn:<tag>:<asin>:<price>`), so a later
 * return row reverses the shipments of earlier rows and an order row's items stay
 * pending until shipment rows arrive.
 */
import { parse } from 'csv-parse/sync';
import { toMinorUnits } from '../money.ts';
import { utcDay } from '../time.ts';
import { lineCommission, MAX_QUANTITY } from './commission.ts';
import { eventJson, parseOrderEvent, type OrderEvent, type OrderEventType } from './event.ts';
import type { ProgramTable } from './program-table.ts';
import { chooseRate } from './rates.ts';

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
  /** Layout, normalised content and its occurrence number (plus the event's part): the idempotency key. */
  key: string;
  /** The row as read, by column name: stored as the raw event. */
  raw: Record<string, string>;
  event: OrderEvent;
}

export type ReportLayout = 'fee-earnings' | 'fee-orders' | 'shopfront-orders';

/** Where Amazon's own Ad Fees differ from what the rate tables give for the same items. */
export interface Reconciliation {
  rows: {
    row: number;
    asin: string;
    tracking_id: string;
    /** Amazon's Ad Fees for the row (what the ledger records). */
    reported_minor: number;
    /** The rate table's commission for the row's net items (shipped minus returned). */
    expected_minor: number;
    difference_minor: number;
  }[];
  total: { reported_minor: number; expected_minor: number; difference_minor: number };
}

export type ParsedReport =
  | {
      ok: true;
      layout: ReportLayout;
      /** Data rows in the file (a Total row not counted). */
      lines: number;
      /** One per event: a Fee-Earnings row with shipments and returns gives two. */
      rows: ReportRow[];
      /** Fee-Earnings only. */
      reconciliation: Reconciliation | null;
    }
  | { ok: false; status: 400 | 422; issues: RowIssue[] };

/** Header names compared without case, spaces at the ends or a trailing currency sign: "Price($)" ~ "price(£)". */
function columnKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/\s*\([^)]*\)$/, '');
}

const AMAZON_LAYOUTS = {
  'fee-earnings': {
    title: 'Fee-Earnings',
    columns: [
      'Category',
      'Name',
      'ASIN',
      'Seller',
      'Tracking ID',
      'Date Shipped',
      'Price($)',
      'Items Shipped',
      'Returns',
      'Revenue($)',
      'Ad Fees($)',
      'Device Type Group',
    ],
    required: [
      'category',
      'asin',
      'tracking id',
      'date shipped',
      'price',
      'items shipped',
      'returns',
      'ad fees',
    ],
  },
  'fee-orders': {
    title: 'Fee-Orders',
    columns: [
      'Category',
      'Name',
      'ASIN',
      'Date',
      'Qty',
      'Price($)',
      'Link Type',
      'Tag',
      'Indirect Sales',
      'Device Type Group',
    ],
    required: ['category', 'asin', 'date', 'qty', 'price', 'tag'],
  },
} as const;

export function parseAmazonReport(text: string, program: ProgramTable): ParsedReport {
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
      status: 400,
      issues: [{ row: line || 1, field: '(file)', message: `not readable as CSV: ${message}` }],
    };
  }

  // A title line ("Fee-Earnings reports from ...") may sit above the header: look at the first three lines.
  const head = records.slice(0, 3);
  for (const [layout, spec] of Object.entries(AMAZON_LAYOUTS) as [
    keyof typeof AMAZON_LAYOUTS,
    (typeof AMAZON_LAYOUTS)[keyof typeof AMAZON_LAYOUTS],
  ][]) {
    const at = head.findIndex((r) => {
      const keys = new Set(r.record.map(columnKey));
      return spec.required.every((c) => keys.has(c));
    });
    if (at >= 0) return parseAmazonLayout(layout, records, at, program);
  }
  const headerIndex = head.findIndex(
    (r) =>
      r.record.some((cell) => same(cell, REPORT_COLUMNS.trackingId)) &&
      r.record.some((cell) => same(cell, REPORT_COLUMNS.orderId)),
  );
  const header = records[headerIndex];
  if (headerIndex < 0 || !header) {
    const seen = [...head].sort((a, b) => b.record.length - a.record.length)[0];
    const found = seen ? seen.record.filter((c) => c.trim() !== '').join(', ') : '(none)';
    const expected = [
      ...Object.values(AMAZON_LAYOUTS).map((l) => `${l.title}: ${l.columns.join(', ')}`),
      `shopfront orders: ${Object.values(REPORT_COLUMNS).join(', ')}`,
    ].join('; or ');
    return {
      ok: false,
      status: 422,
      issues: [
        {
          row: seen?.info.lines ?? 1,
          field: '(header)',
          message: `unknown report layout: the columns are ${found}; expected ${expected}`,
        },
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
  if (issues.length > 0) return { ok: false, status: 400, issues };

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
  if (issues.length > 0) return { ok: false, status: 400, issues };
  if (rows.length === 0)
    return {
      ok: false,
      status: 400,
      issues: [{ row: header.info.lines, field: '(file)', message: 'the report has no data rows' }],
    };
  return { ok: true, layout: 'shopfront-orders', lines: rows.length, rows, reconciliation: null };
}

/** Fee-Earnings and Fee-Orders, as Associates Central exports them. */
function parseAmazonLayout(
  layout: keyof typeof AMAZON_LAYOUTS,
  records: readonly CsvRecord[],
  headerIndex: number,
  program: ProgramTable,
): ParsedReport {
  const header = records[headerIndex]!;
  const index = new Map<string, number>();
  header.record.forEach((cell, i) => {
    const key = columnKey(cell);
    if (!index.has(key)) index.set(key, i);
  });
  const names = new Map(header.record.map((cell) => [columnKey(cell), cell.trim()]));
  const issues: RowIssue[] = [];
  const rows: ReportRow[] = [];
  const occurrences = new Map<string, number>();
  const reconciliation: Reconciliation = {
    rows: [],
    total: { reported_minor: 0, expected_minor: 0, difference_minor: 0 },
  };
  let lines = 0;
  for (const { record, info } of records.slice(headerIndex + 1)) {
    const cell = (key: string) => {
      const at = index.get(key);
      return at === undefined ? '' : (record[at] ?? '').trim();
    };
    // Amazon ends some exports with a Total row.
    if (
      /^totals?$/i.test(record[0]?.trim() ?? '') ||
      (cell('asin') === '' && record.some((c) => /^totals?$/i.test(c.trim())))
    )
      continue;
    lines++;
    const fail = (key: string, message: string) => {
      issues.push({ row: info.lines, field: names.get(key) ?? key, message });
      return undefined;
    };
    const raw: Record<string, string> = {};
    header.record.forEach((name, i) => {
      if (name) raw[name] = record[i] ?? '';
    });
    const required = (key: string) => cell(key) || fail(key, 'is empty');
    const count = (key: string, min: number) => {
      const text = required(key);
      if (text === undefined) return undefined;
      const n = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
      if (!(n >= min && n <= MAX_QUANTITY))
        return fail(key, `must be a whole number from ${min} to ${MAX_QUANTITY}, got "${text}"`);
      return n;
    };
    const money = (key: string, signed: boolean) => {
      const text = required(key);
      if (text === undefined) return undefined;
      const negative = signed && /^(-|\().*\)?$/.test(text) && text !== '-';
      const plain = text
        .replace(/^[-(]/, '')
        .replace(/\)$/, '')
        .replace(/^[$£€]/, '');
      const grouped = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(plain) ? plain.replace(/,/g, '') : plain;
      const converted = toMinorUnits(grouped, program.currency);
      if (!converted.ok) return fail(key, converted.message);
      return negative ? 0 - converted.minor : converted.minor;
    };
    const time = (key: string) => {
      const text = required(key);
      if (text === undefined) return undefined;
      return (
        amazonTime(text) ??
        fail(key, `must be a date like 2026-11-03, 2026-11-03 14:22:10 or 11/03/2026 (UTC), got "${text}"`)
      );
    };
    const categoryText = required('category');
    const category = categoryText === undefined ? undefined : categoryId(categoryText, program);
    const asin = required('asin');
    const price = money('price', false);
    const normal = JSON.stringify([layout, ...header.record.map((_, i) => (record[i] ?? '').trim())]);
    const n = (occurrences.get(normal) ?? 0) + 1;
    occurrences.set(normal, n);

    const events: { part: string; event: unknown }[] = [];
    let tag: string | undefined;
    if (layout === 'fee-orders') {
      tag = required('tag');
      const qty = count('qty', 1);
      const at = time('date');
      if (
        tag &&
        asin &&
        price !== undefined &&
        qty !== undefined &&
        at !== undefined &&
        category !== undefined
      )
        events.push({
          part: 'ordered',
          event: {
            type: 'order.placed',
            order_id: lineOrderId(tag, asin, price),
            ordered_at: at,
            occurred_at: at,
            tracking_id: tag,
            currency: program.currency,
            items: [{ product_id: asin, category, quantity: qty, unit_price: price }],
          },
        });
    } else {
      tag = required('tracking id');
      const shipped = count('items shipped', 0);
      const returned = count('returns', 0);
      const fees = money('ad fees', true);
      const at = time('date shipped');
      if (
        tag &&
        asin &&
        price !== undefined &&
        shipped !== undefined &&
        returned !== undefined &&
        fees !== undefined &&
        at !== undefined &&
        category !== undefined
      ) {
        // The rate table of the member's programme, as the ledger would choose it (CONTRACT.md section 8).
        const member = Object.values(program.influencers).find(
          (m) => m.tracking_id.toLowerCase() === tag?.toLowerCase(),
        );
        const rate = chooseRate(
          program,
          program.default_retailer,
          Date.parse(at),
          category,
          member?.program ?? 'influencer',
        );
        const table = (q: number) => (rate ? lineCommission(price, q, rate.bps) : 0);
        const net = shipped - returned;
        const expected = net >= 0 ? table(net) : 0 - table(0 - net);
        reconciliation.total.reported_minor += fees;
        reconciliation.total.expected_minor += expected;
        if (fees !== expected)
          reconciliation.rows.push({
            row: info.lines,
            asin,
            tracking_id: tag,
            reported_minor: fees,
            expected_minor: expected,
            difference_minor: fees - expected,
          });
        // Amazon's Ad Fees are for the row's net items: the shipments carry them plus what the returns take back.
        const back = returned > 0 ? (shipped > 0 ? table(returned) : Math.max(0, 0 - fees)) : 0;
        const forward = Math.max(0, fees + back);
        const base = {
          order_id: lineOrderId(tag, asin, price),
          ordered_at: at,
          occurred_at: at,
          tracking_id: tag,
          currency: program.currency,
        };
        const item = { product_id: asin, category, unit_price: price };
        if (shipped > 0)
          events.push({
            part: 'shipped',
            event: {
              ...base,
              type: 'order.shipped',
              items: [{ ...item, quantity: shipped, reported_commission_minor: forward }],
            },
          });
        if (returned > 0)
          events.push({
            part: 'returned',
            event: {
              ...base,
              type: 'order.returned',
              items: [
                {
                  ...item,
                  quantity: returned,
                  reported_commission_minor: shipped > 0 ? forward - fees : back,
                },
              ],
            },
          });
      }
    }
    for (const { part, event } of events) {
      const parsed = parseOrderEvent(event);
      if (!parsed.ok) {
        for (const i of parsed.issues) issues.push({ row: info.lines, field: i.path, message: i.message });
        continue;
      }
      rows.push({ row: info.lines, key: `${normal}#${n}#${part}`, raw, event: parsed.event });
    }
  }
  reconciliation.total.difference_minor =
    reconciliation.total.reported_minor - reconciliation.total.expected_minor;
  if (issues.length > 0) return { ok: false, status: 400, issues };
  if (lines === 0)
    return {
      ok: false,
      status: 400,
      issues: [{ row: header.info.lines, field: '(file)', message: 'the report has no data rows' }],
    };
  return { ok: true, layout, lines, rows, reconciliation: layout === 'fee-earnings' ? reconciliation : null };
}

/** One ledger line per tracking id, ASIN and price: Amazon's rows name no order. */
function lineOrderId(tag: string, asin: string, priceMinor: number): string {
  return `amzn:${tag}:${asin}:${priceMinor}`.slice(0, 128);
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** Dates as Associates Central writes them (UTC): ISO with or without a time, MM/DD/YYYY, "November 3, 2026". */
export function amazonTime(text: string): string | null {
  const iso = reportTime(text);
  if (iso) return iso;
  const us = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?: (\d{2}:\d{2}(?::\d{2})?))?$/.exec(text);
  if (us)
    return reportTime(
      `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}${us[4] ? ` ${us[4]}` : ''}`,
    );
  const long = /^([A-Za-z]+) (\d{1,2}), (\d{4})$/.exec(text);
  const month = long ? MONTHS.indexOf(long[1]!.toLowerCase()) : -1;
  if (long && month >= 0)
    return reportTime(`${long[3]}-${String(month + 1).padStart(2, '0')}-${long[2]!.padStart(2, '0')}`);
  return null;
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
