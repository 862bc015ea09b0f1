import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  DAY_MS,
  dayStart,
  eachDay,
  isIsoDay,
  isIsoMonth,
  monthBounds,
  monthFrom,
  startOfUtcDay,
  utcDay,
  utcMonth,
} from '../../domain/time.ts';

describe('UTC days and months', () => {
  it('writes the UTC day and month of a time, whatever the zone it was written in', () => {
    expect(utcDay(Date.parse('2026-11-30T23:59:59-08:00'))).toBe('2026-12-01');
    expect(utcDay(new Date('2026-11-30T23:59:59Z'))).toBe('2026-11-30');
    expect(utcMonth(Date.parse('2026-12-31T23:59:59.999Z'))).toBe('2026-12');
    expect(startOfUtcDay(Date.parse('2026-03-08T17:30:00Z'))).toBe(Date.parse('2026-03-08T00:00:00Z'));
  });

  it('accepts only real calendar days written YYYY-MM-DD', () => {
    for (const day of ['2024-02-29', '2026-12-31', '1970-01-01']) expect(isIsoDay(day), day).toBe(true);
    for (const day of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-1-01', '2026-01-01T00:00:00Z', ''])
      expect(isIsoDay(day), day).toBe(false);
  });

  it('counts days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -29)).toBe('2026-01-31');
    expect(eachDay('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    expect(eachDay('2026-03-02', '2026-03-01')).toEqual([]);
  });

  it('round-trips every day: dayStart and utcDay are inverse', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (n) => {
        const day = utcDay(n * DAY_MS);
        return isIsoDay(day) && dayStart(day) === n * DAY_MS && addDays(day, 1) === utcDay((n + 1) * DAY_MS);
      }),
    );
  });

  it('bounds a month, December to January included, and steps back over a year end', () => {
    expect(monthBounds('2026-12')).toEqual({
      start: Date.parse('2026-12-01T00:00:00Z'),
      end: Date.parse('2027-01-01T00:00:00Z'),
    });
    expect(() => monthBounds('2026-13')).toThrow();
    expect(isIsoMonth('2026-00')).toBe(false);
    expect(monthFrom(Date.parse('2026-01-15T00:00:00Z'), -1)).toBe('2025-12');
    expect(monthFrom(new Date('2026-03-31T12:00:00Z'), -1)).toBe('2026-02');
  });
});
