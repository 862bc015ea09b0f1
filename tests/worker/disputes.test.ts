/**
 * Disputes (CONTRACT.md section 16) through the real worker and D1: a member files one with its
 * own token, admins list, credit or decline it (once), both see the history, CSV for admins;
 * a credit shows in the member's ledger and counts once in payouts, never in a closed month.
 * Storage is this file's own.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, post } from './disputes-helpers.ts';
import type { Dispute } from '../../domain/disputes/rules.ts';
import { MAX_AGE_DAYS, MAX_CREDIT_MINOR } from '../../domain/disputes/rules.ts';
import { addDays, monthBounds, utcDay } from '../../domain/time.ts';
import { decideDispute, fileDispute } from '../../worker/disputes/service.ts';
import { ledgerReason, readLedgerLines, readLedgerPage } from '../../worker/dashboard/queries.ts';
import { program } from '../../worker/orders/program.ts';
import { closeMonth, readMonth } from '../../worker/payouts/store.ts';
import { ALICE, BOB, createToken } from './orders-helpers.ts';
import { expectRefusedWrite } from './stored-rows.ts';

const admin = env.ADMIN_TOKEN;

const today = utcDay(Date.now());
const filing = (order_id: string) => ({
  order_id,
  order_date: addDays(today, -3),
  products: 'Cast-iron skillet (B00006JSUA)',
  note: 'Bought through my link on the 4th; no commission shows.',
});

let alice = '';
let bob = '';

beforeAll(async () => {
  alice = await createToken(ALICE.handle);
  bob = await createToken(BOB.handle);
});

async function problemOf(
  res: Response,
): Promise<{ error: string; issues?: { path: string; message: string }[] }> {
  return res.json();
}

describe('a member files a dispute', () => {
  it('needs the member’s own token: 401 without, 403 for another member’s or the admin’s', async () => {
    expect((await post(`/api/disputes/${ALICE.handle}`, null, filing('o-auth'))).status).toBe(401);
    expect((await post(`/api/disputes/${ALICE.handle}`, 'sft_wrong', filing('o-auth'))).status).toBe(401);
    expect((await post(`/api/disputes/${ALICE.handle}`, bob, filing('o-auth'))).status).toBe(403);
    expect((await post(`/api/disputes/${ALICE.handle}`, admin, filing('o-auth'))).status).toBe(403);
    expect((await call(`/api/disputes/${ALICE.handle}`, bob)).status).toBe(403);
    expect((await call(`/api/disputes/no-such-member`, admin)).status).toBe(404);
  });

  it('refuses bad input with 400 naming each field, never a 500', async () => {
    const cases: [unknown, string[]][] = [
      [{}, ['order_id', 'order_date', 'products', 'note']],
      [{ ...filing(''), order_id: '  ' }, ['order_id']],
      [{ ...filing('o-1'), order_id: 'x'.repeat(129) }, ['order_id']],
      [{ ...filing('o-1'), order_id: 'a\nb' }, ['order_id']],
      [{ ...filing('o-1'), order_date: addDays(today, 1) }, ['order_date']],
      [{ ...filing('o-1'), order_date: addDays(today, -MAX_AGE_DAYS - 1) }, ['order_date']],
      [{ ...filing('o-1'), order_date: '2026-02-30' }, ['order_date']],
      [{ ...filing('o-1'), order_date: 20261201 }, ['order_date']],
      [{ ...filing('o-1'), products: '' }, ['products']],
      [{ ...filing('o-1'), note: 'n'.repeat(2001) }, ['note']],
      [{ ...filing('o-1'), note: 'bell\u0007' }, ['note']],
      [{ ...filing('o-1'), extra: 1 }, ['(body)']],
      [[1, 2], ['(body)']],
    ];
    for (const [body, paths] of cases) {
      const res = await post(`/api/disputes/${ALICE.handle}`, alice, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const answer = await problemOf(res);
      expect([...new Set(answer.issues?.map((i) => i.path))]).toEqual(paths);
    }
    const notJson = await post(`/api/disputes/${ALICE.handle}`, alice, '{"order_id":');
    expect(notJson.status).toBe(400);
    expect((await problemOf(notJson)).error).toMatch(/JSON/);
    const big = await post(`/api/disputes/${ALICE.handle}`, alice, {
      ...filing('o-big'),
      note: 'n'.repeat(9000),
    });
    expect(big.status).toBe(413);
    // Nothing was stored by any refusal.
    const listed = await call(`/api/disputes/${ALICE.handle}`, alice);
    expect((await listed.json<{ disputes: Dispute[] }>()).disputes).toEqual([]);
  });

  it('stores a filing once: 201, the same again 200, another filing for the order 409', async () => {
    const first = await post(`/api/disputes/${ALICE.handle}`, alice, filing('o-once'));
    expect(first.status).toBe(201);
    const stored = await first.json<Dispute>();
    expect(stored).toMatchObject({
      handle: ALICE.handle,
      order_id: 'o-once',
      order_date: addDays(today, -3),
      state: 'open',
      decision: null,
    });
    const again = await post(`/api/disputes/${ALICE.handle}`, alice, filing('o-once'));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(stored);
    const other = await post(`/api/disputes/${ALICE.handle}`, alice, {
      ...filing('o-once'),
      note: 'changed',
    });
    expect(other.status).toBe(409);
    expect((await problemOf(other)).error).toMatch(/already disputed/);
    // Another member may dispute the same order id (its own claim).
    expect((await post(`/api/disputes/${BOB.handle}`, bob, filing('o-once'))).status).toBe(201);
    const mine = await (await call(`/api/disputes/${ALICE.handle}`, alice)).json<{ disputes: Dispute[] }>();
    expect(mine.disputes.map((d) => d.order_id)).toEqual(['o-once']);
  });
});

async function fileOne(orderId: string): Promise<Dispute> {
  const res = await post(`/api/disputes/${ALICE.handle}`, alice, filing(orderId));
  expect(res.status).toBe(201);
  return res.json<Dispute>();
}

describe('admins list, credit and decline', () => {
  it('lists open disputes by default, by state on request, admin token only, and as CSV', async () => {
    const d = await fileOne('o-list');
    expect((await call('/api/admin/disputes', null)).status).toBe(401);
    expect((await call('/api/admin/disputes', alice)).status).toBe(403);
    const bad = await call('/api/admin/disputes?state=closed', admin);
    expect(bad.status).toBe(400);
    expect((await problemOf(bad)).issues?.[0]?.path).toBe('state');
    const open = await (
      await call('/api/admin/disputes', admin)
    ).json<{ state: string; disputes: Dispute[] }>();
    expect(open.state).toBe('open');
    expect(open.disputes.map((x) => x.dispute_id)).toContain(d.dispute_id);
    expect(open.disputes.every((x) => x.state === 'open')).toBe(true);
    const csv = await call('/api/admin/disputes?format=csv', admin);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe(
      'dispute_id,member_id,handle,order_id,order_date,products,note,filed_at,state,decided_at,amount_minor,currency,decision_note,marketplace',
    );
    expect(text).toContain(`${d.dispute_id},${d.member_id},${ALICE.handle},o-list,`);
    const accept = await call('/api/admin/disputes?state=all', admin, { headers: { accept: 'text/csv' } });
    expect(accept.headers.get('content-type')).toMatch(/^text\/csv/);
  });

  it('refuses a bad credit with 400 naming the field, a missing dispute with 404', async () => {
    const d = await fileOne('o-bad-credit');
    const path = `/api/admin/disputes/${d.dispute_id}/credit`;
    const cases: [unknown, string][] = [
      [{ note: 'x' }, 'amount_minor'],
      [{ amount_minor: 0, note: 'x' }, 'amount_minor'],
      [{ amount_minor: -5, note: 'x' }, 'amount_minor'],
      [{ amount_minor: 1.5, note: 'x' }, 'amount_minor'],
      [{ amount_minor: MAX_CREDIT_MINOR + 1, note: 'x' }, 'amount_minor'],
      [{ amount_minor: 1e300, note: 'x' }, 'amount_minor'],
      [{ amount_minor: true, note: 'x' }, 'amount_minor'],
      [{ amount_minor: '12.5', note: 'x' }, 'amount_minor'],
      [{ amount_minor: 100 }, 'note'],
      [{ amount_minor: 100, note: 'x', currency: 'XYZ' }, 'currency'],
    ];
    for (const [body, field] of cases) {
      const res = await post(path, admin, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect([...new Set((await problemOf(res)).issues?.map((i) => i.path))]).toEqual([field]);
    }
    expect((await post(path, alice, { amount_minor: 100, note: 'x' })).status).toBe(403);
    expect(
      (await post('/api/admin/disputes/abc/credit', admin, { amount_minor: 100, note: 'x' })).status,
    ).toBe(400);
    expect((await post('/api/admin/disputes/0/decline', admin, { reason: 'x' })).status).toBe(400);
    expect(
      (await post('/api/admin/disputes/999999/credit', admin, { amount_minor: 100, note: 'x' })).status,
    ).toBe(404);
    expect((await post(`/api/admin/disputes/${d.dispute_id}/decline`, admin, {})).status).toBe(400);
    const still = await (await call(`/api/disputes/${ALICE.handle}`, alice)).json<{ disputes: Dispute[] }>();
    expect(still.disputes.find((x) => x.dispute_id === d.dispute_id)?.state).toBe('open');
  });

  it('declines with a reason once; the member sees it; another decision is refused (409)', async () => {
    const d = await fileOne('o-decline');
    const path = `/api/admin/disputes/${d.dispute_id}/decline`;
    const reason = 'The order was placed through another creator’s link.';
    const res = await post(path, admin, { reason });
    expect(res.status).toBe(201);
    expect(await res.json<Dispute>()).toMatchObject({
      state: 'declined',
      decision: { action: 'decline', note: reason, amount_minor: null, currency: null },
    });
    expect((await post(path, admin, { reason })).status).toBe(200);
    expect((await post(path, admin, { reason: 'another' })).status).toBe(409);
    const credit = await post(`/api/admin/disputes/${d.dispute_id}/credit`, admin, {
      amount_minor: 100,
      note: 'x',
    });
    expect(credit.status).toBe(409);
    expect((await problemOf(credit)).error).toMatch(/already declined/);
    const mine = await (await call(`/api/disputes/${ALICE.handle}`, alice)).json<{ disputes: Dispute[] }>();
    expect(mine.disputes.find((x) => x.dispute_id === d.dispute_id)?.decision?.note).toBe(reason);
    const declined = await (
      await call('/api/admin/disputes?state=declined', admin)
    ).json<{ disputes: Dispute[] }>();
    expect(declined.disputes.map((x) => x.dispute_id)).toContain(d.dispute_id);
  });

  it('credits once: a ledger line naming the dispute, counted once in the open month’s payout', async () => {
    const month = today.slice(0, 7);
    const payouts = async () => {
      const res = await call(`/api/admin/payouts?period=${month}`, admin);
      expect(res.status).toBe(200);
      const body = await res.json<{ payouts: { handle: string; earned_minor: number }[] }>();
      return body.payouts.find((p) => p.handle === ALICE.handle)?.earned_minor ?? 0;
    };
    const before = await payouts();
    const d = await fileOne('o-credit');
    const path = `/api/admin/disputes/${d.dispute_id}/credit`;
    const body = { amount_minor: 1234, note: 'Confirmed with the retailer’s report.' };
    const res = await post(path, admin, body);
    expect(res.status).toBe(201);
    const credited = await res.json<Dispute>();
    expect(credited).toMatchObject({
      state: 'credited',
      decision: { action: 'credit', amount_minor: 1234, currency: program.table.currency, note: body.note },
    });
    expect((await post(path, admin, body)).status).toBe(200);
    expect((await post(path, admin, { ...body, amount_minor: 1235 })).status).toBe(409);
    expect(await payouts()).toBe(before + 1234);

    const { start, end } = monthBounds(month);
    const lines = await readLedgerLines(env.DB, ALICE.handle, start, end);
    const line = lines.find((l) => l.dispute_id === d.dispute_id);
    expect(line).toMatchObject({
      entry_id: -d.dispute_id,
      bucket: 'earned',
      amount_minor: 1234,
      event_type: 'dispute.credit',
    });
    expect(ledgerReason(line!)).toMatch(
      new RegExp(`^Dispute ${d.dispute_id} credited by an admin \\(order o-credit\\)`),
    );
    const page = await readLedgerPage(env.DB, ALICE.handle, start, end, 1);
    expect(page.total).toBe(lines.length);
    expect(page.lines.map((l) => l.entry_id)).toContain(-d.dispute_id);

    // Append-only in SQL: no edit, no second decision, whatever the caller.
    await expectRefusedWrite('UPDATE dispute_decisions SET amount_minor = 99 WHERE dispute_id = ?1', [
      d.dispute_id,
    ]);
    await expectRefusedWrite(
      "INSERT INTO dispute_decisions (dispute_id, action, note, amount_minor, currency, decided_at) VALUES (?1, 'credit', 'again', 5, 'USD', 1)",
      [d.dispute_id],
      /UNIQUE/,
    );
    await expectRefusedWrite('DELETE FROM disputes WHERE dispute_id = ?1', [d.dispute_id]);
  });
});

describe('credits and closed months', () => {
  it('a credit decided after a month closed leaves it byte-identical; one dated inside it is an adjustment', async () => {
    // The service with explicit clocks, in months of their own (2031): close March in April +hold.
    const table = program.table;
    const hold = table.payout.hold_days * 86_400_000;
    const march = monthBounds('2031-03');
    const marchDay = march.start + 10 * 86_400_000;
    /** Alice's dispute for `orderId`, ordered on `orderDate`, filed on a March day; its id. */
    const filedInMarch = async (orderId: string, orderDate: string) => {
      const r = await fileDispute(
        env.DB,
        table,
        ALICE.handle,
        { ...filing(orderId), order_date: orderDate },
        marchDay,
      );
      if (!r.ok) throw new Error(`${orderId} not filed: ${r.message}`);
      return r.dispute.dispute_id;
    };
    /** The admin's credit of dispute `id`, decided by a clock reading `now`. */
    const creditAt = (id: number, amount_minor: number, note: string, now: number) =>
      decideDispute(env.DB, 'credit', id, { amount_minor, note }, table, now);
    const filed = await filedInMarch('o-2031', '2031-03-05');
    const late = await filedInMarch('o-2031-late', '2031-03-06');
    // A credit in March, then March closes: counted in March's earned.
    expect((await creditAt(filed, 3000, 'ok', marchDay)).ok).toBe(true);
    // Months close in order: this file's earlier month (today's credits) first.
    const closeAt = march.end + hold + 86_400_000;
    const earlier = await closeMonth(env.DB, today.slice(0, 7), table, closeAt);
    if (!earlier.ok) throw new Error(earlier.message);
    const closed = await closeMonth(env.DB, '2031-03', table, closeAt);
    if (!closed.ok) throw new Error(closed.message);
    const row = (json: string) =>
      (
        JSON.parse(json) as { payouts: { handle: string; earned_minor: number; adjustment_minor: number }[] }
      ).payouts.find((p) => p.handle === ALICE.handle);
    expect(row(closed.json)?.earned_minor).toBe(3000);
    // A credit whose clock says March (skewed) after March closed: March stays, April adjusts.
    expect((await creditAt(late, 700, 'late', marchDay + 1000)).ok).toBe(true);
    const again = await readMonth(env.DB, '2031-03', table, closeAt + 5000);
    expect(again.kind === 'closed' && again.json).toBe(closed.json);
    const april = await readMonth(env.DB, '2031-04', table, closeAt + 5000);
    if (april.kind !== 'open') throw new Error(april.kind);
    expect(april.report.payouts.find((p) => p.handle === ALICE.handle)).toMatchObject({
      adjustment_minor: 700,
      earned_minor: 0,
    });
  });
});
