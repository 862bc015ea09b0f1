/**
 * One balance per member and currency (CONTRACT.md sections 13 and 14): every
 * handle a member had nets into one balance; a member gone from content or under
 * review is held; money in one currency never appears in another's totals.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computePayouts, nextPeriod, type MonthlyActivity } from '../../../domain/orders/payouts.ts';
import type { ProgramTable } from '../../../domain/orders/program-table.ts';
import { fixtureProgram } from './helpers.ts';
import { PayoutBook, type BookEntry } from './payout-book.ts';

const base = fixtureProgram().table; // threshold 2500 (USD), hold 60 days
const LATER = Date.parse('2030-01-01T00:00:00Z');
const at = (month: string, day = 10) => Date.parse(`${month}-${String(day).padStart(2, '0')}T12:00:00Z`);

/** Content after ana-cooks was renamed to ana-bakes (its id stays ana-cooks). */
function renamed(table: ProgramTable = base): ProgramTable {
  const t = structuredClone(table);
  const ana = t.influencers['ana-cooks'];
  if (!ana) throw new Error('fixture has no ana-cooks');
  delete t.influencers['ana-cooks'];
  t.influencers['ana-bakes'] = { ...ana, previous_handles: ['ana-cooks'] };
  return t;
}

const entry = (handle: string, month: string, amount: number, currency = 'USD', day = 10): BookEntry => ({
  handle,
  currency,
  bucket: amount < 0 ? 'reversed' : 'earned',
  effective_at: at(month, day),
  amount_minor: amount,
});

describe('a renamed member has one balance', () => {
  it("the issue's figure: 4,500 paid in January, clawed back after the rename, 8,100 earned: 3,600 paid, not 8,100", () => {
    const book = new PayoutBook(renamed(), LATER);
    book.entries.push(entry('ana-cooks', '2025-01', 4500));
    expect(book.close('2025-01')).toMatchObject({ ok: true });
    // After the rename: the January order returned (recorded under the old handle), new earnings under the new one.
    book.entries.push(entry('ana-cooks', '2025-02', -4500), entry('ana-bakes', '2025-02', 8100));
    const feb = book.close('2025-02');
    if (!feb.ok) throw new Error(feb.message);
    expect(feb.report.payouts).toEqual([
      expect.objectContaining({
        member_id: 'ana-cooks',
        handle: 'ana-bakes',
        earned_minor: 8100,
        reversed_minor: 4500,
        balance_minor: 3600,
        payout_minor: 3600,
        reason: 'payable',
      }),
    ]);
  });

  it('a rename never changes what is paid in total, nor what is carried (property)', () => {
    const months = ['2025-01', '2025-02', '2025-03', '2025-04'];
    const spec = fc.record({
      old: fc.boolean(),
      month: fc.constantFrom(...months),
      day: fc.integer({ min: 1, max: 28 }),
      amount: fc.integer({ min: -6000, max: 9000 }).filter((n) => n !== 0),
    });
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 30 }), fc.subarray(months), (specs, closes) => {
        // The same money, under one handle (never renamed) or split between the old and the new one.
        const once = new PayoutBook(base, LATER);
        const split = new PayoutBook(renamed(), LATER);
        for (const s of specs) {
          once.entries.push(entry('ana-cooks', s.month, s.amount, 'USD', s.day));
          split.entries.push(entry(s.old ? 'ana-cooks' : 'ana-bakes', s.month, s.amount, 'USD', s.day));
        }
        for (const m of closes) expect(split.close(m).ok).toBe(once.close(m).ok);
        const figures = (book: PayoutBook) => {
          const stored = [...book.runs.values()].flatMap((r) => r.report.payouts);
          const open = book.open('2025-06').payouts;
          return {
            paid: stored.reduce((s, p) => s + p.payout_minor, 0),
            rows: stored.length + open.length,
            carried: open.reduce((s, p) => s + p.carried_forward_minor, 0),
          };
        };
        expect(figures(split)).toEqual(figures(once));
      }),
      { numRuns: 300 },
    );
  });
});

describe('held balances', () => {
  const activity = (handle: string, earned: number): MonthlyActivity => ({
    handle,
    currency: 'USD',
    month: '2025-03',
    earned_minor: earned,
    reversed_minor: 0,
  });
  const open = (program: ProgramTable, rows: MonthlyActivity[]) =>
    computePayouts({
      period: '2025-03',
      from: '2025-03',
      lastClosed: null,
      adjustments: [],
      activity: rows,
      program,
      now: LATER,
    });

  it('a member missing from content is held (member_missing), never paid, however large its balance', () => {
    const [row] = open(base, [activity('gone-member', 1_000_000)]).payouts;
    expect(row).toMatchObject({
      member_id: 'gone-member',
      status: 'unknown',
      payable: false,
      payout_minor: 0,
      carried_forward_minor: 1_000_000,
      reason: 'member_missing',
    });
  });

  it('a member under review is held (held_for_review), carried forward whole', () => {
    const table = structuredClone(base);
    table.influencers['ana-cooks']!.review = true;
    const [row] = open(table, [activity('ana-cooks', 9000)]).payouts;
    expect(row).toMatchObject({ payable: false, carried_forward_minor: 9000, reason: 'held_for_review' });
  });
});

describe('money per currency', () => {
  const CURRENCIES = ['USD', 'GBP', 'EUR'] as const;
  const withThresholds: ProgramTable = {
    ...base,
    payout: { ...base.payout, thresholds_minor: { GBP: 2000, EUR: 7000 } },
  };

  it('pays each currency against its own threshold; the report lists each threshold', () => {
    const book = new PayoutBook(withThresholds, LATER);
    book.entries.push(
      entry('ana-cooks', '2025-01', 2100, 'GBP'),
      entry('ana-cooks', '2025-01', 2100, 'USD'),
      entry('ana-cooks', '2025-01', 6000, 'EUR'),
    );
    const report = book.open('2025-01');
    expect(report.thresholds_minor).toEqual({ EUR: 7000, GBP: 2000, USD: 2500 });
    expect(report.payouts.map((p) => [p.currency, p.reason, p.payout_minor])).toEqual([
      ['EUR', 'below_threshold', 0],
      ['GBP', 'payable', 2100],
      ['USD', 'below_threshold', 0],
    ]);
  });

  it("money in one currency never appears in another currency's totals (property)", () => {
    const spec = fc.record({
      handle: fc.constantFrom('ana-cooks', 'cy-paused', 'ghost'),
      currency: fc.constantFrom(...CURRENCIES),
      month: fc.constantFrom('2025-01', '2025-02', '2025-03'),
      amount: fc.integer({ min: -5000, max: 9000 }).filter((n) => n !== 0),
    });
    fc.assert(
      fc.property(
        fc.array(spec, { maxLength: 30 }),
        fc.subarray(['2025-01', '2025-02', '2025-03']),
        (specs, closes) => {
          const all = new PayoutBook(withThresholds, LATER);
          for (const s of specs) all.entries.push(entry(s.handle, s.month, s.amount, s.currency));
          for (const m of closes) all.close(m);
          for (const currency of CURRENCIES) {
            // The same closes over this currency's entries alone give the same rows in it.
            const alone = new PayoutBook(withThresholds, LATER);
            for (const s of specs.filter((x) => x.currency === currency))
              alone.entries.push(entry(s.handle, s.month, s.amount, s.currency));
            for (const m of closes) if (all.runs.has(m)) alone.close(m);
            const rows = (book: PayoutBook) =>
              [...book.runs.values(), { report: book.open('2025-05') }]
                .flatMap((r) => r.report.payouts)
                .filter(
                  (p) => p.currency === currency && (p.balance_minor !== 0 || p.carried_in_minor !== 0),
                );
            expect(rows(all)).toEqual(rows(alone));
            // And every row's balance is made of its own currency's entries only.
            const net = specs.filter((s) => s.currency === currency).reduce((t, s) => t + s.amount, 0);
            const paid = [...all.runs.values()]
              .flatMap((r) => r.report.payouts)
              .filter((p) => p.currency === currency)
              .reduce((t, p) => t + p.payout_minor, 0);
            const lastClosed = [...all.runs.keys()].sort().at(-1);
            let rest = 0;
            for (let m = lastClosed ? nextPeriod(lastClosed) : '2025-01'; m <= '2025-05'; m = nextPeriod(m))
              rest += all
                .open(m)
                .payouts.filter((p) => p.currency === currency)
                .reduce((t, p) => t + p.payout_minor + (m === '2025-05' ? p.carried_forward_minor : 0), 0);
            expect(paid + rest).toBe(net);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
