/**
 * One balance per member and currency, through the real worker and D1
 * (CONTRACT.md sections 13 and 14): a renamed member's clawback nets against its
 * new earnings, a member gone from content is held, a member under review cannot
 * be marked paid, two currencies are two balances, and no listing is cut short.
 *
 * Content after a rename (or with `review: true`) is the program table the build
 * would compile from it; the store functions take it as the routes take the
 * deployed one. Threshold $25.00, GBP 20.00, hold 60 days (content/program.yaml).
 */
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { memberIndex, type PayoutReport } from '../../domain/orders/payouts.ts';
import { readStats } from '../../worker/reports/stats-query.ts';
import type { ProgramTable } from '../../domain/orders/program-table.ts';
import programTable from '../../worker/generated/program.ts';
import { closeMonth, markPaid, readCreatorPayouts } from '../../worker/payouts/store.ts';
import { ALICE, BOB, CAROL, DAVE, get, ORIGIN, placed, send, uid, type EventBody } from './orders-helpers.ts';
import { countRows, recordedLine } from './stored-rows.ts';

// 500.00 at 450 bps (kitchen): 22.50 commission per unit.
const ITEM = { product_id: 'B00006JSUA', category: 'kitchen', unit_price: 50_000 };
const NEW_HANDLE = `${ALICE.handle}-renamed`;
const LATER = Date.parse('2030-01-01T00:00:00Z');

function admin(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(`${ORIGIN}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, ...init.headers },
  });
}
const paid = (body: unknown) =>
  admin('/api/admin/payouts/paid', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Content after ALICE was renamed: same member id and tracking id, a new handle. */
function renamed(): ProgramTable {
  const t = structuredClone(programTable);
  const alice = t.influencers[ALICE.handle];
  if (!alice) throw new Error('no ALICE');
  delete t.influencers[ALICE.handle];
  t.influencers[NEW_HANDLE] = { ...alice, previous_handles: [...alice.previous_handles, ALICE.handle] };
  return t;
}

/** Ledger lines as the worker writes them for an order credited to `handle` (after a content change). */
async function credit(handle: string, at: string, amount: number, currency = 'USD'): Promise<void> {
  await env.DB.batch(
    recordedLine({
      handle,
      at: Date.parse(at),
      currency,
      bucket: amount < 0 ? 'reversed' : 'earned',
      quantity: amount < 0 ? -1 : 1,
      amount_minor: amount,
      revenue_minor: amount < 0 ? -50_000 : 50_000,
      unit_price_minor: 50_000,
    }),
  );
}

const aliceJan = (() => {
  const base = placed({
    order_id: uid('pay'),
    tracking_id: ALICE.trackingId,
    ordered_at: '2025-01-10T12:00:00Z',
  });
  return (type: EventBody['type'], at: string, quantity: number): EventBody => ({
    ...base,
    type,
    occurred_at: at,
    items: [{ ...ITEM, quantity }],
  });
})();

beforeAll(async () => {
  // January, before the rename: 45.00 earned by ALICE, paid when January closes.
  for (const e of [
    aliceJan('order.placed', '2025-01-10T12:00:00Z', 2),
    aliceJan('order.shipped', '2025-01-12T12:00:00Z', 2),
  ])
    expect((await send(e)).status).toBe(200);
  expect((await admin('/api/admin/payouts/close?period=2025-01', { method: 'POST' })).status).toBe(201);
  expect((await paid({ period: '2025-01', handle: ALICE.handle, reference: 'JAN-1' })).status).toBe(200);
});

describe('a renamed member', () => {
  it('nets a clawback of an order recorded under the old handle against new earnings: 36.00 paid, not 81.00', async () => {
    // February, after the rename: the January order comes back (recorded under the old handle,
    // as every line of that order is), and 81.00 is earned under the new handle.
    expect((await send(aliceJan('order.returned', '2025-02-03T12:00:00Z', 2))).status).toBe(200);
    await credit(NEW_HANDLE, '2025-02-05T12:00:00Z', 8100);
    const content = renamed();
    const closed = await closeMonth(env.DB, '2025-02', content, LATER);
    if (!closed.ok) throw new Error(closed.message);
    const rows = (JSON.parse(closed.json) as PayoutReport).payouts.filter(
      (p) => p.member_id === ALICE.handle,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        handle: NEW_HANDLE,
        currency: 'USD',
        earned_minor: 8100,
        reversed_minor: 4500,
        balance_minor: 3600,
        payout_minor: 3600,
        reason: 'payable',
      }),
    ]);
    // Named by either handle, it is the same row; the member's dashboard lists both months.
    const payment = await markPaid(
      env.DB,
      { period: '2025-02', handle: ALICE.handle, reference: 'FEB-1' },
      content,
      LATER,
    );
    expect(payment).toMatchObject({
      ok: true,
      payment: { member_id: ALICE.handle, handle: NEW_HANDLE, amount_minor: 3600 },
    });
    const again = await markPaid(
      env.DB,
      { period: '2025-02', handle: NEW_HANDLE, reference: 'FEB-1' },
      content,
      LATER,
    );
    expect(again).toEqual(payment);
    // Its stats are one member's too: both handles' lines, netted.
    const members = memberIndex(content);
    const handles = members.handles(members.idOf(NEW_HANDLE));
    expect(handles.sort()).toEqual([ALICE.handle, NEW_HANDLE].sort());
    const stats = await readStats(env.DB, NEW_HANDLE, '2025-02-01', '2025-02-28', 'USD', handles);
    expect(stats.commission).toMatchObject({ earned: 8100, reversed: 4500, net: 3600 });
    const mine = await readCreatorPayouts(env.DB, NEW_HANDLE, content);
    expect(mine.map((p) => [p.period, p.payout_minor, p.reference])).toEqual([
      ['2025-02', 3600, 'FEB-1'],
      ['2025-01', 4500, 'JAN-1'],
    ]);
  });
});

describe('held members', () => {
  it('a member gone from content is held (member_missing): never paid, carried forward whole', async () => {
    await credit('gone-member', '2025-03-04T12:00:00Z', 9000);
    const res = await get('/api/admin/payouts?period=2025-03', env.ADMIN_TOKEN);
    const row = (await res.json<PayoutReport>()).payouts.find((p) => p.handle === 'gone-member');
    expect(row).toMatchObject({
      member_id: 'gone-member',
      status: 'unknown',
      payable: false,
      payout_minor: 0,
      carried_forward_minor: 9000,
      reason: 'member_missing',
    });
  });

  it('a member under review: its balance is held, and no payout of it is marked paid', async () => {
    await credit(BOB.handle, '2025-03-05T12:00:00Z', 5000);
    const content = structuredClone(programTable);
    content.influencers[BOB.handle]!.review = true;
    const closed = await closeMonth(env.DB, '2025-03', content, LATER);
    if (!closed.ok) throw new Error(closed.message);
    const bob = (JSON.parse(closed.json) as PayoutReport).payouts.find((p) => p.handle === BOB.handle);
    expect(bob).toMatchObject({ payable: false, carried_forward_minor: 5000, reason: 'held_for_review' });
    // A payable row of an earlier month cannot be paid either while the review lasts.
    await expectPaidRefused(content, '2025-03', BOB.handle, 'under_review');
  });
});

/** markPaid refuses with `reason`, and no payment of the member is stored. */
async function expectPaidRefused(content: ProgramTable, period: string, handle: string, reason: string) {
  const refused = await markPaid(env.DB, { period, handle, reference: 'X' }, content, LATER);
  expect(refused).toMatchObject({ ok: false, reason });
  expect(await countRows('SELECT COUNT(*) AS n FROM payout_payments WHERE handle = ?1', handle)).toBe(0);
}

describe('two currencies, two balances', () => {
  it('pays each against its own threshold, never converted; paid names the currency', async () => {
    await credit(CAROL.handle, '2025-04-02T12:00:00Z', 2100, 'GBP'); // GBP threshold 20.00: payable
    await credit(CAROL.handle, '2025-04-03T12:00:00Z', 2100); // USD threshold 25.00: carried
    const res = await admin('/api/admin/payouts/close?period=2025-04', { method: 'POST' });
    expect(res.status).toBe(201);
    const report = await res.json<PayoutReport>();
    expect(report).toMatchObject({ currency: 'USD', threshold_minor: 2500 });
    expect(report.thresholds_minor).toMatchObject({ GBP: 2000, USD: 2500 });
    const carol = report.payouts.filter((p) => p.handle === CAROL.handle);
    expect(carol.map((p) => [p.currency, p.balance_minor, p.payout_minor, p.reason])).toEqual([
      ['GBP', 2100, 2100, 'payable'],
      ['USD', 2100, 0, 'below_threshold'],
    ]);
    const csv = await (await get('/api/admin/payouts?period=2025-04&format=csv', env.ADMIN_TOKEN)).text();
    expect(csv).toContain(
      `,${CAROL.handle},influencer,${CAROL.trackingId},approved,GBP,0,0,2100,0,2100,true,2100,0,payable,`,
    );

    const unnamed = await paid({ period: '2025-04', handle: CAROL.handle, reference: 'UK-1' });
    expect(unnamed.status).toBe(400);
    expect((await unnamed.json<{ error: string }>()).error).toContain('rows in GBP and USD');
    expect(
      (await paid({ period: '2025-04', handle: CAROL.handle, currency: 'USD', reference: 'UK-1' })).status,
    ).toBe(409);
    const uk = await paid({ period: '2025-04', handle: CAROL.handle, currency: 'GBP', reference: 'UK-1' });
    expect(uk.status).toBe(200);
    expect(await uk.json()).toMatchObject({ currency: 'GBP', amount_minor: 2100, member_id: CAROL.handle });

    const { runs } = await (
      await admin('/api/admin/payouts/runs')
    ).json<{
      runs: {
        period: string;
        currency: string;
        payable_minor: number;
        paid_minor: number;
        owed_minor: number;
      }[];
    }>();
    expect(runs.filter((r) => r.period === '2025-04')).toEqual([
      expect.objectContaining({ currency: 'GBP', payable_minor: 2100, paid_minor: 2100, owed_minor: 0 }),
      // BOB's March balance, held while under review, is paid with April now that content clears him.
      expect.objectContaining({ currency: 'USD', payable_minor: 5000, paid_minor: 0, owed_minor: 5000 }),
    ]);
  });
});

describe('listings', () => {
  it('owed is paginated: every row once, with how many are left, never cut short silently', async () => {
    for (const handle of [ALICE.handle, CAROL.handle, DAVE.handle])
      await credit(handle, '2025-05-06T12:00:00Z', 3000 + handle.length);
    expect((await admin('/api/admin/payouts/close?period=2025-05', { method: 'POST' })).status).toBe(201);
    type Page = {
      owed: { period: string; handle: string }[];
      owed_rows: number;
      owed_more: number;
      next: string | null;
    };
    const seen: string[] = [];
    let query = '?limit=1';
    let total = -1;
    for (let page = 0; page < 10; page++) {
      const res = await admin(`/api/admin/payouts/runs${query}`);
      expect(res.status).toBe(200);
      const body = await res.json<Page>();
      if (page === 0) total = body.owed_rows;
      expect(body.owed).toHaveLength(1);
      expect(body.owed_rows).toBe(total);
      expect(body.owed_more).toBe(total - page - 1);
      seen.push(...body.owed.map((o) => `${o.period} ${o.handle}`));
      if (body.next === null) break;
      query = `?limit=1&after=${encodeURIComponent(body.next)}`;
    }
    // BOB's April row and the three of May, each once, oldest first.
    expect(total).toBe(4);
    expect(seen).toEqual([
      `2025-04 ${BOB.handle}`,
      ...[ALICE.handle, CAROL.handle, DAVE.handle].sort().map((h) => `2025-05 ${h}`),
    ]);
    expect((await admin('/api/admin/payouts/runs?limit=0')).status).toBe(400);
    expect((await admin('/api/admin/payouts/runs?after=nonsense')).status).toBe(400);
  });
});

describe('a member gone from content', () => {
  it('is never marked paid, not even for a row that was payable when its month closed', async () => {
    const content = structuredClone(programTable);
    delete content.influencers[DAVE.handle];
    await expectPaidRefused(content, '2025-05', DAVE.handle, 'member_missing');
  });
});

describe('exact sums', () => {
  it('a month whose sums would leave the safe-integer range is refused with 422 before anything is stored', async () => {
    // Two lines of 5 x 10^15 (far past any bound the ledger admits, as a damaged database could hold).
    await credit(DAVE.handle, '2025-07-02T12:00:00Z', 5_000_000_000_000_000);
    await credit(DAVE.handle, '2025-07-03T12:00:00Z', 5_000_000_000_000_000);
    const shown = await get('/api/admin/payouts?period=2025-07', env.ADMIN_TOKEN);
    expect(shown.status).toBe(422);
    expect((await shown.json<{ error: string }>()).error).toContain('safe-integer range');
    const closed = await admin('/api/admin/payouts/close?period=2025-07', { method: 'POST' });
    expect(closed.status).toBe(422);
    expect(
      await env.DB.prepare("SELECT COUNT(*) AS n FROM payout_runs WHERE period >= '2025-06'").first('n'),
    ).toBe(0);
  });
});
