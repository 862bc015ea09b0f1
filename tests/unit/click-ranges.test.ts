/**
 * Where a time range's click counts come from (worker/reports/click-counts.ts): every whole
 * UTC day from the roll-ups, today's included; raw clicks only for parts of a day at the edges.
 */
import { describe, expect, it } from 'vitest';
import { clickRanges } from '../../worker/reports/click-counts.ts';
import { DAY_MS, startOfUtcDay } from '../../domain/time.ts';

const at = (iso: string) => Date.parse(iso);

describe('clickRanges', () => {
  it('reads a range of whole days, ending today, from the roll-ups alone (no raw clicks of today)', () => {
    const today = startOfUtcDay(Date.now());
    const ranges = clickRanges(today - 364 * DAY_MS, today + DAY_MS);
    expect(ranges.rollupTo).toBe(new Date(today + DAY_MS).toISOString().slice(0, 10));
    expect(ranges.rawBefore[1] - ranges.rawBefore[0]).toBe(0);
    expect(ranges.rawAfter[1] - ranges.rawAfter[0]).toBe(0);
  });

  it('reads the parts of a day at the edges raw, the whole days between from the roll-ups', () => {
    const ranges = clickRanges(at('2019-05-01T06:00:00Z'), at('2019-05-04T12:00:00Z'));
    expect(ranges).toEqual({
      rollupFrom: '2019-05-02',
      rollupTo: '2019-05-04',
      rawBefore: [at('2019-05-01T06:00:00Z'), at('2019-05-02T00:00:00Z')],
      rawAfter: [at('2019-05-04T00:00:00Z'), at('2019-05-04T12:00:00Z')],
    });
  });

  it('reads a range inside one day raw, and no roll-up day', () => {
    const [start, end] = [at('2019-05-01T06:00:00Z'), at('2019-05-01T07:00:00Z')];
    expect(clickRanges(start, end)).toEqual({
      rollupFrom: '',
      rollupTo: '',
      rawBefore: [start, end],
      rawAfter: [0, 0],
    });
  });
});
