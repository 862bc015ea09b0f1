/** The statement model (domain/orders/statement.ts) and crediting by date (crediting.ts), as properties. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAmazonReport } from '../../../domain/orders/amazon-report.ts';
import { stateOn } from '../../../domain/content/history.ts';
import type { HistoryEntry } from '../../../domain/content/schema.ts';
import { creditBook, type Credit, type CreditMember } from '../../../domain/orders/crediting.ts';
import {
  addFigures,
  addSafe,
  covers,
  keyId,
  moneyDeltas,
  moneyLines,
  planStatement,
  UnsafeSumError,
  ZERO,
  type HeldKey,
  type LineFigures,
  type LineKey,
  type Statement,
  type StatementLine,
} from '../../../domain/orders/statement.ts';
import {
  earningsFile,
  type EarningsRow,
  type FileStyle,
} from '../../../scripts/lib/fixtures/amazon-report-writer.ts';
import { ANA_KEY, sampleTable } from './helpers.ts';

const TAGS = ['ana-20', 'ben-20', 'cy-20'];
const ASINS = ['B000000001', 'B000000002'];
const PRICES = [999, 2490];
const DAYS = ['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02', '2026-11-03'];

const keyArb = fc.record({
  marketplace: fc.constant('amazon-us'),
  tracking_id: fc.constantFrom(...TAGS),
  asin: fc.constantFrom(...ASINS),
  price_minor: fc.constantFrom(...PRICES),
  day: fc.constantFrom(...DAYS),
});
const figuresArb = fc.record({
  ordered: fc.constant(0),
  shipped: fc.integer({ min: 0, max: 5 }),
  returned: fc.integer({ min: 0, max: 3 }),
  fee_minor: fc.integer({ min: -500, max: 1500 }),
});

/** A statement: a day range, tracking ids or the whole account, and lines inside it (one per key). */
const statementArb: fc.Arbitrary<Statement> = fc
  .record({
    a: fc.integer({ min: 0, max: DAYS.length - 1 }),
    b: fc.integer({ min: 0, max: DAYS.length - 1 }),
    whole: fc.boolean(),
    lines: fc.array(fc.record({ key: keyArb, figures: figuresArb }), { maxLength: 12 }),
  })
  .map(({ a, b, whole, lines }) => {
    const from = DAYS[Math.min(a, b)] ?? '';
    const to = DAYS[Math.max(a, b)] ?? '';
    const inside = lines.filter((l) => l.key.day >= from && l.key.day <= to);
    const byKey = new Map<string, StatementLine>();
    for (const l of inside)
      byKey.set(keyId('fee-earnings', l.key), { ...l.key, ...l.figures, category: 'kitchen' });
    const tags = [...new Set([...byKey.values()].map((l) => l.tracking_id))].sort();
    return {
      layout: 'fee-earnings' as const,
      marketplace: 'amazon-us',
      currency: 'USD' as const,
      coverage: { from, to, tracking_ids: whole ? null : tags },
      rows: byKey.size,
      lines: [...byKey.values()],
    };
  });

/** An in-memory store: held figures and frozen credits per key, and the ledger entries posted. */
function store() {
  const held = new Map<string, HeldKey>();
  const ledger = new Map<string, { earned: number; reversed: number; member: string | null }>();
  return {
    held,
    ledger,
    import(s: Statement, creditOf: (k: LineKey) => Credit | null) {
      const plan = planStatement(s, [...held.values()], creditOf);
      for (const c of plan.changes) {
        const h = held.get(c.key_id);
        const next = addFigures(h?.held ?? ZERO, c.delta);
        held.set(c.key_id, { ...c.key, held: next, credit: c.credit, category: c.category });
        const row = ledger.get(c.key_id) ?? { earned: 0, reversed: 0, member: c.credit?.member_id ?? null };
        for (const d of moneyDeltas(c)) row[d.bucket] += d.amount_minor;
        ledger.set(c.key_id, row);
      }
      return plan;
    },
  };
}

const anyone = (k: LineKey): Credit => ({ member_id: `m-${k.tracking_id}`, handle: k.tracking_id });

describe('statements: the ledger equals the latest statement covering each key', () => {
  it('holds after any sequence of statements (overlapping, restated, split, repeated)', () => {
    fc.assert(
      fc.property(fc.array(statementArb, { minLength: 1, maxLength: 8 }), (statements) => {
        const s = store();
        for (const st of statements) s.import(st, anyone);
        const allKeys = new Map<string, LineKey>();
        for (const st of statements) for (const l of st.lines) allKeys.set(keyId('fee-earnings', l), l);
        for (const [id, key] of allKeys) {
          const latest = [...statements].reverse().find((st) => covers(st, key));
          const want: LineFigures = latest?.lines.find((l) => keyId('fee-earnings', l) === id) ?? ZERO;
          const got = s.held.get(id)?.held ?? ZERO;
          expect({ ...got }).toEqual({
            ordered: want.ordered,
            shipped: want.shipped,
            returned: want.returned,
            fee_minor: want.fee_minor,
          });
          // Money: earned + reversed = Amazon's net Ad Fees of the key, exactly.
          const money = s.ledger.get(id) ?? { earned: 0, reversed: 0 };
          expect(money.earned + money.reversed).toBe(want.fee_minor);
          const lines = moneyLines(want, key.price_minor);
          expect([money.earned, money.reversed]).toEqual(lines.map((l) => l.amount_minor + 0));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('importing a statement again, or the same range split into days, posts nothing more', () => {
    fc.assert(
      fc.property(statementArb, (st) => {
        const s = store();
        s.import(st, anyone);
        expect(s.import(st, anyone).changes).toEqual([]);
        for (const day of DAYS.filter((d) => d >= st.coverage.from && d <= st.coverage.to)) {
          const part: Statement = {
            ...st,
            coverage: { ...st.coverage, from: day, to: day },
            lines: st.lines.filter((l) => l.day === day),
          };
          if (st.coverage.tracking_ids !== null)
            part.coverage.tracking_ids = [...new Set(part.lines.map((l) => l.tracking_id))].sort();
          expect(s.import(part, anyone).changes).toEqual([]);
        }
      }),
    );
  });

  it('a restated day posts exactly the difference; a key no longer listed is reversed', () => {
    const s = store();
    const key = ANA_KEY;
    const st = (lines: StatementLine[]): Statement => ({
      layout: 'fee-earnings',
      marketplace: 'amazon-us',
      currency: 'USD',
      coverage: { from: '2026-11-01', to: '2026-11-03', tracking_ids: ['ana-20'] },
      rows: lines.length,
      lines,
    });
    s.import(st([{ ...key, ...ZERO, shipped: 1, fee_minor: 112, category: 'kitchen' }]), anyone);
    const restated = s.import(
      st([{ ...key, ...ZERO, shipped: 2, fee_minor: 224, category: 'kitchen' }]),
      anyone,
    );
    expect(restated.changes.map((c) => [c.kind, c.delta.shipped, c.delta.fee_minor])).toEqual([
      ['changed', 1, 112],
    ]);
    const gone = s.import(st([]), anyone);
    expect(gone.changes.map((c) => [c.kind, c.delta.fee_minor])).toEqual([['reversed', -224]]);
    expect(s.ledger.get(keyId('fee-earnings', key))).toMatchObject({ earned: 0, reversed: 0 });
  });

  it('re-exported files with cosmetic changes read as the same statement (CSV/TSV, BOM, 1252, order, extra column)', () => {
    const table = sampleTable();
    const rowArb: fc.Arbitrary<EarningsRow> = fc.record({
      category: fc.constantFrom('Kitchen', 'Books'),
      name: fc.constantFrom('Skillet, cast iron', 'Crème brûlée – set', 'Tab\tless "quoted"'),
      asin: fc.constantFrom(...ASINS),
      tracking_id: fc.constantFrom(...TAGS),
      day: fc.constantFrom(...DAYS),
      price_minor: fc.constantFrom(...PRICES),
      shipped: fc.integer({ min: 0, max: 4 }),
      returned: fc.integer({ min: 0, max: 2 }),
      fee_minor: fc.integer({ min: -300, max: 900 }),
    });
    const styleArb: fc.Arbitrary<FileStyle> = fc.record({
      delimiter: fc.constantFrom(',' as const, '\t' as const),
      bom: fc.boolean(),
      encoding: fc.constantFrom('utf-8' as const, 'windows-1252' as const),
      reversed: fc.boolean(),
      extra: fc.boolean(),
      usDates: fc.boolean(),
      total: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 10 }), styleArb, (rows, style) => {
        const title = { from: DAYS[0] ?? '', to: DAYS.at(-1) ?? '' };
        const read = (st: FileStyle) => {
          const r = parseAmazonReport(earningsFile(rows, { ...st, title }), table);
          if (!r.ok || r.kind !== 'statement') throw new Error(JSON.stringify(r));
          return r.statement;
        };
        const s = read(style);
        expect(s).toEqual(read({}));
        // Rows summed per key, independently of the importer.
        const sums = new Map<string, number>();
        for (const r of rows) {
          const id = keyId('fee-earnings', { ...r, marketplace: 'amazon-us' });
          sums.set(id, (sums.get(id) ?? 0) + r.fee_minor);
        }
        expect(new Map(s.lines.map((l) => [keyId('fee-earnings', l), l.fee_minor]))).toEqual(sums);
      }),
      { numRuns: 150 },
    );
  });
});

describe('crediting by date, then frozen', () => {
  const HOME = 'amazon-us';
  const memberArb: fc.Arbitrary<CreditMember> = fc
    .record({
      n: fc.integer({ min: 0, max: 3 }),
      entries: fc.array(
        fc.record({
          day: fc.constantFrom(...DAYS),
          what: fc.oneof(
            fc.record({
              status: fc.constantFrom('applied' as const, 'approved' as const, 'suspended' as const),
            }),
            fc.record({ tracking_id: fc.constantFrom(...TAGS) }),
          ),
        }),
        { maxLength: 6 },
      ),
    })
    .map(({ n, entries }) => {
      const history: HistoryEntry[] = entries
        .map((e) => ({ on: e.day, ...e.what }))
        .sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
      const first = history[0]?.on ?? DAYS[0] ?? '';
      const dated = { status: 'applied' as const, applied_on: first, tracking_id: 'none-20', history };
      const last = stateOn(dated, '9999-12-31', HOME);
      const member: CreditMember = {
        member_id: `m${n}`,
        handle: `h${n}`,
        ...dated,
        status: last.status ?? 'applied',
        tracking_id: last.trackingIds[HOME] ?? 'none-20',
      };
      return member;
    });

  it('credits whoever held the tracking id on the day and was approved then, else nobody', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(memberArb, { selector: (m) => m.member_id, maxLength: 4 }),
        keyArb,
        (members, key) => {
          const credit = creditBook(members, HOME).creditOn(key.marketplace, key.tracking_id, key.day);
          // Oracle: fold each member's entries dated on or before the day, by hand.
          const holders = members.filter((m) => {
            let status: string | null = null;
            let tag: string | null = null;
            for (const e of m.history ?? []) {
              if (e.on > key.day) continue;
              if (e.status) status = e.status;
              if (e.tracking_id) tag = e.tracking_id;
            }
            return status === 'approved' && tag === key.tracking_id;
          });
          holders.sort((a, b) => (a.member_id < b.member_id ? -1 : 1));
          expect(credit?.member_id ?? null).toBe(holders[0]?.member_id ?? null);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a file without history holds its current state from applied_on on', () => {
    const m: CreditMember = {
      member_id: 'mila',
      handle: 'mila',
      applied_on: '2026-11-02',
      status: 'approved',
      tracking_id: 'Mila-20',
    };
    const book = creditBook([m], HOME);
    expect(book.creditOn(HOME, 'mila-20', '2026-11-01')).toBeNull();
    expect(book.creditOn(HOME, 'mila-20', '2026-11-02')).toEqual({ member_id: 'mila', handle: 'mila' });
    expect(book.creditOn('amazon-uk', 'mila-20', '2026-11-02')).toBeNull();
  });

  it('once recorded, a key keeps its member whatever the book says later', () => {
    fc.assert(
      fc.property(
        fc.array(statementArb, { minLength: 2, maxLength: 6 }),
        fc.array(fc.constantFrom('x', 'y', null), { minLength: 6, maxLength: 6 }),
        (statements, owners) => {
          const s = store();
          const first = new Map<string, string | null>();
          statements.forEach((st, i) => {
            const owner = owners[i] ?? null;
            const plan = s.import(st, () => (owner === null ? null : { member_id: owner, handle: owner }));
            for (const c of plan.changes)
              if (!first.has(c.key_id)) first.set(c.key_id, c.credit?.member_id ?? null);
            for (const c of plan.changes) expect(c.credit?.member_id ?? null).toBe(first.get(c.key_id));
          });
          for (const [id, row] of s.ledger) expect(row.member).toBe(first.get(id));
        },
      ),
    );
  });
});

describe('exact sums', () => {
  it('addSafe is exact or refuses, never rounds', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), { maxLength: 20 }), (values) => {
        let sum = 0;
        let exact = 0n;
        for (const v of values) {
          exact += BigInt(v);
          try {
            sum = addSafe(sum, v);
          } catch (error) {
            expect(error).toBeInstanceOf(UnsafeSumError);
            expect(exact > BigInt(Number.MAX_SAFE_INTEGER) || exact < BigInt(Number.MIN_SAFE_INTEGER)).toBe(
              true,
            );
            return;
          }
          expect(BigInt(sum)).toBe(exact);
        }
      }),
    );
  });
});
