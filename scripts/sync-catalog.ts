/**
 * `npm run catalog:sync [-- --remote | --persist-to <dir>]`: makes D1's copy of
 * the catalog (migration 0009: what the link builder searches and the dashboards
 * name products by) equal to content/products/. `npm start` runs it locally on
 * every start; `npm run deploy` runs it with --remote after the migrations.
 */
import { parseArgs } from 'node:util';
import { formatError } from '../domain/content/validate.ts';
import { catalogSyncSql } from './lib/catalog-sql.ts';
import { contentDir } from '../build/content-gate.ts';
import { loadContent } from '../build/load-content.ts';
import { d1Execute } from './lib/harness/d1.ts';

function main(): number {
  const { values } = parseArgs({
    options: { remote: { type: 'boolean' }, 'persist-to': { type: 'string' } },
  });
  const { content, errors } = loadContent(contentDir());
  if (!content) {
    for (const error of errors) console.error(formatError(error));
    return 1;
  }
  const generation = `sync-${Date.now()}`;
  d1Execute(catalogSyncSql(content.products, generation).join('\n'), {
    remote: values.remote,
    persistTo: values['persist-to'],
  });
  const available = content.products.filter((p) => p.available).length;
  console.log(
    `catalog: ${content.products.length} products (${available} available) in the ${values.remote ? 'remote' : 'local'} D1`,
  );
  return 0;
}

try {
  process.exit(main());
} catch (error) {
  console.error(`catalog sync failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
