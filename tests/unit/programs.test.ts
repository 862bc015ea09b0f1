import { describe, expect, it } from 'vitest';
import { comparePrograms, noFigures, type CreatorFigures } from '../../domain/reports/programs.ts';
import { programChartGeometry } from '../../site/lib/dashboard/program-chart.ts';

const row = (handle: string, f: Partial<CreatorFigures> = {}): CreatorFigures => ({
  ...noFigures(handle),
  ...f,
});

const members = {
  ana: { program: 'influencer', status: 'approved' },
  bo: { program: 'influencer', status: 'approved' },
  cy: { program: 'influencer', status: 'suspended' },
  dee: { program: 'associate', status: 'approved' },
  eve: { program: 'associate', status: 'applied' },
} as const;

describe('comparePrograms', () => {
  it('sums each program and computes effective rate, conversion and commission per member', () => {
    const [influencers, associates] = comparePrograms(
      [
        row('ana', { clicks: 100, orders: 4, revenue_minor: 20_000, earned_minor: 900, reversed_minor: 100 }),
        row('cy', { clicks: 10, orders: 1, revenue_minor: 5_000, earned_minor: 200 }),
        row('dee', { clicks: 40, orders: 2, revenue_minor: 10_000, earned_minor: 300 }),
        // No longer in content: counted in the default program.
        row('gone', { clicks: 50 }),
      ],
      members,
    );
    expect(influencers).toEqual({
      program: 'influencer',
      members: 2,
      active: 3,
      clicks: 160,
      orders: 5,
      revenue_minor: 25_000,
      commission_minor: 1_000,
      effective_rate: 0.04,
      conversion: 5 / 160,
      commission_per_member_minor: 500,
    });
    expect(associates).toMatchObject({
      program: 'associate',
      members: 1,
      active: 1,
      commission_minor: 300,
      effective_rate: 0.03,
      conversion: 0.05,
      commission_per_member_minor: 300,
    });
  });

  it('has no ratio without revenue, clicks or members, rather than dividing by zero', () => {
    const [, associates] = comparePrograms([], { ana: { program: 'influencer', status: 'approved' } });
    expect(associates).toMatchObject({
      members: 0,
      effective_rate: null,
      conversion: null,
      commission_per_member_minor: null,
    });
  });
});

describe('programChartGeometry', () => {
  it('scales each measure to its own largest value and leaves undefined values empty', () => {
    const g = programChartGeometry(
      ['Influencers', 'Associates'],
      [
        { label: 'Rate', values: [0.04, 0.02], format: String },
        { label: 'Orders', values: [null, 10], format: String },
      ],
    );
    const [rate, orders] = g.rows;
    expect(rate!.bars[1]!.width * 2).toBeCloseTo(rate!.bars[0]!.width, 0);
    expect(orders!.bars[0]).toMatchObject({ width: 0, text: '—' });
    expect(orders!.bars[1]!.width).toBe(rate!.bars[0]!.width);
    expect(g.legend.map((l) => l.label)).toEqual(['Influencers', 'Associates']);
    expect(g.height).toBeGreaterThan(orders!.bars[1]!.y);
  });
});
