/** domain/disputes/rules.ts: the filing bounds and the decision state machine, pure. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  creditSchema,
  filingSchema,
  MAX_AGE_DAYS,
  MAX_CREDIT_MINOR,
  planDecision,
  planFiling,
  stateOf,
  type DecisionInput,
  type StoredDecision,
} from '../../domain/disputes/rules.ts';
import { addDays } from '../../domain/time.ts';

const TODAY = '2026-12-07';
const filing = { order_id: 'o-1', order_date: '2026-12-01', products: 'skillet', note: 'missing' };

describe('a filing', () => {
  it('takes an order date from MAX_AGE_DAYS back to today, and nothing outside', () => {
    const schema = filingSchema(TODAY);
    expect(schema.safeParse({ ...filing, order_date: TODAY }).success).toBe(true);
    expect(schema.safeParse({ ...filing, order_date: addDays(TODAY, -MAX_AGE_DAYS) }).success).toBe(true);
    expect(schema.safeParse({ ...filing, order_date: addDays(TODAY, -MAX_AGE_DAYS - 1) }).success).toBe(
      false,
    );
    expect(schema.safeParse({ ...filing, order_date: addDays(TODAY, 1) }).success).toBe(false);
    expect(schema.safeParse({ ...filing, note: 'two\nlines' }).success).toBe(true);
    expect(schema.safeParse({ ...filing, products: 'two\nlines' }).success).toBe(false);
  });

  it('is one per order: the same again repeats, another is refused', () => {
    const stored = { ...filing, order_day: filing.order_date, dispute_id: 7 };
    const parsed = filingSchema(TODAY).parse(filing);
    expect(planFiling(null, parsed).kind).toBe('record');
    expect(planFiling(stored, parsed).kind).toBe('repeat');
    expect(planFiling(stored, { ...parsed, note: 'other' })).toMatchObject({
      kind: 'refuse',
      reason: 'already_filed',
    });
  });
});

describe('a decision', () => {
  it('credits only whole, positive, bounded minor units', () => {
    const ok = (v: unknown) => creditSchema.safeParse({ amount_minor: v, note: 'n' }).success;
    expect([1, '250', MAX_CREDIT_MINOR].map(ok)).toEqual([true, true, true]);
    expect([0, -1, 1.5, '1.5', MAX_CREDIT_MINOR + 1, true, null, 'ten', Number.NaN].map(ok)).toEqual(
      Array(9).fill(false),
    );
  });

  const input: fc.Arbitrary<DecisionInput> = fc.oneof(
    fc.record({
      action: fc.constant('credit' as const),
      amount_minor: fc.integer({ min: 1, max: MAX_CREDIT_MINOR }),
      currency: fc.constantFrom('USD', 'GBP'),
      note: fc.constantFrom('a', 'b'),
    }),
    fc.record({ action: fc.constant('decline' as const), note: fc.constantFrom('a', 'b') }),
  );
  const stored = (i: DecisionInput): StoredDecision =>
    i.action === 'credit'
      ? { action: 'credit', note: i.note, amount_minor: i.amount_minor, currency: i.currency }
      : { action: 'decline', note: i.note, amount_minor: null, currency: null };

  it('property: open records once; a decided dispute only repeats the same decision, never records again', () => {
    fc.assert(
      fc.property(input, fc.array(input, { maxLength: 6 }), (first, later) => {
        expect(planDecision(1, null, first).kind).toBe('record');
        const decided = stored(first);
        expect(stateOf(decided)).toBe(first.action === 'credit' ? 'credited' : 'declined');
        for (const next of later) {
          const plan = planDecision(1, decided, next);
          expect(plan.kind).not.toBe('record');
          expect(plan.kind === 'repeat').toBe(JSON.stringify(stored(next)) === JSON.stringify(decided));
        }
      }),
    );
  });
});
