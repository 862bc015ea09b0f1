import { describe, expect, it } from 'vitest';
import { fillDays } from '../../site/lib/dashboard/days.ts';
import { recentMonths, resolvePeriod } from '../../site/lib/dashboard/period.ts';

const NOW = new Date('2026-03-02T15:30:00Z');

describe('dashboard periods', () => {
  it('resolves presets to whole UTC days ending today', () => {
    expect(resolvePeriod('7d', NOW)).toEqual({
      key: '7d',
      label: 'Last 7 days',
      from: '2026-02-24',
      to: '2026-03-02',
      start: Date.parse('2026-02-24T00:00:00Z'),
      end: Date.parse('2026-03-03T00:00:00Z'),
    });
    expect(resolvePeriod(null, NOW).key).toBe('30d');
    expect(resolvePeriod('2026-13', NOW).key).toBe('30d');
  });

  it('resolves a month to its calendar days', () => {
    expect(resolvePeriod('2024-02', NOW)).toEqual({
      key: '2024-02',
      label: 'February 2024',
      from: '2024-02-01',
      to: '2024-02-29',
      start: Date.parse('2024-02-01T00:00:00Z'),
      end: Date.parse('2024-03-01T00:00:00Z'),
    });
    expect(recentMonths(NOW, 4)).toEqual(['2026-03', '2026-02', '2026-01', '2025-12']);
  });

  it('fills every day of a period, zeros where there is no row', () => {
    expect(fillDays('2026-02-27', '2026-03-01', [{ date: '2026-02-28', clicks: 3, commission: 40 }])).toEqual(
      [
        { date: '2026-02-27', clicks: 0, commission: 0 },
        { date: '2026-02-28', clicks: 3, commission: 40 },
        { date: '2026-03-01', clicks: 0, commission: 0 },
      ],
    );
  });
});
