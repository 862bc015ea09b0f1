/**
 * `npm run catalog:refresh [-- --source creators-api|fixture] [--fixture <file>] [--out <file>]`:
 * the product data refresh (docs/storefronts.md). Asks Amazon's Creators API (when its credentials
 * are in the environment) or a recorded fixture for every available Amazon product's price and
 * Prime eligibility, and writes them with the time of each check for the next build
 * (PRODUCT_DATA, default node_modules/.cache/shopfront/product-data.json). Without credentials
 * and without --source it writes no offers: every card says "See price on Amazon", the normal
 * state until the Associates account has the recent sales the API requires. Run it, then build
 * and deploy, at least once a day (price_max_age_hours in content/program.yaml).
 */
import { parseArgs } from 'node:util';
import { formatError } from '../domain/content/validate.ts';
import { contentDir } from '../build/content-gate.ts';
import { loadContent } from '../build/load-content.ts';
import {
  creatorsApiConfigured,
  creatorsApiSource,
  type ItemsSource,
} from './lib/product-data/creators-api.ts';
import { DEFAULT_FIXTURE, fixtureItemsSource } from './lib/product-data/fixture.ts';
import { refreshProductData } from './lib/product-data/refresh.ts';
import { productDataPath, writeProductData } from '../build/product-data.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { source: { type: 'string' }, fixture: { type: 'string' }, out: { type: 'string' } },
  });
  const out = values.out ?? productDataPath();
  const { content, errors } = loadContent(contentDir());
  if (!content) {
    for (const error of errors) console.error(formatError(error));
    return 1;
  }
  const wanted = values.source ?? (creatorsApiConfigured() ? 'creators-api' : 'none');
  let source: ItemsSource | null;
  if (wanted === 'fixture') source = fixtureItemsSource(values.fixture ?? DEFAULT_FIXTURE);
  else if (wanted === 'creators-api') {
    if (!creatorsApiConfigured()) {
      console.error(
        '--source creators-api: set CREATORS_API_CREDENTIAL_ID, CREATORS_API_CREDENTIAL_SECRET and CREATORS_API_PARTNER_TAG',
      );
      return 1;
    }
    source = creatorsApiSource();
  } else if (wanted === 'none') source = null;
  else {
    console.error(`--source: "${wanted}" is not creators-api or fixture`);
    return 1;
  }
  if (!source) {
    writeProductData({ v: 1, source: 'none', refreshed_at: new Date().toISOString(), offers: {} }, out);
    console.log(
      `catalog refresh: no Creators API credentials; no prices (cards say "See price on Amazon"); ${out}`,
    );
    return 0;
  }
  const report = await refreshProductData(content, source, {
    delayMs: source.name === 'creators-api' ? 1100 : 0,
    warn: (message) => console.warn(`catalog refresh: ${message}`),
  });
  writeProductData(report.data, out);
  const priced = Object.keys(report.data.offers).length;
  console.log(
    `catalog refresh (${source.name}): ${priced} of ${report.asked} Amazon products priced, ${report.failedRequests} failed requests; ${out}`,
  );
  // Products of failed requests show "See price on Amazon"; the deploy goes on with the rest.
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`catalog refresh failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
