/**
 * The admin console's report import form (site/pages/dashboard/admin/index.astro) through its
 * worker half (worker/orders/import-console.ts) in workerd with real D1: the form as a browser
 * posts it, carrying the admin's session and no bearer token, calls the same service as
 * `POST /api/admin/import/amazon`; a creator's session and a cross-site post are refused
 * before anything is read; refusals keep the service's status and name the field or cell.
 * Storage is this file's own.
 */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { earningsFile, type EarningsRow } from '../../scripts/lib/fixtures/amazon-report-writer.ts';
import { importFormAnswer } from '../../worker/orders/import-console.ts';
import { ORIGIN } from './orders-helpers.ts';
import { CROSS_SITE_HEADERS } from './helpers.ts';

const PAGE = `${ORIGIN}/dashboard/admin/`;

const skillet = (day: string, shipped: number, fee_minor: number): EarningsRow => ({
  category: 'Kitchen',
  name: 'Poêle Lodge',
  asin: 'B00006JSUA',
  tracking_id: 'milacooks-20',
  day,
  price_minor: 2490,
  shipped,
  returned: 0,
  fee_minor,
});

/** The import form as the page's browser posts it (multipart, same origin, no Authorization header). */
function posted(
  fields: Record<string, string>,
  file: Uint8Array<ArrayBuffer> | null,
  headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' },
): Request {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  if (file) form.set('report', new File([file], 'fee-earnings.csv', { type: 'text/csv' }));
  return new Request(PAGE, { method: 'POST', headers, body: form });
}

async function stored() {
  const row = await env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM amazon_statements) AS statements,
            (SELECT COUNT(*) FROM ledger_entries) AS entries,
            (SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_entries) AS total_minor`,
  ).first<{ statements: number; entries: number; total_minor: number }>();
  if (!row) throw new Error('no row');
  return row;
}

describe('the console import, with only the admin session', () => {
  const september = earningsFile([skillet('2026-09-03', 1, 112), skillet('2026-09-04', 2, 224)], {
    title: { from: '2026-09-01', to: '2026-09-30' },
    encoding: 'windows-1252',
  });

  it('previews without storing, then imports; the request carries no bearer token', async () => {
    const before = await stored();
    const preview = posted({ action: 'preview' }, september);
    expect(preview.headers.has('authorization')).toBe(false);
    const shown = await importFormAnswer(env, preview, true);
    expect(shown).toMatchObject({ ok: true, status: 200 });
    expect(shown.message).toContain(
      'Preview (nothing stored): a fee-earnings statement for 2026-09-01 to 2026-09-30',
    );
    expect(shown.message).toContain('read as windows-1252');
    expect(shown.message).toContain('Would post: 2 added ($3.36)');
    expect(shown.details).toEqual([
      'added 2026-09-03 milacooks-20 B00006JSUA: $0.00 → $1.12',
      'added 2026-09-04 milacooks-20 B00006JSUA: $0.00 → $2.24',
    ]);
    expect(await stored()).toEqual(before);

    const done = await importFormAnswer(env, posted({ action: 'import' }, september), true);
    expect(done).toMatchObject({ ok: true, status: 200 });
    expect(done.message).toContain('Imported: a fee-earnings statement');
    expect(done.message).toContain('Posted: 2 added ($3.36)');
    expect(await stored()).toEqual({
      statements: before.statements + 1,
      entries: before.entries + 2,
      total_minor: before.total_minor + 336,
    });
    const fact = await env.DB.prepare(
      'SELECT imported_by, file_name, encoding FROM amazon_statements ORDER BY statement_id DESC LIMIT 1',
    ).first();
    expect(fact).toEqual({ imported_by: 'admin', file_name: 'fee-earnings.csv', encoding: 'windows-1252' });

    // One service: the API now sees the console's import, and the console sees nothing left to post.
    const res = await exports.default.fetch(`${ORIGIN}/api/admin/import/amazon?dry_run=1`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${env.ADMIN_TOKEN}` },
      body: september,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'preview', added: { keys: 0 }, unchanged: 2 });
    const again = await importFormAnswer(env, posted({ action: 'preview' }, september), true);
    expect(again.message).toContain(
      'Would post: 0 added ($0.00), 0 changed ($0.00), 0 reversed ($0.00); 2 unchanged.',
    );
  });
});

describe('refusals', () => {
  const file = earningsFile([skillet('2026-10-05', 1, 112)], {
    title: { from: '2026-10-05', to: '2026-10-05' },
  });

  it("refuses a creator's session even with the admin token in the header, and a cross-site post; nothing stored", async () => {
    const before = await stored();
    const creator = posted({ action: 'import' }, file, {
      'sec-fetch-site': 'same-origin',
      authorization: `Bearer ${env.ADMIN_TOKEN}`,
    });
    expect(await importFormAnswer(env, creator, false)).toMatchObject({
      ok: false,
      status: 403,
      message: expect.stringContaining('Admins only'),
    });
    const crossSite = CROSS_SITE_HEADERS;
    for (const headers of crossSite)
      expect(await importFormAnswer(env, posted({ action: 'import' }, file, headers), true)).toMatchObject({
        ok: false,
        status: 403,
        message: expect.stringContaining('only be sent from this site'),
      });
    expect(await stored()).toEqual(before);
  });

  it('names the field, the cell or what is missing, with the status the API answers; nothing stored', async () => {
    const before = await stored();
    expect(await importFormAnswer(env, posted({ action: 'import' }, null), true)).toMatchObject({
      ok: false,
      status: 400,
      message: 'Choose a report file or paste the report.',
    });
    const badDay = await importFormAnswer(env, posted({ action: 'import', from: '2026-13-01' }, file), true);
    expect(badDay).toMatchObject({
      ok: false,
      status: 400,
      details: ['from: must be a day like 2026-11-01'],
    });
    const pounds = earningsFile([skillet('2026-10-05', 1, 112)], {
      title: { from: '2026-10-05', to: '2026-10-05' },
      sign: '£',
    });
    const currency = await importFormAnswer(env, posted({ action: 'import' }, pounds), true);
    expect(currency).toMatchObject({ ok: false, status: 422 });
    expect(currency.details.join('\n')).toMatch(/GBP .*amazon-us is a USD marketplace/);
    expect(await stored()).toEqual(before);
  });

  it("refuses a US file as amazon-ca with the API's 422; lists a Canadian file's row of a US tracking id", async () => {
    const before = await stored();
    const wrong = await importFormAnswer(
      env,
      posted({ action: 'import', marketplace: 'amazon-ca' }, file),
      true,
    );
    expect(wrong).toMatchObject({
      ok: false,
      status: 422,
      message: "the report's tracking ids belong to amazon-us, none to amazon-ca: nothing was imported",
    });
    expect(await stored()).toEqual(before);
    const canadian = earningsFile(
      [{ ...skillet('2026-10-06', 1, 150), tracking_id: 'milacooks0c-20' }, skillet('2026-10-06', 1, 112)],
      { title: { from: '2026-10-06', to: '2026-10-06' } },
    );
    const shown = await importFormAnswer(
      env,
      posted({ action: 'preview', marketplace: 'amazon-ca' }, canadian),
      true,
    );
    expect(shown).toMatchObject({ ok: true, status: 200 });
    expect(shown.message).toContain('Would post: 1 added (CA$1.50)');
    expect(shown.message).toContain('Left out: 1 row of another marketplace (listed below).');
    expect(shown.details[0]).toMatch(
      /^row 4, Tracking ID: "milacooks-20" is a tracking id of amazon-us, not of amazon-ca/,
    );
    expect(await stored()).toEqual(before);
    // The whole account with a row left out: refused, the row listed (its keys would be reversed).
    const whole = await importFormAnswer(
      env,
      posted({ action: 'import', marketplace: 'amazon-ca', whole_account: '1' }, canadian),
      true,
    );
    expect(whole).toMatchObject({
      ok: false,
      status: 422,
      message:
        "a whole-account report states every key of amazon-ca, yet 1 of its rows is another marketplace's (milacooks-20): nothing was imported",
    });
    expect(whole.details.map((d) => d.split(':')[0])).toEqual(['whole_account', 'row 4, Tracking ID']);
    expect(await stored()).toEqual(before);
  });

  it("previews an order export's rows of another marketplace's tracking id as the import leaves them out; nothing stored", async () => {
    const order = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;
    const pasted = [
      'Category,Name,ASIN,Order ID,Order Date,Date,Status,Qty,Price($),Tracking ID,Sub Tag',
      `Kitchen,Skillet,B00006JSUA,${order('us')},2026-11-20 10:00:00,2026-11-21 10:00:00,Ordered,1,20.00,milacooks-20,`,
      `Kitchen,Skillet,B00006JSUA,${order('uk')},2026-11-20 10:00:00,2026-11-21 10:00:00,Ordered,1,20.00,milacooks-21,`,
    ].join('\n');
    const events = () => env.DB.prepare('SELECT COUNT(*) AS n FROM order_events').first<{ n: number }>();
    const before = [await stored(), await events()];
    const shown = await importFormAnswer(env, posted({ action: 'preview', csv: pasted }, null), true);
    expect(shown).toMatchObject({ ok: true, status: 200 });
    expect(shown.message).toBe(
      'Preview (nothing stored): a shopfront order export, 2 rows, 2 events: would be 1 new, 0 already imported, 0 unattributed. ' +
        'Left out: 1 row of another marketplace (listed below).',
    );
    expect(shown.details).toEqual([
      expect.stringMatching(
        /^row 3, Tracking ID: "milacooks-21" is a tracking id of amazon-uk, not of amazon-us/,
      ),
    ]);
    expect([await stored(), await events()]).toEqual(before);
  });

  it('imports pasted text like a file', async () => {
    const pasted = new TextDecoder().decode(file);
    const shown = await importFormAnswer(env, posted({ action: 'preview', csv: pasted }, null), true);
    expect(shown).toMatchObject({ ok: true, status: 200 });
    expect(shown.message).toContain('Would post: 1 added ($1.12)');
  });
});
