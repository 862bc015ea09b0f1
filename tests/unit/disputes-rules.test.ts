/** domain/disputes/rules.ts: the filing bounds and the decision state machine, pure. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  creditSchema,
  filingSchema,
  MAX_AGE_DAYS,
  MAX_CREDIT_MINOR,
  planAgainstLedger,
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
    const stored = { ...filing, order_day: filing.order_date, marketplace: 'amazon-us', dispute_id: 7 };
    const parsed = { ...filingSchema(TODAY).parse(filing), marketplace: 'amazon-us' };
    expect(planFiling(null, parsed).kind).toBe('record');
    expect(planFiling(stored, parsed).kind).toBe('repeat');
    expect(planFiling(stored, { ...parsed, marketplace: 'amazon-uk' }).kind).toBe('refuse');
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

describe('a credit against the ledger (planAgainstLedger)', () => {
  it("property: a credit is allowed only for the member's own, unheld order, on top of earned money only with top_up", () => {
    fc.assert(
      fc.property(
        fc.option(fc.constantFrom('ana', 'ana-old', 'bob'), { nil: null }),
        fc.integer({ min: -5000, max: 5000 }),
        fc.boolean(),
        fc.boolean(),
        (recorded_handle, recorded_minor, held, top_up) => {
          const record = {
            recorded_handle,
            recorded_minor,
            recorded_currency: 'USD',
            held,
            ledger_after_credit: false,
          };
          const credit: DecisionInput = {
            action: 'credit',
            amount_minor: 100,
            currency: 'USD',
            note: 'n',
            top_up,
          };
          const plan = planAgainstLedger(record, ['ana', 'ana-old'], credit, 'o-1');
          const allowed =
            (recorded_handle === null || recorded_handle !== 'bob') &&
            !held &&
            (recorded_minor <= 0 || top_up);
          expect(plan.kind === 'ok').toBe(allowed);
          // Filing looks at the member only; a decline always passes.
          const filing = planAgainstLedger(record, ['ana', 'ana-old'], 'file', 'o-1');
          expect(filing.kind === 'ok').toBe(recorded_handle !== 'bob');
          const decline = planAgainstLedger(
            record,
            ['ana', 'ana-old'],
            { action: 'decline', note: 'n' },
            'o-1',
          );
          expect(decline.kind === 'ok').toBe(recorded_handle !== 'bob');
        },
      ),
    );
  });

  it('property: no filed text holds a bidi override, isolate, zero-width character, C1 control or U+2028/9', () => {
    const hidden = [
      '\u202a',
      '\u202e',
      '\u2066',
      '\u2069',
      '\u200b',
      '\u200d',
      '\ufeff',
      '\u0085',
      '\u2028',
      '\u2029',
    ];
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.constantFrom(...hidden),
        fc.constantFrom('note', 'products'),
        (text, bad, field) => {
          const sent = { ...filing, [field]: `x${text}${bad}y` };
          expect(filingSchema(TODAY).safeParse(sent).success).toBe(false);
        },
      ),
    );
  });
});
