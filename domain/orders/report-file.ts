/**
 * A report file as Associates Central exports it, before any layout is known:
 * bytes -> text -> records, plus the cell readers every layout shares.
 *
 *   text      = bytes without a UTF-8 BOM, as UTF-8 when they are valid UTF-8,
 *               else as Windows-1252 (what Excel and Associates Central write on
 *               Windows); no other encoding is guessed
 *   delimiter = tab when a line of the head has more tabs than commas, else comma
 *   title     = a line above the header; "... from <day> to <day>" is its coverage
 *   money     = [-|(] [sign] digits [, groups of three] [. decimals] [)], exactly
 *               the currency's minor unit (domain/money.ts), never a float
 *   day       = YYYY-MM-DD [time], MM/DD/YYYY, MM-DD-YYYY or "November 3, 2026",
 *               UTC; a comma decimal or DD.MM.YYYY is refused (never read as US)
 */
import { parse } from 'csv-parse/sync';
import type { Currency } from '../currency.ts';
import type { RowIssue } from '../issues.ts';
import { toMinorUnits } from '../money.ts';
import { isIsoDay, utcDay } from '../time.ts';
import type { ProgramTable } from './program-table.ts';

/**
 * Why a report file is refused as a whole (nothing stored); the worker maps each to its
 * HTTP status in one table (worker/lib/reasons.ts). Cells listed by `issues`.
 *   unreadable           not CSV (quotes, ragged rows)
 *   no_header            no header line at all
 *   missing_columns      a known layout without a column it needs
 *   unknown_layout       a header of no layout we read, named
 *   localised_layout     a German, French, ... header: its dates and decimals are not read
 *   unknown_marketplace  the import names a marketplace the program does not know
 *   currency_mismatch    the header's currency sign is not the marketplace's currency
 *   other_marketplace    the file's known tracking ids are another marketplace's, or a whole-account
 *                        statement with rows of another marketplace's (report-tracking.ts)
 *   imported_elsewhere   the same file was committed for another marketplace (report-tracking.ts)
 *   bad_coverage         from/to given alone, unreadable, or disagreeing with the title
 *   bad_rows             cells that do not read (each listed), or rows outside the coverage
 *   no_rows              no data rows (and, for a statement, no date range either)
 *   unsafe_sum           a sum leaves the exact integer range
 */
export const REPORT_REFUSAL_REASONS = [
  'unreadable',
  'no_header',
  'missing_columns',
  'unknown_layout',
  'localised_layout',
  'unknown_marketplace',
  'currency_mismatch',
  'other_marketplace',
  'imported_elsewhere',
  'bad_coverage',
  'bad_rows',
  'no_rows',
  'unsafe_sum',
] as const;
export type ReportRefusalReason = (typeof REPORT_REFUSAL_REASONS)[number];

export interface ReportRefusal {
  ok: false;
  reason: ReportRefusalReason;
  issues: RowIssue[];
  /**
   * shopfront's export refused as another marketplace's: the orders of the rows that refused it
   * (sorted). The refusal holds while none of them is credited: rows of a credited order are never
   * judged (report-tracking.ts settled), so the importer reads which are and judges again.
   */
  orders?: string[];
}

export interface CsvRecord {
  record: string[];
  /** 1-based line the record starts on. */
  line: number;
}

// ---------------------------------------------------------------- bytes

/** Windows-1252's 0x80..0x9F (the rest of the byte range is Latin-1); 0 marks an unassigned byte. */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,
  0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0, 0x017e, 0x0178,
];

export function decodeReport(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body),
      encoding: 'utf-8',
    };
  } catch {
    return { text: decodeCp1252(body), encoding: 'windows-1252' };
  }
}

function decodeCp1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 8192) {
    const codes = Array.from(bytes.subarray(i, i + 8192), (b) =>
      b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] || 0xfffd : b,
    );
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}

// ---------------------------------------------------------------- records

export function delimiterOf(text: string): ',' | '\t' {
  const head = text.split(/\r?\n/, 3);
  const count = (line: string, c: string) => line.split(c).length - 1;
  return head.some((line) => count(line, '\t') > count(line, ',')) ? '\t' : ',';
}

export function readRecords(
  text: string,
): { ok: true; records: CsvRecord[] } | { ok: false; issue: RowIssue } {
  try {
    // With `info`, csv-parse yields { record, info } objects (its typings say string[][]).
    const output: unknown[] = parse(text, {
      bom: true,
      delimiter: delimiterOf(text),
      info: true,
      relax_column_count: true,
      relax_quotes: false,
      skip_empty_lines: true,
      trim: true,
    });
    return { ok: true, records: output.map(csvRecord) };
  } catch (error) {
    const line = typeof error === 'object' && error && 'lines' in error ? Number(error.lines) : 1;
    const message = error instanceof Error ? error.message.replace(/^Invalid [^:]*: /, '') : String(error);
    return {
      ok: false,
      issue: { row: line || 1, field: '(file)', message: `not readable as CSV: ${message}` },
    };
  }
}

function csvRecord(value: unknown): CsvRecord {
  if (typeof value === 'object' && value !== null && 'record' in value && 'info' in value) {
    const { record, info } = value;
    if (Array.isArray(record) && typeof info === 'object' && info !== null && 'lines' in info)
      return { record: record.map(String), line: Number(info.lines) };
  }
  throw new Error('unexpected csv-parse output');
}

/** Header names compared without case, outer spaces or a trailing currency sign: "Price($)" ~ "price(£)". */
export function columnKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/\s*\([^)]*\)$/, '');
}

/** The sign in a header cell's parentheses: "Price(£)" -> "£". */
export function headerSign(name: string): string | null {
  return /\(([^)]*)\)\s*$/.exec(name.trim())?.[1]?.trim() ?? null;
}

/** Currencies a header sign may stand for. */
const SIGNS: Record<string, readonly Currency[]> = {
  $: ['USD', 'CAD', 'MXN', 'AUD', 'SGD'],
  US$: ['USD'],
  C$: ['CAD'],
  CA$: ['CAD'],
  '£': ['GBP'],
  '€': ['EUR'],
  EUR: ['EUR'],
  '¥': ['JPY'],
  '₹': ['INR'],
  R$: ['BRL'],
  kr: ['SEK'],
  zł: ['PLN'],
};

/** The currencies a sign may mean; null for a sign we do not know (refused by the caller). */
export function signCurrencies(sign: string): readonly Currency[] | null {
  if (/^[A-Z]{3}$/.test(sign)) return [sign as Currency];
  return SIGNS[sign] ?? null;
}

/** The money columns whose header sign (if any) states the file's currency. */
const MONEY_COLUMNS = ['price', 'ad fees', 'revenue'] as const;

/**
 * The marketplace a file is imported for and its currency, for every layout (Amazon's
 * statements and shopfront's order export alike):
 *   marketplace = the import's `marketplace`, else the program's default retailer; a known retailer
 *                 else unknown_marketplace
 *   currency    = that retailer's; each money header's sign ("Price(£)") must allow it
 *                 else currency_mismatch naming both (a header without a sign states nothing)
 */
export function reportMarket(
  table: ProgramTable,
  requested: string | undefined,
  header: CsvRecord,
): { ok: true; marketplace: string; currency: Currency } | ReportRefusal {
  const marketplace = requested ?? table.default_retailer;
  const retailer = Object.hasOwn(table.retailers, marketplace) ? table.retailers[marketplace] : undefined;
  if (!retailer)
    return {
      ok: false,
      reason: 'unknown_marketplace',
      issues: [
        {
          row: 0,
          field: 'marketplace',
          message: `unknown marketplace "${marketplace}" (known: ${Object.keys(table.retailers).join(', ')})`,
        },
      ],
    };
  for (const key of MONEY_COLUMNS) {
    const name = header.record.find((cell) => columnKey(cell) === key)?.trim();
    const sign = name ? headerSign(name) : null;
    if (!name || sign === null || sign === '') continue;
    const allowed = signCurrencies(sign);
    if (allowed?.includes(retailer.currency)) continue;
    const stated = allowed ? allowed.join(' or ') : `an unknown currency "${sign}"`;
    return {
      ok: false,
      reason: 'currency_mismatch',
      issues: [
        {
          row: header.line,
          field: name,
          message: `the report's amounts are in ${stated} ("${name}"), but ${marketplace} is a ${retailer.currency} marketplace: import it for the marketplace it was exported from`,
        },
      ],
    };
  }
  return { ok: true, marketplace, currency: retailer.currency };
}

// ---------------------------------------------------------------- title line

const TITLE = /\bfrom\s+(\S+)\s+to\s+(\S+?)[\s,.)]*$/i;

/** "Fee-Earnings reports from 11-01-2026 to 11-30-2026" -> its days; null when the line states none. */
export function titleRange(line: string): { from: string; to: string } | null {
  const match = TITLE.exec(line.trim());
  if (!match) return null;
  const from = reportDay(match[1] ?? '');
  const to = reportDay(match[2] ?? '');
  return from && to ? { from, to } : null;
}

// ---------------------------------------------------------------- cells

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

/** A report cell's UTC day, or null: ISO (a time after it ignored), MM/DD/YYYY, MM-DD-YYYY, "November 3, 2026". */
export function reportDay(text: string): string | null {
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(
    text,
  );
  if (iso) {
    if (iso[2] && iso[2] !== 'Z') {
      const ms = Date.parse(text.replace(' ', 'T'));
      return Number.isNaN(ms) ? null : utcDay(ms);
    }
    return isIsoDay(iso[1] ?? '') ? (iso[1] ?? null) : null;
  }
  const us = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?: \d{2}:\d{2}(?::\d{2})?)?$/.exec(text);
  if (us) return checked(`${us[3]}-${us[1]?.padStart(2, '0')}-${us[2]?.padStart(2, '0')}`);
  const long = /^([A-Za-z]+) (\d{1,2}), (\d{4})$/.exec(text);
  const month = long ? MONTHS.indexOf(long[1]?.toLowerCase() ?? '') : -1;
  if (long && month >= 0)
    return checked(`${long[3]}-${String(month + 1).padStart(2, '0')}-${long[2]?.padStart(2, '0')}`);
  return null;
}

function checked(day: string): string | null {
  return isIsoDay(day) ? day : null;
}

export type CellResult = { ok: true; value: number } | { ok: false; message: string };

/** A whole count from `min` to `max` ("1,234" allowed). */
export function readCount(text: string, min: number, max: number): CellResult {
  const plain = /^\d{1,3}(,\d{3})+$/.test(text) ? text.replace(/,/g, '') : text;
  const n = /^\d{1,9}$/.test(plain) ? Number(plain) : NaN;
  if (n >= min && n <= max) return { ok: true, value: n };
  return { ok: false, message: `must be a whole number from ${min} to ${max}, got "${text}"` };
}

/** An amount in minor units; negative as "-1.12", "(1.12)" or "$-1.12" only when `signed`. */
export function readMoney(text: string, currency: Currency, signed: boolean): CellResult {
  let rest = text;
  let negative = false;
  if (/^\(.*\)$/.test(rest)) [negative, rest] = [true, rest.slice(1, -1).trim()];
  if (rest.startsWith('-')) [negative, rest] = [true, rest.slice(1)];
  const sign = /^[^\d\s.,-]{1,3}/.exec(rest)?.[0] ?? '';
  if (sign && !signCurrencies(sign)?.includes(currency))
    return { ok: false, message: `has the sign "${sign}", not one of ${currency} ("${text}")` };
  rest = rest.slice(sign.length);
  if (rest.startsWith('-')) [negative, rest] = [true, rest.slice(1)];
  if (negative && !signed) return { ok: false, message: `must not be negative, got "${text}"` };
  if (/^\d+,\d{1,2}$/.test(rest) || /^\d{1,3}(\.\d{3})+(,\d+)?$/.test(rest))
    return { ok: false, message: `has a comma decimal ("${text}"): a localised file, not read as US` };
  const grouped = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(rest) ? rest.replace(/,/g, '') : rest;
  const converted = toMinorUnits(grouped, currency);
  if (!converted.ok) return { ok: false, message: converted.message };
  return { ok: true, value: negative && converted.minor !== 0 ? 0 - converted.minor : converted.minor };
}

/** The cell's day, or a message naming the formats read (DD.MM.YYYY is a localised file). */
export function readDay(text: string): { ok: true; day: string } | { ok: false; message: string } {
  const day = reportDay(text);
  if (day) return { ok: true, day };
  if (/^\d{1,2}\.\d{1,2}\.\d{4}/.test(text))
    return { ok: false, message: `is a DD.MM.YYYY date ("${text}"): a localised file, not read as US` };
  return {
    ok: false,
    message: `must be a date like 2026-11-03, 2026-11-03 14:22:10, 11/03/2026 or November 3, 2026 (UTC), got "${text}"`,
  };
}

/** A program category id from an id or a display name (any case); anything else as a slug, which gets the default rate. */
export function categoryId(text: string, program: ProgramTable): string {
  const lower = text.toLowerCase();
  const known = program.categories.find((c) => c.id === lower || c.name.toLowerCase() === lower);
  return known?.id ?? (lower.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || lower);
}
