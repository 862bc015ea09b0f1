/**
 * A report's rows belong to the marketplace it is imported for, by their tracking ids
 * (domain/orders/report-tracking.ts), for every layout: Fee-Earnings, Fee-Orders and
 * shopfront's order export. Sample content: mila-cooks holds milacooks-20 (amazon-us, home),
 * milacooks-21 (amazon-uk) and milacooks0c-20 (amazon-ca); trailmix-tom trailmixtom-20 and
 * trailmixtom0c-20 (amazon-ca).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAmazonReport, type ImportOptions } from '../../../domain/orders/amazon-report.ts';
import type { ProgramTable } from '../../../domain/orders/program-table.ts';
import type { OrderEvent } from '../../../domain/orders/event.ts';
import {
  eventOfMarketplace,
  LISTED_ROWS,
  rowsOfMarketplace,
  sameFileElsewhere,
  trackingMarkets,
} from '../../../domain/orders/report-tracking.ts';
import {
  earningsFile,
  ordersFile,
  type EarningsRow,
} from '../../../scripts/lib/fixtures/amazon-report-writer.ts';
import { stateOn } from '../../../domain/content/history.ts';
import { sampleTable } from './helpers.ts';

const content: ProgramTable = sampleTable();
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
    expect(us).toMatchObject({ ok: true, kind: 'statement', left_out: { rows: 0, listed: [] } });
  });

  it('refuses a Canadian file imported for amazon-us, the default marketplace, the same way', () => {
    const result = parse(caFile('milacooks0c-20', 'trailmixtom0c-20'), {});
    expect(result).toMatchObject({ ok: false, reason: 'other_marketplace' });
    if (!result.ok)
      expect(result.issues[0]?.message).toMatch(
        /^the report's tracking ids belong to amazon-ca, none to amazon-us:/,
      );
  });

  it("refuses the Fee-Orders layout the same way; the shopfront export of home ids only is the group's", () => {
    expect(parse(ORDERS, { marketplace: 'amazon-ca' })).toMatchObject({
      ok: false,
      reason: 'other_marketplace',
    });
    expect(parse(ORDERS, {})).toMatchObject({ ok: true });
    // The export's ids are all home ids (tracking_id): the webhook credits them at any
    // marketplace of the group, so the export does too (whole-file rule with home ids).
    for (const marketplace of ['amazon-ca', 'amazon-us'])
      expect(parse(SHOPFRONT, { marketplace }), marketplace).toMatchObject({ ok: true, kind: 'events' });
    // An export of ids recorded only for amazon-uk is refused as a whole at amazon-us.
    const header = 'Category,Name,ASIN,Order ID,Order Date,Date,Status,Qty,Price($),Tracking ID,Sub Tag';
    const uk = `${header}\nKitchen,Skillet,B00006JSUA,1,2026-11-20,2026-11-21,Shipped,1,20.00,milacooks-21,`;
    expect(parse(new TextEncoder().encode(uk), {})).toMatchObject({ ok: false, reason: 'other_marketplace' });
  });

  it('leaves out a row of another marketplace, naming row, column and both marketplaces; the rest is read', () => {
    const result = parse(caFile('milacooks0c-20', 'milacooks-20', 'newcanadian-20'), {
      marketplace: 'amazon-ca',
    });
    if (!result.ok || result.kind !== 'statement') throw new Error(JSON.stringify(result));
    expect(result.left_out).toEqual({ rows: 1, tracking_ids: ['milacooks-20'], listed: expect.any(Array) });
    expect(result.left_out.listed).toEqual([
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

  it("names Fee-Orders' own column (Tag); shopfront's export keeps every row of a mixed file", () => {
    const orders = ordersFile(
      ['trailmixtom0c-20', 'trailmixtom-20'].map((t) => ({ ...row(t), qty: 1 })),
      { title: { from: '2026-11-01', to: '2026-11-30' } },
    );
    const read = parse(orders, { marketplace: 'amazon-ca' });
    expect(read).toMatchObject({ ok: true, left_out: { rows: 1, listed: [{ row: 4, field: 'Tag' }] } });

    const header = 'Category,Name,ASIN,Order ID,Order Date,Date,Status,Qty,Price($),Tracking ID,Sub Tag';
    const line = (order: string, tag: string) =>
      `Kitchen,Skillet,B00006JSUA,${order},2026-11-20 10:00:00,2026-11-21 10:00:00,Shipped,1,20.00,${tag},`;
    const csv = [header, line('1', 'milacooks0c-20'), line('2', 'milacooks-20'), line('3', 'nobody-20')].join(
      '\n',
    );
    const events = parse(new TextEncoder().encode(csv), { marketplace: 'amazon-ca' });
    if (!events.ok || events.kind !== 'events') throw new Error(JSON.stringify(events));
    // The webhook credits milacooks-20 on an amazon.ca order (links tag a member's home id where
    // they have no Canadian one), and an export row's key ignores the marketplace: nothing left out.
    expect(events).not.toHaveProperty('refused');
    expect(events.rows.map((r) => r.event.tracking_id)).toEqual([
      'milacooks0c-20',
      'milacooks-20',
      'nobody-20',
    ]);
    expect(events.rows.map((r) => r.event.retailer)).toEqual(['amazon-ca', 'amazon-ca', 'amazon-ca']);
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
        left_out: { rows: 0 },
      });
  });

  it('keeps tracking ids no member holds (credited to nobody, as before), even in a file of nothing else', () => {
    const result = parse(caFile('newcanadian-20', 'other-20'), { marketplace: 'amazon-ca' });
    expect(result).toMatchObject({ ok: true, left_out: { rows: 0 } });
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
    expect(some).toMatchObject({ ok: true, left_out: { rows: 2, listed: [{ row: 3 }, { row: 4 }] } });
    if (some.ok) expect(some.rows.map((r) => r.row)).toEqual([2, 5]);
  });
});

/** trailmix-tom uses trailmixtom-20 at amazon-us (home) and, recorded, at amazon-ca too. */
function sharedTable(trackingId = 'trailmixtom-20'): ProgramTable {
  const table = structuredClone(content);
  const tom = table.credit.find((m) => m.member_id === 'trailmix-tom');
  if (!tom?.history) throw new Error('no trailmix-tom history');
  tom.tracking_ids = { ...(tom.tracking_ids ?? {}), 'amazon-ca': trackingId };
  tom.history.push({ on: '2026-11-01', marketplace: 'amazon-ca', tracking_id: trackingId });
  return table;
}

describe('the file judged as a whole (review of the merged check, F1)', () => {
  it("refuses a US file with one id shared with amazon-ca imported as amazon-ca: its ids are all amazon-us's", () => {
    const table = sharedTable();
    const us = caFile('trailmixtom-20', 'milacooks-20', 'pageturnerava-20');
    expect(parse(us, { marketplace: 'amazon-us' }, table)).toMatchObject({ ok: true, left_out: { rows: 0 } });
    const ca = parse(us, { marketplace: 'amazon-ca' }, table);
    expect(ca).toMatchObject({ ok: false, reason: 'other_marketplace' });
    if (ca.ok) return;
    expect(ca.issues).toHaveLength(1);
    // Literally true: one of its ids is held at amazon-ca too, so not "none".
    expect(ca.issues[0]?.message).toBe(
      "the report's tracking ids are all held at amazon-us, not all at amazon-ca: each of its 3 rows with a tracking " +
        'id known in content is held at amazon-us, and 2 of them (milacooks-20, pageturnerava-20) never at amazon-ca, ' +
        "so the file is amazon-us's; import the file for amazon-us",
    );
  });

  it('refuses it with whole_account too (it would reverse every amazon-ca key of the month)', () => {
    const ca = parse(
      caFile('trailmixtom-20', 'milacooks-20'),
      { marketplace: 'amazon-ca', whole_account: true },
      sharedTable(),
    );
    expect(ca).toMatchObject({ ok: false, reason: 'other_marketplace' });
  });

  it("refuses a US file whose id another member holds at amazon-ca (it would credit mila's sales to tom, in CAD)", () => {
    const table = sharedTable('milacooks-20');
    expect(trackingMarkets(table, 'milacooks-20')).toEqual(['amazon-ca', 'amazon-us']);
    const ca = parse(caFile('milacooks-20', 'pageturnerava-20'), { marketplace: 'amazon-ca' }, table);
    expect(ca).toMatchObject({ ok: false, reason: 'other_marketplace' });
  });

  it('keeps a Canadian file with the shared id and Canadian ids, and a file of the shared id alone, for amazon-ca', () => {
    const table = sharedTable();
    expect(
      parse(caFile('trailmixtom-20', 'milacooks0c-20'), { marketplace: 'amazon-ca' }, table),
    ).toMatchObject({
      ok: true,
      left_out: { rows: 0 },
    });
    expect(parse(caFile('trailmixtom-20'), { marketplace: 'amazon-ca' }, table)).toMatchObject({ ok: true });
  });

  it('decides the same whatever the order of the rows', () => {
    const table = sharedTable();
    const tags = ['trailmixtom-20', 'milacooks-20', 'nobody-20', 'milacooks0c-20'];
    const outcomes = new Set<string>();
    const orders = [
      tags,
      [...tags].reverse(),
      [tags[1]!, tags[3]!, tags[0]!, tags[2]!],
      [tags[2]!, tags[0]!, tags[3]!, tags[1]!],
    ];
    for (const order of orders)
      for (const extra of [[], ['milacooks-20']]) {
        const r = parse(caFile(...order, ...extra), { marketplace: 'amazon-ca' }, table);
        outcomes.add(
          r.ok && r.kind === 'statement'
            ? `ok ${r.statement.lines.length + r.left_out.rows - extra.length}`
            : 'no',
        );
      }
    // A mixed file (no marketplace common to every known id): row by row, 3 kept and 1 left out.
    expect([...outcomes]).toEqual(['ok 4']);
  });
});

describe("an export's rows of orders already credited (never judged again, apply.ts refusalOf)", () => {
  const header = 'Category,Name,ASIN,Order ID,Order Date,Date,Status,Qty,Price($),Tracking ID,Sub Tag';
  const line = (order: string, status: string, tag: string) =>
    `Kitchen,Skillet,B00006JSUA,${order},2026-11-20 10:00:00,2026-11-21 10:00:00,${status},1,20.00,${tag},`;
  const exportOf = (...lines: string[]) => new TextEncoder().encode([header, ...lines].join('\n'));

  it("imports a file holding only a credited order's rows whose id is another marketplace's; refused, it names the orders", () => {
    const file = exportOf(line('b', 'Shipped', 'milacooks-21'), line('b', 'Returned', 'milacooks-21'));
    // Judged without knowing the store: refused, naming the order of the rows that refused it.
    expect(parse(file, {})).toMatchObject({ ok: false, reason: 'other_marketplace', orders: ['b'] });
    const read = parse(file, { credited: new Set(['b']) });
    if (!read.ok || read.kind !== 'events') throw new Error(JSON.stringify(read));
    expect(read.rows.map((r) => [r.event.order_id, r.event.type])).toEqual([
      ['b', 'order.shipped'],
      ['b', 'order.returned'],
    ]);
  });

  it("still refuses a file whose rows of orders not credited are another marketplace's, naming only those", () => {
    const file = exportOf(line('b', 'Shipped', 'milacooks-21'), line('n', 'Ordered', 'milacooks-21'));
    const read = parse(file, { credited: new Set(['b']) });
    expect(read).toMatchObject({ ok: false, reason: 'other_marketplace', orders: ['n'] });
    if (!read.ok) expect(read.issues[0]?.message).toMatch(/its 1 rows with tracking ids known in content/);
    // A credited order's row of the marketplace's own id still says where the file comes from.
    const mixed = exportOf(line('b', 'Shipped', 'milacooks-20'), line('n', 'Ordered', 'milacooks-21'));
    expect(parse(mixed, { credited: new Set(['b']) })).toMatchObject({ ok: true, kind: 'events' });
  });

  it('a credited order only ever lifts a refusal, never causes one (fast-check, every layout of ids)', () => {
    const table = sharedTable();
    const tags = ['trailmixtom-20', 'milacooks-20', 'milacooks-21', 'milacooks0c-20', 'nobody-20'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ tag: fc.constantFrom(...tags), order: fc.constantFrom('a', 'b', 'c') }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.subarray(['a', 'b', 'c']),
        fc.constantFrom('amazon-us', 'amazon-ca'),
        (rows, credited, marketplace) => {
          const file = exportOf(...rows.map((r) => line(r.order, 'Shipped', r.tag)));
          const judged = parse(file, { marketplace }, table);
          const settled = parse(file, { marketplace, credited: new Set(credited) }, table);
          if (!settled.ok) {
            expect(judged.ok).toBe(false);
            // The orders named are the refusing rows' orders, none of them credited.
            expect(settled).toMatchObject({ reason: 'other_marketplace' });
            expect((settled.orders ?? []).some((o) => credited.includes(o))).toBe(false);
          }
          // Nothing credited among the refusing rows' orders: the same answer.
          if (!judged.ok && !judged.orders?.some((o) => credited.includes(o)))
            expect(settled).toEqual(judged);
        },
      ),
    );
  });
});

describe('a whole-account statement with rows left out (F3)', () => {
  it('is refused, listing the rows: their held keys would be reversed', () => {
    const ca = parse(caFile('milacooks0c-20', 'milacooks-20'), {
      marketplace: 'amazon-ca',
      whole_account: true,
    });
    expect(ca).toMatchObject({ ok: false, reason: 'other_marketplace' });
    if (ca.ok) return;
    expect(ca.issues[0]).toMatchObject({ row: 0, field: 'whole_account' });
    expect(ca.issues[0]?.message).toMatch(
      /^a whole-account report states every key of amazon-ca, yet 1 of its rows is another marketplace's \(milacooks-20\)/,
    );
    expect(ca.issues.slice(1)).toEqual([
      {
        row: 4,
        field: 'Tracking ID',
        message: expect.stringMatching(
          /^"milacooks-20" is a tracking id of amazon-us, not of amazon-ca .*: import it with/,
        ),
      },
    ]);
    // Without whole_account: imported, the row left out, its tracking id not covered.
    const ok = parse(caFile('milacooks0c-20', 'milacooks-20'), { marketplace: 'amazon-ca' });
    expect(ok).toMatchObject({ ok: true, statement: { coverage: { tracking_ids: ['milacooks0c-20'] } } });
  });
});

describe('rows left out are counted, the first LISTED_ROWS listed (F5)', () => {
  it('lists 200 of 1,000 rows left out, every one counted; a whole-account refusal lists as many', () => {
    const rows = [{ row: 2, tag: 'milacooks0c-20' }].concat(
      Array.from({ length: 1000 }, (_, i) => ({ row: 3 + i, tag: i % 2 ? 'milacooks-20' : 'milacooks-21' })),
    );
    const out = rowsOfMarketplace(rows, (x) => x.tag, content, 'amazon-ca', 'Tracking ID');
    if (!out.ok) throw new Error(JSON.stringify(out));
    expect(out.left_out.rows).toBe(1000);
    expect(out.left_out.listed).toHaveLength(LISTED_ROWS);
    expect(out.left_out.tracking_ids).toEqual(['milacooks-20', 'milacooks-21']);
    expect(out.rows).toHaveLength(1);
  });
});

describe('the same file committed for another marketplace (F2)', () => {
  it('is refused when it has keys and another marketplace committed it with keys', () => {
    expect(sameFileElsewhere('amazon-ca', ['amazon-us'], 2)).toMatchObject({
      ok: false,
      reason: 'imported_elsewhere',
      issues: [
        {
          row: 0,
          field: 'marketplace',
          message: expect.stringMatching(/^this very file was imported for amazon-us, not amazon-ca:/),
        },
      ],
    });
    expect(sameFileElsewhere('amazon-ca', [], 2)).toBeNull();
    expect(sameFileElsewhere('amazon-ca', ['amazon-ca'], 2)).toBeNull();
    expect(sameFileElsewhere('amazon-ca', ['amazon-us'], 0)).toBeNull();
  });
});

describe('one webhook event judged as a file of one row (eventOfMarketplace)', () => {
  const event = (tracking_id: string, retailer: string | null): OrderEvent => ({
    type: 'order.placed',
    order_id: 'o-1',
    ordered_at: Date.parse('2026-11-05T10:00:00Z'),
    occurred_at: Date.parse('2026-11-05T10:00:00Z'),
    tracking_id,
    click_id: null,
    retailer,
    currency: 'USD',
    items: [{ product_id: 'B00006JSUA', category: 'kitchen', quantity: 1, unit_price: 2490 }],
  });

  it("refuses exactly where a one-row statement's row is another marketplace's, but home ids, for every id and marketplace", () => {
    const table = structuredClone(content);
    const tom = table.credit.find((m) => m.member_id === 'trailmix-tom');
    if (!tom) throw new Error('no trailmix-tom');
    tom.tracking_ids = { ...tom.tracking_ids, 'amazon-ca': 'trailmixtom-20' };
    const ids = [
      ...new Set(table.credit.flatMap((m) => [m.tracking_id, ...Object.values(m.tracking_ids ?? {})])),
      'nobody-20',
    ];
    // Home ids are the group's (links tag them at any of its marketplaces): never refused.
    const homeIds = new Set(
      table.credit.flatMap((m) => [
        m.tracking_id,
        ...(m.history ?? []).flatMap((e) =>
          e.tracking_id && (!e.marketplace || table.retailers[e.marketplace]?.home === undefined)
            ? [e.tracking_id]
            : [],
        ),
      ]),
    );
    let refused = 0;
    for (const marketplace of Object.keys(table.retailers))
      for (const id of ids) {
        const asRow = rowsOfMarketplace([{ row: 1 }], () => id, table, marketplace, 'Tracking ID');
        const foreign = !asRow.ok || asRow.left_out.rows > 0;
        const judged = eventOfMarketplace(event(id.toUpperCase(), marketplace), table);
        expect(judged !== null, `${id} at ${marketplace}`).toBe(foreign && !homeIds.has(id));
        if (judged) refused += 1;
      }
    expect(refused).toBeGreaterThan(0);
    expect(eventOfMarketplace(event('milacooks-20', 'amazon-ca'), table)).toBeNull();
    // One member's id at two marketplaces is accepted at both; an unknown id everywhere.
    for (const marketplace of ['amazon-us', 'amazon-ca'])
      expect(eventOfMarketplace(event('trailmixtom-20', marketplace), table)).toBeNull();
  });

  it("names tracking_id and both marketplaces; an event naming no retailer is the default one's", () => {
    expect(eventOfMarketplace(event('milacooks-21', null), content)).toEqual({
      ok: false,
      reason: 'other_marketplace',
      issues: [
        {
          path: 'tracking_id',
          message:
            '"milacooks-21" is a tracking id of amazon-uk, not of amazon-us (the marketplace of this event): send it as ' +
            'an event of amazon-uk ("marketplace"), or, if its member uses it at amazon-us too, record it there in ' +
            'content (tracking_ids.amazon-us)',
        },
      ],
    });
    expect(eventOfMarketplace(event('milacooks-21', 'amazon-uk'), content)).toBeNull();
  });

  it('counts a former home id dated with its home marketplace named as a home id, as crediting does', () => {
    const table = structuredClone(content);
    const noor = table.credit.find((m) => m.member_id === 'noor-wears');
    if (!noor) throw new Error('no noor-wears');
    // The home id changed on 2026-10-01; the old one's entry names the home marketplace, which
    // stateOn (domain/content/history.ts) reads exactly as an entry naming none.
    noor.history = [
      { on: '2025-08-18', status: 'applied' },
      { on: '2025-08-18', tracking_id: 'noorold-20', marketplace: 'amazon-us' },
      { on: '2025-09-01', status: 'approved' },
      { on: '2026-10-01', tracking_id: noor.tracking_id },
    ];
    expect(stateOn(noor, '2026-09-15', 'amazon-us').trackingIds).toEqual({ 'amazon-us': 'noorold-20' });
    for (const marketplace of ['amazon-us', 'amazon-ca', 'amazon-uk', 'amazon-de']) {
      expect(eventOfMarketplace(event('noorold-20', marketplace), table), marketplace).toBeNull();
      expect(eventOfMarketplace(event(noor.tracking_id, marketplace), table), marketplace).toBeNull();
    }
    // An id recorded for a marketplace that is no group home stays bound to it (a new table: indexes are per table).
    const other = structuredClone(table);
    other.credit
      .find((m) => m.member_id === 'noor-wears')
      ?.history?.splice(1, 1, { on: '2025-08-18', tracking_id: 'noorold-20', marketplace: 'amazon-uk' });
    expect(eventOfMarketplace(event('noorold-20', 'amazon-ca'), other)).toMatchObject({
      reason: 'other_marketplace',
    });
  });

  it('leaves a marketplace the program does not know to the admission check', () => {
    expect(eventOfMarketplace(event('milacooks-21', 'no-such-shop'), content)).toBeNull();
  });
});
