/** The admins' disputes CSV (domain/disputes/export.ts): columns by position, the marketplace last. */
import { describe, expect, it } from 'vitest';
import { disputesCsv } from '../../domain/disputes/export.ts';
import type { Dispute } from '../../domain/disputes/rules.ts';

const dispute: Dispute = {
  dispute_id: 7,
  member_id: 'mila-cooks',
  handle: 'mila-cooks',
  order_id: '202-1234567-1234567',
  order_date: '2026-11-20',
  marketplace: 'amazon-uk',
  products: 'B00006JSUA',
  note: 'missing',
  state: 'credited',
  filed_at: '2026-11-25T10:00:00.000Z',
  decision: {
    action: 'credit',
    note: 'confirmed',
    amount_minor: 250,
    currency: 'GBP',
    decided_at: '2026-11-26T10:00:00.000Z',
  },
};

describe('disputesCsv', () => {
  it('keeps the first thirteen columns where they were and adds the marketplace at the end', () => {
    const [header, row] = disputesCsv([dispute]).split('\r\n');
    expect(header).toBe(
      'dispute_id,member_id,handle,order_id,order_date,products,note,filed_at,state,decided_at,amount_minor,currency,decision_note,marketplace',
    );
    expect(row).toBe(
      '7,mila-cooks,mila-cooks,202-1234567-1234567,2026-11-20,B00006JSUA,missing,2026-11-25T10:00:00.000Z,credited,2026-11-26T10:00:00.000Z,250,GBP,confirmed,amazon-uk',
    );
  });
});
