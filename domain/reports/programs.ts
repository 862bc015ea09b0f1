/**
 * The two programs side by side (CONTRACT.md section 8): per program, its
 * members, human clicks, orders, revenue and commission over a period, and the
 * ratios operators compare: effective commission rate (commission / revenue),
 * conversion (orders / human clicks) and commission per member. Pure: it groups
 * per-creator figures (read by worker/dashboard/queries.ts) by each member's
 * program. Money stays integer minor units; only the ratios are fractions.
 */
import { PROGRAMS, type MemberProgram, type Status } from '../content/schema.ts';

export interface CreatorFigures {
  handle: string;
  /** Human clicks. */
  clicks: number;
  /** Distinct orders placed. */
  orders: number;
  /** Sales value of shipped items minus that of returned ones. */
  revenue_minor: number;
  earned_minor: number;
  /** Positive. */
  reversed_minor: number;
}

/** A member's figures before anything is counted. */
export function noFigures(handle: string): CreatorFigures {
  return { handle, clicks: 0, orders: 0, revenue_minor: 0, earned_minor: 0, reversed_minor: 0 };
}

export interface ProgramFigures {
  program: MemberProgram;
  /** Approved members of the program today. */
  members: number;
  /** Members with a click or an order in the period. */
  active: number;
  clicks: number;
  orders: number;
  revenue_minor: number;
  /** Net commission: earned - reversed. */
  commission_minor: number;
  /** commission / revenue, or null without revenue. */
  effective_rate: number | null;
  /** orders / human clicks, or null without clicks. */
  conversion: number | null;
  /** commission / members (rounded half up), or null without members. */
  commission_per_member_minor: number | null;
}

export function comparePrograms(
  rows: readonly CreatorFigures[],
  members: Readonly<Record<string, { program: MemberProgram; status: Status }>>,
): ProgramFigures[] {
  return PROGRAMS.map((program) => {
    // A creator no longer in content keeps counting, in the default program.
    const mine = rows.filter((r) => (members[r.handle]?.program ?? 'influencer') === program);
    const count = Object.values(members).filter(
      (m) => m.program === program && m.status === 'approved',
    ).length;
    const sum = (pick: (r: CreatorFigures) => number) => mine.reduce((s, r) => s + pick(r), 0);
    const clicks = sum((r) => r.clicks);
    const orders = sum((r) => r.orders);
    const revenue = sum((r) => r.revenue_minor);
    const commission = sum((r) => r.earned_minor - r.reversed_minor);
    return {
      program,
      members: count,
      active: mine.filter((r) => r.clicks > 0 || r.orders > 0).length,
      clicks,
      orders,
      revenue_minor: revenue,
      commission_minor: commission,
      effective_rate: revenue > 0 ? commission / revenue : null,
      conversion: clicks > 0 ? orders / clicks : null,
      commission_per_member_minor: count > 0 ? Math.floor(commission / count + 0.5) : null,
    };
  });
}
