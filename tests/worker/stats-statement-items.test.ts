/**
 * Items Amazon's statements state, shown in `GET /api/stats/<handle>` (`by_marketplace[].items`)
 * and the admin console's row per creator (`stated_ordered`): Fee-Orders statements give items
 * ordered, Fee-Earnings ones items shipped and returned (CONTRACT.md sections 5 and 12). Imported
 * through the admin route in workerd with D1; days of July 2026 only this file uses.
 */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dayStart, DAY_MS } from '../../domain/time.ts';
import { readCreatorRows, type Stats } from '../../worker/reports/stats-query.ts';
import { earningsFile } from '../../scripts/lib/fixtures/amazon-report-writer.ts';
import { get, ORIGIN } from './orders-helpers.ts';

const HEAD = 'Category,Name,ASIN,Date,Qty,Price(SIGN),Link Type,Tag,Indirect Sales,Device Type Group';

/** A Fee-Orders file as Associates Central exports it: [day, qty, tag] rows. */
function feeOrders(from: string, to: string, rows: [string, number, string][], sign = '$'): string {
  const [fy, fm, fd] = from.split('-');
  const [ty, tm, td] = to.split('-');
  return [
    `Fee-Orders reports from ${fm}-${fd}-${fy} to ${tm}-${td}-${ty}`,
    HEAD.replace('SIGN', sign),
    ...rows.map(
      ([day, qty, tag]) =>
        `Kitchen,"Lodge Skillet",B00006JSUA,${day} 10:00:00,${qty},24.90,Text,${tag},0,PHONE`,
    ),
  ].join('\n');
}

async function importFile(body: string | Uint8Array<ArrayBuffer>, query = ''): Promise<void> {
  const res = await exports.default.fetch(`${ORIGIN}/api/admin/import/amazon${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${env.ADMIN_TOKEN}` },
    body,
  });
  if (res.status !== 200) throw new Error(`${res.status}: ${await res.text()}`);
}

async function stats(handle: string, from: string, to: string): Promise<Stats> {
  const res = await get(`/api/stats/${handle}?from=${from}&to=${to}`, env.ADMIN_TOKEN);
  expect(res.status).toBe(200);
  return res.json<Stats>();
}

const marketplace = (s: Stats, id: string) => s.by_marketplace.find((m) => m.marketplace === id);

describe("items stated by Amazon's statements", () => {
  it('by_marketplace shows items ordered (Fee-Orders) and shipped/returned (Fee-Earnings) per member and day range', async () => {
    // mila-cooks holds milacooks-20 (amazon-us) and milacooks-21 (amazon-uk) in July 2026.
    await importFile(
      feeOrders('2026-07-06', '2026-07-08', [
        ['2026-07-06', 2, 'milacooks-20'],
        ['2026-07-07', 3, 'milacooks-20'],
        ['2026-07-07', 7, 'pageturnerava-20'],
        ['2026-07-08', 1, 'milacooks-20'],
      ]),
    );
    await importFile(
      feeOrders('2026-07-07', '2026-07-07', [['2026-07-07', 4, 'milacooks-21']], '£'),
      '?marketplace=amazon-uk',
    );
    await importFile(
      earningsFile(
        [
          {
            category: 'Kitchen',
            name: 'Lodge Skillet',
            asin: 'B00006JSUA',
            tracking_id: 'milacooks-20',
            day: '2026-07-07',
            price_minor: 2490,
            shipped: 2,
            returned: 1,
            fee_minor: 112,
          },
        ],
        { title: { from: '2026-07-07', to: '2026-07-07' } },
      ),
    );

    const week = await stats('mila-cooks', '2026-07-06', '2026-07-08');
    expect(marketplace(week, 'amazon-us')).toEqual({
      marketplace: 'amazon-us',
      clicks: 0,
      items: { ordered: 6, shipped: 2, returned: 1 },
    });
    expect(marketplace(week, 'amazon-uk')?.items).toEqual({ ordered: 4, shipped: 0, returned: 0 });
    // Only the days asked for.
    expect(marketplace(await stats('mila-cooks', '2026-07-08', '2026-07-08'), 'amazon-us')?.items).toEqual({
      ordered: 1,
      shipped: 0,
      returned: 0,
    });
    // Another member's keys are its own.
    expect(
      marketplace(await stats('pageturner-ava', '2026-07-06', '2026-07-08'), 'amazon-us')?.items.ordered,
    ).toBe(7);

    // A restated day (3 -> 1 items): the later statement wins.
    await importFile(feeOrders('2026-07-07', '2026-07-07', [['2026-07-07', 1, 'milacooks-20']]));
    expect(
      marketplace(await stats('mila-cooks', '2026-07-06', '2026-07-08'), 'amazon-us')?.items.ordered,
    ).toBe(4);

    // The admin console's row per creator: items ordered across marketplaces, same days.
    const start = dayStart('2026-07-06');
    const rows = await readCreatorRows(env.DB, start, start + 3 * DAY_MS, 'USD');
    expect(rows.find((r) => r.handle === 'mila-cooks')?.stated_ordered).toBe(8);
    expect(rows.find((r) => r.handle === 'pageturner-ava')?.stated_ordered).toBe(7);
  });

  it('a member without statements gets zero items beside its clicks', async () => {
    const none = await stats('mila-cooks', '2026-07-20', '2026-07-21');
    for (const m of none.by_marketplace) expect(m.items).toEqual({ ordered: 0, shipped: 0, returned: 0 });
  });
});
