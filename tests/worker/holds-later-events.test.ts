/**
 * A decided hold is final whatever arrives later (CONTRACT.md section 16; issue 24 item 3):
 * a return of a voided order never debits the member (its money never counted, so its reversal
 * must not either), a return of a released order counts like any return, and the recorded
 * decision never changes. Through the real worker and D1; storage is this file's own.
 */
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PayoutReport } from '../../domain/orders/payouts.ts';
import type { Hold } from '../../worker/holds/store.ts';
import { flaggedClick, orderEvent, PER_UNIT, shippedOrder } from './holds-helpers.ts';
import { CAROL, get, ORIGIN } from './orders-helpers.ts';

const post = (path: string, body: unknown) =>
  exports.default.fetch(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function carol(period: string) {
  const res = await get(`/api/admin/payouts?period=${period}`, env.ADMIN_TOKEN);
  expect(res.status).toBe(200);
  return (await res.json<PayoutReport>()).payouts.find((p) => p.handle === CAROL.handle);
}

async function decided(): Promise<Hold[]> {
  const res = await get('/api/admin/holds?status=decided', env.ADMIN_TOKEN);
  return (await res.json<{ holds: Hold[] }>()).holds;
}

let voided = '';
let released = '';

beforeAll(async () => {
  voided = await shippedOrder(
    '2025-10-02T12:00:00Z',
    2,
    await flaggedClick('2025-10-02T11:00:00Z', { flags: 4 }),
  );
  released = await shippedOrder(
    '2025-10-03T12:00:00Z',
    2,
    await flaggedClick('2025-10-03T11:00:00Z', { flags: 1 }),
  );
  await shippedOrder('2025-10-04T12:00:00Z', 1);
  expect((await post(`/api/admin/holds/${voided}/void`, { reason: 'burst' })).status).toBe(201);
  expect((await post(`/api/admin/holds/${released}/release`, { reason: 'real customer' })).status).toBe(201);
});

describe('events after a decision', () => {
  it('a return of a voided order is never charged to the member; a released one counts', async () => {
    expect(await carol('2025-10')).toMatchObject({ earned_minor: 3 * PER_UNIT, reversed_minor: 0 });
    await orderEvent(voided, 'order.returned', '2025-10-12T12:00:00Z', 2, undefined, '2025-10-02T12:00:00Z');
    await orderEvent(
      released,
      'order.returned',
      '2025-10-12T12:00:00Z',
      1,
      undefined,
      '2025-10-03T12:00:00Z',
    );
    expect(await carol('2025-10')).toMatchObject({
      earned_minor: 3 * PER_UNIT,
      reversed_minor: PER_UNIT,
      balance_minor: 2 * PER_UNIT,
    });
  });

  it('the recorded decisions never change', async () => {
    expect((await decided()).map((h) => [h.order_id, h.decision?.action, h.decision?.amount_minor])).toEqual([
      [voided, 'void', -2 * PER_UNIT],
      [released, 'release', 2 * PER_UNIT],
    ]);
  });
});
