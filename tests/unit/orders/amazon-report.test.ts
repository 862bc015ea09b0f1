import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAmazonReport, type ImportOptions } from '../../../domain/orders/amazon-report.ts';
import type { ProgramTable } from '../../../domain/orders/program-table.ts';
import { reportEventId, reportTime } from '../../../domain/orders/shopfront-report.ts';
import { fixtureProgram, sampleTable } from './helpers.ts';

const { table } = fixtureProgram();
const HEADER = 'Category,Name,ASIN,Order ID,Order Date,Date,Status,Qty,Price($),Tracking ID,Sub Tag';
const ROW =
  'Kitchen,"Lodge Skillet, 10.25 in",B00006JSUA,111-1234567-1234567,2026-11-03 14:22:10,2026-11-04 09:00:00,Shipped,2,24.90,anacooks-20,';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The file as bytes, as the import reads it. */
function read(text: string, program: ProgramTable = table, options: ImportOptions = {}) {
  return parseAmazonReport(utf8(text), program, options);
}

/** The shopfront layout's events (fails the test on anything else). */
function events(text: string, program: ProgramTable = table) {
  const result = read(text, program);
  if (!result.ok) return result;
  if (result.kind !== 'events') throw new Error(`read as ${result.kind}`);
  return result;
}

function parse(...rows: string[]) {
  return events([HEADER, ...rows].join('\n'));
}

describe('Amazon report parsing', () => {
  it('reads the sample report shipped with the program, title line and all', () => {
    const text = readFileSync('content/reports/amazon-sample-2026-11.csv', 'utf8');
    const result = events(text);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.rows.length).toBeGreaterThan(50);
    expect(result.rows[0]?.row).toBe(3); // line 1 is the title, line 2 the header
    expect(new Set(result.rows.map((r) => r.event.type))).toEqual(
      new Set(['order.placed', 'order.shipped', 'order.cancelled', 'order.returned']),
    );
  });

  it('turns a row into an order event of one item', () => {
    const result = parse(ROW.replace(/,$/, ',aZ3-_kP0q9LmN2bV7xYt1c'));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.rows[0]?.event).toEqual({
      type: 'order.shipped',
      order_id: '111-1234567-1234567',
      ordered_at: Date.parse('2026-11-03T14:22:10Z'),
      occurred_at: Date.parse('2026-11-04T09:00:00Z'),
      tracking_id: 'anacooks-20',
      click_id: 'aZ3-_kP0q9LmN2bV7xYt1c',
      // The marketplace a webhook delivering the order would name (withMarketplace): the home one.
      retailer: 'amazon-us',
      marketplace: 'amazon-us',
      currency: 'USD',
      items: [{ product_id: 'B00006JSUA', category: 'kitchen', quantity: 2, unit_price: 2490 }],
    });
    expect(result.rows[0]?.raw).toMatchObject({
      Name: 'Lodge Skillet, 10.25 in',
      'Sub Tag': 'aZ3-_kP0q9LmN2bV7xYt1c',
    });
  });

  it('maps category names and ids to program categories, anything else to a slug (default rate)', () => {
    const category = (text: string) => {
      const result = parse(ROW.replace(/^Kitchen/, `"${text}"`));
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      return result.rows[0]?.event.items[0]?.category;
    };
    expect(category('Sports & Outdoors')).toBe('sports');
    expect(category('luxury-beauty')).toBe('luxury-beauty');
    expect(category('PET SUPPLIES')).toBe('pets');
    expect(category('Video Games')).toBe('video-games');
  });

  it('reads prices exactly: "$1,299.00", "0.99", "5"', () => {
    const price = (text: string) => {
      const result = parse(ROW.replace(',24.90,', `,"${text}",`));
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      return result.rows[0]?.event.items[0]?.unit_price;
    };
    expect(price('$1,299.00')).toBe(129_900);
    expect(price('0.99')).toBe(99);
    expect(price('5')).toBe(500);
  });

  it('lists every bad row with its line and column, and returns no rows at all', () => {
    const result = parse(
      ROW,
      ROW.replace(',Shipped,', ',Lost,'),
      ROW.replace(',2,24.90,', ',0,24.9O,'),
      ROW.replace('2026-11-03 14:22:10', '03/11/2026'),
      ROW.replace(',anacooks-20,', ',,'),
      ROW.replace('2026-11-04 09:00:00', '2026-11-02 09:00:00'),
      ROW.replace(',24.90,', ',19.999,'),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.row, i.field])).toEqual([
      [3, 'Status'],
      [4, 'Qty'],
      [4, 'Price($)'],
      [5, 'Order Date'],
      [6, 'Tracking ID'],
      [7, 'Date'],
      [8, 'Price($)'],
    ]);
    for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(5);
  });

  it('names missing columns, an empty report and unreadable CSV', () => {
    const noQty = events(`${HEADER.replace(',Qty', '')}\n`);
    expect(noQty.ok ? [] : noQty.issues).toEqual([
      { row: 1, field: '(header)', message: 'missing column "Qty"' },
    ]);
    const empty = events(`${HEADER}\n\n`);
    expect(empty.ok ? [] : empty.issues.map((i) => i.message)).toEqual(['the report has no data rows']);
    const noHeader = read('a,b,c\n1,2,3\n');
    expect(noHeader.ok ? [] : noHeader.issues.map((i) => i.field)).toEqual(['(header)']);
    const broken = parse(ROW, 'Kitchen,"unterminated,B00006JSUA');
    expect(broken.ok ? [] : broken.issues.map((i) => i.field)).toEqual(['(file)']);
  });

  it('gives identical rows distinct, stable ids, and ignores cosmetic differences', async () => {
    const twice = parse(ROW, ROW);
    const again = parse(
      ROW.replace('"Lodge Skillet, 10.25 in"', 'Lodge Skillet').replace(',24.90,', ',$24.90,'),
      ROW,
    );
    if (!twice.ok || !again.ok) throw new Error('parse failed');
    const ids = await Promise.all(twice.rows.map(reportEventId));
    expect(new Set(ids).size).toBe(2);
    expect(await Promise.all(again.rows.map(reportEventId))).toEqual(ids);
    expect(ids[0]).toMatch(/^amzr_[0-9a-f]{64}$/);
  });

  it('keeps the id a row had before the marketplace was resolved (a file imported then is still a duplicate)', async () => {
    const result = parse(ROW);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const before = 'amzr_45e644ece9479e2b299c8ae226f92e64c235b6a54ef2cb5368785bd8d96c2e22';
    expect(await reportEventId(result.rows[0]!)).toBe(before);
    // Naming the home marketplace (ignored before for this layout) keeps the id too.
    const named = read([HEADER, ROW].join('\n'), table, { marketplace: 'amazon-us' });
    if (!named.ok || named.kind !== 'events') throw new Error(JSON.stringify(named));
    expect(await reportEventId(named.rows[0]!)).toBe(before);
  });

  it('gives a row one id whatever marketplace its file is imported for (one order, counted once)', async () => {
    const live = sampleTable();
    const idFor = async (header: string, marketplace?: string) => {
      const r = read([header, ROW].join('\n'), live, marketplace ? { marketplace } : {});
      if (!r.ok || r.kind !== 'events') throw new Error(JSON.stringify(r));
      return reportEventId(r.rows[0]!);
    };
    // "$" fits USD and CAD; a header without a sign states no currency at all.
    expect(await idFor(HEADER, 'amazon-ca')).toBe(await idFor(HEADER));
    const bare = HEADER.replace('Price($)', 'Price');
    expect(await idFor(bare, 'amazon-uk')).toBe(await idFor(bare, 'amazon-us'));
  });

  it("refuses a cell whose own sign is not the file's currency, naming the column", () => {
    const result = read([HEADER, ROW.replace(',24.90,', ',€24.90,')].join('\n'));
    if (result.ok) throw new Error(`read as ${result.kind}`);
    expect(result.issues.map((i) => [i.row, i.field, i.message])).toEqual([
      [2, 'Price($)', expect.stringContaining('has the sign "€", not one of USD')],
    ]);
  });

  it('imports the export for the marketplace named, in its currency, as the webhook resolves it', () => {
    const live = sampleTable();
    const uk = [HEADER.replace('Price($)', 'Price(£)'), ROW.replace(',24.90,', ',£24.95,')].join('\n');
    const result = read(uk, live, { marketplace: 'amazon-uk' });
    if (!result.ok || result.kind !== 'events') throw new Error(JSON.stringify(result));
    expect(result.rows[0]?.event).toMatchObject({
      retailer: 'amazon-uk',
      marketplace: 'amazon-uk',
      currency: 'GBP',
      items: [{ unit_price: 2495 }],
    });
    // A "Price($)" header imported for amazon-uk, a "Price(£)" one for the home marketplace, an
    // unknown marketplace: refused as Amazon's layouts are, before any row is read.
    const refusals = [
      read([HEADER, ROW].join('\n'), live, { marketplace: 'amazon-uk' }),
      read(uk, live),
      read([HEADER, ROW].join('\n'), live, { marketplace: 'amazon-jp' }),
    ].map((r) => (r.ok ? r.kind : { reason: r.reason, messages: r.issues.map((i) => i.message) }));
    expect(refusals).toEqual([
      {
        reason: 'currency_mismatch',
        messages: [
          'the report\'s amounts are in USD or CAD or MXN or AUD or SGD ("Price($)"), but amazon-uk is a GBP marketplace: import it for the marketplace it was exported from',
        ],
      },
      {
        reason: 'currency_mismatch',
        messages: [
          'the report\'s amounts are in GBP ("Price(£)"), but amazon-us is a USD marketplace: import it for the marketplace it was exported from',
        ],
      },
      {
        reason: 'unknown_marketplace',
        messages: [expect.stringContaining('unknown marketplace "amazon-jp"')],
      },
    ]);
  });

  it('reads report times as UTC', () => {
    expect(reportTime('2026-11-03 14:22:10')).toBe('2026-11-03T14:22:10.000Z');
    expect(reportTime('2026-11-03')).toBe('2026-11-03T00:00:00.000Z');
    expect(reportTime('2026-11-03T06:22:10-08:00')).toBe('2026-11-03T14:22:10.000Z');
    expect(reportTime('2026-02-30 10:00:00')).toBeNull();
    expect(reportTime('11/03/2026')).toBeNull();
  });
});
