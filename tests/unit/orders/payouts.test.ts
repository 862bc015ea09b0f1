import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computePayouts,
  nextPeriod,
  payoutsCsv,
  type MonthlyActivity,
} from '../../../domain/orders/payouts.ts';
import type { ProgramTable } from '../../../domain/orders/program-table.ts';
import { DAY_MS } from '../../../domain/time.ts';
import { createMemoryLedger } from '../../../domain/orders/memory-ledger.ts';
import { event, fixtureProgram } from './helpers.ts';
import { PayoutBook, type BookEntry } from './payout-book.ts';

const program = fixtureProgram().table; // threshold 2500, hold 60 days
const LATER = Date.parse('2030-01-01T00:00:00Z');
const activity = (
  month: string,
  earned: number,
  reversed = 0,
  handle = 'ana-cooks',
  currency = 'USD',
): MonthlyActivity => ({
  handle,
  currency,
  month,
  earned_minor: earned,
  reversed_minor: reversed,
});

/** An open month with nothing closed yet: folded from the first month with activity. */
function open(input: { period: string; activity: MonthlyActivity[]; program: ProgramTable; now: number }) {
  const from = input.activity.map((a) => a.month).sort()[0] ?? input.period;
  return computePayouts({ ...input, from, lastClosed: null, adjustments: [] });
}

/** The open `period` as seen long after it (every hold passed), with the fixture program. */
function openLater(period: string, activity: MonthlyActivity[]) {
  return open({ period, activity, program, now: LATER });
}

function row(period: string, rows: MonthlyActivity[], now = LATER) {
  return open({ period, activity: rows, program, now }).payouts.find((p) => p.handle === 'ana-cooks');
}

describe('payouts', () => {
  it('carries small and negative balances forward, pays once the threshold is reached', () => {
    const history = [
      activity('2026-01', 1000),
      activity('2026-02', 1000),
      activity('2026-03', 0, 3000),
      activity('2026-05', 6000),
    ];
    expect(row('2026-01', history)).toMatchObject({
      balance_minor: 1000,
      payable: false,
      carried_forward_minor: 1000,
      reason: 'below_threshold',
    });
    expect(row('2026-02', history)).toMatchObject({
      carried_in_minor: 1000,
      balance_minor: 2000,
      carried_forward_minor: 2000,
    });
    expect(row('2026-03', history)).toMatchObject({
      carried_in_minor: 2000,
      reversed_minor: 3000,
      balance_minor: -1000,
    });
    expect(row('2026-04', history)).toMatchObject({
      carried_in_minor: -1000,
      balance_minor: -1000,
      carried_forward_minor: -1000,
    });
    expect(row('2026-05', history)).toMatchObject({
      carried_in_minor: -1000,
      balance_minor: 5000,
      payable: true,
      payout_minor: 5000,
      carried_forward_minor: 0,
    });
    expect(row('2026-06', history)).toMatchObject({ carried_in_minor: 0, balance_minor: 0, payable: false });
  });

  it('holds a period until its end plus hold_days, without changing what is carried', () => {
    const history = [activity('2026-10', 5000)];
    const dueAt = Date.parse('2026-11-01T00:00:00Z') + 60 * DAY_MS;
    expect(row('2026-10', history, dueAt - 1)).toMatchObject({
      payable: false,
      payout_minor: 0,
      carried_forward_minor: 0,
      reason: 'on_hold',
    });
    expect(row('2026-10', history, dueAt)).toMatchObject({
      payable: true,
      payout_minor: 5000,
      reason: 'payable',
    });
    expect(open({ period: '2026-10', activity: history, program, now: dueAt }).payable_from).toBe(
      '2026-12-31',
    );
  });

  it('ignores activity after the period and lists only influencers with history', () => {
    const report = openLater('2026-01', [
      activity('2026-02', 9000),
      activity('2025-12', 100, 0, 'cy-paused'),
    ]);
    expect(report.payouts.map((p) => [p.handle, p.status, p.balance_minor])).toEqual([
      ['cy-paused', 'suspended', 100],
    ]);
  });

  it('conserves money: everything earned is paid, carried forward, or still on hold', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9000 }), fc.integer({ min: 0, max: 4000 })), {
          minLength: 1,
          maxLength: 18,
        }),
        (months) => {
          const history = months.map(([earned, reversed], i) =>
            activity(new Date(Date.UTC(2024, i, 1)).toISOString().slice(0, 7), earned, reversed),
          );
          const last = history.at(-1)!.month;
          let paid = 0;
          for (const h of history) paid += row(h.month, history)?.payout_minor ?? 0;
          const final = row(last, history)!;
          const net = months.reduce((s, [e, r]) => s + e - r, 0);
          expect(paid + final.carried_forward_minor).toBe(net);
        },
      ),
    );
  });

  it("names each row's program", () => {
    const report = openLater('2026-05', [
      activity('2026-05', 6000),
      activity('2026-05', 4000, 0, 'dee-reviews'),
    ]);
    expect(report.payouts.map((p) => [p.handle, p.program])).toEqual([
      ['ana-cooks', 'influencer'],
      ['dee-reviews', 'associate'],
    ]);
  });

  it('writes RFC 4180 CSV with a header row', () => {
    const report = openLater('2026-05', [activity('2026-05', 6000)]);
    expect(payoutsCsv(report)).toBe(
      'period,handle,program,tracking_id,status,currency,carried_in_minor,adjustment_minor,earned_minor,reversed_minor,balance_minor,payable,payout_minor,carried_forward_minor,reason,payable_from,member_id\r\n' +
        '2026-05,ana-cooks,influencer,anacooks-20,approved,USD,0,0,6000,0,6000,true,6000,0,payable,2026-07-31,ana-cooks\r\n',
    );
  });

  it('guards payout CSV cells against spreadsheet formulas, keeps negative amounts numbers', () => {
    const report = openLater('2026-05', [activity('2026-05', 0, 700, 'ghost')]);
    const payouts = report.payouts.map((p) => ({ ...p, currency: '=HYPERLINK("x")' }));
    const [, line] = payoutsCsv({ ...report, payouts }).split('\r\n');
    expect(line).toBe(
      `2026-05,ghost,unknown,,unknown,"'=HYPERLINK(""x"")",0,0,0,700,-700,false,0,-700,member_missing,2026-07-31,ghost`,
    );
  });
});

// ---------------------------------------------------------------- closed months (properties)

const MONTHS = ['2025-01', '2025-02', '2025-03'];
const at = (month: string, day: number) => Date.parse(`${month}-${String(day).padStart(2, '0')}T12:00:00Z`);

const arbitraryEntry = fc.record({
  handle: fc.constantFrom('ana-cooks', 'cy-paused', 'ghost'),
  bucket: fc.constantFrom('earned' as const, 'reversed' as const, 'pending' as const),
  month: fc.constantFrom(...MONTHS, '2025-04'),
  day: fc.integer({ min: 1, max: 28 }),
  amount: fc.integer({ min: 1, max: 6000 }),
});
type EntrySpec = typeof arbitraryEntry extends fc.Arbitrary<infer T> ? T : never;
const toEntry = (e: EntrySpec): BookEntry => ({
  handle: e.handle,
  bucket: e.bucket,
  effective_at: at(e.month, e.day),
  amount_minor: e.bucket === 'reversed' ? 0 - e.amount : e.amount,
});

describe('closed months (property)', () => {
  it('conserves money: every entry is paid, carried or owed exactly once, however closes and late entries interleave', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            arbitraryEntry,
            fc.constantFrom(...MONTHS).map((m) => ({ close: m })),
          ),
          {
            maxLength: 40,
          },
        ),
        (steps) => {
          const book = new PayoutBook(program, LATER);
          for (const step of steps)
            if ('close' in step) book.close(step.close);
            else book.entries.push(toEntry(step));
          const final = book.open('2025-06');
          for (const handle of ['ana-cooks', 'cy-paused', 'ghost']) {
            const net = book.entries
              .filter((e) => e.handle === handle && (e.bucket === 'earned' || e.bucket === 'reversed'))
              .reduce((s, e) => s + e.amount_minor, 0);
            let paid = 0;
            for (const { report } of book.runs.values()) {
              for (const p of report.payouts.filter((x) => x.handle === handle)) {
                paid += p.payout_minor;
                expect(p.payout_minor + p.carried_forward_minor).toBe(p.balance_minor);
                expect(p.payout_minor).toBeGreaterThanOrEqual(0);
                if (p.balance_minor <= 0) expect(p.payable).toBe(false);
                if (p.status === 'suspended') expect(p.payout_minor).toBe(0);
              }
            }
            // Every month after the last closed one is open: what it pays now or carries is the rest.
            const open = [...book.runs.keys()].sort().at(-1);
            let pending = 0;
            for (let m = open ? nextPeriod(open) : '2025-01'; m <= '2025-06'; m = nextPeriod(m))
              pending += book.open(m).payouts.find((p) => p.handle === handle)?.payout_minor ?? 0;
            const rest = final.payouts.find((p) => p.handle === handle)?.carried_forward_minor ?? 0;
            expect(paid + pending + rest).toBe(net);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any arrival order of the same events gives the same stored rows and the same adjustments', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryEntry, { minLength: 1, maxLength: 20 }),
        fc.array(arbitraryEntry, { maxLength: 20 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (before, after, seed) => {
          const shuffle = <T>(items: T[], s: number): T[] =>
            items
              .map((x, i) => ({ x, k: ((i + 1) * 2654435761 + s) % 4294967296 }))
              .sort((a, b) => a.k - b.k)
              .map((p) => p.x);
          const run = (order: number) => {
            const book = new PayoutBook(program, LATER);
            for (const e of shuffle(before, order)) book.entries.push(toEntry(e));
            const closes = MONTHS.map((m) => [m, book.close(m).ok] as const);
            for (const e of shuffle(after, order + 7)) book.entries.push(toEntry(e));
            const stored = [...book.runs].map(([p, r]) => [p, payoutsCsv(r.report)]);
            return { closes, stored, next: book.open('2025-04'), may: book.open('2025-05') };
          };
          const a = run(0);
          const b = run(seed);
          expect(b.closes).toEqual(a.closes);
          expect(b.stored).toEqual(a.stored);
          expect(b.next.payouts).toEqual(a.next.payouts);
          expect(b.may.payouts).toEqual(a.may.payouts);
          // Once January to March are closed (or skipped), every entry that arrived after and is dated
          // in them is in April's adjustment, and nowhere else.
          if (a.closes.find(([m]) => m === '2025-03')?.[1])
            for (const handle of ['ana-cooks', 'cy-paused', 'ghost']) {
              const late = after
                .filter((e) => e.handle === handle && e.bucket !== 'pending' && e.month <= '2025-03')
                .reduce((s, e) => s + (e.bucket === 'reversed' ? 0 - e.amount : e.amount), 0);
              expect(a.next.payouts.find((p) => p.handle === handle)?.adjustment_minor ?? 0).toBe(late);
            }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('closes in order only once the hold has passed', () => {
    const book = new PayoutBook(program, Date.parse('2025-04-01T00:00:00Z'));
    book.entries.push(
      toEntry({ handle: 'ana-cooks', bucket: 'earned', month: '2025-01', day: 3, amount: 5000 }),
    );
    book.entries.push(
      toEntry({ handle: 'ana-cooks', bucket: 'earned', month: '2025-02', day: 3, amount: 5000 }),
    );
    expect(book.close('2025-02')).toMatchObject({ ok: false, reason: 'earlier_open' });
    // 2025-01 ends 1 February; plus 60 days: 2 April.
    expect(book.close('2025-01')).toMatchObject({ ok: false, reason: 'hold_not_passed' });
    const later = new PayoutBook(program, Date.parse('2025-04-02T00:00:00Z'));
    later.entries.push(...book.entries);
    expect(later.close('2025-01')).toMatchObject({ ok: true });
    expect(later.close('2025-01')).toMatchObject({
      ok: false,
      reason: 'already_closed',
      message: '2025-01 is already closed',
    });
  });
});

describe('closed months over real order events (property)', () => {
  const orders = fixtureProgram();
  const TYPES = ['order.placed', 'order.shipped', 'order.cancelled', 'order.returned'] as const;
  const arbitraryEvent = fc.record({
    order: fc.integer({ min: 0, max: 2 }),
    type: fc.constantFrom(...TYPES),
    day: fc.integer({ min: 0, max: 110 }),
    quantity: fc.integer({ min: 1, max: 4 }),
    product: fc.constantFrom('B000TEST01', 'B000TEST02'),
  });
  const ORDERED = Date.parse('2025-01-01T10:00:00Z');
  const toEvents = (
    specs: { order: number; type: (typeof TYPES)[number]; day: number; quantity: number; product: string }[],
    prefix: string,
  ) =>
    specs.map((s, i) =>
      event(
        `${prefix}${i}`,
        s.type,
        ORDERED + s.day * DAY_MS,
        [
          {
            product_id: s.product,
            category: s.product === 'B000TEST01' ? 'kitchen' : 'sports',
            quantity: s.quantity,
            unit_price: 40_000,
          },
        ],
        {
          order_id: `O-${s.order}`,
          ordered_at: ORDERED,
          tracking_id: s.order === 2 ? 'cypaused-20' : 'anacooks-20',
        },
      ),
    );

  it('any arrival order of any set of events, some into closed months, gives the same stored rows and adjustments', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryEvent, { minLength: 1, maxLength: 12 }),
        fc.array(arbitraryEvent, { maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 48, maxLength: 48 }),
        (beforeSpecs, afterSpecs, keys) => {
          const before = toEvents(beforeSpecs, 'b');
          const after = toEvents(afterSpecs, 'a');
          const shuffled = <T>(items: T[], offset: number) =>
            items
              .map((x, i) => ({ x, k: keys[(i + offset) % keys.length]! * 100 + i }))
              .sort((p, q) => p.k - q.k)
              .map((p) => p.x);
          const run = (offset: number) => {
            const ledger = createMemoryLedger(orders);
            const book = new PayoutBook(program, LATER);
            const apply = (events: typeof before) => {
              for (const e of events) {
                const from = ledger.entries.length;
                ledger.apply([e]);
                book.entries.push(...ledger.entries.slice(from));
              }
            };
            apply(offset === 0 ? before : shuffled(before, offset));
            const closes = ['2025-01', '2025-02', '2025-03'].map((m) => book.close(m).ok);
            apply(offset === 0 ? after : shuffled(after, offset + 5));
            return {
              closes,
              stored: [...book.runs].map(([p, r]) => [p, payoutsCsv(r.report)]),
              april: payoutsCsv(book.open('2025-04')),
            };
          };
          const reference = run(0);
          expect(run(1)).toEqual(reference);
          expect(run(17)).toEqual(reference);
        },
      ),
      { numRuns: 150 },
    );
  });
});
