/**
 * Holds for review (CONTRACT.md section 16) through the real worker and D1: an order whose
 * attributed click is flagged counts in no payout row until an admin releases it; a release
 * into a closed month is an adjustment in the first open month; a void is a reversing
 * decision that changes no month. Threshold $25.00, hold 60 days. Storage is this file's own.
 */
import { env, exports } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PayoutReport } from '../../domain/orders/payouts.ts';
import type { Hold } from '../../worker/holds/store.ts';
import { flaggedClick, PER_UNIT, shippedOrder } from './holds-helpers.ts';
import { CAROL, get, ORIGIN } from './orders-helpers.ts';

type Report = PayoutReport & { held_for_review?: Hold[] };

function admin(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(`${ORIGIN}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, ...init.headers },
  });
}
const post = (path: string, body?: unknown) =>
  admin(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

const click = flaggedClick;
const shipped = shippedOrder;

async function month(period: string): Promise<{ text: string; report: Report }> {
  const res = await get(`/api/admin/payouts?period=${period}`, env.ADMIN_TOKEN);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, report: JSON.parse(text) as Report };
}
const carol = (r: Report) => r.payouts.find((p) => p.handle === CAROL.handle);

async function holds(query = ''): Promise<Hold[]> {
  const res = await get(`/api/admin/holds${query}`, env.ADMIN_TOKEN);
  expect(res.status).toBe(200);
  return (await res.json<{ holds: Hold[] }>()).holds;
}

let botOrder = '';
let burstOrder = '';

beforeAll(async () => {
  const bot = await click('2025-05-02T10:00:00Z', { is_bot: 1, bot_reason: 'crawler' });
  const burst = await click('2025-05-04T11:00:00Z', { flags: 4 });
  botOrder = await shipped('2025-05-02T12:00:00Z', 2, bot);
  await shipped('2025-05-03T12:00:00Z', 1);
  burstOrder = await shipped('2025-05-04T12:00:00Z', 2, burst);
});

describe('holds for review', () => {
  it('lists orders with a flagged attributed click, with the click reason (admin token only)', async () => {
    expect((await get('/api/admin/holds')).status).toBe(401);
    const all = await holds();
    expect(all.map((h) => [h.order_id, h.reason, h.held_minor, h.status])).toEqual([
      [botOrder, 'crawler', 2 * PER_UNIT, 'held_for_review'],
      [burstOrder, 'burst', 2 * PER_UNIT, 'held_for_review'],
    ]);
    expect((await get('/api/admin/holds?status=bogus', env.ADMIN_TOKEN)).status).toBe(400);
  });

  it('held commission is in no payout row: the open month counts only the clean order', async () => {
    const { report } = await month('2025-05');
    expect(carol(report)).toMatchObject({
      earned_minor: PER_UNIT,
      payable: false,
      reason: 'below_threshold',
    });
    expect(report.held_for_review?.map((h) => h.order_id).sort()).toEqual([botOrder, burstOrder].sort());
  });

  it('refuses bad decisions with a clear answer, never a 500', async () => {
    expect((await post(`/api/admin/holds/${botOrder}/void`, {})).status).toBe(400);
    expect((await post(`/api/admin/holds/${botOrder}/void`, '{not json')).status).toBe(400);
    expect((await post(`/api/admin/holds/${botOrder}/void`, { reason: 'x', extra: 1 })).status).toBe(400);
    const missing = await post(`/api/admin/holds/no-such-order/release`);
    expect(missing.status).toBe(404);
    expect((await missing.json<{ error: string }>()).error).toContain('no-such-order');
    expect(
      (await exports.default.fetch(`${ORIGIN}/api/admin/holds/${botOrder}/release`, { method: 'POST' }))
        .status,
    ).toBe(401);
  });

  it('a void is a reversing decision: it changes no closed month, and is final', async () => {
    expect((await post('/api/admin/payouts/close?period=2025-05')).status).toBe(201);
    const closed = (await month('2025-05')).text;
    expect(carol(JSON.parse(closed) as Report)).toMatchObject({
      earned_minor: PER_UNIT,
      carried_forward_minor: PER_UNIT,
    });

    const res = await post(`/api/admin/holds/${burstOrder}/void`, { reason: 'burst from one visitor' });
    expect(res.status).toBe(201);
    expect(await res.json<Hold>()).toMatchObject({
      status: 'void',
      decision: { action: 'void', reason: 'burst from one visitor', amount_minor: -2 * PER_UNIT },
    });
    expect(
      (await post(`/api/admin/holds/${burstOrder}/void`, { reason: 'burst from one visitor' })).status,
    ).toBe(200);
    expect((await post(`/api/admin/holds/${burstOrder}/release`)).status).toBe(409);
    await expect(env.DB.prepare('DELETE FROM hold_decisions').run()).rejects.toThrow(/append-only/);

    expect((await month('2025-05')).text).toBe(closed);
    expect(carol((await month('2025-06')).report)).toMatchObject({
      adjustment_minor: 0,
      balance_minor: PER_UNIT,
    });
  });

  it('a release into a closed month is an adjustment in the first open month', async () => {
    const closed = (await month('2025-05')).text;
    const res = await post(`/api/admin/holds/${botOrder}/release`, { reason: 'checked: a real customer' });
    expect(res.status).toBe(201);
    expect(await res.json<Hold>()).toMatchObject({
      status: 'released',
      decision: { amount_minor: 2 * PER_UNIT },
    });
    expect((await month('2025-05')).text).toBe(closed);
    const june = (await month('2025-06')).report;
    expect(carol(june)).toMatchObject({
      carried_in_minor: PER_UNIT,
      adjustment_minor: 2 * PER_UNIT,
      balance_minor: 3 * PER_UNIT,
      reason: 'payable',
    });
    expect(june.held_for_review).toEqual([]);
    expect((await holds('?status=held')).length).toBe(0);
    expect((await holds('?status=decided')).length).toBe(2);
  });

  it('property: a held amount is never in a payable row until released; a void never changes a closed month', async () => {
    const closed = (await month('2025-05')).text;
    let expected = carol((await month('2025-07')).report)?.earned_minor ?? 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('release', 'void', 'none'),
        fc.constantFrom({ is_bot: 1, bot_reason: 'headless' }, { flags: 1 }, { flags: 2 }, { flags: 6 }),
        async (quantity, action, flagged) => {
          const order = await shipped(
            '2025-07-10T12:00:00Z',
            quantity,
            await click('2025-07-10T11:00:00Z', flagged),
          );
          expect(carol((await month('2025-07')).report)?.earned_minor).toBe(expected);
          if (action !== 'none') {
            const body = { reason: `property ${action}` };
            expect((await post(`/api/admin/holds/${order}/${action}`, body)).status).toBe(201);
          }
          if (action === 'release') expected += quantity * PER_UNIT;
          expect(carol((await month('2025-07')).report)?.earned_minor).toBe(expected);
          expect((await month('2025-05')).text).toBe(closed);
        },
      ),
      { numRuns: 8 },
    );
  });
});
