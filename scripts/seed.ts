/**
 * Sample history for the local loop, run by `npm start` after the migrations:
 * eight weeks of clicks and orders (scripts/lib/orders/seed-history.ts) written
 * into the local D1, once; later starts see it is there and skip it. Every start
 * makes a fresh stats token for one influencer (revoking the previous seed token)
 * and prints it, so the dashboards can be signed in to.
 */
import { parseArgs } from 'node:util';
import { formatError, type Content } from '../domain/content/validate.ts';
import { EVENT_COLUMNS, LEDGER_COLUMNS } from '../domain/orders/apply.ts';
import { LINE_TERMS_COLUMNS, ORDER_TERMS_COLUMNS } from '../domain/orders/terms.ts';
import { contentDir } from '../build/content-gate.ts';
import { loadContent } from '../build/load-content.ts';
import { d1Execute } from './lib/harness/d1.ts';
import { seedHistory } from './lib/orders/seed-history.ts';
import { insertRows, type SqlValue } from './lib/orders/sql.ts';
import { insertTokenSql, newInfluencerToken, revokeTokensSql } from './lib/orders/tokens.ts';
import { progress } from './lib/progress.ts';

const CLICK_COLUMNS = [
  'click_id',
  'at',
  'handle',
  'product_id',
  'src',
  'referrer_host',
  'country',
  'device',
  'visitor_hash',
  'is_bot',
  'bot_reason',
  'is_duplicate',
  'method',
] as const;

/** INSERTs of `records`, each written as the values of `columns` in order. */
function insertRecords<K extends string>(
  table: string,
  columns: readonly K[],
  records: readonly { [key in K]: SqlValue }[],
): string[] {
  return insertRows(
    table,
    columns,
    records.map((r) => columns.map((k) => r[k])),
  );
}

/** Eight weeks of sample clicks and orders as INSERTs, how many rows they write, and a line saying what. */
function historyStatements(
  content: Content,
  now: number,
): { statements: string[]; rows: number; summary: string } {
  const history = seedHistory(content, now);
  const bots = history.clicks.filter((c) => c.is_bot).length;
  const duplicates = history.clicks.filter((c) => c.is_duplicate).length;
  const orders = new Set(history.events.map((e) => e.order_id)).size;
  return {
    statements: [
      ...insertRecords('clicks', CLICK_COLUMNS, history.clicks),
      ...insertRecords('order_events', EVENT_COLUMNS, history.events),
      ...insertRecords('order_terms', ORDER_TERMS_COLUMNS, history.orderTerms),
      ...insertRecords('order_line_terms', LINE_TERMS_COLUMNS, history.lineTerms),
      ...insertRecords('ledger_entries', LEDGER_COLUMNS, history.entries),
    ],
    rows: history.clicks.length + history.events.length + history.entries.length,
    summary:
      `seed: ${history.clicks.length} clicks (${bots} bots, ${duplicates} duplicates), ` +
      `${orders} orders in ${history.events.length} events, ${history.entries.length} ledger entries`,
  };
}

function main(): number {
  // --persist-to: a local D1 state directory other than wrangler's default (as `wrangler dev --persist-to`).
  const { values } = parseArgs({ options: { 'persist-to': { type: 'string' } } });
  const target = { persistTo: values['persist-to'] };
  const { content, errors } = loadContent(contentDir());
  if (!content) {
    for (const error of errors) console.error(formatError(error));
    return 1;
  }
  const statements: string[] = [];
  // Three steps, each a while: ask the local D1, generate the history, write it (one wrangler call).
  const bar = progress('seed', 3, 'steps');
  const approved = content.influencers.filter((i) => i.status === 'approved');
  const who =
    approved.find((i) => i.handle === 'mila-cooks') ?? approved.find((i) => i.program === 'influencer');
  // An associate too, to try the link builder as a website publisher.
  const associate =
    approved.find((i) => i.handle === 'gearlab-reviews') ?? approved.find((i) => i.program === 'associate');
  const token = newInfluencerToken();
  const associateToken = newInfluencerToken();
  let written = 0;
  // Said once the bar is gone, so the two do not share a line.
  const said: string[] = [];
  try {
    bar.tick(0, 'reading the local D1');
    const [counts] = d1Execute("SELECT COUNT(*) AS n FROM order_events WHERE source = 'seed'", target);
    const seeded = Number(counts?.[0]?.n ?? 0);
    bar.tick(1, 'generating eight weeks of history');
    if (seeded > 0) {
      said.push(
        `seed: sample history already in the local D1 (${seeded} seeded order events); not adding more.`,
      );
    } else {
      const history = historyStatements(content, Date.now());
      written = history.rows;
      statements.push(...history.statements);
      said.push(history.summary);
    }

    statements.push(revokeTokensSql({ label: 'seed' }));
    if (who) statements.push(insertTokenSql(token, who.handle, 'seed'));
    if (associate) statements.push(insertTokenSql(associateToken, associate.handle, 'seed'));
    bar.tick(1, `writing ${statements.length} statements to the local D1`);
    d1Execute(statements.join('\n'), target);
    bar.tick(1, 'done');
  } finally {
    bar.stop();
  }
  for (const line of said) console.log(line);
  console.log(`seed: done in ${bar.stop()} s (${written} rows written).`);

  console.log(
    '\nSign-in tokens for this local run (made by scripts/seed.ts; the previous seed token is revoked):',
  );
  if (who) console.log(`  influencer ${who.handle}: ${token}`);
  if (associate) console.log(`  associate ${associate.handle}: ${associateToken}`);
  console.log('  admin: the ADMIN_TOKEN value in .dev.vars');
  console.log(
    `  e.g. curl -H "Authorization: Bearer <token>" http://localhost:${process.env.PORT ?? '8787'}/api/stats/${who?.handle ?? '<handle>'}\n`,
  );
  return 0;
}

try {
  process.exit(main());
} catch (error) {
  console.error(`seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
