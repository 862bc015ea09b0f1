/**
 * A recorded product data source for offline work and tests (`catalog:refresh --source fixture`):
 * getItems answers in the Creators API's own shape, read from a JSON file, so the refresh's
 * parsing runs exactly as against the API. Its offers are dated when the refresh runs (a replay
 * stands in for a live call), and `npm run deploy` refuses product data from it.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ItemsSource } from './creators-api.ts';

export const DEFAULT_FIXTURE = 'tests/fixtures/product-data/creators-api-getitems.json';

const recording = z.strictObject({
  /** Where and when the answers were recorded, for people. */
  note: z.string(),
  /** marketplace host -> recorded getItems answers. */
  answers: z.record(
    z.string(),
    z.array(z.object({ itemsResult: z.object({ items: z.array(z.unknown()) }) })),
  ),
});

export function fixtureItemsSource(file: string = DEFAULT_FIXTURE): ItemsSource {
  const parsed = recording.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const byAsin = new Map<string, unknown>();
  for (const [marketplace, answers] of Object.entries(parsed.data.answers))
    for (const a of answers)
      for (const it of a.itemsResult.items) {
        const asin = z.object({ asin: z.string() }).safeParse(it);
        if (asin.success) byAsin.set(`${marketplace} ${asin.data.asin}`, it);
      }
  return {
    name: 'fixture',
    getItems: async (asins, marketplace) => ({
      itemsResult: { items: asins.flatMap((a) => byAsin.get(`${marketplace} ${a}`) ?? []) },
    }),
  };
}
