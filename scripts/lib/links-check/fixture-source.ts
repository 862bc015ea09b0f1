/**
 * A product-data source read from a recorded fixture (offline; `npm run links:check --
 * --fixture <file>`): the answers Amazon's product API gave, by ASIN, recorded once.
 *   { "source": "...", "recorded_at": "...", "items": { "<ASIN>": { "found": true, "asin": "<ASIN now>" }
 *                                                      | { "found": false, "error": "<API error code>" } } }
 * An id the recording does not have is "unknown" (reported as an error, never as dead).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ProductAnswer, ProductDataSource } from '../../../domain/catalog/link-health.ts';

const recording = z.strictObject({
  source: z.string(),
  recorded_at: z.string(),
  items: z.record(
    z.string(),
    z.union([
      z.strictObject({ found: z.literal(true), asin: z.string().regex(/^[A-Z0-9]{10}$/) }),
      z.strictObject({ found: z.literal(false), error: z.string().min(1) }),
    ]),
  ),
});

export function fixtureSource(path: string): ProductDataSource {
  let parsed: z.infer<typeof recording>;
  try {
    parsed = recording.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    const why = error instanceof z.ZodError ? z.prettifyError(error) : String(error);
    throw new Error(`${path}: not a product-data recording: ${why}`);
  }
  return {
    name: `fixture ${path} (${parsed.source}, recorded ${parsed.recorded_at})`,
    batchSize: 10,
    lookup(ids) {
      const out = new Map<string, ProductAnswer>();
      for (const id of ids) {
        const item = parsed.items[id];
        out.set(
          id,
          !item
            ? { kind: 'unknown', reason: 'not in the recording' }
            : item.found
              ? { kind: 'found', id: item.asin }
              : { kind: 'missing', reason: item.error },
        );
      }
      return Promise.resolve(out);
    },
  };
}
