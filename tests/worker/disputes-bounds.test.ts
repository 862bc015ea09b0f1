/**
 * Disputes' bounds through the real worker and D1: open disputes per member are capped (429),
 * the admin list pages by id (`after`, `next`), a member's list is newest first, a dispute id in
 * a path is strictly decimal, order ids keep to their charset and no text hides characters, and
 * the dashboard ledger finds a member's credits by its id whatever handle filed them.
 * Storage is this file's own.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, post } from './disputes-helpers.ts';
import type { Dispute } from '../../domain/disputes/rules.ts';
import type { Currency } from '../../domain/currency.ts';
import { creditCapMinor, MAX_CREDIT_MINOR, MAX_OPEN_DISPUTES } from '../../domain/disputes/rules.ts';
import { memberIndex } from '../../domain/orders/payouts.ts';
import { addDays, monthBounds, utcDay } from '../../domain/time.ts';
import { readLedgerLines, readLedgerPage } from '../../worker/dashboard/queries.ts';
import { program } from '../../worker/orders/program.ts';
import { BOB, CAROL, createToken, DAVE } from './orders-helpers.ts';

const admin = env.ADMIN_TOKEN;
const today = utcDay(Date.now());

const filing = (order_id: string, note = 'Missing commission.') => ({
  order_id,
  order_date: addDays(today, -2),
  products: 'Skillet',
  note,
});

let bob = '';
let carol = '';
let dave = '';
beforeAll(async () => {
  bob = await createToken(BOB.handle);
  carol = await createToken(CAROL.handle);
  dave = await createToken(DAVE.handle);
});

describe('flooding', () => {
  it(`caps a member's open disputes at ${MAX_OPEN_DISPUTES} (429); a decision frees a place`, async () => {
    const ids: number[] = [];
    for (let i = 0; i < MAX_OPEN_DISPUTES; i++) {
      const res = await post(`/api/disputes/${BOB.handle}`, bob, filing(`flood-${i}`));
      expect(res.status).toBe(201);
      ids.push((await res.json<Dispute>()).dispute_id);
    }
    const over = await post(`/api/disputes/${BOB.handle}`, bob, filing('flood-over'));
    expect(over.status).toBe(429);
    expect((await over.json<{ error: string }>()).error).toMatch(/open disputes/);
    // A resent filing is still answered (nothing new stored).
    expect((await post(`/api/disputes/${BOB.handle}`, bob, filing('flood-0'))).status).toBe(200);
    // The member's list: newest first.
    const mine = await (await call(`/api/disputes/${BOB.handle}`, bob)).json<{ disputes: Dispute[] }>();
    expect(mine.disputes.map((d) => d.dispute_id)).toEqual([...ids].reverse());
    expect(mine.disputes).toHaveLength(MAX_OPEN_DISPUTES);
    const declined = await post(`/api/admin/disputes/${ids[0]}/decline`, admin, { reason: 'not ours' });
    expect(declined.status).toBe(201);
    expect((await post(`/api/disputes/${BOB.handle}`, bob, filing('flood-over'))).status).toBe(201);
  });

  it('pages the admin list by id: after=<id>, and next until the last page', async () => {
    const seen: number[] = [];
    let after = 0;
    for (let pages = 0; pages < 100; pages++) {
      const res = await call(`/api/admin/disputes?state=all&limit=7&after=${after}`, admin);
      expect(res.status).toBe(200);
      const body = await res.json<{ disputes: Dispute[]; next: number | null }>();
      expect(body.disputes.length).toBeLessThanOrEqual(7);
      seen.push(...body.disputes.map((d) => d.dispute_id));
      if (body.next === null) break;
      expect(body.next).toBe(body.disputes.at(-1)?.dispute_id);
      after = body.next;
    }
    const all = await (
      await call('/api/admin/disputes?state=all&limit=5000', admin)
    ).json<{
      disputes: Dispute[];
      next: number | null;
    }>();
    expect(all.next).toBeNull();
    expect(seen).toEqual(all.disputes.map((d) => d.dispute_id));
    expect(seen.length).toBeGreaterThan(7);
    for (const bad of ['-1', '0x10', '1e3', 'abc'])
      expect((await call(`/api/admin/disputes?after=${bad}`, admin)).status, bad).toBe(400);
  });
});

describe('strict input', () => {
  it('refuses a dispute id that is not plain decimal (0x…, 1e3, 007, +5), 400 before any lookup', async () => {
    const res = await post(`/api/disputes/${CAROL.handle}`, carol, filing('strict-id'));
    const id = (await res.json<Dispute>()).dispute_id;
    for (const spelled of [
      `0x${id.toString(16)}`,
      `${id}.0`,
      `0${id}`,
      `+${id}`,
      '1e3',
      '0',
      '99999999999999999',
    ])
      expect(
        (await post(`/api/admin/disputes/${spelled}/decline`, admin, { reason: 'r' })).status,
        spelled,
      ).toBe(400);
    expect((await post(`/api/admin/disputes/${id}/decline`, admin, { reason: 'r' })).status).toBe(201);
  });

  it('keeps order ids to [A-Za-z0-9._:/# -] and refuses hidden characters in any text', async () => {
    const cases: [Record<string, string>, string][] = [
      [filing('order<script>'), 'order_id'],
      [filing('ordér-1'), 'order_id'],
      [filing('o\u202eevil'), 'order_id'],
      [filing('o-bidi', 'pay me \u202eoverride'), 'note'],
      [filing('o-iso', 'isolate \u2066x\u2069'), 'note'],
      [filing('o-zw', 'zero\u200bwidth'), 'note'],
      [filing('o-c1', 'c1 \u0085 control'), 'note'],
      [filing('o-ls', 'line\u2028separator'), 'note'],
      [{ ...filing('o-prod'), products: 'Skillet\u200d' }, 'products'],
    ];
    for (const [body, field] of cases) {
      const res = await post(`/api/disputes/${DAVE.handle}`, dave, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const answer = await res.json<{ issues: { path: string }[] }>();
      expect(answer.issues.map((i) => i.path)).toContain(field);
    }
    const fine = await post(`/api/disputes/${DAVE.handle}`, dave, {
      ...filing('112-3456789-0123456 #2/A:b.c_d'),
      note: 'Bestellung über meinen Link, 日本語 too.\nSecond line.',
    });
    expect(fine.status).toBe(201);
  });
});

describe('the dashboard ledger', () => {
  it('shows a credit filed under a previous handle (by member id, not handle)', async () => {
    const memberId = memberIndex(program.table).idOf(DAVE.handle);
    const decidedAt = Date.now();
    const inserted = await env.DB.prepare(
      `INSERT INTO disputes (member_id, handle, order_id, order_day, products, note, marketplace, filed_at)
       VALUES (?1, 'dave-old-name', 'renamed-1', ?2, 'Skillet', 'n', 'amazon-us', ?3) RETURNING dispute_id`,
    )
      .bind(memberId, addDays(today, -1), decidedAt)
      .first<{ dispute_id: number }>();
    const disputeId = inserted?.dispute_id ?? 0;
    await env.DB.prepare(
      `INSERT INTO dispute_decisions (dispute_id, action, note, amount_minor, currency, decided_at)
       VALUES (?1, 'credit', 'ok', 777, 'USD', ?2)`,
    )
      .bind(disputeId, decidedAt)
      .run();
    const { start, end } = monthBounds(today.slice(0, 7));
    const lines = await readLedgerLines(env.DB, DAVE.handle, start, end);
    expect(lines.filter((l) => l.dispute_id === disputeId).map((l) => l.amount_minor)).toEqual([777]);
    const page = await readLedgerPage(env.DB, DAVE.handle, start, end, 1);
    expect(page.lines.some((l) => l.dispute_id === disputeId)).toBe(true);
    expect(page.total).toBe(lines.length);
  });
});

describe('a dispute names its marketplace; a credit is in its currency', () => {
  const table = program.table;
  // A member with a tracking id at a marketplace whose currency is not the program's.
  const found = Object.entries(table.influencers).find(
    ([h, m]) =>
      h !== BOB.handle && // BOB is at the open-dispute cap above
      Object.keys(m.tracking_ids ?? {}).some((id) => table.retailers[id]?.currency !== table.currency),
  );
  if (!found) throw new Error('the test content has no member with a tracking id abroad');
  const [handle, member] = found;
  const abroad =
    Object.keys(member.tracking_ids ?? {}).find((id) => table.retailers[id]?.currency !== table.currency) ??
    '';
  const currency = table.retailers[abroad]?.currency ?? '';
  // A marketplace of the home's group where this member has no tracking id of its own: the links
  // tag its home id there and the webhook credits it (the group rule), so it may dispute an order there.
  const elsewhere = Object.keys(table.retailers).find(
    (id) => table.retailers[id]?.home !== undefined && !Object.hasOwn(member.tracking_ids ?? {}, id),
  );
  if (!elsewhere) throw new Error('the test content has no marketplace where this member has no tracking id');

  it(`takes ${elsewhere}, where the member is credited on its home id; refuses an unknown one (422 listing the allowed ones); defaults to home`, async () => {
    const token = await createToken(handle);
    const bad = await post(`/api/disputes/${handle}`, token, {
      ...filing('mkt-bad'),
      marketplace: 'no-such-market',
    });
    expect(bad.status).toBe(422);
    const { issues } = await bad.json<{ issues: { path: string; message: string }[] }>();
    expect(issues.map((i) => i.path)).toEqual(['marketplace']);
    // Every marketplace of the sample program credits this member (a home id counts in its whole group).
    expect(issues[0]?.message).toBe(
      `"no-such-market" is not a marketplace where ${handle} can be credited (known: ${Object.keys(table.retailers).join(', ')})`,
    );
    const group = await post(`/api/disputes/${handle}`, token, {
      ...filing('mkt-group'),
      marketplace: elsewhere,
    });
    expect(group.status).toBe(201);
    expect(await group.json<Dispute>()).toMatchObject({
      marketplace: elsewhere,
      order_id: 'mkt-group',
      state: 'open',
    });
    const home = await post(`/api/disputes/${handle}`, token, filing('mkt-home'));
    expect(home.status).toBe(201);
    expect((await home.json<Dispute>()).marketplace).toBe(
      table.retailers[table.default_retailer]?.home ?? table.default_retailer,
    );
  });

  it(`credits in the marketplace's currency (${currency}), refuses another (422 "currency") and caps by its decimals`, async () => {
    const token = await createToken(handle);
    const res = await post(`/api/disputes/${handle}`, token, {
      ...filing('mkt-abroad'),
      marketplace: abroad,
    });
    expect(res.status).toBe(201);
    const d = await res.json<Dispute>();
    expect(d.marketplace).toBe(abroad);
    const path = `/api/admin/disputes/${d.dispute_id}/credit`;
    const wrong = await post(path, admin, { amount_minor: 100, currency: table.currency, note: 'x' });
    expect(wrong.status).toBe(422);
    expect((await wrong.json<{ issues: { path: string }[] }>()).issues.map((i) => i.path)).toEqual([
      'currency',
    ]);
    const cap = creditCapMinor(currency as Currency);
    const over = await post(path, admin, { amount_minor: cap + 1, note: 'x' });
    expect(over.status).toBe(400);
    const ok = await post(path, admin, { amount_minor: 250, note: 'found it' });
    expect(ok.status).toBe(201);
    expect((await ok.json<Dispute>()).decision).toMatchObject({ amount_minor: 250, currency });
  });

  it('caps a credit by the currency’s decimals: 100,000 major units, never over MAX_CREDIT_MINOR', () => {
    expect(creditCapMinor('USD')).toBe(10_000_000);
    expect(creditCapMinor('JPY')).toBe(100_000);
    expect(creditCapMinor('KWD')).toBe(MAX_CREDIT_MINOR);
  });
});
