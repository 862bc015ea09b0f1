/**
 * Disputes against the ledger (domain/disputes/rules.ts planAgainstLedger): a filing for an order
 * the ledger credits to another member is refused; a credit is refused while the order is held
 * for review, or already earned for the member unless the admin sends top_up; a credit whose
 * order becomes held counts nowhere; a ledger entry after a credit is shown (ledger_after_credit)
 * beside the recorded sum, never netted. Storage is this file's own.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, post } from './disputes-helpers.ts';
import type { AdminDispute } from '../../domain/disputes/rules.ts';
import { addDays, utcDay } from '../../domain/time.ts';
import { flaggedClick, orderEvent } from './holds-helpers.ts';
import { ALICE, BOB, CAROL, createToken, placed, send, uid } from './orders-helpers.ts';

const admin = env.ADMIN_TOKEN;
const today = utcDay(Date.now());
const nowIso = new Date().toISOString();

const filing = (order_id: string) => ({
  order_id,
  order_date: addDays(today, -1),
  products: 'Cast-iron skillet',
  note: 'No commission shows for this order.',
});

/** An order of `trackingId` placed and shipped now through the signed webhook. */
async function shipped(orderId: string, trackingId: string): Promise<void> {
  const order = placed({
    order_id: orderId,
    tracking_id: trackingId,
    ordered_at: nowIso,
    occurred_at: nowIso,
  });
  expect((await send(order)).status).toBe(200);
  expect((await send({ ...order, type: 'order.shipped' })).status).toBe(200);
}

async function earnedNow(handle: string): Promise<number> {
  const res = await call(`/api/admin/payouts?period=${today.slice(0, 7)}`, admin);
  expect(res.status).toBe(200);
  const body = await res.json<{ payouts: { handle: string; earned_minor: number }[] }>();
  return body.payouts.find((p) => p.handle === handle)?.earned_minor ?? 0;
}

async function adminList(query = 'state=all&limit=5000'): Promise<AdminDispute[]> {
  const res = await call(`/api/admin/disputes?${query}`, admin);
  expect(res.status).toBe(200);
  return (await res.json<{ disputes: AdminDispute[] }>()).disputes;
}

/** `handle` (signed in with `token`) files a dispute for `orderId`, accepted (201); its id. */
async function fileFor(handle: string, token: string, orderId: string): Promise<number> {
  const res = await post(`/api/disputes/${handle}`, token, filing(orderId));
  expect(res.status).toBe(201);
  return (await res.json<{ dispute_id: number }>()).dispute_id;
}

/** The admin credits dispute `id`. */
const credit = (id: number, body: { amount_minor: number; note: string; top_up?: boolean }) =>
  post(`/api/admin/disputes/${id}/credit`, admin, body);

let alice = '';
let carol = '';
beforeAll(async () => {
  alice = await createToken(ALICE.handle);
  carol = await createToken(CAROL.handle);
});

describe('disputes are checked against the ledger', () => {
  it('refuses a filing for an order the ledger credits to another member (409)', async () => {
    const orderId = uid('bobs');
    await shipped(orderId, BOB.trackingId);
    const res = await post(`/api/disputes/${ALICE.handle}`, alice, filing(orderId));
    expect(res.status).toBe(409);
    expect((await res.json<{ error: string }>()).error).toMatch(/another member/);
    expect((await adminList()).some((d) => d.order_id === orderId)).toBe(false);
  });

  it('shows the recorded commission and refuses a credit on top of it unless top_up', async () => {
    const orderId = uid('earned');
    await shipped(orderId, ALICE.trackingId);
    const id = await fileFor(ALICE.handle, alice, orderId);
    const listed = (await adminList()).find((d) => d.dispute_id === id);
    expect(listed).toMatchObject({ recorded_handle: ALICE.handle, held: false, ledger_after_credit: false });
    expect(listed?.recorded_minor).toBeGreaterThan(0);
    const before = await earnedNow(ALICE.handle);
    const refused = await credit(id, { amount_minor: 500, note: 'x' });
    expect(refused.status).toBe(409);
    expect((await refused.json<{ error: string }>()).error).toMatch(/top_up/);
    expect(await earnedNow(ALICE.handle)).toBe(before);
    const topUp = await credit(id, { amount_minor: 500, note: 'the bonus the report missed', top_up: true });
    expect(topUp.status).toBe(201);
    expect(await earnedNow(ALICE.handle)).toBe(before + 500);
  });

  it('refuses a credit while the order is held for review, and a held credit counts nowhere', async () => {
    // Held before the credit: refused.
    const heldId = uid('held');
    const click = await flaggedClick(nowIso, { is_bot: 1, bot_reason: 'ua' });
    await orderEvent(heldId, 'order.placed', nowIso, 1, click);
    const id = await fileFor(CAROL.handle, carol, heldId);
    expect((await adminList()).find((d) => d.dispute_id === id)?.held).toBe(true);
    const refused = await credit(id, { amount_minor: 900, note: 'x' });
    expect(refused.status).toBe(409);
    expect((await refused.json<{ error: string }>()).error).toMatch(/held for review/);

    // Credited first, then the order arrives held: the credit leaves the payout until decided.
    const laterId = uid('later');
    const id2 = await fileFor(CAROL.handle, carol, laterId);
    const before = await earnedNow(CAROL.handle);
    expect((await credit(id2, { amount_minor: 900, note: 'ok' })).status).toBe(201);
    expect(await earnedNow(CAROL.handle)).toBe(before + 900);
    const click2 = await flaggedClick(nowIso, { is_bot: 1, bot_reason: 'ua' });
    await orderEvent(laterId, 'order.placed', nowIso, 1, click2);
    expect(await earnedNow(CAROL.handle)).toBe(before);
  });

  it('a ledger entry after a credit is shown beside it (ledger_after_credit), never netted', async () => {
    const orderId = uid('late');
    const id = await fileFor(ALICE.handle, alice, orderId);
    const before = await earnedNow(ALICE.handle);
    expect((await credit(id, { amount_minor: 300, note: 'ok' })).status).toBe(201);
    const credited = (await adminList()).find((d) => d.dispute_id === id);
    expect(credited).toMatchObject({ recorded_handle: null, recorded_minor: 0, ledger_after_credit: false });
    await shipped(orderId, ALICE.trackingId);
    const late = (await adminList()).find((d) => d.dispute_id === id);
    expect(late).toMatchObject({ recorded_handle: ALICE.handle, ledger_after_credit: true });
    const recorded = late?.recorded_minor ?? 0;
    expect(recorded).toBeGreaterThan(0);
    // Both counted, and both shown: the admin corrects by a new entry, nothing nets silently.
    expect(await earnedNow(ALICE.handle)).toBe(before + 300 + recorded);
    // The member's own view carries no ledger record (it could name another member).
    const mine = await (await call(`/api/disputes/${ALICE.handle}`, alice)).json<{ disputes: object[] }>();
    expect(mine.disputes.every((d) => !('recorded_handle' in d))).toBe(true);
  });
});
