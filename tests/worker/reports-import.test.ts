/** `POST /api/admin/import/amazon` with the sample report of content/reports/. */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
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
