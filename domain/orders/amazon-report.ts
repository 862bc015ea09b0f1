/**
 * An Associates Central report file -> a statement (statement.ts), or the
 * shopfront order export -> events (shopfront-report.ts). Order of checks, each
 * refusing the whole file before anything is stored:
 *
 *   1. bytes read as UTF-8 or Windows-1252, BOM or not, comma or tab (report-file.ts)
 *   2. layout by header names (any order, extra columns ignored, within the first
 *      three lines): Fee-Earnings, Fee-Orders, shopfront's export; a localised
 *      header (Kategorie, Catégorie, ...) -> localised_layout; anything else ->
 *      unknown_layout naming it
 *   3. marketplace: the import's (default: the program's default retailer), a
 *      known retailer; the header's currency sign must allow its currency ->
 *      currency_mismatch naming both
 *   4. every row read (bad_rows listing each bad cell): key cells, counts 0..MAX_ROW_ITEMS,
 *      money exact, |Ad Fees| <= feeBound, day inside the coverage
 *   5. every row's tracking id of the marketplace (report-tracking.ts): a file whose known ids
 *      are another marketplace's (none of them the import's, or all held at marketplaces the
 *      import's is not among) -> other_marketplace naming both; else a row whose id only other
 *      marketplaces know is left out (`left_out`, the first 200 listed), the rest imported;
 *      whole_account with any row left out -> other_marketplace listing them (their keys would
 *      be reversed)
 *   6. rows aggregated per key with safe sums (unsafe_sum when a sum leaves the range)
 *
 * Coverage: the title line's range ("... from <day> to <day>"), else the import's
 * from/to (both; a title that disagrees with them -> bad_coverage naming both), else the
 * first to the last row day; tracking ids: those in the file, or every one with
 * whole_account. Each refusal is a reason (ReportRefusalReason, report-file.ts);
 * worker/lib/reasons.ts gives its HTTP status.
 */
import type { Currency } from '../currency.ts';
import type { RowIssue } from '../issues.ts';
import { isIsoDay } from '../time.ts';
import { lineCommission } from './commission.ts';
import type { ProgramTable } from './program-table.ts';
import { chooseRate } from './rates.ts';
import {
  categoryId,
  columnKey,
  decodeReport,
  readCount,
  readDay,
  readMoney,
  readRecords,
  reportMarket,
  titleRange,
  type CsvRecord,
  type ReportRefusal,
} from './report-file.ts';
import { rowsOfMarketplace, wholeAccountLeftOut, type LeftOut } from './report-tracking.ts';
import { parseShopfrontReport, shopfrontHeaderAt, type ShopfrontReport } from './shopfront-report.ts';
import {
  addFigures,
  addSafe,
  feeBound,
  keyId,
  MAX_ROW_ITEMS,
  UnsafeSumError,
  ZERO,
  type Coverage,
  type LineFigures,
  type Statement,
  type StatementLayout,
  type StatementLine,
} from './statement.ts';

export type { ReportRefusal, ReportRefusalReason } from './report-file.ts';

export interface ImportOptions {
  /** A retailer id; default the program's default retailer. */
  marketplace?: string;
  from?: string;
  to?: string;
  whole_account?: boolean;
  /**
   * shopfront's export: orders already credited (their terms recorded), whose rows are never
   * judged by their tracking id (report-tracking.ts settled); default none. The worker passes
   * those of a refusal's `orders` (report-file.ts) and judges the file again.
   */
  credited?: ReadonlySet<string>;
}

/** Where Amazon's Ad Fees differ from what the rate tables give for the same items: a report, never a ledger change. */
export interface Reconciliation {
  rows: {
    key: string;
    asin: string;
    tracking_id: string;
    day: string;
    reported_minor: number;
    expected_minor: number;
    difference_minor: number;
  }[];
  /** Differing keys left out of `rows`. */
  more: number;
  total: { reported_minor: number; expected_minor: number; difference_minor: number };
}

export type ParsedReport =
  | {
      ok: true;
      kind: 'statement';
      statement: Statement;
      encoding: string;
      reconciliation: Reconciliation | null;
      /** Rows left out: their tracking id is another marketplace's (report-tracking.ts). */
      left_out: LeftOut;
    }
  | (Extract<ShopfrontReport, { ok: true }> & { kind: 'events'; encoding: string })
  | ReportRefusal;

type Refusal = ReportRefusal;

interface LayoutSpec {
  title: string;
  columns: readonly string[];
  /** Column keys (columnKey) a header must have. */
  required: readonly string[];
  /** The key of the day column and the tracking id column. */
  day: string;
  tag: string;
  /** The layout's own cells of a row: its figures, or null with each bad cell reported. */
  row: (cells: RowCells, currency: Currency) => RowFigures | null;
}

export const LAYOUTS: Record<StatementLayout, LayoutSpec> = {
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
    day: 'date shipped',
    tag: 'tracking id',
    row: earningsRow,
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
    day: 'date',
    tag: 'tag',
    row: ordersRow,
  },
};

/** First header cells of Amazon's localised layouts: refused, never read as US files. */
const LOCALISED: Record<string, string> = {
  kategorie: 'German',
  catégorie: 'French',
  categoria: 'Italian or Portuguese',
  categoría: 'Spanish',
  カテゴリー: 'Japanese',
  categorie: 'Dutch',
};

export function parseAmazonReport(
  bytes: Uint8Array,
  table: ProgramTable,
  options: ImportOptions = {},
): ParsedReport {
  const { text, encoding } = decodeReport(bytes);
  const read = readRecords(text);
  if (!read.ok) return { ok: false, reason: 'unreadable', issues: [read.issue] };
  const records = read.records;
  const head = records.slice(0, 3);
  for (const [layout, spec] of Object.entries(LAYOUTS) as [StatementLayout, LayoutSpec][]) {
    const at = head.findIndex((r) => {
      const keys = new Set(r.record.map(columnKey));
      return spec.required.every((c) => keys.has(c));
    });
    if (at < 0) continue;
    const result = readStatement(layout, records, at, table, options);
    return result.ok ? { ...result, kind: 'statement', encoding } : result;
  }
  const shopfront = shopfrontHeaderAt(head);
  if (shopfront >= 0) {
    const events = parseShopfrontReport(records, shopfront, table, options.marketplace, options.credited);
    return events.ok ? { ...events, kind: 'events', encoding } : events;
  }
  return unknownLayout(head);
}

function unknownLayout(head: readonly CsvRecord[]): Refusal {
  const localised = head.find((r) => LOCALISED[r.record[0]?.trim().toLowerCase() ?? '']);
  if (localised) {
    const language = LOCALISED[localised.record[0]?.trim().toLowerCase() ?? ''];
    const message =
      `a ${language} report layout (${localised.record.slice(0, 4).join(', ')}, ...): its dates and decimals are ` +
      'not read here; export the report again with Associates Central set to English (US column names, dates and decimals)';
    return {
      ok: false,
      reason: 'localised_layout',
      issues: [{ row: localised.line, field: '(header)', message }],
    };
  }
  const seen = [...head].sort((a, b) => b.record.length - a.record.length)[0];
  const found = seen ? seen.record.filter((c) => c.trim() !== '').join(', ') : '(none)';
  const expected = Object.values(LAYOUTS)
    .map((l) => `${l.title}: ${l.columns.join(', ')}`)
    .concat(
      'shopfront orders: Category, Name, ASIN, Order ID, Order Date, Date, Status, Qty, Price($), Tracking ID, Sub Tag',
    )
    .join('; or ');
  return {
    ok: false,
    reason: 'unknown_layout',
    issues: [
      {
        row: seen?.line ?? 1,
        field: '(header)',
        message: `unknown report layout: the columns are ${found}; expected ${expected}`,
      },
    ],
  };
}

// ---------------------------------------------------------------- a statement

interface Columns {
  header: CsvRecord;
  index: Map<string, number>;
  names: Map<string, string>;
}

function readStatement(
  layout: StatementLayout,
  records: readonly CsvRecord[],
  headerIndex: number,
  table: ProgramTable,
  options: ImportOptions,
): Extract<ParsedReport, { kind: 'statement' }> | Refusal {
  const header = records[headerIndex];
  if (!header)
    return { ok: false, reason: 'no_header', issues: [{ row: 1, field: '(header)', message: 'no header' }] };
  const columns: Columns = { header, index: new Map(), names: new Map() };
  header.record.forEach((cell, i) => {
    const key = columnKey(cell);
    if (!columns.index.has(key)) columns.index.set(key, i);
    if (!columns.names.has(key)) columns.names.set(key, cell.trim());
  });
  const market = reportMarket(table, options.marketplace, header);
  if (!market.ok) return market;
  const read = readRows(layout, records.slice(headerIndex + 1), columns, table, market);
  if (!read.ok) return read;
  const tag = LAYOUTS[layout].tag;
  const rows = rowsOfMarketplace(
    read.lines,
    (l) => l.tracking_id,
    table,
    market.marketplace,
    columns.names.get(tag) ?? tag,
  );
  if (!rows.ok) return { ok: false, reason: rows.reason, issues: rows.issues };
  const whole = wholeAccountLeftOut(rows.left_out, market.marketplace, options.whole_account === true);
  if (whole) return whole;
  const coverage = coverageOf(records.slice(0, headerIndex), rows.rows, options, header.line);
  if (!coverage.ok) return coverage;
  const outside = rows.rows.filter((l) => l.day < coverage.coverage.from || l.day > coverage.coverage.to);
  if (outside.length > 0)
    return {
      ok: false,
      reason: 'bad_rows',
      issues: outside.map((l) => ({
        row: l.row,
        field: columns.names.get(LAYOUTS[layout].day) ?? LAYOUTS[layout].day,
        message: `${l.day} is outside the report's coverage ${coverage.coverage.from} to ${coverage.coverage.to}`,
      })),
    };
  if (rows.rows.length === 0 && coverage.coverage.tracking_ids !== null)
    return {
      ok: false,
      reason: 'no_rows',
      issues: [{ row: header.line, field: '(file)', message: 'the report has no data rows' }],
    };
  const lines = aggregate(layout, rows.rows);
  if (!lines.ok) return lines;
  const statement: Statement = {
    layout,
    marketplace: market.marketplace,
    currency: market.currency,
    coverage: coverage.coverage,
    rows: rows.rows.length,
    lines: lines.lines,
  };
  return {
    ok: true,
    kind: 'statement',
    statement,
    encoding: '',
    reconciliation: layout === 'fee-earnings' ? reconcile(statement, table) : null,
    left_out: rows.left_out,
  };
}

// ---------------------------------------------------------------- rows

interface RowLine extends StatementLine {
  row: number;
}

function readRows(
  layout: StatementLayout,
  records: readonly CsvRecord[],
  columns: Columns,
  table: ProgramTable,
  { marketplace, currency }: { marketplace: string; currency: Currency },
): { ok: true; lines: RowLine[] } | Refusal {
  const issues: RowIssue[] = [];
  const lines: RowLine[] = [];
  const cells = rowCells(columns, issues);
  for (const { record, line } of records) {
    cells.moveTo(record, line);
    if (isTotalRow(record, cells.cell('asin'))) continue;
    const read = LAYOUTS[layout].row(cells, currency);
    const key = keyCells(cells, LAYOUTS[layout]);
    if (read && key)
      lines.push({
        ...key,
        ...read,
        marketplace,
        category: categoryId(cells.cell('category') || 'unknown', table),
        row: line,
      });
  }
  if (issues.length > 0) return { ok: false, reason: 'bad_rows', issues };
  return { ok: true, lines };
}

/** Amazon ends some exports with a Total row. */
function isTotalRow(record: readonly string[], asin: string): boolean {
  return (
    /^totals?$/i.test(record[0]?.trim() ?? '') ||
    (asin === '' && record.some((c) => /^totals?$/i.test(c.trim())))
  );
}

/** The cells of the row being read, by column key, and its issues: made once per file, moved row by row. */
interface RowCells {
  moveTo(record: readonly string[], line: number): void;
  /** The trimmed cell of a column key ('' when the file has no such column). */
  cell(key: string): string;
  /** Records an issue of the current row; returns false. */
  fail(key: string, message: string): false;
}

function rowCells(columns: Columns, issues: RowIssue[]): RowCells {
  let record: readonly string[] = [];
  let line = 0;
  return {
    moveTo(next, at) {
      record = next;
      line = at;
    },
    cell(key) {
      const at = columns.index.get(key);
      return at === undefined ? '' : (record[at] ?? '').trim();
    },
    fail(key, message) {
      issues.push({ row: line, field: columns.names.get(key) ?? key, message });
      return false;
    },
  };
}

function keyCells(
  { cell, fail }: RowCells,
  spec: LayoutSpec,
): Omit<StatementLine, keyof LineFigures | 'marketplace' | 'category' | 'price_minor'> | null {
  const tag = cell(spec.tag);
  const asin = cell('asin').toUpperCase();
  const dayText = cell(spec.day);
  let ok = true;
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(tag))
    ok = fail(spec.tag, `must be a tracking id (letters, digits, "-", "_"), got "${tag}"`);
  if (!/^[A-Z0-9]{1,20}$/.test(asin))
    ok = fail('asin', `must be an ASIN (1 to 20 letters or digits), got "${cell('asin')}"`);
  const day = readDay(dayText);
  if (!day.ok) ok = fail(spec.day, dayText === '' ? 'is empty' : day.message);
  return ok && day.ok ? { tracking_id: tag.toLowerCase(), asin, day: day.day } : null;
}

type RowFigures = LineFigures & { price_minor: number };

function earningsRow({ cell, fail }: RowCells, currency: Currency): RowFigures | null {
  const price = readMoney(cell('price'), currency, false);
  const shipped = readCount(cell('items shipped'), 0, MAX_ROW_ITEMS);
  const returned = readCount(cell('returns'), 0, MAX_ROW_ITEMS);
  const fee = readMoney(cell('ad fees'), currency, true);
  for (const [key, r] of [
    ['price', price],
    ['items shipped', shipped],
    ['returns', returned],
    ['ad fees', fee],
  ] as const)
    if (!r.ok) fail(key, cell(key) === '' ? 'is empty' : r.message);
  if (!price.ok || !shipped.ok || !returned.ok || !fee.ok) return null;
  const bound = feeBound(price.value, shipped.value + returned.value, currency);
  if (Math.abs(fee.value) > bound) {
    fail(
      'ad fees',
      `${cell('ad fees')} is more than the row's bound of ${bound} minor units (price x items + ${currency} 100)`,
    );
    return null;
  }
  return {
    ordered: 0,
    shipped: shipped.value,
    returned: returned.value,
    fee_minor: fee.value,
    price_minor: price.value,
  };
}

function ordersRow({ cell, fail }: RowCells, currency: Currency): RowFigures | null {
  const price = readMoney(cell('price'), currency, false);
  const qty = readCount(cell('qty'), 0, MAX_ROW_ITEMS);
  if (!price.ok) fail('price', cell('price') === '' ? 'is empty' : price.message);
  if (!qty.ok) fail('qty', cell('qty') === '' ? 'is empty' : qty.message);
  if (!price.ok || !qty.ok) return null;
  return { ...ZERO, ordered: qty.value, price_minor: price.value };
}

// ---------------------------------------------------------------- coverage and keys

function coverageOf(
  above: readonly CsvRecord[],
  lines: readonly RowLine[],
  options: ImportOptions,
  headerLine: number,
): { ok: true; coverage: Coverage } | Refusal {
  const refuse = (field: string, message: string): Refusal => ({
    ok: false,
    reason: 'bad_coverage',
    issues: [{ row: field === '(title)' ? 1 : 0, field, message }],
  });
  const title = above.map((r) => titleRange(r.record.join(','))).find((t) => t !== null) ?? null;
  if ((options.from === undefined) !== (options.to === undefined))
    return refuse(options.from ? 'to' : 'from', 'from and to are given together');
  for (const field of ['from', 'to'] as const) {
    const day = options[field];
    if (day !== undefined && !isIsoDay(day))
      return refuse(field, `must be a day like 2026-11-01, got "${day}"`);
  }
  const given = options.from && options.to ? { from: options.from, to: options.to } : null;
  if (title && given && (title.from !== given.from || title.to !== given.to))
    return refuse(
      '(title)',
      `the title line says ${title.from} to ${title.to}, the import says ${given.from} to ${given.to}`,
    );
  const days = lines.map((l) => l.day).sort();
  const range = title ?? given ?? (days.length > 0 ? { from: days[0] ?? '', to: days.at(-1) ?? '' } : null);
  if (!range)
    return {
      ok: false,
      reason: 'no_rows',
      issues: [
        { row: headerLine, field: '(file)', message: 'the report has no data rows and no date range' },
      ],
    };
  if (range.from > range.to)
    return refuse('(title)', `the range ${range.from} to ${range.to} ends before it starts`);
  const tracking_ids = options.whole_account ? null : [...new Set(lines.map((l) => l.tracking_id))].sort();
  return { ok: true, coverage: { ...range, tracking_ids } };
}

/** Rows summed per key, with checked sums. */
function aggregate(
  layout: StatementLayout,
  rows: readonly RowLine[],
): { ok: true; lines: StatementLine[] } | Refusal {
  const byKey = new Map<string, StatementLine>();
  try {
    // Every figure of the file summed too: any sum the ledger or a report may form stays exact.
    let total: LineFigures = ZERO;
    for (const { row: _row, ...line } of rows) {
      total = addFigures(total, { ...line, fee_minor: Math.abs(line.fee_minor) });
      const id = keyId(layout, line);
      const seen = byKey.get(id);
      if (seen) Object.assign(seen, addFigures(seen, line));
      else byKey.set(id, line);
    }
  } catch (error) {
    if (!(error instanceof UnsafeSumError)) throw error;
    return {
      ok: false,
      reason: 'unsafe_sum',
      issues: [
        {
          row: 0,
          field: '(file)',
          message: `the report's sums leave the exact integer range: ${error.message}`,
        },
      ],
    };
  }
  return { ok: true, lines: [...byKey.values()] };
}

// ---------------------------------------------------------------- reconciliation

const RECONCILIATION_ROWS = 200;

/** Amazon's Ad Fees per key against the rate table of the member's program for the key's net items. */
function reconcile(statement: Statement, table: ProgramTable): Reconciliation {
  const programFromTable = new Map(
    Object.values(table.influencers).map((m) => [m.tracking_id.toLowerCase(), m.program]),
  );
  const out: Reconciliation = {
    rows: [],
    more: 0,
    total: { reported_minor: 0, expected_minor: 0, difference_minor: 0 },
  };
  for (const line of statement.lines) {
    const rate = chooseRate(
      table,
      statement.marketplace,
      Date.parse(`${line.day}T00:00:00Z`),
      line.category,
      programFromTable.get(line.tracking_id) ?? 'influencer',
    );
    const commission = (q: number) => (rate ? lineCommission(line.price_minor, q, rate.bps) : 0);
    const net = line.shipped - line.returned;
    const expected = net >= 0 ? commission(net) : 0 - commission(0 - net);
    out.total.reported_minor = addSafe(out.total.reported_minor, line.fee_minor);
    out.total.expected_minor = addSafe(out.total.expected_minor, expected);
    if (expected === line.fee_minor) continue;
    if (out.rows.length >= RECONCILIATION_ROWS) out.more++;
    else
      out.rows.push({
        key: keyId(statement.layout, line),
        asin: line.asin,
        tracking_id: line.tracking_id,
        day: line.day,
        reported_minor: line.fee_minor,
        expected_minor: expected,
        difference_minor: line.fee_minor - expected,
      });
  }
  out.total.difference_minor = out.total.reported_minor - out.total.expected_minor;
  return out;
}
