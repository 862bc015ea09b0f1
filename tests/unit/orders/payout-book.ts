/**
 * Closing months over an in-memory ledger, exactly as worker/payouts/store.ts
 * does over D1: the same pure fold and close decision, fed by the same selection
 * (activity since the last closed month, late money = entries dated before the
 * first open month with an id above the last close's watermark). Entry ids are
 * positions in the entries array plus one, as D1's entry_id grows.
 */
import {
  computePayouts,
  nextPeriod,
  planClose,
  type ClosedReport,
  type MonthlyActivity,
  type PayoutReport,
} from '../../../domain/orders/payouts.ts';
import type { ProgramTable } from '../../../domain/orders/program-table.ts';
import { utcMonth } from '../../../domain/time.ts';

export interface BookEntry {
  handle: string;
  /** USD when not given. */
  currency?: string;
  bucket: 'pending' | 'earned' | 'reversed' | 'void';
  effective_at: number;
  amount_minor: number;
}

export class PayoutBook {
  readonly entries: BookEntry[] = [];
  readonly runs = new Map<string, { watermark: number; report: ClosedReport }>();

  readonly program: ProgramTable;
  readonly now: number;

  constructor(program: ProgramTable, now: number) {
    this.program = program;
    this.now = now;
  }

  private state(period: string) {
    const closedPeriods = [...this.runs.keys()].sort();
    const lastPeriod = closedPeriods.at(-1);
    const last = lastPeriod === undefined ? null : { period: lastPeriod, ...this.runs.get(lastPeriod)! };
    const from = last ? nextPeriod(last.period) : null;
    const activity = new Map<string, MonthlyActivity>();
    const adjustments = new Map<string, { handle: string; currency: string; amount_minor: number }>();
    this.entries.forEach((e, i) => {
      if (e.bucket !== 'earned' && e.bucket !== 'reversed') return;
      const month = utcMonth(e.effective_at);
      const currency = e.currency ?? 'USD';
      if (from !== null && month < from) {
        if (last && i + 1 > last.watermark) {
          const key = `${e.handle} ${currency}`;
          const seen = adjustments.get(key) ?? { handle: e.handle, currency, amount_minor: 0 };
          adjustments.set(key, { ...seen, amount_minor: seen.amount_minor + e.amount_minor });
        }
        return;
      }
      if (month > period) return;
      const key = `${month} ${e.handle} ${currency}`;
      const a = activity.get(key) ?? {
        handle: e.handle,
        currency,
        month,
        earned_minor: 0,
        reversed_minor: 0,
      };
      if (e.bucket === 'earned') a.earned_minor += e.amount_minor;
      else a.reversed_minor -= e.amount_minor;
      activity.set(key, a);
    });
    const monthly = [...activity.values()];
    return {
      closedPeriods,
      lastClosed: last && { period: last.period, rows: last.report.payouts },
      from: from ?? monthly.map((a) => a.month).sort()[0] ?? period,
      adjustments: [...adjustments.values()],
      activity: monthly,
      watermark: this.entries.length,
    };
  }

  close(period: string) {
    const state = this.state(period);
    const decision = planClose({
      ...state,
      period,
      program: this.program,
      now: this.now,
      closedAt: this.now,
    });
    if (decision.ok) this.runs.set(period, { watermark: state.watermark, report: decision.report });
    return decision;
  }

  open(period: string): PayoutReport {
    return computePayouts({ ...this.state(period), period, program: this.program, now: this.now });
  }
}
