/**
 * The same report file for two marketplaces, raced (CONTRACT.md sections 12 and 14): the refusal
 * `imported_elsewhere` holds inside the commit's guarded write, not only in the early check. The
 * race is made deterministic with the real D1 behind a hook: marketplace B's import runs its early
 * check, reads and plans, and just before its write batch goes out, marketplace A's import of the
 * same bytes is committed through the API. B's write then lands on a store that holds the file for
 * A: it must store nothing and answer as the early check does.
 */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { earningsFile, type EarningsRow } from '../../scripts/lib/fixtures/amazon-report-writer.ts';
import { newSessionId, runImport } from '../../worker/orders/statement-import.ts';
import { ORIGIN } from './orders-helpers.ts';

// A tracking id nobody holds (a file any marketplace may import: its key is recorded unattributed,
// with Amazon's fee, and no ledger entry until credited) and April days no other test uses.
const TAG = 'samefilerace-20';
const DAY = '2026-04-07';
const row: EarningsRow = {
  category: 'Kitchen',
  name: 'Lodge Skillet',
  asin: 'B00006JSUA',
  tracking_id: TAG,
  day: DAY,
  price_minor: 2490,
  shipped: 2,
  returned: 0,
  fee_minor: 224,
};
const bytes = earningsFile([row], { title: { from: DAY, to: DAY } });

function importFor(marketplace: string) {
  return exports.default.fetch(`${ORIGIN}/api/admin/import/amazon?marketplace=${marketplace}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${env.ADMIN_TOKEN}` },
    body: bytes,
  });
}

/** What the store holds of this file per marketplace: statements, their events, keys, changes and their fees, ledger entries. */
async function heldFor(marketplace: string) {
  return env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM amazon_statements WHERE marketplace = ?1 AND from_day = ?2) AS statements,
            (SELECT COUNT(*) FROM amazon_keys WHERE marketplace = ?1 AND tracking_id = ?3) AS keys,
            (SELECT COUNT(*) FROM amazon_key_changes AS c JOIN amazon_keys AS k ON k.key_id = c.key_id
              WHERE k.marketplace = ?1 AND k.tracking_id = ?3) AS changes,
            (SELECT COALESCE(SUM(c.fee_minor), 0) FROM amazon_key_changes AS c JOIN amazon_keys AS k
              ON k.key_id = c.key_id WHERE k.marketplace = ?1 AND k.tracking_id = ?3) AS fee_minor,
            (SELECT COUNT(*) FROM ledger_entries WHERE order_id LIKE ?4) AS entries,
            (SELECT COUNT(*) FROM order_events WHERE order_id LIKE 'amazon-statement:%' AND retailer = ?1) AS statement_events`,
  )
    .bind(marketplace, DAY, TAG, `amzs:${marketplace}:${TAG}:%`)
    .first();
}

/**
 * env.DB, but `beforeWrite` runs once, just before the first write batch (a read batch has two
 * statements); with `reworded`, that write's failure comes back in other words, without a cause
 * (as a D1 release may word or wrap it).
 */
function withHookBeforeWrite(beforeWrite: () => Promise<void>, reworded = false): D1Database {
  let fired = false;
  return new Proxy(env.DB, {
    get(target, prop) {
      if (prop === 'batch')
        return async (statements: D1PreparedStatement[]) => {
          if (fired || statements.length <= 2) return target.batch(statements);
          fired = true;
          await beforeWrite();
          try {
            return await target.batch(statements);
          } catch (error) {
            if (!reworded) throw error;
            throw new Error('D1_ERROR: constraint check failed while writing');
          }
        };
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('the same file committed for two marketplaces at once', () => {
  it('the commit that lands second stores nothing and is refused imported_elsewhere (422), as the early check would', async () => {
    const before = { us: await heldFor('amazon-us'), ca: await heldFor('amazon-ca') };
    let first: Response | null = null;
    const raced = withHookBeforeWrite(async () => {
      first = await importFor('amazon-us');
    });
    const outcome = await runImport(raced, {
      bytes,
      options: { marketplace: 'amazon-ca' },
      session_id: newSessionId(),
      imported_by: 'race-test',
      dry_run: false,
    });

    // The US import landed between the CA import's early check and its write.
    expect(first).not.toBeNull();
    expect(first!.status).toBe(200);
    expect(await first!.json()).toMatchObject({
      marketplace: 'amazon-us',
      added: { keys: 1, fee_minor: 224 },
    });
    expect(outcome).toEqual({
      ok: false,
      reason: 'imported_elsewhere',
      message: 'this very file was imported for amazon-us, not amazon-ca: nothing was imported',
      issues: [
        {
          path: 'marketplace',
          row: 0,
          field: 'marketplace',
          message: expect.stringMatching(/^this very file was imported for amazon-us, not amazon-ca: /),
        },
      ],
    });
    // Nothing of the CA import is stored: Amazon's fee is recorded once, as amazon-us's.
    expect(await heldFor('amazon-ca')).toEqual(before.ca);
    expect(await heldFor('amazon-us')).toMatchObject({
      statements: Number(before.us?.statements) + 1,
      keys: 1,
      changes: 1,
      fee_minor: 224,
      statement_events: Number(before.us?.statement_events) + 1,
    });

    // The API answers the loser's reason through the one table, as the early check does now.
    const late = await importFor('amazon-ca');
    expect(late.status).toBe(422);
    expect(await late.json()).toMatchObject({
      error: 'this very file was imported for amazon-us, not amazon-ca: nothing was imported',
    });
    // The same file again for its own marketplace is not guarded: idempotent, nothing posted.
    const again = await importFor('amazon-us');
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ added: { keys: 0 }, changed: { keys: 0 }, unchanged: 1 });
    expect(await heldFor('amazon-us')).toMatchObject({ keys: 1, changes: 1, fee_minor: 224 });
  });

  it('is refused the same when the failed write says so in other words', async () => {
    const day = '2026-04-09';
    const file = earningsFile([{ ...row, day, tracking_id: 'samefilereworded-20' }], {
      title: { from: day, to: day },
    });
    const post = (marketplace: string) =>
      exports.default.fetch(`${ORIGIN}/api/admin/import/amazon?marketplace=${marketplace}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', authorization: `Bearer ${env.ADMIN_TOKEN}` },
        body: file,
      });
    let first: Response | null = null;
    const raced = withHookBeforeWrite(async () => {
      first = await post('amazon-us');
    }, true);
    const outcome = await runImport(raced, {
      bytes: file,
      options: { marketplace: 'amazon-ca' },
      session_id: newSessionId(),
      imported_by: 'race-test',
      dry_run: false,
    });
    expect(first!.status).toBe(200);
    expect(outcome).toMatchObject({ ok: false, reason: 'imported_elsewhere' });
    const ca = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM amazon_statements WHERE marketplace = 'amazon-ca' AND from_day = ?1",
    )
      .bind(day)
      .first<{ n: number }>();
    expect(ca?.n).toBe(0);
  });
});
