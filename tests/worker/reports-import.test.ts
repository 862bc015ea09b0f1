/**
 * `POST /api/admin/import/amazon` and its import sessions, in workerd with D1: Amazon's
 * files as statements (CONTRACT.md section 12), shopfront's order export as events.
 */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import earnings from '../../content/reports/amazon-fee-earnings-2026-11.csv?raw';
import feeOrders from '../../content/reports/amazon-fee-orders-2026-11.csv?raw';
import sample from '../../content/reports/amazon-sample-2026-11.csv?raw';
import german from '../fixtures/reports/amazon-fee-earnings-de-2026-11.csv?raw';
import {
  earningsFile,
  type EarningsRow,
  type FileStyle,
} from '../../scripts/lib/fixtures/amazon-report-writer.ts';
import { parseAmazonReport } from '../../domain/orders/amazon-report.ts';
import { programFromTable } from '../../domain/orders/program-table.ts';
import { reportEventId } from '../../domain/orders/shopfront-report.ts';
import { program } from '../../worker/orders/program.ts';
import { forget } from '../../worker/orders/recent-orders.ts';
import { applyEvents } from '../../worker/orders/store.ts';
import { createToken, ORIGIN, influencers, placed, send, uid } from './orders-helpers.ts';

const HEADER = 'Category,Name,ASIN,Order ID,Order Date,Date,Status,Qty,Price($),Tracking ID,Sub Tag';
const ADMIN = () => ({ authorization: `Bearer ${env.ADMIN_TOKEN}` });

function importReport(
  body: string | Uint8Array<ArrayBuffer> | ReadableStream,
  query = '',
  token: string | null = env.ADMIN_TOKEN,
) {
  return exports.default.fetch(`${ORIGIN}/api/admin/import/amazon${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
}

async function counts() {
  const row = await env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM order_events WHERE source <> 'amazon_report' OR order_id NOT LIKE 'amazon-statement:%') AS events,
            (SELECT COUNT(*) FROM ledger_entries) AS entries,
            (SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_entries) AS total,
            (SELECT COUNT(*) FROM amazon_keys) AS keys,
            (SELECT COUNT(*) FROM amazon_key_changes) AS changes`,
  ).first<{ events: number; entries: number; total: number; keys: number; changes: number }>();
  if (!row) throw new Error('no row');
  return row;
}

/** Net Ad Fees in the ledger for a tracking id's statement keys, days from..to. */
async function ledgerNet(trackingId: string, from: string, to: string): Promise<number> {
  const row = await env.DB.prepare(
    `SELECT COALESCE(SUM(amount_minor), 0) AS net FROM ledger_entries
     WHERE order_id LIKE ?1 AND effective_at >= ?2 AND effective_at <= ?3`,
  )
    .bind(`amzs:amazon-us:${trackingId}:%`, Date.parse(`${from}T00:00:00Z`), Date.parse(`${to}T00:00:00Z`))
    .first<{ net: number }>();
  return row?.net ?? NaN;
}

interface StatementAnswer {
  status: string;
  rejected: { path: string; row: number; field: string; message: string }[];
  marketplace: string;
  currency: string;
  statement_id: number | null;
  layout: string;
  coverage: { from: string; to: string; tracking_ids: string[] | 'all' };
  rows: number;
  keys: number;
  added: { keys: number; fee_minor: number };
  changed: { keys: number; fee_minor: number };
  reversed: { keys: number; fee_minor: number };
  unchanged: number;
  unattributed: { keys: number; tracking_ids: string[] };
  changes: { kind: string; day: string; member_id: string | null }[];
}

async function imported(body: Uint8Array<ArrayBuffer> | string, query = ''): Promise<StatementAnswer> {
  const res = await importReport(body, query);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status}: ${text}`);
  return JSON.parse(text) as StatementAnswer;
}

const MILA = 'milacooks-20';
const skillet = (day: string, shipped: number, fee_minor: number, name = 'Lodge Skillet'): EarningsRow => ({
  category: 'Kitchen',
  name,
  asin: 'B00006JSUA',
  tracking_id: MILA,
  day,
  price_minor: 2490,
  shipped,
  returned: 0,
  fee_minor,
});
const file = (rows: EarningsRow[], from: string, to: string, style: FileStyle = {}) =>
  earningsFile(rows, { title: { from, to }, ...style });

describe("Amazon's reports as statements (September 2026: this describe's own days)", () => {
  it('an overlapping re-export after a title edit, with an extra column: 336, not 448', async () => {
    const first = await imported(
      file([skillet('2026-09-05', 2, 224), skillet('2026-09-12', 1, 112)], '2026-09-01', '2026-09-15'),
    );
    expect(first).toMatchObject({
      status: 'imported',
      added: { keys: 2, fee_minor: 336 },
      changed: { keys: 0 },
    });
    expect(await ledgerNet(MILA, '2026-09-01', '2026-09-30')).toBe(336);

    const again = await imported(
      file([skillet('2026-09-12', 1, 112, 'Lodge Skillet (new title)')], '2026-09-10', '2026-09-20', {
        extra: true,
      }),
    );
    expect(again).toMatchObject({
      added: { keys: 0 },
      changed: { keys: 0 },
      reversed: { keys: 0 },
      unchanged: 1,
    });
    expect(await ledgerNet(MILA, '2026-09-01', '2026-09-30')).toBe(336);
  });

  it('a day Amazon restated (1 -> 2 items) posts the difference: 224 for that day, not 336', async () => {
    const restated = await imported(file([skillet('2026-09-12', 2, 224)], '2026-09-12', '2026-09-12'));
    expect(restated).toMatchObject({ changed: { keys: 1, fee_minor: 112 }, added: { keys: 0 } });
    expect(await ledgerNet(MILA, '2026-09-12', '2026-09-12')).toBe(224);
    expect(await ledgerNet(MILA, '2026-09-01', '2026-09-30')).toBe(448);
  });

  it('a key a later statement covers but no longer lists is reversed; negative fees and fees without items are kept', async () => {
    const other = { ...skillet('2026-09-05', 1, -40), asin: 'B0000OTHER' };
    const bonus = { ...skillet('2026-09-05', 0, 300), asin: 'B0000BONUS', price_minor: 0 };
    const answer = await imported(file([other, bonus], '2026-09-05', '2026-09-05'));
    expect(answer).toMatchObject({
      added: { keys: 2, fee_minor: 260 },
      reversed: { keys: 1, fee_minor: -224 },
    });
    expect(await ledgerNet(MILA, '2026-09-05', '2026-09-05')).toBe(260);
    // Amazon's figures per key: a negative fee sits in the reversed bucket, the bonus in earned.
    const buckets = await env.DB.prepare(
      `SELECT product_id, bucket, SUM(amount_minor) AS amount FROM ledger_entries
       WHERE order_id LIKE 'amzs:amazon-us:milacooks-20:%:2026-09-05' GROUP BY product_id, bucket HAVING SUM(amount_minor) <> 0 ORDER BY product_id`,
    ).all<{ product_id: string; bucket: string; amount: number }>();
    expect(buckets.results).toEqual([
      { product_id: 'B0000BONUS', bucket: 'earned', amount: 300 },
      { product_id: 'B0000OTHER', bucket: 'reversed', amount: -40 },
    ]);
  });

  it('the same statement as TSV, with a BOM, in Windows-1252, columns reversed: nothing changes', async () => {
    const before = await counts();
    const rows = [{ ...skillet('2026-09-12', 2, 224), name: 'Crème – brûlée skillet' }];
    for (const style of [
      { delimiter: '\t' as const },
      { bom: true },
      { encoding: 'windows-1252' as const },
      { reversed: true },
    ]) {
      const answer = await imported(file(rows, '2026-09-12', '2026-09-12', style));
      expect(answer, JSON.stringify(style)).toMatchObject({
        unchanged: 1,
        added: { keys: 0 },
        changed: { keys: 0 },
      });
    }
    expect(await counts()).toEqual(before);
  });

  it('a dry run shows what would be added, changed and reversed, and stores nothing', async () => {
    const before = await counts();
    const statements = await env.DB.prepare('SELECT COUNT(*) AS n FROM amazon_statements').first<{
      n: number;
    }>();
    const preview = await imported(
      file([skillet('2026-09-12', 3, 336), skillet('2026-09-13', 1, 112)], '2026-09-12', '2026-09-14'),
      '?dry_run=1',
    );
    expect(preview).toMatchObject({
      status: 'preview',
      statement_id: null,
      added: { keys: 1, fee_minor: 112 },
      changed: { keys: 1, fee_minor: 112 },
      reversed: { keys: 0 },
    });
    expect(preview.changes.map((c) => [c.kind, c.day, c.member_id])).toEqual([
      ['changed', '2026-09-12', 'mila-cooks'],
      ['added', '2026-09-13', 'mila-cooks'],
    ]);
    expect(await counts()).toEqual(before);
    expect(
      await env.DB.prepare('SELECT COUNT(*) AS n FROM amazon_statements').first<{ n: number }>(),
    ).toEqual(statements);
  });

  it('records each statement as a fact: digest of the bytes, coverage, who imported it', async () => {
    const bytes = file([skillet('2026-09-12', 2, 224)], '2026-09-12', '2026-09-12');
    const answer = await imported(bytes, '?by=ops-anna&file_name=fee-earnings.csv');
    const row = await env.DB.prepare(
      'SELECT layout, from_day, to_day, tracking_ids_json, file_sha256, file_bytes, imported_by, file_name FROM amazon_statements WHERE statement_id = ?1',
    )
      .bind(answer.statement_id)
      .first();
    const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('');
    expect(row).toEqual({
      layout: 'fee-earnings',
      from_day: '2026-09-12',
      to_day: '2026-09-12',
      tracking_ids_json: '["milacooks-20"]',
      file_sha256: digest,
      file_bytes: bytes.byteLength,
      imported_by: 'ops-anna',
      file_name: 'fee-earnings.csv',
    });
  });

  it('refuses a £ file for the USD marketplace with 422 naming both currencies; nothing stored', async () => {
    const before = await counts();
    const res = await importReport(
      file([skillet('2026-09-12', 9, 999)], '2026-09-12', '2026-09-12', { sign: '£' }),
    );
    expect(res.status).toBe(422);
    const body = await res.json<{ error: string; issues: { message: string }[] }>();
    expect(body.issues[0]?.message).toMatch(/GBP .*amazon-us is a USD marketplace/);
    expect(await counts()).toEqual(before);
  });

  it('imports a £ file for the UK marketplace, credited by the UK tracking id its member held that day', async () => {
    const uk = { ...skillet('2026-09-12', 1, 95), tracking_id: 'milacooks-21' };
    const answer = await imported(
      file([uk], '2026-09-12', '2026-09-12', { sign: '£' }),
      '?marketplace=amazon-uk',
    );
    expect(answer).toMatchObject({
      marketplace: 'amazon-uk',
      currency: 'GBP',
      added: { keys: 1, fee_minor: 95 },
    });
    expect(answer.changes.map((c) => c.member_id)).toEqual(['mila-cooks']);
    const row = await env.DB.prepare(
      "SELECT handle, currency, SUM(amount_minor) AS net FROM ledger_entries WHERE order_id LIKE 'amzs:amazon-uk:%' GROUP BY handle, currency",
    ).first();
    expect(row).toEqual({ handle: 'mila-cooks', currency: 'GBP', net: 95 });
    // The US file's keys are another marketplace's: untouched.
    expect(await ledgerNet(MILA, '2026-09-12', '2026-09-12')).toBe(224);
  });

  it('refuses the German Fee-Earnings layout with 422; nothing stored', async () => {
    const before = await counts();
    const res = await importReport(german);
    expect(res.status).toBe(422);
    expect((await res.json<{ issues: { message: string }[] }>()).issues[0]?.message).toMatch(/German/);
    expect(await counts()).toEqual(before);
  });
});

describe("a file imported for another marketplace than its rows' (October 2026: this describe's own days)", () => {
  // "$" is the sign of amazon-us and amazon-ca alike, and keys name their marketplace: only the
  // tracking ids tell a US file from a Canadian one (domain/orders/report-tracking.ts).
  const ava = (day: string): EarningsRow => ({
    ...skillet(day, 1, 81),
    tracking_id: 'pageturnerava-20',
    asin: '0593135202',
    category: 'Books',
  });
  const us = file([skillet('2026-10-12', 2, 224), ava('2026-10-13')], '2026-10-12', '2026-10-13');
  const keysOf = async (marketplace: string) =>
    (
      await env.DB.prepare(
        "SELECT COUNT(*) AS n FROM amazon_keys WHERE marketplace = ?1 AND day BETWEEN '2026-10-01' AND '2026-10-31'",
      )
        .bind(marketplace)
        .first<{ n: number }>()
    )?.n;

  it('refuses the US file imported again as amazon-ca: 422 naming both marketplaces, nothing stored, not even by a session', async () => {
    expect(await imported(us, '?file_name=october-us.csv')).toMatchObject({
      added: { keys: 2, fee_minor: 305 },
    });
    const before = await counts();
    for (const query of ['?marketplace=amazon-ca', '?marketplace=amazon-ca&dry_run=1']) {
      const res = await importReport(us, query);
      expect(res.status).toBe(422);
      const body = await res.json<{ error: string; issues: { path: string; message: string }[] }>();
      expect(body.error).toBe(
        "the report's tracking ids belong to amazon-us, none to amazon-ca: nothing was imported",
      );
      expect(body.issues).toEqual([
        {
          path: 'marketplace',
          row: 0,
          field: 'marketplace',
          message: expect.stringMatching(
            /\(milacooks-20, pageturnerava-20\).*import the file for amazon-us$/,
          ),
        },
      ]);
    }
    const session = await exports.default.fetch(`${ORIGIN}/api/admin/import/amazon/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ADMIN() },
      body: JSON.stringify({ marketplace: 'amazon-ca' }),
    });
    const { session_id } = await session.json<{ session_id: string }>();
    const part = `${ORIGIN}/api/admin/import/amazon/sessions/${session_id}`;
    expect(
      (await exports.default.fetch(`${part}/parts/0`, { method: 'PUT', headers: ADMIN(), body: us })).status,
    ).toBe(200);
    expect((await exports.default.fetch(`${part}/commit`, { method: 'POST', headers: ADMIN() })).status).toBe(
      422,
    );
    expect(await counts()).toEqual(before);
    expect(await keysOf('amazon-ca')).toBe(0);
    expect(await ledgerNet(MILA, '2026-10-12', '2026-10-13')).toBe(224);
  });

  it('imports the same US file again under amazon-us, by another name: nothing changes (idempotent)', async () => {
    const before = await counts();
    const again = await imported(us, '?file_name=october-us-again.csv');
    expect(again).toMatchObject({
      added: { keys: 0 },
      changed: { keys: 0 },
      reversed: { keys: 0 },
      unchanged: 2,
    });
    expect(await counts()).toEqual(before);
    expect(await ledgerNet(MILA, '2026-10-12', '2026-10-13')).toBe(224);
  });

  it("leaves out a Canadian file's row of a US tracking id, listed with row, column and both marketplaces; the rest is imported in CAD", async () => {
    const ca = { ...skillet('2026-10-12', 1, 150), tracking_id: 'milacooks0c-20' };
    const answer = await imported(
      file([ca, skillet('2026-10-12', 2, 224)], '2026-10-12', '2026-10-12'),
      '?marketplace=amazon-ca',
    );
    expect(answer).toMatchObject({
      marketplace: 'amazon-ca',
      currency: 'CAD',
      rows: 1,
      keys: 1,
      added: { keys: 1, fee_minor: 150 },
      rejected: [
        {
          path: 'row 4, Tracking ID',
          row: 4,
          field: 'Tracking ID',
          message: expect.stringMatching(/^"milacooks-20" is a tracking id of amazon-us, not of amazon-ca/),
        },
      ],
      rejected_more: 0,
    });
    expect(answer.changes.map((c) => c.member_id)).toEqual(['mila-cooks']);
    const ledger = await env.DB.prepare(
      "SELECT order_id, currency, SUM(amount_minor) AS net FROM ledger_entries WHERE order_id LIKE 'amzs:amazon-ca:%' GROUP BY order_id, currency",
    ).all();
    expect(ledger.results).toEqual([
      { order_id: 'amzs:amazon-ca:milacooks0c-20:B00006JSUA:2490:2026-10-12', currency: 'CAD', net: 150 },
    ]);
    expect(await keysOf('amazon-ca')).toBe(1);
    // The US key of that day is amazon-us's alone, as imported before.
    expect(await ledgerNet(MILA, '2026-10-12', '2026-10-12')).toBe(224);
  });
});

describe('import sessions: a file of any size in parts, committed once', () => {
  const rows = Array.from({ length: 400 }, (_, i) => ({
    ...skillet(`2026-08-${String(1 + (i % 28)).padStart(2, '0')}`, 1, 100 + i),
    asin: `B${String(i).padStart(9, '0')}`,
    name: 'Crème brûlée – set',
  }));
  const bytes = file(rows, '2026-08-01', '2026-08-31');

  async function session(fields: Record<string, unknown> = {}) {
    const res = await exports.default.fetch(`${ORIGIN}/api/admin/import/amazon/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ADMIN() },
      body: JSON.stringify(fields),
    });
    expect(res.status).toBe(201);
    return (await res.json<{ session_id: string }>()).session_id;
  }
  const put = (id: string, n: number, part: Uint8Array<ArrayBuffer>) =>
    exports.default.fetch(`${ORIGIN}/api/admin/import/amazon/sessions/${id}/parts/${n}`, {
      method: 'PUT',
      headers: ADMIN(),
      body: part,
    });
  const commit = (id: string, query = '') =>
    exports.default.fetch(`${ORIGIN}/api/admin/import/amazon/sessions/${id}/commit${query}`, {
      method: 'POST',
      headers: ADMIN(),
    });

  it('joins parts cut anywhere (inside a character too), previews, commits once, answers a repeated commit the same', async () => {
    const id = await session({ by: 'ops-ben' });
    const cuts = [0, 7, 5000, 5001, bytes.byteLength];
    for (let i = 0; i + 1 < cuts.length; i++)
      expect((await put(id, i, bytes.subarray(cuts[i], cuts[i + 1]))).status).toBe(200);
    const preview = await commit(id, '?dry_run=1');
    expect(await preview.json()).toMatchObject({ status: 'preview', added: { keys: 400 } });
    const first = await commit(id);
    expect(first.status).toBe(200);
    const answer = await first.json<StatementAnswer>();
    expect(answer).toMatchObject({ status: 'imported', rows: 400, keys: 400, added: { keys: 400 } });
    expect(answer.changes).toHaveLength(200);
    expect(await ledgerNet(MILA, '2026-08-01', '2026-08-31')).toBe(rows.reduce((s, r) => s + r.fee_minor, 0));
    const before = await counts();
    const second = await commit(id);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(answer);
    expect(await counts()).toEqual(before);
    expect((await put(id, 9, new Uint8Array([1]))).status).toBe(409);
  });

  it('names a missing part, an unknown session and bad fields', async () => {
    const id = await session();
    await put(id, 1, bytes.subarray(0, 10));
    const res = await commit(id);
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toMatch(/part 0/);
    expect((await commit('0'.repeat(32))).status).toBe(404);
    const bad = await exports.default.fetch(`${ORIGIN}/api/admin/import/amazon/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ADMIN() },
      body: JSON.stringify({ from: 'yesterday' }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json<{ issues: { path: string }[] }>()).issues.map((i) => i.path)).toEqual(['from']);
  });
});

describe("Amazon's own sample reports", () => {
  it("Fee-Earnings: the ledger records Amazon's Ad Fees per key; identical rows are two orders; unattributed keys are listed", async () => {
    const answer = await imported(earnings);
    expect(answer).toMatchObject({
      layout: 'fee-earnings',
      rows: 8,
      keys: 7,
      added: { keys: 7, fee_minor: 9910 },
    });
    expect(answer.unattributed).toEqual({ keys: 1, tracking_ids: ['oldkitchenblog-20'] });
    expect(await ledgerNet('glowpriya-20', '2026-11-01', '2026-11-30')).toBe(792); // Amazon's figure, not the table's 720
    expect(await ledgerNet('jesshomelab-20', '2026-11-01', '2026-11-30')).toBe(8400);
    expect(await ledgerNet(MILA, '2026-11-01', '2026-11-30')).toBe(224 - 112);
    expect(await ledgerNet('oldkitchenblog-20', '2026-11-01', '2026-11-30')).toBe(0);
    const listed = await exports.default.fetch(`${ORIGIN}/api/admin/import/amazon/unattributed?limit=10`, {
      headers: ADMIN(),
    });
    expect(await listed.json()).toMatchObject({
      keys: [{ tracking_id: 'oldkitchenblog-20', day: '2026-11-10', shipped: 1, fee_minor: 135 }],
      more: 0,
    });
    const again = await imported(earnings);
    expect(again).toMatchObject({
      added: { keys: 0 },
      changed: { keys: 0 },
      reversed: { keys: 0 },
      unchanged: 7,
    });
  });

  it('Fee-Orders: items ordered per key, never money', async () => {
    const before = await counts();
    const answer = await imported(feeOrders);
    expect(answer).toMatchObject({ layout: 'fee-orders', rows: 8, added: { fee_minor: 0 } });
    const after = await counts();
    expect(after.entries).toBe(before.entries);
    expect(after.keys).toBe(before.keys + answer.keys);
    const ordered = await env.DB.prepare(
      "SELECT SUM(c.ordered) AS n FROM amazon_key_changes AS c JOIN amazon_keys AS k ON k.key_id = c.key_id WHERE k.layout = 'fee-orders'",
    ).first<{ n: number }>();
    expect(ordered?.n).toBe(10);
  });
});

describe("shopfront's order export: events, as a webhook delivers them", () => {
  /** One row of a shopfront export: one Skillet at 20.00 ordered 20 November, `status` on `date`. */
  const exportLine = (order: string, status: string, tag: string, date = '2026-11-21 10:00:00') =>
    `Kitchen,Skillet,B00006JSUA,${order},2026-11-20 10:00:00,${date},${status},1,20.00,${tag},`;

  it('imports the sample report; importing it again changes nothing', async () => {
    const rows = sample.trim().split('\n').length - 2; // title line and header
    const first = await importReport(sample);
    expect(first.status).toBe(200);
    const result = await first.json<{ processed: number; unattributed_tracking_ids: string[] }>();
    expect(result).toMatchObject({ status: 'imported', rows, duplicate: 0, unattributed: 1 });
    expect(result.processed).toBe(rows - 1);
    expect(result.unattributed_tracking_ids).toEqual(['oldkitchenblog-20']);
    const after = await counts();
    const second = await importReport(sample);
    expect(await second.json()).toMatchObject({ rows, processed: 0, duplicate: rows, unattributed: 0 });
    expect(await counts()).toEqual(after);
  });

  it('books report rows like webhook events: a product outside the program categories earns the default rate', async () => {
    // The Nintendo controller of the sample: 69.99 x 400 bps = 2.7996 -> 280, shipped on 15 November.
    const row = await env.DB.prepare(
      "SELECT SUM(amount_minor) AS earned, MIN(rate_bps) AS bps FROM ledger_entries WHERE product_id = 'B01NAWKYZ0' AND bucket = 'earned'",
    ).first<{ earned: number; bps: number }>();
    expect(row).toEqual({ earned: 280, bps: 400 });
    const event = await env.DB.prepare(
      "SELECT source, body FROM order_events WHERE tracking_id = 'oldkitchenblog-20'",
    ).first<{
      source: string;
      body: string;
    }>();
    expect(event?.source).toBe('amazon_report');
    expect(JSON.parse(event?.body ?? '{}')).toMatchObject({
      'Tracking ID': 'oldkitchenblog-20',
      Status: 'Ordered',
    });
  });

  it("stores each order in the marketplace a webhook would: the home one, or the import's marketplace in its currency", async () => {
    // The sample, imported above without a marketplace: the home marketplace, as withMarketplace names it.
    const retailers = await env.DB.prepare(
      "SELECT DISTINCT retailer FROM order_events WHERE source = 'amazon_report' AND order_id NOT LIKE 'amazon-statement:%' AND currency = 'USD'",
    ).all<{ retailer: string | null }>();
    expect(retailers.results).toEqual([{ retailer: 'amazon-us' }]);

    const orderId = uid('uk');
    const csv = [
      HEADER.replace('Price($)', 'Price(£)'),
      `Kitchen,Skillet,B00006JSUA,${orderId},2026-11-20 10:00:00,2026-11-21 10:00:00,Shipped,2,£20.00,milacooks-21,`,
    ].join('\n');
    const res = await importReport(csv, '?marketplace=amazon-uk');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'imported', processed: 1 });
    const event = await env.DB.prepare(
      'SELECT retailer, currency, handle FROM order_events WHERE order_id = ?1',
    )
      .bind(orderId)
      .first();
    expect(event).toEqual({ retailer: 'amazon-uk', currency: 'GBP', handle: 'mila-cooks' });
    // Rated by amazon-uk's table (kitchen 500 bps of 40.00 = 2.00), booked in GBP.
    const ledger = await env.DB.prepare(
      'SELECT currency, SUM(amount_minor) AS earned, MIN(rate_bps) AS bps FROM ledger_entries WHERE order_id = ?1 GROUP BY currency',
    )
      .bind(orderId)
      .all();
    expect(ledger.results).toEqual([{ currency: 'GBP', earned: 200, bps: 500 }]);
  });

  it('counts an order once when its export is imported again for another marketplace', async () => {
    const stored = async (orderId: string) =>
      await env.DB.prepare(
        'SELECT (SELECT COUNT(*) FROM order_events WHERE order_id = ?1) AS events, (SELECT COUNT(DISTINCT currency) FROM ledger_entries WHERE order_id = ?1) AS currencies',
      )
        .bind(orderId)
        .first();
    // "$" fits amazon-us and amazon-ca; a "Price" header without a sign fits any marketplace. A file
    // of home ids is the group's (the webhook credits them at any of its marketplaces) and one of a
    // tracking id no member holds tells no marketplace: imported again, the same order, counted once.
    for (const [header, tag, first, again] of [
      [HEADER, 'milacooks-20', '', '?marketplace=amazon-ca'],
      [
        HEADER.replace('Price($)', 'Price'),
        'milacooks-20',
        '?marketplace=amazon-us',
        '?marketplace=amazon-uk',
      ],
      [HEADER, 'nobodys-20', '', '?marketplace=amazon-ca'],
    ] as const) {
      const orderId = uid('again');
      const csv = [
        header,
        `Kitchen,Skillet,B00006JSUA,${orderId},2026-11-20 10:00:00,2026-11-21 10:00:00,Shipped,2,20.00,${tag},`,
      ].join('\n');
      const known = tag === 'milacooks-20';
      expect(await (await importReport(csv, first)).json()).toMatchObject({ events: 1, duplicate: 0 });
      const res = await importReport(csv, again);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ processed: 0, duplicate: 1 });
      expect(await stored(orderId)).toEqual({ events: 1, currencies: known ? 1 : 0 });
    }
  });

  it('imports every row of a mixed export as the webhook credits it: a home tracking id on amazon.ca is an amazon-ca order', async () => {
    // Links tag a product on amazon.ca with the member's home id when they have no Canadian one,
    // and the webhook credits that order: its export row is imported the same, never left out.
    const hooked = uid('hook');
    const hook = await send({
      ...placed({ order_id: hooked, tracking_id: 'milacooks-20', currency: 'CAD' }),
      marketplace: 'amazon-ca',
    } as Parameters<typeof send>[0]);
    expect(hook.status).toBe(200);
    const [mine, home] = [uid('ca'), uid('home')];
    const csv = [
      HEADER,
      `Kitchen,Skillet,B00006JSUA,${mine},2026-11-20 10:00:00,2026-11-21 10:00:00,Shipped,1,20.00,milacooks0c-20,`,
      `Kitchen,Skillet,B00006JSUA,${home},2026-11-20 10:00:00,2026-11-21 10:00:00,Shipped,1,20.00,milacooks-20,`,
    ].join('\n');
    const preview = await importReport(csv, '?marketplace=amazon-ca&dry_run=1');
    expect(await preview.json()).toEqual({
      status: 'preview',
      layout: 'shopfront-orders',
      rows: 2,
      events: 2,
      processed: 2,
      duplicate: 0,
      unattributed: 0,
      rejected: [],
      rejected_more: 0,
      left_out: { rows: 0, tracking_ids: [] },
      unattributed_tracking_ids: [],
    });
    const res = await importReport(csv, '?marketplace=amazon-ca');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      rows: 2,
      events: 2,
      processed: 2,
      rejected: [],
      rejected_more: 0,
    });
    const stored = await env.DB.prepare(
      'SELECT order_id, retailer, currency FROM order_events WHERE order_id IN (?1, ?2, ?3) ORDER BY order_id',
    )
      .bind(mine, home, hooked)
      .all();
    expect(stored.results).toEqual(
      [mine, home, hooked].sort().map((order_id) => ({ order_id, retailer: 'amazon-ca', currency: 'CAD' })),
    );
    // Its key ignores the marketplace: imported again (for either), nothing is booked twice.
    const before = await counts();
    expect(await (await importReport(csv, '?marketplace=amazon-ca')).json()).toMatchObject({ duplicate: 2 });
    expect(await counts()).toEqual(before);
  });

  it("leaves out a row of an order whose tracking id is another marketplace's, listed and logged as a statement's; home ids are the group's", async () => {
    // The webhook's rule for an order's first event (report-tracking.ts), row by row.
    const [us, uk, ca] = [uid('us'), uid('uk'), uid('ca')];
    const mixed = [
      HEADER,
      exportLine(us, 'Ordered', 'milacooks-20'),
      exportLine(uk, 'Ordered', 'milacooks-21'),
      exportLine(uk, 'Shipped', 'milacooks-21'),
    ].join('\n');
    const logged: string[] = [];
    const spy = vi
      .spyOn(console, 'error')
      .mockImplementation((entry: unknown) => void logged.push(String(entry)));
    let res: Response;
    try {
      res = await importReport(mixed);
    } finally {
      spy.mockRestore();
    }
    expect(res.status).toBe(200);
    const leftOut = expect.stringMatching(
      /^"milacooks-21" is a tracking id of amazon-uk, not of amazon-us \(the marketplace of this import\): row left out; /,
    );
    expect(await res.json()).toMatchObject({
      rows: 3,
      events: 3,
      processed: 1,
      rejected: [
        { row: 3, field: 'Tracking ID', path: 'row 3, Tracking ID', message: leftOut },
        { row: 4, field: 'Tracking ID', path: 'row 4, Tracking ID', message: leftOut },
      ],
      rejected_more: 0,
    });
    const events = (order: string) =>
      env.DB.prepare('SELECT retailer, currency FROM order_events WHERE order_id = ?1').bind(order).all();
    expect((await events(uk)).results).toEqual([]);
    expect((await events(us)).results).toEqual([{ retailer: 'amazon-us', currency: 'USD' }]);
    const lines = logged.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.event === 'orders.import_rows_left_out')).toEqual([
      {
        level: 'warn',
        event: 'orders.import_rows_left_out',
        marketplace: 'amazon-us',
        layout: 'shopfront-orders',
        session_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        rows: 2,
        tracking_ids: ['milacooks-21'],
        tracking_ids_more: 0,
      },
    ]);

    // A one-row export of an amazon.ca order tagged with the member's home id: credited, as the webhook does.
    const home = await importReport(
      [HEADER, exportLine(ca, 'Shipped', 'milacooks-20')].join('\n'),
      '?marketplace=amazon-ca',
    );
    expect(home.status).toBe(200);
    expect(await home.json()).toMatchObject({ processed: 1, rejected: [] });
    expect((await events(ca)).results).toEqual([{ retailer: 'amazon-ca', currency: 'CAD' }]);
  });

  it('previews the rows the commit leaves out (same rows, ids and issues), storing and logging nothing; the commit then leaves out the same', async () => {
    const [us, uk, nobody] = [uid('us'), uid('uk'), uid('nobody')];
    const csv = [
      HEADER,
      exportLine(us, 'Ordered', 'milacooks-20'),
      exportLine(uk, 'Ordered', 'milacooks-21'),
      exportLine(uk, 'Shipped', 'MilaCooks-21'),
      exportLine(nobody, 'Ordered', `${nobody}-20`),
    ].join('\n');
    const leftOut = (row: number, id: string) => ({
      row,
      field: 'Tracking ID',
      path: `row ${row}, Tracking ID`,
      message: expect.stringMatching(
        new RegExp(
          `^"${id}" is a tracking id of amazon-uk, not of amazon-us \\(the marketplace of this import\\): row left out; `,
        ),
      ) as unknown,
    });
    const same = {
      layout: 'shopfront-orders',
      rows: 4,
      events: 4,
      processed: 1,
      duplicate: 0,
      unattributed: 1,
      rejected: [leftOut(3, 'milacooks-21'), leftOut(4, 'MilaCooks-21')],
      rejected_more: 0,
      left_out: { rows: 2, tracking_ids: ['milacooks-21'] },
      unattributed_tracking_ids: [`${nobody}-20`],
    };
    const logged: string[] = [];
    const spy = vi
      .spyOn(console, 'error')
      .mockImplementation((entry: unknown) => void logged.push(String(entry)));
    try {
      const before = await counts();
      const preview = await importReport(csv, '?dry_run=1');
      expect(preview.status).toBe(200);
      const shown = await preview.json<Record<string, unknown>>();
      expect(shown).toEqual({ status: 'preview', ...same });
      expect(await counts()).toEqual(before);
      expect(logged.filter((l) => l.includes('orders.import_rows_left_out'))).toEqual([]);

      const res = await importReport(csv);
      expect(res.status).toBe(200);
      const committed = await res.json<Record<string, unknown>>();
      expect(committed).toEqual({ status: 'imported', ...same });
      // The same rows, word for word.
      expect(committed.rejected).toEqual(shown.rejected);
      expect(logged.filter((l) => l.includes('orders.import_rows_left_out'))).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
    // Previewed again: the stored rows are duplicates now, and the rows left out are left out again.
    const again = await importReport(csv, '?dry_run=1');
    expect(await again.json()).toEqual({
      status: 'preview',
      ...same,
      processed: 0,
      duplicate: 2,
      unattributed: 0,
      unattributed_tracking_ids: [],
    });
    const stored = await env.DB.prepare('SELECT order_id FROM order_events WHERE order_id IN (?1, ?2, ?3)')
      .bind(us, uk, nobody)
      .all();
    expect(stored.results.map((r) => r.order_id).sort()).toEqual([nobody, us].sort());
  });

  it("leaves out an Ordered row whose id is another marketplace's when an unknown id's row of its order sorts first: the placed row is the head the credit goes to", async () => {
    const [us, uk] = [uid('us'), uid('uk')];
    const csv = [
      HEADER,
      exportLine(us, 'Ordered', 'milacooks-20', '2026-11-20 10:00:00'),
      exportLine(uk, 'Shipped', uid('nobody'), '2026-11-21 10:00:00'),
      exportLine(uk, 'Ordered', 'milacooks-21', '2026-11-22 10:00:00'),
    ].join('\n');
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let res: Response;
    try {
      res = await importReport(csv);
    } finally {
      spy.mockRestore();
    }
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      processed: 1,
      unattributed: 1,
      rejected: [
        {
          row: 4,
          field: 'Tracking ID',
          message: expect.stringMatching(/^"milacooks-21" is a tracking id of amazon-uk, not of amazon-us/),
        },
      ],
    });
    const rows = await env.DB.prepare(
      `SELECT type, status, (SELECT COUNT(*) FROM ledger_entries WHERE order_id = ?1) AS entries
       FROM order_events WHERE order_id = ?1`,
    )
      .bind(uk)
      .all();
    expect(rows.results).toEqual([{ type: 'order.shipped', status: 'unattributed', entries: 0 }]);
  });

  it("books a stored order's rows this isolate does not remember beside a new order's, never refusing them from a guess", async () => {
    // The order was stored while content held the member's UK id at amazon-us too (a later edit
    // narrowed it); this isolate has forgotten it (another isolate stored it, or its cache evicted it).
    const table = structuredClone(program.table);
    const credit = table.credit.find((m) => m.handle === 'mila-cooks');
    if (!credit) throw new Error('the sample content needs mila-cooks');
    credit.tracking_ids = { ...credit.tracking_ids, 'amazon-us': 'milacooks-21' };
    const [a, b] = [uid('a'), uid('b')];
    const bPlaced = exportLine(b, 'Ordered', 'milacooks-21');
    expect(await storedUnder(table, [bPlaced])).toEqual(['processed']);
    forget([b]);

    const res = await importReport(
      [
        HEADER,
        exportLine(a, 'Ordered', 'milacooks-20'),
        bPlaced,
        exportLine(b, 'Shipped', 'milacooks-21', '2026-11-22 10:00:00'),
      ].join('\n'),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ processed: 2, duplicate: 1, rejected: [] });
    const types = await env.DB.prepare('SELECT type FROM order_events WHERE order_id = ?1 ORDER BY order_seq')
      .bind(b)
      .all();
    expect(types.results).toEqual([{ type: 'order.placed' }, { type: 'order.shipped' }]);
  });

  /** Stores an export's rows through the store under `table` (content as it stood then), as the import would. */
  async function storedUnder(table: typeof program.table, lines: string[]) {
    const parsed = parseAmazonReport(new TextEncoder().encode([HEADER, ...lines].join('\n')), table);
    if (!parsed.ok || parsed.kind !== 'events') throw new Error(JSON.stringify(parsed));
    const events = await Promise.all(
      parsed.rows.map(async (r) => ({
        event_id: await reportEventId(r),
        source: 'amazon_report' as const,
        body: JSON.stringify(r.raw),
        received_at: Date.now(),
        event: r.event,
      })),
    );
    return [...(await applyEvents(env.DB, programFromTable(table), events)).values()];
  }
  const orderRows = async (order: string) =>
    await env.DB.prepare(
      `SELECT (SELECT COUNT(*) FROM order_events WHERE order_id = ?1) AS events,
              (SELECT COUNT(*) FROM order_terms WHERE order_id = ?1) AS terms,
              (SELECT COUNT(*) FROM ledger_entries WHERE order_id = ?1) AS entries`,
    )
      .bind(order)
      .first();

  it("imports an export holding only a credited order's rows whose id is now another marketplace's: the rows belong to its order", async () => {
    // Credited while content held the member's UK id at amazon-us too (a later edit narrowed it).
    const table = structuredClone(program.table);
    const credit = table.credit.find((m) => m.handle === 'mila-cooks');
    if (!credit) throw new Error('the sample content needs mila-cooks');
    credit.tracking_ids = { ...credit.tracking_ids, 'amazon-us': 'milacooks-21' };
    const b = uid('b');
    expect(await storedUnder(table, [exportLine(b, 'Ordered', 'milacooks-21')])).toEqual(['processed']);
    forget([b]);
    const csv = [
      HEADER,
      exportLine(b, 'Shipped', 'milacooks-21', '2026-11-22 10:00:00'),
      exportLine(b, 'Returned', 'milacooks-21', '2026-11-25 10:00:00'),
    ].join('\n');
    // The preview is judged the same: not refused.
    const preview = await importReport(csv, '?dry_run=1');
    expect(preview.status).toBe(200);
    expect(await preview.json()).toMatchObject({ status: 'preview', events: 2 });
    const res = await importReport(csv);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ processed: 2, rejected: [] });
    expect(await orderRows(b)).toMatchObject({ events: 3, terms: 1 });
    // A row of an order not yet credited beside them is still judged: the file's new orders are amazon-uk's.
    const fresh = uid('n');
    const mixed = await importReport(
      [
        HEADER,
        exportLine(b, 'Shipped', 'milacooks-21', '2026-11-23 10:00:00'),
        exportLine(fresh, 'Ordered', 'milacooks-21'),
      ].join('\n'),
    );
    expect(mixed.status).toBe(422);
    expect(await mixed.json()).toMatchObject({
      issues: [
        {
          message: expect.stringMatching(
            /^the report's tracking ids belong to amazon-uk, none to amazon-us: its 1 rows/,
          ),
        },
      ],
    });
    expect(await orderRows(b)).toMatchObject({ events: 3 });
    expect(await orderRows(fresh)).toEqual({ events: 0, terms: 0, entries: 0 });
  });

  it("leaves out the row that would credit a stored uncredited order by its head's id, now another marketplace's", async () => {
    // Stored unattributed while content did not know milacooks-21; since, it is mila's amazon-uk id.
    const table = structuredClone(program.table);
    const other = ([, id]: [string, string]) => id !== 'milacooks-21';
    for (const i of Object.values(table.influencers))
      if (i.tracking_ids) i.tracking_ids = Object.fromEntries(Object.entries(i.tracking_ids).filter(other));
    for (const m of table.credit) {
      if (m.tracking_ids) m.tracking_ids = Object.fromEntries(Object.entries(m.tracking_ids).filter(other));
      if (m.history) m.history = m.history.filter((e) => e.tracking_id !== 'milacooks-21');
    }
    const c = uid('c');
    expect(await storedUnder(table, [exportLine(c, 'Ordered', 'milacooks-21')])).toEqual(['unattributed']);
    const us = uid('us');
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let res: Response;
    try {
      res = await importReport(
        [
          HEADER,
          exportLine(us, 'Ordered', 'milacooks-20'),
          exportLine(c, 'Shipped', 'milacooks-21', '2026-11-22 10:00:00'),
        ].join('\n'),
      );
    } finally {
      spy.mockRestore();
    }
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      processed: 1,
      rejected: [
        {
          row: 3,
          field: 'Tracking ID',
          message: expect.stringMatching(
            `^"milacooks-21", the tracking id of order ${c}'s placed event stored before, which this row would credit the order by, ` +
              'is a tracking id of amazon-uk, not of amazon-us \\(the marketplace of this import\\): row left out, the order stays uncredited',
          ),
        },
      ],
    });
    expect(await orderRows(c)).toEqual({ events: 1, terms: 0, entries: 0 });
  });

  it('caps the events refused for their order at 200 listed, the rest counted; a large preview answers small', async () => {
    const n = 210;
    const orders = Array.from({ length: n }, () => uid('cap'));
    const rows = (status: string, tag: string) =>
      orders.map(
        (o) =>
          `Kitchen,Skillet,B00006JSUA,${o},2026-11-20 10:00:00,2026-11-22 10:00:00,${status},1,20.00,${tag},`,
      );
    // Stored as amazon-us orders, then their shipments exported from amazon.ca: each refused for
    // another marketplace than its order's (apply.ts), listed up to 200.
    expect(
      await (await importReport([HEADER, ...rows('Ordered', 'milacooks-20')].join('\n'))).json(),
    ).toMatchObject({
      processed: n,
    });
    const ca = [
      HEADER,
      `Kitchen,Skillet,B00006JSUA,${uid('ca')},2026-11-20 10:00:00,2026-11-22 10:00:00,Shipped,1,20.00,milacooks0c-20,`,
      ...rows('Shipped', 'milacooks-20'),
    ].join('\n');
    const res = await importReport(ca, '?marketplace=amazon-ca');
    expect(res.status).toBe(200);
    const body = await res.json<{ rejected: unknown[]; rejected_more: number; processed: number }>();
    expect(body.processed).toBe(1);
    expect(body.rejected).toHaveLength(200);
    expect(body.rejected_more).toBe(n - 200);

    const big = [HEADER];
    big.push(
      `Kitchen,Skillet,B00006JSUA,${uid('m')},2026-11-20 10:00:00,2026-11-21 10:00:00,Shipped,1,20.00,milacooks0c-20,`,
    );
    for (let i = 0; i < 2000; i++)
      big.push(
        `Kitchen,Skillet,B00006JSUA,o${i},2026-11-20 10:00:00,2026-11-21 10:00:00,Shipped,1,20.00,milacooks-20,`,
      );
    const preview = await importReport(big.join('\n'), '?marketplace=amazon-ca&dry_run=1');
    expect(preview.status).toBe(200);
    expect((await preview.text()).length).toBeLessThan(1000);
  });

  it('refuses a file with bad rows as a whole: 400 listing rows and columns, nothing stored', async () => {
    const before = await counts();
    const good = `Kitchen,Skillet,B00006JSUA,${uid('o')},2026-11-03 14:22:10,2026-11-03 14:22:10,Ordered,1,24.90,${influencers[0]!.trackingId},`;
    const csv = [
      HEADER,
      good,
      good.replace(',Ordered,', ',Delivered,'),
      good.replace(',24.90,', ',twenty,'),
    ].join('\n');
    const res = await importReport(csv);
    expect(res.status).toBe(400);
    const body = await res.json<{ error: string; issues: { path: string }[] }>();
    expect(body.error).toMatch(/nothing was imported/);
    expect(body.issues.map((i) => i.path)).toEqual(['row 3, Status', 'row 4, Price($)']);
    expect(await counts()).toEqual(before);
  });

  it('refuses an order dated before any rate table, naming the row', async () => {
    const csv = [
      HEADER,
      `Kitchen,Skillet,B00006JSUA,${uid('o')},2019-01-01 10:00:00,2019-01-01 10:00:00,Ordered,1,24.90,x-20,`,
    ].join('\n');
    const res = await importReport(csv);
    expect(res.status).toBe(400);
    expect((await res.json<{ issues: { path: string }[] }>()).issues.map((i) => i.path)).toEqual([
      'row 2, Order Date',
    ]);
  });
});

describe('the import route', () => {
  it('401 without the admin token, 403 with an influencer token, 413 over one request (sessions take more)', async () => {
    expect((await importReport(sample, '', null)).status).toBe(401);
    expect((await importReport(sample, '', 'not-the-admin-token')).status).toBe(401);
    expect((await importReport(sample, '', await createToken(influencers[0]!.handle))).status).toBe(403);
    const huge = `${HEADER}\n${'x'.repeat(8 * 1024 * 1024)}`;
    const res = await importReport(huge);
    expect(res.status).toBe(413);
    expect((await res.json<{ error: string }>()).error).toMatch(/import session/);
  });

  it('422 naming the columns of an unknown header set; 400 naming a bad query field; nothing stored', async () => {
    const before = await counts();
    const res = await importReport('Summary report\nDate,Clicks,Ordered Items\n2026-11-01,3,1\n');
    expect(res.status).toBe(422);
    const body = await res.json<{ error: string; issues: { message: string }[] }>();
    expect(body.error).toContain('unknown report layout');
    expect(body.issues[0]?.message).toContain('the columns are Date, Clicks, Ordered Items');
    const bad = await importReport(earnings, '?whole_account=maybe');
    expect(bad.status).toBe(400);
    expect(await counts()).toEqual(before);
  });
});

// Last in the file: its keys of a tracking id nobody holds would be listed by the sample's
// unattributed-keys check above.
describe("one file, one marketplace (July 2026: this describe's own days)", () => {
  const july = (tracking_id: string, day: string, fee_minor: number): EarningsRow => ({
    ...skillet(day, 1, fee_minor),
    tracking_id,
  });
  const caNet = async (trackingId: string) =>
    (
      await env.DB.prepare(
        'SELECT COALESCE(SUM(amount_minor), 0) AS n FROM ledger_entries WHERE order_id LIKE ?1',
      )
        .bind(`amzs:amazon-ca:${trackingId}:%:2026-07-__`)
        .first<{ n: number }>()
    )?.n;

  it('refuses a file committed for amazon-us when imported again for amazon-ca, even of ids nobody holds (whole account too)', async () => {
    const ca = file([july('milacooks0c-20', '2026-07-10', 150)], '2026-07-10', '2026-07-10');
    expect(await imported(ca, '?marketplace=amazon-ca&whole_account=1')).toMatchObject({
      added: { fee_minor: 150 },
    });
    const us = file([july('oldkitchenblog-20', '2026-07-10', 99)], '2026-07-10', '2026-07-10');
    expect(await imported(us, '?whole_account=1')).toMatchObject({ added: { fee_minor: 99 } });
    const before = await counts();
    for (const query of [
      '?marketplace=amazon-ca&whole_account=1',
      '?marketplace=amazon-ca&whole_account=1&dry_run=1',
      '?marketplace=amazon-ca',
    ]) {
      const res = await importReport(us, query);
      expect(res.status, query).toBe(422);
      expect(await res.json()).toMatchObject({
        error: 'this very file was imported for amazon-us, not amazon-ca: nothing was imported',
        issues: [{ path: 'marketplace' }],
      });
    }
    expect(await counts()).toEqual(before);
    // Mila's real Canadian money is still there, and the US money is not booked in CAD.
    expect(await caNet('milacooks0c-20')).toBe(150);
    expect(await caNet('oldkitchenblog-20')).toBe(0);
    // Its own marketplace again: the same file is a statement of amazon-us as before.
    expect(await imported(us, '?whole_account=1')).toMatchObject({ unchanged: 1 });
  });

  it('refuses a whole-account statement with rows left out (422 listing them), nothing stored; without whole_account imports the rest', async () => {
    const mixed = file(
      [july('milacooks0c-20', '2026-07-20', 150), july('milacooks-20', '2026-07-20', 112)],
      '2026-07-20',
      '2026-07-20',
    );
    const before = await counts();
    for (const query of [
      '?marketplace=amazon-ca&whole_account=1',
      '?marketplace=amazon-ca&whole_account=1&dry_run=1',
    ]) {
      const res = await importReport(mixed, query);
      expect(res.status).toBe(422);
      const body = await res.json<{ error: string; issues: { path: string; message: string }[] }>();
      expect(body.error).toBe(
        "a whole-account report states every key of amazon-ca, yet 1 of its rows is another marketplace's (milacooks-20): nothing was imported",
      );
      expect(body.issues.map((i) => i.path)).toEqual(['whole_account', 'row 4, Tracking ID']);
    }
    expect(await counts()).toEqual(before);

    const logged: string[] = [];
    const spy = vi
      .spyOn(console, 'error')
      .mockImplementation((line: unknown) => void logged.push(String(line)));
    let answer: StatementAnswer;
    try {
      answer = await imported(mixed, '?marketplace=amazon-ca');
    } finally {
      spy.mockRestore();
    }
    expect(answer).toMatchObject({ added: { keys: 1, fee_minor: 150 }, rejected: [{ row: 4 }] });
    expect(await caNet('milacooks0c-20')).toBe(300);
    // One log line says what was left out: the answer is not its only trace.
    const lines = logged.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.event === 'orders.import_rows_left_out')).toEqual([
      {
        level: 'warn',
        event: 'orders.import_rows_left_out',
        marketplace: 'amazon-ca',
        layout: 'fee-earnings',
        session_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        rows: 1,
        tracking_ids: ['milacooks-20'],
        tracking_ids_more: 0,
      },
    ]);
  });
});
