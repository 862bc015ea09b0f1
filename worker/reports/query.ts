/** Query parameters of the reporting routes. */
import { z } from 'zod';
import { addDays, DAY_MS, dayStart, isIsoDay, isIsoMonth } from '../../domain/time.ts';

/** Longest stats range: by_day lists every day of it. */
export const MAX_RANGE_DAYS = 366;

const day = z.string().refine(isIsoDay, 'must be a UTC day written YYYY-MM-DD');

/** from/to are optional: to defaults to today, from to 29 days before to (30 days in all). */
export function statsQuery(today: () => string) {
  return z
    .object({ from: day.optional(), to: day.optional() })
    .transform(({ from, to }) => {
      const end = to ?? today();
      const start = from ?? addDays(end, -29);
      return { from: start, to: end };
    })
    .superRefine(({ from, to }, ctx) => {
      if (from > to)
        ctx.addIssue({ code: 'custom', path: ['from'], message: `must not be after to (${to})` });
      else if ((dayStart(to) - dayStart(from)) / DAY_MS + 1 > MAX_RANGE_DAYS)
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `the range may span at most ${MAX_RANGE_DAYS} days`,
        });
    });
}

export const payoutsQuery = z.object({
  period: z
    .string({ error: 'is required, written YYYY-MM' })
    .refine(isIsoMonth, 'must be a month written YYYY-MM'),
  format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).optional(),
});
