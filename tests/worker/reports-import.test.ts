/** `POST /api/admin/import/amazon` with the sample report of content/reports/. */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import earnings from '../../content/reports/amazon-fee-earnings-2026-11.csv?raw';
import feeOrders from '../../content/reports/amazon-fee-orders-2026-11.csv?raw';
import sample from '../../content/reports/amazon-sample-2026-11.csv?raw';
import { createToken, ORIGIN, influencers, uid } from './orders-helpers.ts';

const HEADER = 'Category,Name,ASIN,Order ID,Order Date,Date,Status,Qty,Price($),Tracking ID,Sub Tag';

function importReport(
  csv: string | ReadableStream,
  token: string | null = env.ADMIN_TOKEN,
  headers: Record<string, string> = {},
) {
  return exports.default.fetch(`${ORIGIN}/api/admin/import/amazon`, {
    method: 'POST',
    headers: {
      'content-type': 'text/csv',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: csv,
  });
}

async function counts() {
  const row = await env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM order_events) AS events, (SELECT COUNT(*) FROM ledger_entries) AS entries,
            (SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_entries) AS total`,
  ).first<{ events: number; entries: number; total: number }>();
  if (!row) throw new Error('no row');
  return row;
}

interface ImportResult {
  status: string;
  rows: number;
  processed: number;
  duplicate: number;
  unattributed: number;
  unattributed_tracking_ids: string[];
}

describe('POST /api/admin/import/amazon', () => {
  it('imports the sample report; importing it again changes nothing', async () => {
    const rows = sample.trim().split('\n').length - 2; // title line and header
    const first = await importReport(sample);
    expect(first.status).toBe(200);
    const result = await first.json<ImportResult>();
    expect(result).toMatchObject({ status: 'imported', rows, duplicate: 0, unattributed: 1 });
    expect(result.processed).toBe(rows - 1);
    expect(result.unattributed_tracking_ids).toEqual(['oldkitchenblog-20']);
    const after = await counts();
    expect(after.events).toBe(rows);
    expect(after.entries).toBeGreaterThan(rows);

    const second = await importReport(sample);
    expect(second.status).toBe(200);
    expect(await second.json<ImportResult>()).toMatchObject({
      rows,
      processed: 0,
      duplicate: rows,
      unattributed: 0,
    });
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
    const body = await res.json<{
      error: string;
      issues: { path: string; row: number; field: string; message: string }[];
    }>();
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

  it('401 without the admin token, 403 with an influencer token, 413 over 5 MiB', async () => {
    expect((await importReport(sample, null)).status).toBe(401);
    expect((await importReport(sample, 'not-the-admin-token')).status).toBe(401);
    expect((await importReport(sample, await createToken(influencers[0]!.handle))).status).toBe(403);
    const huge = `${HEADER}\n${'x'.repeat(5 * 1024 * 1024)}`;
    expect((await importReport(huge)).status).toBe(413);
  });
});

describe("POST /api/admin/import/amazon with Amazon's own reports", () => {
  async function line(orderId: string) {
    const row = await env.DB.prepare(
      `SELECT COALESCE(SUM(CASE WHEN bucket = 'pending' THEN amount_minor END), 0) AS pending,
              COALESCE(SUM(CASE WHEN bucket = 'earned' THEN amount_minor END), 0) AS earned,
              COALESCE(-SUM(CASE WHEN bucket = 'reversed' THEN amount_minor END), 0) AS reversed
       FROM ledger_entries WHERE order_id = ?1`,
    )
      .bind(orderId)
      .first<{ pending: number; earned: number; reversed: number }>();
    return row;
  }

  it('imports Fee-Orders then Fee-Earnings; records Ad Fees; a second import of either changes nothing', async () => {
    const orders = await importReport(feeOrders);
    expect(orders.status).toBe(200);
    expect(await orders.json()).toMatchObject({
      layout: 'fee-orders',
      rows: 8,
      events: 8,
      processed: 7,
      unattributed: 1,
      unattributed_tracking_ids: ['oldkitchenblog-20'],
      reconciliation: null,
    });
    const paid = await importReport(earnings);
    expect(paid.status).toBe(200);
    const result = await paid.json<{ reconciliation: unknown }>();
    expect(result).toMatchObject({ layout: 'fee-earnings', rows: 8, events: 8, processed: 7, duplicate: 0 });
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

    // Amazon's figure, not the table's 7.20.
    expect(await line('amzn:glowpriya-20:B09TZK3R7W:7200')).toEqual({ pending: 0, earned: 792, reversed: 0 });
    // 3 ordered, 2 shipped (2.24), 1 returned (1.12): one still pending at the table rate (1.12).
    expect(await line('amzn:milacooks-20:B00006JSUA:2490')).toEqual({
      pending: 112,
      earned: 224,
      reversed: 112,
    });
    // Two identical rows in one file both count.
    expect(await line('amzn:jesshomelab-20:B0BLS3Y632:104999')).toEqual({
      pending: 0,
      earned: 8400,
      reversed: 0,
    });

    const before = await counts();
    for (const file of [feeOrders, earnings]) {
      const again = await importReport(file);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ processed: 0, duplicate: 8 });
    }
    expect(await counts()).toEqual(before);
  });

  it('422 naming the columns of an unknown header set; nothing stored', async () => {
    const before = await counts();
    const res = await importReport('Summary report\nDate,Clicks,Ordered Items\n2026-11-01,3,1\n');
    expect(res.status).toBe(422);
    const body = await res.json<{ error: string; issues: { path: string; message: string }[] }>();
    expect(body.error).toContain('unknown report layout');
    expect(body.issues[0]?.message).toContain('the columns are Date, Clicks, Ordered Items');
    expect(await counts()).toEqual(before);
  });
});
