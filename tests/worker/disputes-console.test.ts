/**
 * The admin console's disputes forms (site/pages/dashboard/admin/disputes.astro) through their
 * worker half (worker/disputes/console.ts) in workerd with real D1: a cross-site or non-admin
 * post is refused before the form is read, an oversized form is refused unread, and every
 * other answer is a redirect back to the page with one message (post/redirect/get).
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { addDays, utcDay } from '../../domain/time.ts';
import { disputeFormAnswer, DISPUTES_PAGE, DISPUTE_FORM_MAX_BYTES } from '../../worker/disputes/console.ts';
import { fileDispute } from '../../worker/disputes/service.ts';
import { program } from '../../worker/orders/program.ts';
import { consoleForm, CROSS_SITE_HEADERS } from './helpers.ts';
import { countRows } from './stored-rows.ts';
import { ALICE } from './orders-helpers.ts';

/** The page's answer to a form posted by an admin (unless `admin` is false), from this site unless `headers` say otherwise. */
const answer = (
  fields: Record<string, string>,
  { admin = true, headers }: { admin?: boolean; headers?: Record<string, string> } = {},
) => disputeFormAnswer(env, consoleForm(DISPUTES_PAGE, fields, headers), admin, program.table);
const decisions = () => countRows('SELECT COUNT(*) AS n FROM dispute_decisions');

async function filed(orderId: string): Promise<string> {
  const today = utcDay(Date.now());
  const r = await fileDispute(env.DB, program.table, ALICE.handle, {
    order_id: orderId,
    order_date: addDays(today, -1),
    products: 'Skillet',
    note: 'Missing.',
  });
  if (!r.ok) throw new Error(r.message);
  return String(r.dispute.dispute_id);
}

describe('the credit and decline forms', () => {
  it('refuses a non-admin and a cross-site post before reading the form, deciding nothing', async () => {
    const id = await filed('console-cross');
    const before = await decisions();
    const fields = { action: 'decline', dispute_id: id, reason: 'forged' };
    expect(await answer(fields, { admin: false })).toMatchObject({ kind: 'refused', status: 403 });
    for (const headers of CROSS_SITE_HEADERS)
      expect(await answer(fields, { headers })).toMatchObject({
        kind: 'refused',
        status: 403,
        message: expect.stringContaining('only be sent from this site'),
      });
    expect(await decisions()).toBe(before);
  });

  it('refuses an oversized form unread, and redirects every other answer with one message', async () => {
    const id = await filed('console-prg');
    const before = await decisions();
    const big = await answer({
      action: 'decline',
      dispute_id: id,
      reason: 'r'.repeat(DISPUTE_FORM_MAX_BYTES),
    });
    expect(big).toMatchObject({ kind: 'redirect', status: 413, flash: { ok: false } });
    const bad = await answer({ action: 'credit', dispute_id: id, amount_minor: 'ten', note: 'x' });
    expect(bad).toMatchObject({
      kind: 'redirect',
      status: 400,
      location: `${DISPUTES_PAGE}#result`,
      flash: { ok: false },
    });
    expect(bad.kind === 'redirect' && bad.flash.message).toMatch(/amount_minor/);
    expect(await decisions()).toBe(before);
    // The same decline twice: decided once (201), then nothing changes (200).
    const decline = () => answer({ action: 'decline', dispute_id: id, reason: 'not ours' });
    const done = await decline();
    expect(done).toMatchObject({ kind: 'redirect', status: 201, flash: { ok: true } });
    expect(done.kind === 'redirect' && done.flash.message).toMatch(/declined/);
    const again = await decline();
    expect(again).toMatchObject({ kind: 'redirect', status: 200, flash: { ok: true } });
    expect(await decisions()).toBe(before + 1);
  });
});
