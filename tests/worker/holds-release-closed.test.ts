/**
 * An order's ledger lines counted by a close stay counted once when the order becomes held for
 * review only afterwards (a later event attributed to a flagged click) and is then released; lines
 * a close left out because their order was held come back once, as late money (docs/orders.md
 * "Holds for review"; the rule in worker/payouts/store.ts, ADJUSTMENTS). Whether a close left an
 * order out is what it recorded (payout_run_holds, migration 0025); a month closed before 0025
 * (no record) is judged by the clocks. Real worker code and D1, explicit clocks for closes,
 * holds and decisions; storage is this file's own.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, monthBounds } from '../../domain/time.ts';
import {
  close,
  closeAt,
  closedJson,
  holdOrderAt,
  openRow,
  PER_UNIT,
  release,
  rowIn,
  shippedOrder,
} from './holds-helpers.ts';
import { CAROL, uid } from './orders-helpers.ts';

const carolIn = (json: string) => rowIn(json, CAROL.handle);
const carolOpen = (period: string, now: number) => openRow(period, now, CAROL.handle);

/** A month closed the way closes did before migration 0025: no record of what it left out. */
async function closeBefore0025(period: string): Promise<void> {
  const [marks] = await env.DB.batch<{ w: number; v: number }>([
    env.DB.prepare(
      `SELECT (SELECT COALESCE(MAX(entry_id), 0) FROM ledger_entries) AS w,
              (SELECT COALESCE(MAX(decision_id), 0) FROM dispute_decisions) AS v`,
    ),
  ]);
  const { w, v } = marks?.results[0] ?? { w: 0, v: 0 };
  await env.DB.prepare(
    `INSERT INTO payout_runs (period, run_id, closed_at, ledger_watermark, body_json, body_csv, dispute_watermark)
     VALUES (?1, ?2, ?3, ?4, ?5, '', ?6)`,
  )
    .bind(period, uid('run'), closeAt(period), w, JSON.stringify({ period, payouts: [] }), v)
    .run();
}

describe('a held order released after a close', () => {
  it('shipped, close, hold, release: its lines stay counted in their month, never again', async () => {
    const orderId = await shippedOrder('2025-10-02T12:00:00Z', 1);
    const octJson = await close('2025-10');
    expect(carolIn(octJson)?.earned_minor).toBe(PER_UNIT);
    // A later event attributed to a flagged click holds the order only after October closed.
    await holdOrderAt(orderId, CAROL, closeAt('2025-10') + HOUR_MS);
    const after = closeAt('2025-10') + 2 * HOUR_MS;
    expect((await carolOpen('2025-11', after))?.adjustment_minor ?? 0).toBe(0);
    await release(orderId, after);
    // The 22.50 October counted is not counted a second time.
    expect((await carolOpen('2025-11', after + HOUR_MS))?.adjustment_minor ?? 0).toBe(0);
    const novJson = await close('2025-11');
    expect(carolIn(novJson)?.adjustment_minor ?? 0).toBe(0);
    expect(await closedJson('2025-10')).toBe(octJson);
    const recorded = await env.DB.prepare(
      "SELECT period FROM payout_run_holds WHERE order_id = ?1 AND period IN ('2025-10', '2025-11')",
    )
      .bind(orderId)
      .all();
    expect(recorded.results).toEqual([]);
  });

  it('shipped, hold, close, release: counted once, as an adjustment in the next open month', async () => {
    const orderId = await shippedOrder('2025-12-02T12:00:00Z', 1);
    await holdOrderAt(orderId, CAROL, monthBounds('2025-12').start + 3 * DAY_MS);
    const decJson = await close('2025-12');
    expect(carolIn(decJson)?.earned_minor ?? 0).toBe(0);
    const left = await env.DB.prepare('SELECT order_id FROM payout_run_holds WHERE period = ?1')
      .bind('2025-12')
      .all<{ order_id: string }>();
    expect(left.results.map((r) => r.order_id)).toContain(orderId);

    const after = closeAt('2025-12') + HOUR_MS;
    await release(orderId, after);
    expect(await carolOpen('2026-01', after + HOUR_MS)).toMatchObject({ adjustment_minor: PER_UNIT });
    const janJson = await close('2026-01');
    expect(carolIn(janJson)).toMatchObject({ adjustment_minor: PER_UNIT });
    expect((await carolOpen('2026-02', closeAt('2026-01') + HOUR_MS))?.adjustment_minor ?? 0).toBe(0);
    expect(await closedJson('2025-12')).toBe(decJson);
  });

  it('released in the same millisecond as the close that read it held: counted once', async () => {
    const orderId = await shippedOrder('2026-02-03T12:00:00Z', 1);
    await holdOrderAt(orderId, CAROL, monthBounds('2026-02').start + 4 * DAY_MS);
    const febJson = await close('2026-02');
    expect(carolIn(febJson)?.earned_minor ?? 0).toBe(0);
    // The clocks say the release was not after February's close; February's record says it held.
    await release(orderId, closeAt('2026-02'));
    expect(await carolOpen('2026-03', closeAt('2026-02') + HOUR_MS)).toMatchObject({
      adjustment_minor: PER_UNIT,
    });
    const marJson = await close('2026-03');
    expect(carolIn(marJson)).toMatchObject({ adjustment_minor: PER_UNIT });
  });

  it('a month closed before 0025 (nothing recorded) is judged by the clocks: once each way', async () => {
    const countedFirst = await shippedOrder('2026-04-02T12:00:00Z', 1);
    const heldFirst = await shippedOrder('2026-04-03T12:00:00Z', 2);
    await holdOrderAt(heldFirst, CAROL, monthBounds('2026-04').start + 5 * DAY_MS);
    await closeBefore0025('2026-04');
    await holdOrderAt(countedFirst, CAROL, closeAt('2026-04') + HOUR_MS);
    const after = closeAt('2026-04') + 2 * HOUR_MS;
    await release(countedFirst, after);
    await release(heldFirst, after);
    // Only the order held before April's close comes back; the other was counted by it.
    expect(await carolOpen('2026-05', after + HOUR_MS)).toMatchObject({ adjustment_minor: 2 * PER_UNIT });
    const mayJson = await close('2026-05');
    expect(carolIn(mayJson)).toMatchObject({ adjustment_minor: 2 * PER_UNIT });
    expect((await carolOpen('2026-06', closeAt('2026-05') + HOUR_MS))?.adjustment_minor ?? 0).toBe(0);
  });
});

describe('payout_run_holds', () => {
  it('is append-only', async () => {
    const row = await env.DB.prepare('SELECT period, order_id FROM payout_run_holds LIMIT 1').first<{
      period: string;
      order_id: string;
    }>();
    expect(row).not.toBeNull();
    await expect(
      env.DB.prepare('DELETE FROM payout_run_holds WHERE period = ?1').bind(row?.period).run(),
    ).rejects.toThrow(/append-only/);
    await expect(
      env.DB.prepare("UPDATE payout_run_holds SET order_id = 'x' WHERE period = ?1").bind(row?.period).run(),
    ).rejects.toThrow(/append-only/);
  });
});
