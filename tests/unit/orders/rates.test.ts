import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROGRAMS, type MemberProgram, type RateTable } from '../../../domain/content/schema.ts';
import { rateFor, tableFor } from '../../../domain/orders/rates.ts';
import { fixtureProgram } from './helpers.ts';

const tables = fixtureProgram().table.retailers['amazon-us']!.tables;
const at = (iso: string) => Date.parse(iso);

describe('rateFor', () => {
  // [when, category, program, bps, effective_from, the table's program, source]
  it.each([
    // The last table in force on the UTC day of the order, then the category or the default.
    ['2026-09-30T23:59:59Z', 'sports', 'influencer', 300, '2020-04-21', null, 'category'],
    ['2026-10-01T00:00:00Z', 'sports', 'influencer', 350, '2026-10-01', null, 'category'],
    ['2026-10-01T00:00:00Z', 'garden', 'influencer', 400, '2026-10-01', null, 'default'],
    // Associates: their own table from its first day, the shared one before it.
    ['2026-09-30T23:59:59Z', 'kitchen', 'associate', 450, '2020-04-21', null, 'category'],
    // The shared table and the associate table both start 2026-10-01: the program's own wins.
    ['2026-10-01T00:00:00Z', 'kitchen', 'associate', 300, '2026-10-01', 'associate', 'category'],
    ['2026-10-01T00:00:00Z', 'sports', 'associate', 300, '2026-10-01', 'associate', 'default'],
  ] as const)(
    'at %s, %s for an %s: %i bps from the table of %s',
    (when, category, member, bps, from, program, source) => {
      expect(rateFor(tables, at(when), category, member)).toEqual({
        bps,
        effective_from: from,
        program,
        source,
      });
    },
  );

  it('gives 0 for a category the table rates at 0, and influencers never see the associate table', () => {
    expect(rateFor(tables, at('2026-10-01T00:00:00Z'), 'gift-cards', 'influencer')?.bps).toBe(0);
    expect(rateFor(tables, at('2026-12-01T00:00:00Z'), 'kitchen', 'influencer')?.bps).toBe(450);
  });

  it('has no rate before the first table, and never reads inherited keys as categories', () => {
    expect(rateFor(tables, at('2020-04-20T23:59:59Z'), 'sports', 'influencer')).toBeNull();
    expect(rateFor(tables, at('2026-10-01T00:00:00Z'), 'constructor', 'influencer')?.source).toBe('default');
  });
});

// ---------------------------------------------------------------- properties

const DAYS = ['2026-01-01', '2026-02-01', '2026-02-02', '2026-03-15', '2026-06-30', '2026-12-31'];
const day = fc.constantFrom(...DAYS);
const program = fc.constantFrom<MemberProgram>(...PROGRAMS);
const table: fc.Arbitrary<RateTable> = fc
  .record({
    effective_from: day,
    program: fc.option(program, { nil: undefined }),
    default_bps: fc.integer({ min: 0, max: 10_000 }),
    kitchen: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
  })
  .map(({ kitchen, program: p, ...t }) => {
    const rates: Record<string, number> = {};
    if (kitchen !== undefined) rates.kitchen = kitchen;
    return { ...t, ...(p === undefined ? {} : { program: p }), rates };
  });
/** Valid content: at most one table per day and program (validateContent refuses more). */
const tableSet = fc.uniqueArray(table, {
  selector: (t) => `${t.effective_from} ${t.program ?? ''}`,
  maxLength: 8,
});
const orderDay = fc.constantFrom('2025-12-31', ...DAYS, '2027-01-01');
const applies = (t: RateTable, p: MemberProgram) => t.program === undefined || t.program === p;

describe('rateFor (properties)', () => {
  it('picks the latest applicable table on or before the day, the program’s own on a tie', () => {
    fc.assert(
      fc.property(tableSet, orderDay, program, (ts, d, p) => {
        const chosen = tableFor(ts, d, p);
        const candidates = ts.filter((t) => applies(t, p) && t.effective_from <= d);
        if (candidates.length === 0) return chosen === undefined;
        if (!chosen || !candidates.includes(chosen)) return false;
        const latest = candidates.every((t) => t.effective_from <= chosen.effective_from);
        const ownOnTie =
          chosen.program === p ||
          !candidates.some((t) => t.effective_from === chosen.effective_from && t.program === p);
        return latest && ownOnTie;
      }),
    );
  });

  it('does not depend on the order of the tables', () => {
    fc.assert(
      fc.property(
        tableSet.chain((ts) => fc.tuple(fc.constant(ts), fc.shuffledSubarray(ts, { minLength: ts.length }))),
        orderDay,
        program,
        ([ts, shuffled], d, p) => {
          const ms = Date.parse(`${d}T12:00:00Z`);
          expect(rateFor(shuffled, ms, 'kitchen', p)).toEqual(rateFor(ts, ms, 'kitchen', p));
        },
      ),
    );
  });

  it("is unchanged by the other program's tables, and never quotes them", () => {
    fc.assert(
      fc.property(tableSet, tableSet, orderDay, program, (ts, extra, d, p) => {
        const other = PROGRAMS.find((q) => q !== p)!;
        const theirs = extra.map((t) => ({ ...t, program: other }));
        const ms = Date.parse(`${d}T23:59:59Z`);
        const rate = rateFor([...ts, ...theirs], ms, 'kitchen', p);
        expect(rate).toEqual(rateFor(ts, ms, 'kitchen', p));
        expect(rate === null || rate.program === null || rate.program === p).toBe(true);
      }),
    );
  });

  it('quotes the table’s category rate when it has one, else its default', () => {
    fc.assert(
      fc.property(tableSet, orderDay, program, (ts, d, p) => {
        const chosen = tableFor(ts, d, p);
        const rate = rateFor(ts, Date.parse(`${d}T00:00:00Z`), 'kitchen', p);
        if (!chosen) return rate === null;
        return (
          rate?.bps === (chosen.rates.kitchen ?? chosen.default_bps) &&
          rate.effective_from === chosen.effective_from
        );
      }),
    );
  });
});
