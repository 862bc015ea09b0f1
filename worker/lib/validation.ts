/** Request validation with zod, answering 400 `{ error, issues }` with each issue naming its parameter. */
import { zValidator } from '@hono/zod-validator';
import type { z } from 'zod';
import { issuesOf } from '../../domain/issues.ts';
import { problem } from './problem.ts';

export function queryValidator<S extends z.ZodType>(schema: S) {
  return zValidator('query', schema, (result) => {
    if (!result.success) return problem('invalid', 'invalid query', issuesOf(result.error));
  });
}
