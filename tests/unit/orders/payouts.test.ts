import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computePayouts, payoutsCsv, type MonthlyActivity } from '../../../domain/orders/payouts.ts';
import { DAY_MS } from '../../../domain/time.ts';
import { fixtureProgram } from './helpers.ts';

const program = fixtureProgram().table; // threshold 2500, hold 60 days
const LATER = Date.parse('2030-01-01T00:00:00Z');
const activity = (month: string, earned: number, reversed = 0, handle = 'ana-cooks'): MonthlyActivity => ({
  handle,
  month,
  earned_minor: earned,
  reversed_minor: reversed,
});

function row(period: string, rows: MonthlyActivity[], now = LATER) {
  return computePayouts({ period, activity: rows, program, now }).payouts.find(
    (p) => p.handle === 'ana-cooks',
  );
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
    expect(computePayouts({ period: '2026-10', activity: history, program, now: dueAt }).payable_from).toBe(
      '2026-12-31',
    );
  });

  it('ignores activity after the period and lists only influencers with history', () => {
    const report = computePayouts({
      period: '2026-01',
      activity: [activity('2026-02', 9000), activity('2025-12', 100, 0, 'cy-paused')],
      program,
      now: LATER,
    });
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

  it("names each row's programme", () => {
    const report = computePayouts({
      period: '2026-05',
      activity: [activity('2026-05', 6000), activity('2026-05', 4000, 0, 'dee-reviews')],
      program,
      now: LATER,
    });
    expect(report.payouts.map((p) => [p.handle, p.program])).toEqual([
      ['ana-cooks', 'influencer'],
      ['dee-reviews', 'associate'],
    ]);
  });

  it('writes RFC 4180 CSV with a header row', () => {
    const report = computePayouts({
      period: '2026-05',
      activity: [activity('2026-05', 6000)],
      program,
      now: LATER,
    });
    expect(payoutsCsv(report)).toBe(
      'period,handle,program,tracking_id,status,currency,carried_in_minor,earned_minor,reversed_minor,balance_minor,payable,payout_minor,carried_forward_minor,reason,payable_from\r\n' +
        '2026-05,ana-cooks,influencer,anacooks-20,approved,USD,0,6000,0,6000,true,6000,0,payable,2026-07-31\r\n',
    );
  });

  it('guards payout CSV cells against spreadsheet formulas, keeps negative amounts numbers', () => {
    const report = computePayouts({
      period: '2026-05',
      activity: [activity('2026-05', 0, 700, 'ghost')],
      program,
      now: LATER,
    });
    const [, line] = payoutsCsv({ ...report, currency: '=HYPERLINK("x")' }).split('\r\n');
    expect(line).toBe(
      `2026-05,ghost,unknown,,unknown,"'=HYPERLINK(""x"")",0,0,700,-700,false,0,-700,below_threshold,2026-07-31`,
    );
  });
});
