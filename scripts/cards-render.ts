/**
 * `npm run cards:render [-- --budget-s N]`: renders the share cards not yet in the card cache
 * (build/share-cards.ts) without building, so a large program's first build need not: run it
 * where the cache is kept (CI restores node_modules/.cache/shopfront), as long as it takes, or
 * `--budget-s` seconds at a time. The build then renders only what changed after.
 */
import { parseArgs } from 'node:util';
import { formatError } from '../domain/content/validate.ts';
import { contentDir } from '../build/content-gate.ts';
import { loadContent } from '../build/load-content.ts';
import { shareCardJobs } from '../build/share-card-jobs.ts';
import { writeShareCards } from '../build/share-cards.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'budget-s': { type: 'string' } } });
  const budget = values['budget-s'] === undefined ? Infinity : Number(values['budget-s']);
  if (!(budget >= 0)) {
    console.error('--budget-s: a number of seconds');
    return 1;
  }
  const { content, errors } = loadContent(contentDir());
  if (!content) {
    for (const error of errors) console.error(formatError(error));
    return 1;
  }
  const jobs = shareCardJobs(
    content.influencers,
    content.program.site.name,
    process.env.SITE_URL ?? content.program.site.url,
  );
  const { ready: _ready, ...report } = await writeShareCards(jobs, null, { budgetMs: budget * 1000 });
  console.log(`share cards: ${JSON.stringify(report)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`cards:render failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
