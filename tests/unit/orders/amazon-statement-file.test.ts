/** Amazon's Fee-Earnings and Fee-Orders files read as statements (domain/orders/amazon-report.ts). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAmazonReport, type ImportOptions } from '../../../domain/orders/amazon-report.ts';
import type { ProgramTable } from '../../../domain/orders/program-table.ts';
import { decodeReport, readMoney } from '../../../domain/orders/report-file.ts';
import { earningsFile, type EarningsRow } from '../../../scripts/lib/fixtures/amazon-report-writer.ts';
import { sampleTable } from './helpers.ts';

const content: ProgramTable = sampleTable();
const EARNINGS = readFileSync('content/reports/amazon-fee-earnings-2026-11.csv');
const ORDERS = readFileSync('content/reports/amazon-fee-orders-2026-11.csv');
const GERMAN = readFileSync('tests/fixtures/reports/amazon-fee-earnings-de-2026-11.csv');
const EARNINGS_HEADER =
  'Category,Name,ASIN,Seller,Tracking ID,Date Shipped,Price($),Items Shipped,Returns,Revenue($),Ad Fees($),Device Type Group,Direct/Indirect';
const utf8 = (text: string) => new TextEncoder().encode(text);

function statement(bytes: Uint8Array, options: ImportOptions = {}) {
  const result = parseAmazonReport(bytes, content, options);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  if (result.kind !== 'statement') throw new Error('not a statement');
  return result;
}

function refusal(bytes: Uint8Array, options: ImportOptions = {}) {
  const result = parseAmazonReport(bytes, content, options);
  if (result.ok) throw new Error('expected a refusal');
  return result;
}

/** The issues of a Fee-Earnings file of these data rows under the English header. */
const rowIssues = (...rows: string[]) => refusal(utf8([EARNINGS_HEADER, ...rows].join('\n'))).issues;

const ROW: EarningsRow = {
  category: 'Kitchen',
  name: 'Lodge Skillet, Pre-Seasoned',
  asin: 'B00006JSUA',
  tracking_id: 'milacooks-20',
  day: '2026-11-05',
  price_minor: 2490,
  shipped: 2,
  returned: 0,
  fee_minor: 224,
};

describe('Fee-Earnings as a statement', () => {
  it('reads the sample: title line as coverage, rows summed per key, Total row skipped', () => {
    const { statement: s, encoding } = statement(EARNINGS);
    expect(encoding).toBe('utf-8');
    expect(s).toMatchObject({ layout: 'fee-earnings', marketplace: 'amazon-us', currency: 'USD', rows: 8 });
    expect(s.coverage).toEqual({
      from: '2026-11-01',
      to: '2026-11-30',
      tracking_ids: [
        'biscuitbean-20',
        'glowpriya-20',
        'jesshomelab-20',
        'milacooks-20',
        'oldkitchenblog-20',
        'pageturnerava-20',
      ],
    });
    // The two identical Echo rows are one key with both items and both fees (two real orders).
    expect(s.lines).toHaveLength(7);
    expect(s.lines.find((l) => l.asin === 'B0BLS3Y632')).toEqual({
      marketplace: 'amazon-us',
      tracking_id: 'jesshomelab-20',
      asin: 'B0BLS3Y632',
      price_minor: 104_999,
      day: '2026-11-09',
      category: 'devices',
      ordered: 0,
      shipped: 2,
      returned: 0,
      fee_minor: 8400,
    });
    // A returns-only row keeps Amazon's negative Ad Fees.
    expect(s.lines.find((l) => l.day === '2026-11-20')).toMatchObject({
      shipped: 0,
      returned: 1,
      fee_minor: -112,
    });
    expect(s.lines.reduce((sum, l) => sum + l.fee_minor, 0)).toBe(9910);
  });

  it("reconciles Amazon's Ad Fees with the rate tables per key and in total (a report only)", () => {
    const { reconciliation } = statement(EARNINGS);
    // Luxury beauty is 10% in the table: 72.00 -> 7.20; Amazon paid 7.92.
    expect(reconciliation).toEqual({
      rows: [
        {
          key: 'amzs:amazon-us:glowpriya-20:B09TZK3R7W:7200:2026-11-08',
          asin: 'B09TZK3R7W',
          tracking_id: 'glowpriya-20',
          day: '2026-11-08',
          reported_minor: 792,
          expected_minor: 720,
          difference_minor: 72,
        },
      ],
      more: 0,
      total: { reported_minor: 9910, expected_minor: 9838, difference_minor: 72 },
    });
  });

  it('reads the same statement from every cosmetic variant of the export', () => {
    const rows = [
      ROW,
      { ...ROW, day: '2026-11-12', shipped: 1, fee_minor: 112, name: 'Lodge – Crème brûlée skillet' },
    ];
    const plain = statement(
      earningsFile(rows, { title: { from: '2026-11-01', to: '2026-11-15' } }),
    ).statement;
    for (const style of [
      { delimiter: '\t' as const },
      { bom: true },
      { encoding: 'windows-1252' as const },
      { reversed: true },
      { extra: true },
      { usDates: true },
      { total: true },
      { delimiter: '\t' as const, bom: true, reversed: true, extra: true },
    ]) {
      const variant = statement(
        earningsFile(rows, { title: { from: '2026-11-01', to: '2026-11-15' }, ...style }),
      );
      expect(variant.statement, JSON.stringify(style)).toEqual(plain);
    }
    expect(statement(earningsFile(rows, { encoding: 'windows-1252' })).encoding).toBe('windows-1252');
  });

  it('decodes Windows-1252 bytes and strips a BOM', () => {
    expect(decodeReport(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41])).text).toBe('A');
    expect(decodeReport(Uint8Array.from([0x80, 0x20, 0xe9, 0x96]))).toEqual({
      text: '€ é–',
      encoding: 'windows-1252',
    });
  });

  it('keeps negative fees on rows that shipped and fees on rows without items', () => {
    const s = statement(
      earningsFile([
        { ...ROW, shipped: 1, returned: 0, fee_minor: -50 },
        { ...ROW, asin: 'B0000BONUS', price_minor: 0, shipped: 0, returned: 0, fee_minor: 300 },
      ]),
    ).statement;
    expect(s.lines.map((l) => [l.asin, l.shipped, l.fee_minor])).toEqual([
      ['B00006JSUA', 1, -50],
      ['B0000BONUS', 0, 300],
    ]);
  });

  it('refuses a fee over the per-row bound (price x items + 100.00), naming the cell', () => {
    const result = refusal(earningsFile([{ ...ROW, price_minor: 0, shipped: 0, fee_minor: 10_001 }]));
    expect(result.reason).toBe('bad_rows');
    expect(result.issues).toEqual([
      { row: 2, field: 'Ad Fees($)', message: expect.stringContaining('bound') },
    ]);
    expect(
      statement(earningsFile([{ ...ROW, price_minor: 0, shipped: 0, fee_minor: 10_000 }])).statement.lines,
    ).toHaveLength(1);
  });

  it('refuses sums that would leave the safe-integer range (unsafe_sum), before anything is stored', () => {
    const big = { ...ROW, price_minor: 100_000_000_000, shipped: 10_000, fee_minor: 1_000_000_000_000 };
    const rows = Array.from({ length: 9_100 }, () => big);
    const result = refusal(earningsFile(rows));
    expect(result.reason).toBe('unsafe_sum');
    expect(result.issues[0]?.message).toMatch(/safe-integer range/);
  });
});

describe('coverage', () => {
  const noTitle = earningsFile([ROW, { ...ROW, day: '2026-11-12', tracking_id: 'glowpriya-20' }]);

  it('is the title range, else from/to, else the first to the last row day', () => {
    expect(statement(noTitle).statement.coverage).toMatchObject({ from: '2026-11-05', to: '2026-11-12' });
    expect(statement(noTitle, { from: '2026-11-01', to: '2026-11-30' }).statement.coverage).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-30',
    });
    expect(statement(noTitle, { whole_account: true }).statement.coverage.tracking_ids).toBeNull();
    expect(statement(noTitle).statement.coverage.tracking_ids).toEqual(['glowpriya-20', 'milacooks-20']);
  });

  it('refuses a title that disagrees with from/to, and rows outside the coverage', () => {
    const titled = earningsFile([ROW], { title: { from: '2026-11-01', to: '2026-11-30' } });
    expect(refusal(titled, { from: '2026-11-01', to: '2026-11-15' })).toMatchObject({
      reason: 'bad_coverage',
    });
    const outside = refusal(noTitle, { from: '2026-11-06', to: '2026-11-30' });
    expect(outside.reason).toBe('bad_rows');
    expect(outside.issues).toEqual([
      { row: 2, field: 'Date Shipped', message: expect.stringContaining('outside') },
    ]);
    expect(refusal(noTitle, { from: '2026-11-06' }).reason).toBe('bad_coverage');
  });

  it('takes an empty whole-account statement with a range (it reverses what it covers)', () => {
    const empty = earningsFile([], { title: { from: '2026-11-01', to: '2026-11-30' } });
    expect(statement(empty, { whole_account: true }).statement).toMatchObject({ lines: [], rows: 0 });
    expect(refusal(empty).issues[0]?.message).toBe('the report has no data rows');
  });
});

describe('currencies and localised layouts', () => {
  it('refuses a £ file into a USD marketplace as currency_mismatch, naming both currencies', () => {
    const result = refusal(earningsFile([ROW], { sign: '£' }));
    expect(result.reason).toBe('currency_mismatch');
    expect(result.issues[0]?.message).toMatch(/GBP.*amazon-us is a USD marketplace/);
  });

  it('refuses an unknown marketplace', () => {
    const result = refusal(earningsFile([ROW]), { marketplace: 'amazon-zz' });
    expect(result.reason).toBe('unknown_marketplace');
    expect(result.issues[0]?.field).toBe('marketplace');
  });

  it('refuses the German layout (localised_layout), never reading it as a US file', () => {
    const result = refusal(new Uint8Array(GERMAN));
    expect(result.reason).toBe('localised_layout');
    expect(result.issues[0]?.message).toMatch(/German report layout.*English/);
  });

  it('refuses comma decimals and DD.MM.YYYY in an English header as localised', () => {
    const issues = rowIssues(
      'Kitchen,x,B00006JSUA,Amazon.com,milacooks-20,05.11.2026,"24,90",1,0,"24,90","1,12",PHONE,Direct',
    );
    expect(issues.map((i) => [i.row, i.field])).toEqual([
      [2, 'Price($)'],
      [2, 'Ad Fees($)'],
      [2, 'Date Shipped'],
    ]);
    expect(issues.every((i) => /localised/.test(i.message))).toBe(true);
    expect(readMoney('1,049.99', 'USD', false)).toEqual({ ok: true, value: 104_999 });
    expect(readMoney('(1.12)', 'USD', true)).toEqual({ ok: true, value: -112 });
    expect(readMoney('$-1.12', 'USD', true)).toEqual({ ok: true, value: -112 });
  });

  it('refuses an unknown header set (unknown_layout), naming its columns', () => {
    const result = refusal(utf8('Report\nDate,Clicks,Ordered Items,Conversion\n2026-11-01,3,1,33%\n'));
    expect(result.reason).toBe('unknown_layout');
    expect(result.issues).toEqual([
      {
        row: 2,
        field: '(header)',
        message: expect.stringContaining(
          'unknown report layout: the columns are Date, Clicks, Ordered Items, Conversion',
        ),
      },
    ]);
  });

  it('lists bad rows by line and column', () => {
    const issues = rowIssues(
      'Kitchen,x,B00006JSUA,Amazon.com,milacooks-20,someday,24.90,1,0,24.90,1.12,PHONE,Direct',
      'Kitchen,x,B00006JSUA,Amazon.com,milacooks-20,2026-11-05,24.90,two,0,24.90,abc,PHONE,Direct',
    );
    expect(issues.map((i) => [i.row, i.field])).toEqual([
      [2, 'Date Shipped'],
      [3, 'Items Shipped'],
      [3, 'Ad Fees($)'],
    ]);
  });
});

describe('Fee-Orders as a statement', () => {
  it('reads items ordered per key (never money)', () => {
    const { statement: s, reconciliation } = statement(ORDERS);
    expect(reconciliation).toBeNull();
    expect(s.layout).toBe('fee-orders');
    expect(s.lines.every((l) => l.fee_minor === 0 && l.shipped === 0)).toBe(true);
    expect(s.lines.find((l) => l.asin === 'B0BLS3Y632')).toMatchObject({
      tracking_id: 'jesshomelab-20',
      day: '2026-11-07',
      price_minor: 104_999,
      category: 'devices',
      ordered: 2,
    });
    expect(s.lines.reduce((n, l) => n + l.ordered, 0)).toBe(10);
  });
});
