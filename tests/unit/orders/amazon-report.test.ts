import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAmazonReport, reportEventId, reportTime } from '../../../domain/orders/amazon-report.ts';
import { buildProgramTable } from '../../../domain/orders/program-table.ts';
import { loadContent } from '../../../build/load-content.ts';
import { fixtureProgram } from './helpers.ts';

const { table } = fixtureProgram();
const HEADER = 'Category,Name,ASIN,Order ID,Order Date,Date,Status,Qty,Price($),Tracking ID,Sub Tag';
const ROW =
  'Kitchen,"Lodge Skillet, 10.25 in",B00006JSUA,111-1234567-1234567,2026-11-03 14:22:10,2026-11-04 09:00:00,Shipped,2,24.90,anacooks-20,';

function parse(...rows: string[]) {
  return parseAmazonReport([HEADER, ...rows].join('\n'), table);
}

describe('Amazon report parsing', () => {
  it('reads the sample report shipped with the program, title line and all', () => {
    const text = readFileSync('content/reports/amazon-sample-2026-11.csv', 'utf8');
    const result = parseAmazonReport(text, table);
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
      retailer: null,
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
    const noQty = parseAmazonReport(`${HEADER.replace(',Qty', '')}\n`, table);
    expect(noQty.ok ? [] : noQty.issues).toEqual([
      { row: 1, field: '(header)', message: 'missing column "Qty"' },
    ]);
    const empty = parseAmazonReport(`${HEADER}\n\n`, table);
    expect(empty.ok ? [] : empty.issues.map((i) => i.message)).toEqual(['the report has no data rows']);
    const noHeader = parseAmazonReport('a,b,c\n1,2,3\n', table);
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

  it('reads report times as UTC', () => {
    expect(reportTime('2026-11-03 14:22:10')).toBe('2026-11-03T14:22:10.000Z');
    expect(reportTime('2026-11-03')).toBe('2026-11-03T00:00:00.000Z');
    expect(reportTime('2026-11-03T06:22:10-08:00')).toBe('2026-11-03T14:22:10.000Z');
    expect(reportTime('2026-02-30 10:00:00')).toBeNull();
    expect(reportTime('11/03/2026')).toBeNull();
  });
});

// ---------------------------------------------------------------- Amazon's own layouts

const content = (() => {
  const loaded = loadContent('content');
  if (!loaded.content) throw new Error('sample content does not load');
  return buildProgramTable(loaded.content);
})();
const EARNINGS = readFileSync('content/reports/amazon-fee-earnings-2026-11.csv', 'utf8');
const ORDERS = readFileSync('content/reports/amazon-fee-orders-2026-11.csv', 'utf8');
const EARNINGS_HEADER =
  'Category,Name,ASIN,Seller,Tracking ID,Date Shipped,Price($),Items Shipped,Returns,Revenue($),Ad Fees($),Device Type Group,Direct/Indirect';

describe("Amazon's Fee-Earnings and Fee-Orders reports", () => {
  it('reads the Fee-Earnings sample: title line, header by name, Total row skipped, returns as reversals', () => {
    const result = parseAmazonReport(EARNINGS, content);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.layout).toBe('fee-earnings');
    expect(result.lines).toBe(8);
    expect(result.rows.map((r) => [r.row, r.event.type])).toEqual([
      [3, 'order.shipped'],
      [4, 'order.returned'],
      [5, 'order.shipped'],
      [6, 'order.shipped'],
      [7, 'order.shipped'],
      [8, 'order.shipped'],
      [9, 'order.shipped'],
      [10, 'order.shipped'],
    ]);
    expect(result.rows[0]?.event).toMatchObject({
      order_id: 'amzn:milacooks-20:B00006JSUA:2490',
      ordered_at: Date.parse('2026-11-05T00:00:00Z'),
      occurred_at: Date.parse('2026-11-05T00:00:00Z'),
      tracking_id: 'milacooks-20',
      items: [
        {
          product_id: 'B00006JSUA',
          category: 'kitchen',
          quantity: 2,
          unit_price: 2490,
          reported_commission_minor: 224,
        },
      ],
    });
    // A returns-only row takes back Amazon's negative Ad Fees.
    expect(result.rows[1]?.event.items[0]).toMatchObject({ quantity: 1, reported_commission_minor: 112 });
  });

  it("reconciles Amazon's Ad Fees with the rate tables per row and in total", () => {
    const result = parseAmazonReport(EARNINGS, content);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    // Luxury beauty is 10% in the table: 72.00 -> 7.20; Amazon paid 7.92.
    expect(result.reconciliation).toEqual({
      rows: [
        {
          row: 7,
          asin: 'B09TZK3R7W',
          tracking_id: 'glowpriya-20',
          reported_minor: 792,
          expected_minor: 720,
          difference_minor: 72,
        },
      ],
      total: { reported_minor: 9910, expected_minor: 9838, difference_minor: 72 },
    });
  });

  it('reads the Fee-Orders sample as orders placed, pending until shipment rows arrive', () => {
    const result = parseAmazonReport(ORDERS, content);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.layout).toBe('fee-orders');
    expect(result.reconciliation).toBeNull();
    expect(result.rows).toHaveLength(8);
    expect(new Set(result.rows.map((r) => r.event.type))).toEqual(new Set(['order.placed']));
    expect(result.rows[5]?.event).toMatchObject({
      order_id: 'amzn:jesshomelab-20:B0BLS3Y632:104999',
      tracking_id: 'jesshomelab-20',
      items: [{ product_id: 'B0BLS3Y632', category: 'devices', quantity: 1, unit_price: 104_999 }],
    });
  });

  it('gives two identical rows distinct ids that are the same on every import', async () => {
    const ids = async (text: string) => {
      const result = parseAmazonReport(text, content);
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      return Promise.all(result.rows.map(reportEventId));
    };
    const first = await ids(EARNINGS);
    expect(new Set(first).size).toBe(first.length);
    expect(await ids(EARNINGS)).toEqual(first);
    // The same rows in an Orders file are other events.
    const orders = await ids(ORDERS);
    expect(orders.filter((id) => first.includes(id))).toEqual([]);
  });

  it('finds columns by name: other order, extra columns, another currency sign, no title line', () => {
    const text = [
      'Tracking ID,ASIN,Category,Date Shipped,Price(£),Items Shipped,Returns,Ad Fees(£),Extra,Seller',
      'milacooks-20,B00006JSUA,Kitchen,11/05/2026,24.90,1,0,1.12,x,Amazon.com',
    ].join('\n');
    const result = parseAmazonReport(text, content);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.layout).toBe('fee-earnings');
    expect(result.rows[0]?.event).toMatchObject({
      occurred_at: Date.parse('2026-11-05T00:00:00Z'),
      items: [{ quantity: 1, unit_price: 2490, reported_commission_minor: 112 }],
    });
  });

  it('refuses an unknown header set with 422, naming its columns', () => {
    const result = parseAmazonReport(
      'Report\nDate,Clicks,Ordered Items,Conversion\n2026-11-01,3,1,33%\n',
      content,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(422);
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

  it('lists bad rows of an Amazon layout by line and column', () => {
    const bad = [
      EARNINGS_HEADER,
      'Kitchen,x,B00006JSUA,Amazon.com,milacooks-20,someday,24.90,1,0,24.90,1.12,PHONE,Direct',
      'Kitchen,x,B00006JSUA,Amazon.com,milacooks-20,2026-11-05,24.90,two,0,24.90,abc,PHONE,Direct',
    ].join('\n');
    const result = parseAmazonReport(bad, content);
    expect(result.ok ? [] : result.issues.map((i) => [i.row, i.field])).toEqual([
      [2, 'Date Shipped'],
      [3, 'Items Shipped'],
      [3, 'Ad Fees($)'],
    ]);
  });
});
