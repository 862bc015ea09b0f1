import { describe, expect, it } from 'vitest';
import { fillDays } from '../../site/lib/dashboard/days.ts';
import { recentMonths, resolvePeriod } from '../../site/lib/dashboard/period.ts';

const NOW = new Date('2026-03-02T15:30:00Z');

describe('dashboard periods', () => {
  // A preset is whole UTC days ending today; a month is its calendar days. [key, label, from, to]
  it.each([
    ['7d', 'Last 7 days', '2026-02-24', '2026-03-02'],
    ['2024-02', 'February 2024', '2024-02-01', '2024-02-29'],
  ])('resolves %s to %s (%s to %s)', (key, label, from, to) => {
    const end = Date.parse(`${to}T00:00:00Z`) + 86_400_000;
    expect(resolvePeriod(key, NOW)).toEqual({
      key,
      label,
      from,
      to,
      start: Date.parse(`${from}T00:00:00Z`),
      end,
    });
  });

  it('falls back to the last 30 days, and lists recent months', () => {
    expect(resolvePeriod(null, NOW).key).toBe('30d');
    expect(resolvePeriod('2026-13', NOW).key).toBe('30d');
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
