/**
 * A report's rows belong to the marketplace it is imported for, by their tracking ids
 * (domain/orders/report-tracking.ts), for every layout: Fee-Earnings, Fee-Orders and
 * shopfront's order export. Sample content: mila-cooks holds milacooks-20 (amazon-us, home),
 * milacooks-21 (amazon-uk) and milacooks0c-20 (amazon-ca); trailmix-tom trailmixtom-20 and
 * trailmixtom0c-20 (amazon-ca).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAmazonReport, type ImportOptions } from '../../../domain/orders/amazon-report.ts';
import { buildProgramTable, type ProgramTable } from '../../../domain/orders/program-table.ts';
import { rowsOfMarketplace, trackingMarkets } from '../../../domain/orders/report-tracking.ts';
import { loadContent } from '../../../build/load-content.ts';
import {
  earningsFile,
  ordersFile,
  type EarningsRow,
} from '../../../scripts/lib/fixtures/amazon-report-writer.ts';

const content: ProgramTable = (() => {
  const loaded = loadContent('content');
  if (!loaded.content) throw new Error('sample content does not load');
  return buildProgramTable(loaded.content);
})();
const EARNINGS = readFileSync('content/reports/amazon-fee-earnings-2026-11.csv');
const ORDERS = readFileSync('content/reports/amazon-fee-orders-2026-11.csv');
const SHOPFRONT = readFileSync('content/reports/amazon-sample-2026-11.csv');

const row = (tracking_id: string, asin = 'B00006JSUA'): EarningsRow => ({
  category: 'Kitchen',
  name: 'Lodge Skillet',
  asin,
  tracking_id,
  day: '2026-11-05',
  price_minor: 2490,
  shipped: 1,
  returned: 0,
  fee_minor: 112,
});
const caFile = (...tags: string[]) =>
  earningsFile(
    tags.map((t, i) => row(t, `B0000000${i}`)),
    { title: { from: '2026-11-01', to: '2026-11-30' } },
  );

function parse(bytes: Uint8Array, options: ImportOptions, table = content) {
  return parseAmazonReport(bytes, table, options);
}

describe('the marketplaces a tracking id belongs to', () => {
  it('are every marketplace a member ever held it at, its home id at the home marketplace', () => {
    expect(trackingMarkets(content, 'milacooks-20')).toEqual(['amazon-us']);
    expect(trackingMarkets(content, 'MilaCooks0C-20')).toEqual(['amazon-ca']);
    expect(trackingMarkets(content, 'milacooks-21')).toEqual(['amazon-uk']);
    expect(trackingMarkets(content, 'oldkitchenblog-20')).toEqual([]);
  });

  it('count an id held at a marketplace once, in a dated entry of the history, for it', () => {
    const table = structuredClone(content);
    const mila = table.credit.find((m) => m.member_id === 'mila-cooks');
    if (!mila?.history) throw new Error('no mila-cooks history');
    mila.history.splice(3, 0, { on: '2025-01-01', marketplace: 'amazon-ca', tracking_id: 'milacooksold-20' });
    expect(trackingMarkets(table, 'milacooksold-20')).toEqual(['amazon-ca']);
  });
});

describe("a report imported for another marketplace than its rows'", () => {
  it("refuses Amazon's US Fee-Earnings sample as amazon-ca as a whole, naming both marketplaces", () => {
    // "$" fits amazon-ca too: only the tracking ids tell the file is amazon.com's.
    const result = parse(EARNINGS, { marketplace: 'amazon-ca' });
    expect(result).toMatchObject({ ok: false, reason: 'other_marketplace' });
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ row: 0, field: 'marketplace' });
    expect(result.issues[0]?.message).toMatch(
      /^the report's tracking ids belong to amazon-us, none to amazon-ca: .*import the file for amazon-us$/,
    );
    // The same file for its own marketplace: imported as before, nothing left out.
    const us = parse(EARNINGS, { marketplace: 'amazon-us' });
    expect(us).toMatchObject({ ok: true, kind: 'statement', refused: [] });
  });

  it('refuses a Canadian file imported for amazon-us, the default marketplace, the same way', () => {
    const result = parse(caFile('milacooks0c-20', 'trailmixtom0c-20'), {});
    expect(result).toMatchObject({ ok: false, reason: 'other_marketplace' });
    if (!result.ok)
      expect(result.issues[0]?.message).toMatch(
        /^the report's tracking ids belong to amazon-ca, none to amazon-us:/,
      );
  });

  it('refuses the Fee-Orders and the shopfront export layouts the same way', () => {
    for (const bytes of [ORDERS, SHOPFRONT]) {
      const result = parse(bytes, { marketplace: 'amazon-ca' });
      expect(result).toMatchObject({ ok: false, reason: 'other_marketplace' });
      expect(parse(bytes, {})).toMatchObject({ ok: true, refused: [] });
    }
  });

  it('leaves out a row of another marketplace, naming row, column and both marketplaces; the rest is read', () => {
    const result = parse(caFile('milacooks0c-20', 'milacooks-20', 'newcanadian-20'), {
      marketplace: 'amazon-ca',
    });
    if (!result.ok || result.kind !== 'statement') throw new Error(JSON.stringify(result));
    expect(result.refused).toEqual([
      {
        row: 4,
        field: 'Tracking ID',
        message: expect.stringMatching(
          /^"milacooks-20" is a tracking id of amazon-us, not of amazon-ca \(the marketplace of this import\): row left out/,
        ),
      },
    ]);
    // The row left out is no key and no tracking id of the coverage: nothing of it is stated.
    expect(result.statement.lines.map((l) => l.tracking_id)).toEqual(['milacooks0c-20', 'newcanadian-20']);
    expect(result.statement.coverage.tracking_ids).toEqual(['milacooks0c-20', 'newcanadian-20']);
    expect(result.statement.rows).toBe(2);
  });

  it("names Fee-Orders' own column (Tag) and the shopfront export's (Tracking ID)", () => {
    const orders = ordersFile(
      ['trailmixtom0c-20', 'trailmixtom-20'].map((t) => ({ ...row(t), qty: 1 })),
      { title: { from: '2026-11-01', to: '2026-11-30' } },
    );
    const read = parse(orders, { marketplace: 'amazon-ca' });
    expect(read).toMatchObject({ ok: true, refused: [{ row: 4, field: 'Tag' }] });

    const header = 'Category,Name,ASIN,Order ID,Order Date,Date,Status,Qty,Price($),Tracking ID,Sub Tag';
    const line = (order: string, tag: string) =>
      `Kitchen,Skillet,B00006JSUA,${order},2026-11-20 10:00:00,2026-11-21 10:00:00,Shipped,1,20.00,${tag},`;
    const csv = [header, line('1', 'milacooks0c-20'), line('2', 'milacooks-20'), line('3', 'nobody-20')].join(
      '\n',
    );
    const events = parse(new TextEncoder().encode(csv), { marketplace: 'amazon-ca' });
    if (!events.ok || events.kind !== 'events') throw new Error(JSON.stringify(events));
    expect(events.refused).toMatchObject([{ row: 3, field: 'Tracking ID' }]);
    expect(events.rows.map((r) => r.event.tracking_id)).toEqual(['milacooks0c-20', 'nobody-20']);
    expect(events.lines).toBe(3);
  });
});

describe('rows a marketplace may state', () => {
  it('keeps an id one member uses at two marketplaces, in both', () => {
    const table = structuredClone(content);
    const tom = table.credit.find((m) => m.member_id === 'trailmix-tom');
    if (!tom?.history) throw new Error('no trailmix-tom history');
    tom.tracking_ids = { 'amazon-ca': 'trailmixtom-20' };
    tom.history.push({ on: '2026-11-01', marketplace: 'amazon-ca', tracking_id: 'trailmixtom-20' });
    expect(trackingMarkets(table, 'trailmixtom-20')).toEqual(['amazon-ca', 'amazon-us']);
    for (const marketplace of ['amazon-us', 'amazon-ca'])
      expect(parse(caFile('trailmixtom-20'), { marketplace }, table)).toMatchObject({
        ok: true,
        refused: [],
      });
  });

  it('keeps tracking ids no member holds (credited to nobody, as before), even in a file of nothing else', () => {
    const result = parse(caFile('newcanadian-20', 'other-20'), { marketplace: 'amazon-ca' });
    expect(result).toMatchObject({ ok: true, refused: [] });
  });

  it('refuses the whole file only when no row is the marketplace’s: unknown rows do not count either way', () => {
    const rows = [
      { row: 2, tag: 'nobody-20' },
      { row: 3, tag: 'milacooks-20' },
      { row: 4, tag: 'milacooks-21' },
    ];
    const check = (r: typeof rows) => rowsOfMarketplace(r, (x) => x.tag, content, 'amazon-ca', 'Tracking ID');
    const whole = check(rows);
    expect(whole).toMatchObject({ ok: false, reason: 'other_marketplace' });
    if (!whole.ok)
      expect(whole.issues[0]?.message).toMatch(
        /^the report's tracking ids belong to amazon-uk and amazon-us, none to amazon-ca: its 2 rows .*\(milacooks-20, milacooks-21\)/,
      );
    const some = check([...rows, { row: 5, tag: 'MILACOOKS0C-20' }]);
    expect(some).toMatchObject({ ok: true, refused: [{ row: 3 }, { row: 4 }] });
    if (some.ok) expect(some.rows.map((r) => r.row)).toEqual([2, 5]);
  });
});
