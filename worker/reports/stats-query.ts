/**
 * The figures of `GET /api/stats/<handle>` (CONTRACT.md section 5), read in one
 * D1 batch. A day range [from, to] (UTC, inclusive) selects:
 * - clicks by click time: human = not a bot, bot, and duplicate = human clicks
 *   flagged as repeats (so duplicate is a part of human, not added to it), and
 *   not_navigation = requests a browser made without a click (sub-resource
 *   loads such as an <img> pointing at the link, prefetches), neither human nor bot;
 * - orders and items.ordered by when the order was placed;
 * - items shipped / returned / cancelled, revenue and commission by when the
 *   ledger figure took effect (pending: placed; earned: shipped; reversed:
 *   returned; void: cancelled), the same dating payouts use.
 * Clicks of every whole day (today's included) come from the daily roll-ups (click-counts.ts),
 * so the answer does not depend on the click retention nor on today's traffic.
 * by_day sums to the totals: clicks = human clicks, orders = orders placed,
 * commission = net (earned - reversed) that day.
 *
 * The admin console's row per creator (readCreatorRows) asks the same question of
 * every creator at once, with the same SQL grouped by handle, so its clicks,
 * orders, earned and reversed are the figures each creator's stats show.
 */
import { noFigures, type CreatorFigures } from '../../domain/reports/programs.ts';
import { addMinor } from '../../domain/money.ts';
import { DAY_MS, dayStart, eachDay, utcDay } from '../../domain/time.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { memberIndex } from '../../domain/orders/payouts.ts';
import { program } from '../orders/program.ts';
import {
  clickRanges,
  EVERY_CREATOR_VIEW,
  ONE_CREATOR_VIEWS,
  rangeParams,
  REASON_VIEW,
} from './click-counts.ts';
import { integer, integerOrZero, text, textOrNull, type Row } from '../lib/rows.ts';
import { MARKET_BRANCH, marketFigures, type MarketFigures } from './market-stats.ts';
import {
  creditMemberOf,
  keyPrefixesOf,
  STATED_ITEMS_OF_ONE,
  STATED_ORDERED_OF_EVERY,
  statedByMarketplace,
  withStatedItems,
  type StatedItems,
} from './statement-items.ts';

/** A currency's own figures (CONTRACT.md section 14): never converted, never added to another's. */
export interface CurrencyFigures {
  orders: number;
  items: { ordered: number; shipped: number; returned: number; cancelled: number };
  revenue: number;
  commission: { pending: number; earned: number; reversed: number; void: number; net: number };
}

export interface Stats extends Omit<MarketFigures, 'by_marketplace'> {
  handle: string;
  /**
   * Human clicks per marketplace (market-stats.ts) and the items Amazon's statements state for it
   * in the range (statement-items.ts): ordered (Fee-Orders), shipped and returned (Fee-Earnings).
   */
  by_marketplace: { marketplace: string | null; clicks: number; items: StatedItems }[];
  from: string;
  to: string;
  currency: string;
  /**
   * by_reason: every reason a click was not counted as an honest one (section 16): bot reasons
   * (head, prefetch, subresource:<dest>, crawler...), duplicate, no_activation, self, burst;
   * a click counts once under each reason it carries.
   */
  clicks: {
    human: number;
    bot: number;
    duplicate: number;
    not_navigation: number;
    by_reason: Record<string, number>;
  };
  orders: number;
  items: { ordered: number; shipped: number; returned: number; cancelled: number };
  revenue: number;
  commission: { pending: number; earned: number; reversed: number; void: number; net: number };
  by_day: { date: string; clicks: number; orders: number; commission: number }[];
  by_product: { product_id: string; clicks: number; items: number; commission: number }[];
  by_src: { src: string | null; clicks: number }[];
  /** Every currency with ledger lines in the range (and the home one); the top-level figures are the home currency's. */
  by_currency: Record<string, CurrencyFigures>;
}

/**
 * Each ledger query below is written once for both scopes: one member (?1: a JSON array of every
 * handle it had, so a renamed member's figures are one) or every creator, grouped by handle, and
 * grouped by currency (money never adds across currencies). Ledger queries read the range ?2..?3
 * (unix ms, end exclusive).
 */
type Scope = 'one' | 'every';
const onlyHandle = (scope: Scope) =>
  scope === 'one' ? 'handle IN (SELECT value FROM json_each(?1)) AND' : '';

// Every creator's clicks: roll-ups for whole days, raw rows for parts of a day at the edges (click-counts.ts).
const CLICK_TOTALS_OF_EVERY = `${EVERY_CREATOR_VIEW}
SELECT handle, SUM(human) AS human, SUM(bot) - SUM(not_navigation) AS bot, SUM(duplicate) AS duplicate,
       SUM(not_navigation) AS not_navigation FROM c GROUP BY handle`;
/**
 * One creator's clicks in one statement, grouped five ways (D1's most terms in a compound SELECT): totals, days and sources from the
 * (day, source) roll-up, products from the (day, product) one, countries and marketplaces from
 * the (day, country, marketplace) one (market-stats.ts), the raw clicks of a partial day at an
 * edge read once (click-counts.ts; none for the whole days stats ask for). bench:stats measures
 * it on a year of 10,000,000 clicks.
 */
const CLICKS_OF_ONE = `${ONE_CREATOR_VIEWS}
SELECT 'total' AS k, NULL AS key, SUM(human) AS human, SUM(bot) - SUM(not_navigation) AS bot,
       SUM(duplicate) AS duplicate, SUM(not_navigation) AS not_navigation FROM s
UNION ALL
SELECT 'day', day, SUM(human), 0, 0, 0 FROM s GROUP BY day HAVING SUM(human) > 0
UNION ALL
SELECT 'product', product_id, SUM(human), 0, 0, 0 FROM p WHERE product_id <> '' GROUP BY product_id HAVING SUM(human) > 0
UNION ALL
SELECT 'src', NULLIF(src, ''), SUM(human), 0, 0, 0 FROM s GROUP BY src HAVING SUM(human) > 0${MARKET_BRANCH}`;
const CLICKS_BY_REASON = `${REASON_VIEW}
SELECT reason, SUM(clicks) AS clicks FROM r GROUP BY reason HAVING SUM(clicks) > 0 ORDER BY reason`;
const ledgerByBucketSql = (scope: Scope) => `
SELECT handle, currency, bucket, SUM(quantity) AS quantity, SUM(amount_minor) AS amount_minor, SUM(revenue_minor) AS revenue_minor
FROM ledger_entries WHERE ${onlyHandle(scope)} effective_at >= ?2 AND effective_at < ?3 GROUP BY handle, currency, bucket`;
// Items ordered per line = pending + shipped + cancelled quantities = max(placed, shipped + cancelled).
const orderedLinesSql = (scope: Scope) => `
SELECT handle, currency, order_id, product_id, ordered_at,
       SUM(CASE WHEN bucket IN ('pending', 'earned', 'void') THEN quantity ELSE 0 END) AS ordered
FROM ledger_entries WHERE ${onlyHandle(scope)} ordered_at >= ?2 AND ordered_at < ?3
GROUP BY handle, currency, order_id, product_id, ordered_at`;
const NET_BY_DAY_PRODUCT = `
SELECT date(effective_at / 1000, 'unixepoch') AS day, product_id, SUM(amount_minor) AS net
FROM ledger_entries WHERE handle IN (SELECT value FROM json_each(?1)) AND bucket IN ('earned', 'reversed')
  AND effective_at >= ?2 AND effective_at < ?3 AND currency = ?4
GROUP BY day, product_id`;
// An order counts once, when one of its lines has items ordered (as readStats counts them).
const ORDERS_BY_CREATOR = `
SELECT handle, currency, COUNT(DISTINCT order_id) AS orders FROM (${orderedLinesSql('every')}) WHERE ordered <> 0
GROUP BY handle, currency`;
// Every creator with a ledger gets a row, with its pending balance now.
const PENDING_NOW = `
SELECT handle, currency, SUM(CASE WHEN bucket = 'pending' THEN amount_minor ELSE 0 END) AS pending_minor
FROM ledger_entries GROUP BY handle, currency`;

export async function readStats(
  db: D1Database,
  handle: string,
  from: string,
  to: string,
  currency: string,
  /** Every handle the member had (a renamed member's figures are one); its current handle alone by default. */
  handles: readonly string[] = [handle],
): Promise<Stats> {
  const start = dayStart(from);
  const end = dayStart(to) + DAY_MS;
  const names = JSON.stringify(handles);
  const clickParams = [...rangeParams(clickRanges(start, end)), names];
  const memberId = memberIndex(program.table).idOf(handle);
  const prefixes = keyPrefixesOf(
    creditMemberOf(program.table.credit, memberId),
    Object.keys(program.table.retailers),
  );
  const results = await withRetry(() =>
    db.batch<Row>([
      db.prepare(CLICKS_OF_ONE).bind(...clickParams),
      db.prepare(ledgerByBucketSql('one')).bind(names, start, end),
      db.prepare(orderedLinesSql('one')).bind(names, start, end),
      db.prepare(NET_BY_DAY_PRODUCT).bind(names, start, end, currency),
      db.prepare(CLICKS_BY_REASON).bind(...clickParams),
      db.prepare(STATED_ITEMS_OF_ONE).bind(JSON.stringify(prefixes), memberId, from, to),
    ]),
  );
  const [clickRows, allBuckets, allOrderedLines, netRows, reasonRows, statedRows] = results.map(
    (r) => r.results,
  );
  const markets = marketFigures(clickRows ?? []);
  // The top-level figures are the home currency's (existing clients keep working); by_currency has each.
  const buckets = (allBuckets ?? []).filter((row) => row['currency'] === currency);
  const orderedLines = (allOrderedLines ?? []).filter((row) => row['currency'] === currency);
  const of = (kind: string) => (clickRows ?? []).filter((row) => row['k'] === kind);
  const clickTotals = of('total')[0] ?? {};
  const { days, products, orders, itemsOrdered } = dayAndProductFigures(
    eachDay(from, to),
    of('day'),
    of('product'),
    orderedLines,
    netRows ?? [],
  );
  const ledger = bucketFigures(buckets);
  return {
    handle,
    from,
    to,
    currency,
    clicks: {
      human: integerOrZero(clickTotals, 'human'),
      bot: integerOrZero(clickTotals, 'bot'),
      duplicate: integerOrZero(clickTotals, 'duplicate'),
      not_navigation: integerOrZero(clickTotals, 'not_navigation'),
      by_reason: Object.fromEntries((reasonRows ?? []).map((r) => [text(r, 'reason'), integer(r, 'clicks')])),
    },
    orders,
    items: { ordered: itemsOrdered, ...ledger.items },
    revenue: ledger.revenue,
    commission: ledger.commission,
    by_day: days,
    by_product: products,
    by_src: srcFigures(of('src')),
    by_currency: byCurrency(allBuckets ?? [], allOrderedLines ?? [], currency),
    by_country: markets.by_country,
    by_marketplace: withStatedItems(markets.by_marketplace, statedByMarketplace(statedRows ?? [])),
  };
}

/** Human clicks per source: most clicks first, then by source as SQLite orders them (NULL first, then by code unit). */
function srcFigures(rows: readonly Row[]): { src: string | null; clicks: number }[] {
  const srcKey = (row: Row) => (row['key'] === null ? '' : `~${text(row, 'key')}`);
  return [...rows]
    .sort(
      (a, b) =>
        integer(b, 'human') - integer(a, 'human') ||
        (srcKey(a) < srcKey(b) ? -1 : srcKey(a) > srcKey(b) ? 1 : 0),
    )
    .map((row) => ({ src: textOrNull(row, 'key'), clicks: integer(row, 'human') }));
}

/** The period's figures from the home currency's ledger buckets: items shipped, returned, cancelled; revenue; commission. */
function bucketFigures(buckets: readonly Row[]) {
  const bucket = new Map(buckets.map((row) => [text(row, 'bucket'), row]));
  const figure = (name: string, key: string) => {
    const row = bucket.get(name);
    return row ? integerOrZero(row, key) : 0;
  };
  const earned = figure('earned', 'amount_minor');
  const reversed = 0 - figure('reversed', 'amount_minor');
  return {
    items: {
      shipped: figure('earned', 'quantity'),
      returned: 0 - figure('reversed', 'quantity'),
      cancelled: figure('void', 'quantity'),
    },
    revenue: figure('earned', 'revenue_minor') + figure('reversed', 'revenue_minor'),
    commission: {
      pending: figure('pending', 'amount_minor'),
      earned,
      reversed,
      void: figure('void', 'amount_minor'),
      net: earned - reversed,
    },
  };
}

/**
 * Every day of the period (clicks, orders placed, net commission) and every product with a click,
 * an item or commission (most commission first, then clicks, then id); orders are counted once, on
 * the day they were placed, when one of their lines has items ordered.
 */
function dayAndProductFigures(
  dates: readonly string[],
  dayRows: readonly Row[],
  productRows: readonly Row[],
  orderedLines: readonly Row[],
  netRows: readonly Row[],
) {
  const days = new Map<string, { date: string; clicks: number; orders: number; commission: number }>();
  for (const date of dates) days.set(date, { date, clicks: 0, orders: 0, commission: 0 });
  const products = new Map<
    string,
    { product_id: string; clicks: number; items: number; commission: number }
  >();
  const product = (id: string) => {
    let p = products.get(id);
    if (!p) products.set(id, (p = { product_id: id, clicks: 0, items: 0, commission: 0 }));
    return p;
  };
  for (const row of dayRows) {
    const day = days.get(text(row, 'key'));
    if (day) day.clicks += integer(row, 'human');
  }
  for (const row of productRows) product(text(row, 'key')).clicks += integer(row, 'human');
  const orderDays = new Map<string, string>();
  let itemsOrdered = 0;
  for (const row of orderedLines) {
    const ordered = integer(row, 'ordered');
    if (ordered === 0) continue;
    itemsOrdered += ordered;
    product(text(row, 'product_id')).items += ordered;
    orderDays.set(text(row, 'order_id'), utcDay(integer(row, 'ordered_at')));
  }
  for (const date of orderDays.values()) {
    const day = days.get(date);
    if (day) day.orders += 1;
  }
  for (const row of netRows) {
    const net = integer(row, 'net');
    const day = days.get(text(row, 'day'));
    if (day) day.commission += net;
    product(text(row, 'product_id')).commission += net;
  }
  return {
    days: [...days.values()],
    products: [...products.values()]
      .filter((p) => p.clicks !== 0 || p.items !== 0 || p.commission !== 0)
      .sort(
        (a, b) =>
          b.commission - a.commission || b.clicks - a.clicks || a.product_id.localeCompare(b.product_id),
      ),
    orders: orderDays.size,
    itemsOrdered,
  };
}

/** Each currency's figures from the ledger rows of every currency, summed exactly and only within a currency. */
function byCurrency(
  buckets: readonly Row[],
  orderedLines: readonly Row[],
  home: string,
): Record<string, CurrencyFigures> {
  const out: Record<string, CurrencyFigures> = {};
  const of = (currency: string): CurrencyFigures =>
    (out[currency] ??= {
      orders: 0,
      items: { ordered: 0, shipped: 0, returned: 0, cancelled: 0 },
      revenue: 0,
      commission: { pending: 0, earned: 0, reversed: 0, void: 0, net: 0 },
    });
  of(home);
  for (const row of buckets) {
    const f = of(text(row, 'currency'));
    const amount = integerOrZero(row, 'amount_minor');
    const quantity = integerOrZero(row, 'quantity');
    const bucket = text(row, 'bucket');
    if (bucket === 'earned' || bucket === 'reversed')
      f.revenue = addMinor(f.revenue, integerOrZero(row, 'revenue_minor'));
    if (bucket === 'pending') f.commission.pending = addMinor(f.commission.pending, amount);
    if (bucket === 'earned')
      [f.commission.earned, f.items.shipped] = [
        addMinor(f.commission.earned, amount),
        f.items.shipped + quantity,
      ];
    if (bucket === 'reversed')
      [f.commission.reversed, f.items.returned] = [
        addMinor(f.commission.reversed, 0 - amount),
        f.items.returned - quantity,
      ];
    if (bucket === 'void')
      [f.commission.void, f.items.cancelled] = [
        addMinor(f.commission.void, amount),
        f.items.cancelled + quantity,
      ];
  }
  const orders = new Map<string, Set<string>>();
  for (const row of orderedLines) {
    const ordered = integer(row, 'ordered');
    if (ordered === 0) continue;
    const currency = text(row, 'currency');
    of(currency).items.ordered += ordered;
    const seen = orders.get(currency) ?? new Set<string>();
    orders.set(currency, seen.add(text(row, 'order_id')));
  }
  for (const [currency, f] of Object.entries(out)) {
    f.orders = orders.get(currency)?.size ?? 0;
    f.commission.net = addMinor(f.commission.earned, 0 - f.commission.reversed);
  }
  return out;
}

/** A creator's figures over the range (what the program comparison sums), plus the pending balance now. */
export interface CreatorRow extends CreatorFigures {
  /** The pending balance now, whatever the range. */
  pending_minor: number;
  /** Items ordered that Amazon's Fee-Orders statements state for the member's keys in the range. */
  stated_ordered: number;
}

/** Every creator's human clicks, orders and commission in [start, end), as readStats counts them. */
export async function readCreatorRows(
  db: D1Database,
  start: number,
  end: number,
  /** The money of this currency only: the home one unless told (never two currencies added). */
  currency: string = program.table.currency,
): Promise<CreatorRow[]> {
  const ranges = rangeParams(clickRanges(start, end));
  const [firstDay, lastDay] = [utcDay(start), utcDay(end - 1)];
  const [clicks, buckets, orders, pending, stated] = await withRetry(() =>
    db.batch<Row>([
      db.prepare(CLICK_TOTALS_OF_EVERY).bind(...ranges),
      ...[ledgerByBucketSql('every'), ORDERS_BY_CREATOR].map((sql) => db.prepare(sql).bind('', start, end)),
      db.prepare(PENDING_NOW),
      db
        .prepare(STATED_ORDERED_OF_EVERY)
        .bind(JSON.stringify(Object.keys(program.table.retailers)), firstDay, lastDay),
    ]),
  );
  const inCurrency = (r: Row) => r['currency'] === currency;
  // One row per member, under its current handle, whatever handle each figure was recorded under.
  const members = memberIndex(program.table);
  const rows = new Map<string, CreatorRow>();
  const row = (recorded: string): CreatorRow => {
    const handle = members.member(members.idOf(recorded), recorded).handle;
    let r = rows.get(handle);
    if (!r) {
      r = { ...noFigures(handle), pending_minor: 0, stated_ordered: 0 };
      rows.set(handle, r);
    }
    return r;
  };
  for (const r of clicks?.results ?? []) {
    const human = integerOrZero(r, 'human');
    if (human > 0) row(text(r, 'handle')).clicks += human;
  }
  for (const r of (buckets?.results ?? []).filter(inCurrency)) {
    const bucket = text(r, 'bucket');
    if (bucket === 'earned' || bucket === 'reversed')
      row(text(r, 'handle')).revenue_minor += integerOrZero(r, 'revenue_minor');
    if (bucket === 'earned') row(text(r, 'handle')).earned_minor += integerOrZero(r, 'amount_minor');
    if (bucket === 'reversed') row(text(r, 'handle')).reversed_minor -= integerOrZero(r, 'amount_minor');
  }
  for (const r of (orders?.results ?? []).filter(inCurrency))
    row(text(r, 'handle')).orders += integer(r, 'orders');
  for (const r of (pending?.results ?? []).filter(inCurrency))
    row(text(r, 'handle')).pending_minor += integerOrZero(r, 'pending_minor');
  // A statement key names its member by id (a member no longer in content shows under its id).
  for (const r of stated?.results ?? [])
    row(text(r, 'member_id')).stated_ordered += integerOrZero(r, 'ordered');
  return [...rows.values()].sort(
    (a, b) => b.earned_minor - a.earned_minor || a.handle.localeCompare(b.handle),
  );
}
