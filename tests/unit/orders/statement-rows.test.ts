/** A planned statement as the rows the store appends (domain/orders/statement-rows.ts). */
import { describe, expect, it } from 'vitest';
import { statementEvent, statementRows } from '../../../domain/orders/statement-rows.ts';
import { planStatement, ZERO, type Statement } from '../../../domain/orders/statement.ts';
import { ledgerReason } from '../../../worker/dashboard/queries.ts';
import { ANA_KEY } from './helpers.ts';

const key = ANA_KEY;
const statement = (fee: number, shipped: number, returned: number): Statement => ({
  layout: 'fee-earnings',
  marketplace: 'amazon-us',
  currency: 'USD',
  coverage: { from: '2026-11-01', to: '2026-11-30', tracking_ids: ['ana-20', 'zed-20'] },
  rows: 2,
  lines: [
    { ...key, ...ZERO, shipped, returned, fee_minor: fee, category: 'kitchen' },
    { ...key, tracking_id: 'zed-20', ...ZERO, shipped: 1, fee_minor: 50, category: 'kitchen' },
  ],
});
const record = {
  statement_id: 3,
  session_id: 'a'.repeat(32),
  file_sha256: 'b'.repeat(64),
  file_bytes: 10,
  file_name: 'f.csv',
  encoding: 'utf-8',
  imported_by: 'ops',
  imported_at: 1_700_000_000_000,
};

describe('statement rows', () => {
  it('records new keys with their credit, changes, and ledger entries of credited keys only', () => {
    const s = statement(-40, 1, 1);
    const plan = planStatement(s, [], (k) =>
      k.tracking_id === 'ana-20' ? { member_id: 'ana', handle: 'ana-old' } : null,
    );
    const rows = statementRows(s, plan, record, (id) => (id === 'ana' ? 'ana-new' : null));
    expect(rows.keys.map((k) => [k.tracking_id, k.member_id, k.handle])).toEqual([
      ['ana-20', 'ana', 'ana-old'],
      ['zed-20', null, null],
    ]);
    expect(rows.changes.map((c) => [c.kind, c.fee_minor])).toEqual([
      ['added', -40],
      ['added', 50],
    ]);
    // Written with today's handle; Amazon's negative fee in the reversed line, the shipment's revenue in earned.
    expect(
      rows.entries.map((e) => [e.handle, e.bucket, e.quantity, e.amount_minor, e.revenue_minor, e.rate_bps]),
    ).toEqual([
      ['ana-new', 'earned', 1, 0, 2490, 0],
      ['ana-new', 'reversed', -1, -40, -2490, 0],
    ]);
    expect(
      rows.entries.every(
        (e) =>
          e.event_id === `amzs_${record.session_id}` && e.effective_at === Date.parse('2026-11-02T00:00:00Z'),
      ),
    ).toBe(true);
    expect(statementEvent(s, record)).toMatchObject({
      event_id: `amzs_${record.session_id}`,
      status: 'processed',
      items_json: '[]',
    });
  });

  it("explains a statement entry on the dashboard as Amazon's figure, not a rate", () => {
    const line = {
      entry_id: 1,
      order_id: 'amzs:amazon-us:ana-20:B000000001:2490:2026-11-02',
      product_id: 'B000000001',
      bucket: 'earned',
      effective_at: 0,
      quantity: 2,
      amount_minor: 224,
      revenue_minor: 4980,
      currency: 'USD',
      category: 'kitchen',
      unit_price_minor: 2490,
      rate_bps: 0,
      event_type: 'order.shipped',
      attribution: 'tracking_id',
    };
    expect(ledgerReason(line, 'Skillet')).toBe(
      "Amazon's report: 2 × Skillet (B000000001). Amazon's own Ad Fees; earned commission goes up.",
    );
  });
});
