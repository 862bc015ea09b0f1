/**
 * The admin console's holds page (site/pages/dashboard/admin/holds.astro) through its worker
 * half (worker/holds/console.ts) in workerd with real D1: what the page lists (member name and
 * handle, order, reason, amount), and its release and void forms as a browser posts them,
 * refusals included. The decisions land where the API reads them (one service). Storage is
 * this file's own.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { HOLD_FORM_MAX_BYTES, holdFormAnswer, holdsView, HOLDS_PAGE } from '../../worker/holds/console.ts';
import { readStorefront } from '../../worker/pages/page-store.ts';
import type { Hold } from '../../worker/holds/store.ts';
import { flaggedClick, shippedOrder } from './holds-helpers.ts';
import { CAROL, get, ORIGIN } from './orders-helpers.ts';
import { consoleForm, CROSS_SITE_HEADERS } from './helpers.ts';
import { countRows } from './stored-rows.ts';

/** The page's answer to a form posted by an admin (unless `admin` is false), from this site unless `headers` say otherwise. */
const answer = (
  fields: Record<string, string>,
  { admin = true, headers, now }: { admin?: boolean; headers?: Record<string, string>; now?: number } = {},
) => holdFormAnswer(env, consoleForm(HOLDS_PAGE, fields, headers), admin, now);
const decisions = () => countRows('SELECT COUNT(*) AS n FROM hold_decisions');

let botOrder = '';
let burstOrder = '';
let carolName = '';

beforeAll(async () => {
  botOrder = await shippedOrder(
    '2025-08-02T12:00:00Z',
    2,
    await flaggedClick('2025-08-02T10:00:00Z', { is_bot: 1, bot_reason: 'crawler' }),
  );
  burstOrder = await shippedOrder(
    '2025-08-04T12:00:00Z',
    1,
    await flaggedClick('2025-08-04T11:00:00Z', { flags: 4 }),
  );
  const store = await readStorefront(env.ASSETS, CAROL.handle);
  if (store.kind !== 'page') throw new Error(`${CAROL.handle} has no storefront in the test page store`);
  carolName = store.influencer.name;
});

describe('the admin console lists holds', () => {
  it('shows each held order with the member name and handle, reason and amount in its currency', async () => {
    const view = await holdsView(env);
    if (!view.ok) throw new Error(view.message);
    expect(carolName).not.toBe(CAROL.handle);
    expect(view.held.map((h) => [h.order_id, h.member_name, h.handle, h.reason, h.held, h.currency])).toEqual(
      [
        [botOrder, carolName, CAROL.handle, 'crawler', '$45.00', 'USD'],
        [burstOrder, carolName, CAROL.handle, 'burst', '$22.50', 'USD'],
      ],
    );
    expect(view.decided).toEqual([]);
  });
});

describe('the release and void forms', () => {
  it('refuses a non-admin and a cross-site post before reading the form, storing nothing', async () => {
    const before = await decisions();
    expect(await answer({ action: 'release', order: botOrder }, { admin: false })).toMatchObject({
      kind: 'refused',
      status: 403,
      message: expect.stringContaining('Admins only'),
    });
    for (const headers of CROSS_SITE_HEADERS)
      expect(await answer({ action: 'release', order: botOrder }, { headers })).toMatchObject({
        kind: 'refused',
        status: 403,
        message: expect.stringContaining('only be sent from this site'),
      });
    expect(await decisions()).toBe(before);
  });

  it('refuses a void without a reason with a clear message, and a malformed form, storing nothing', async () => {
    const before = await decisions();
    for (const reason of [undefined, '', '   '])
      expect(
        await answer({ action: 'void', order: botOrder, ...(reason === undefined ? {} : { reason }) }),
        `reason ${JSON.stringify(reason)}`,
      ).toEqual({
        kind: 'redirect',
        status: 400,
        location: `${HOLDS_PAGE}#result`,
        flash: {
          ok: false,
          message: expect.stringMatching(
            new RegExp(`^Order ${botOrder} not voided: .*\\(reason: .*\\)\\. A void needs a reason\\.$`),
          ),
        },
      });
    expect(await answer({ action: 'delete', order: botOrder })).toMatchObject({
      status: 400,
      flash: { ok: false, message: expect.stringContaining('release or void') },
    });
    expect(await answer({ action: 'release', order: 'no-such-order' })).toMatchObject({
      status: 404,
      flash: { ok: false, message: expect.stringContaining('no-such-order is not held') },
    });
    expect(await decisions()).toBe(before);
  });

  it('refuses an oversized form unread and an order field over 128 characters, deciding nothing', async () => {
    const before = await decisions();
    const big = await answer({ action: 'void', order: botOrder, reason: 'r'.repeat(HOLD_FORM_MAX_BYTES) });
    expect(big).toMatchObject({ kind: 'redirect', status: 413, flash: { ok: false } });
    const long = await answer({ action: 'release', order: 'o'.repeat(1000) });
    expect(long).toMatchObject({ kind: 'redirect', status: 400, flash: { ok: false } });
    // The message stays short (it is stored in the session for one page view).
    expect(long.kind === 'redirect' && long.flash.message.length).toBeLessThan(200);
    expect(await decisions()).toBe(before);
  });

  it('releases and voids through the same service as the API, redirecting back with the result', async () => {
    const released = await answer(
      { action: 'release', order: botOrder, reason: '' },
      { now: Date.parse('2025-09-01T10:00:00Z') },
    );
    expect(released).toEqual({
      kind: 'redirect',
      status: 201,
      location: `${HOLDS_PAGE}#result`,
      flash: {
        ok: true,
        message: expect.stringContaining(
          `Released order ${botOrder}: $45.00 of ${CAROL.handle}'s commission counts`,
        ),
      },
    });
    const voided = await answer(
      { action: 'void', order: burstOrder, reason: 'one visitor, 40 clicks' },
      { headers: { origin: ORIGIN }, now: Date.parse('2025-09-01T11:00:00Z') },
    );
    expect(voided).toMatchObject({
      status: 201,
      flash: { ok: true, message: expect.stringContaining(`Voided order ${burstOrder}: $22.50`) },
    });

    // The API sees the same decisions.
    const api = await get('/api/admin/holds?status=decided', env.ADMIN_TOKEN);
    const holds = (await api.json<{ holds: Hold[] }>()).holds;
    expect(holds.map((h) => [h.order_id, h.status, h.decision?.reason])).toEqual([
      [botOrder, 'released', 'released by an admin'],
      [burstOrder, 'void', 'one visitor, 40 clicks'],
    ]);

    // Final: the other decision is refused with the first one named; the same one changes nothing.
    const again = await answer({ action: 'void', order: botOrder, reason: 'changed my mind' });
    expect(again).toMatchObject({
      status: 409,
      flash: { ok: false, message: expect.stringContaining('already released') },
    });
    const repeat = await answer({ action: 'void', order: burstOrder, reason: 'one visitor, 40 clicks' });
    expect(repeat).toMatchObject({
      status: 200,
      flash: { ok: true, message: expect.stringContaining('already recorded; nothing changed') },
    });

    // The page's history: newest decision first, with when and why; nothing left held.
    const view = await holdsView(env);
    if (!view.ok) throw new Error(view.message);
    expect(view.held).toEqual([]);
    expect(
      view.decided.map((h) => [h.order_id, h.status, h.decision?.reason, h.decided, h.member_name]),
    ).toEqual([
      [burstOrder, 'void', 'one visitor, 40 clicks', '-$22.50', carolName],
      [botOrder, 'released', 'released by an admin', '$45.00', carolName],
    ]);
  });
});
