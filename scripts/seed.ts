/**
 * Sample history for the local loop, run by `npm start` after the migrations:
 * eight weeks of clicks and orders (scripts/lib/orders/seed-history.ts) written
 * into the local D1, once; later starts see it is there and skip it. Every start
 * makes a fresh stats token for one influencer (revoking the previous seed token)
 * and prints it, so the dashboards can be signed in to.
 */
import { parseArgs } from 'node:util';
import { formatError } from '../domain/content/validate.ts';
import { EVENT_COLUMNS, LEDGER_COLUMNS } from '../domain/orders/apply.ts';
import { LINE_TERMS_COLUMNS, ORDER_TERMS_COLUMNS } from '../domain/orders/terms.ts';
import { contentDir } from './lib/content-gate.ts';
import { loadContent } from './lib/load-content.ts';
import { d1Execute } from './lib/orders/d1.ts';
import { seedHistory } from './lib/orders/seed-history.ts';
import { insertRows } from './lib/orders/sql.ts';
import { insertTokenSql, newInfluencerToken, revokeTokensSql } from './lib/orders/tokens.ts';

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
  const [counts] = d1Execute("SELECT COUNT(*) AS n FROM order_events WHERE source = 'seed'", target);
  const seeded = Number(counts?.[0]?.n ?? 0);
  if (seeded > 0) {
    console.log(
      `seed: sample history already in the local D1 (${seeded} seeded order events); not adding more.`,
    );
  } else {
    const history = seedHistory(content, Date.now());
    statements.push(
      ...insertRows(
        'clicks',
        CLICK_COLUMNS,
        history.clicks.map((c) => CLICK_COLUMNS.map((k) => c[k])),
      ),
      ...insertRows(
        'order_events',
        EVENT_COLUMNS,
        history.events.map((e) => EVENT_COLUMNS.map((k) => e[k])),
      ),
      ...insertRows(
        'order_terms',
        ORDER_TERMS_COLUMNS,
        history.orderTerms.map((t) => ORDER_TERMS_COLUMNS.map((k) => t[k])),
      ),
      ...insertRows(
        'order_line_terms',
        LINE_TERMS_COLUMNS,
        history.lineTerms.map((t) => LINE_TERMS_COLUMNS.map((k) => t[k])),
      ),
      ...insertRows(
        'ledger_entries',
        LEDGER_COLUMNS,
        history.entries.map((e) => LEDGER_COLUMNS.map((k) => e[k])),
      ),
    );
    const bots = history.clicks.filter((c) => c.is_bot).length;
    const duplicates = history.clicks.filter((c) => c.is_duplicate).length;
    const orders = new Set(history.events.map((e) => e.order_id)).size;
    console.log(
      `seed: ${history.clicks.length} clicks (${bots} bots, ${duplicates} duplicates), ` +
        `${orders} orders in ${history.events.length} events, ${history.entries.length} ledger entries`,
    );
  }

  const approved = content.influencers.filter((i) => i.status === 'approved');
  const who = approved.find((i) => i.handle === 'mila-cooks') ?? approved[0];
  const token = newInfluencerToken();
  statements.push(revokeTokensSql({ label: 'seed' }));
  if (who) statements.push(insertTokenSql(token, who.handle, 'seed'));
  d1Execute(statements.join('\n'), target);

  console.log(
    '\nSign-in tokens for this local run (made by scripts/seed.ts; the previous seed token is revoked):',
  );
  if (who) console.log(`  influencer ${who.handle}: ${token}`);
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
