/**
 * Whether a report's rows are the marketplace's it is imported for, by their tracking ids
 * (CONTRACT.md sections 12 and 14). A file's currency sign cannot tell amazon-us from amazon-ca
 * (both say "$"), and statement keys name the marketplace, so the same US file imported again as
 * amazon-ca would be recorded twice, once per currency. Amazon reports only the tracking ids of
 * its own marketplace's account, so a tracking id that content knows only at other marketplaces
 * says the row is not this marketplace's. One rule for every layout (Fee-Earnings, Fee-Orders,
 * shopfront's order export), applied by the parsers before anything is stored:
 *
 *   markets(t)  = every marketplace at which a member of content ever held t, on any day of its
 *                 history (domain/content/history.ts), compared without case:
 *                   tracking_ids[m], or a dated entry naming marketplace m  -> m
 *                   tracking_id, or a dated entry naming no marketplace     -> every home
 *                   marketplace (a group's first retailer, or a retailer of no group), where
 *                   links tag it (domain/links/market.ts)
 *   for the import's marketplace M and a row with tracking id t:
 *     mine(row)    = M in markets(t)           (one member may use one id at two marketplaces)
 *     foreign(row) = markets(t) <> {} and M not in markets(t)
 *     unknown(row) = markets(t) = {}           as before: imported, credited to nobody
 *   some row foreign and no row mine  -> other_marketplace: the whole file refused, naming M and
 *                                        the marketplaces its tracking ids belong to
 *   otherwise                         -> each foreign row refused (row, column, both
 *                                        marketplaces), the other rows imported
 *
 * Held on any day, not only on the row's day: this decides where a file comes from, not who is
 * credited (crediting.ts), so an id a member held at M once never refuses M's rows.
 */
import type { RowIssue } from '../issues.ts';
import type { ProgramTable } from './program-table.ts';
import type { ReportRefusal } from './report-file.ts';

/** Tracking ids (lower case) -> the marketplaces they were ever held at; built once per table. */
const indexes = new WeakMap<ProgramTable, ReadonlyMap<string, ReadonlySet<string>>>();

function marketsIndex(table: ProgramTable): ReadonlyMap<string, ReadonlySet<string>> {
  const known = indexes.get(table);
  if (known) return known;
  const homes = Object.entries(table.retailers)
    .filter(([, r]) => r.home === undefined)
    .map(([id]) => id);
  const index = new Map<string, Set<string>>();
  const add = (trackingId: string, markets: readonly string[]) => {
    const key = trackingId.toLowerCase();
    const set = index.get(key) ?? new Set<string>();
    for (const m of markets) set.add(m);
    index.set(key, set);
  };
  for (const member of table.credit) {
    add(member.tracking_id, homes);
    for (const [m, id] of Object.entries(member.tracking_ids ?? {})) add(id, [m]);
    for (const entry of member.history ?? [])
      if (entry.tracking_id !== undefined)
        add(entry.tracking_id, entry.marketplace === undefined ? homes : [entry.marketplace]);
  }
  indexes.set(table, index);
  return index;
}

/** The marketplaces a tracking id was ever held at, sorted; empty for an id content does not know. */
export function trackingMarkets(table: ProgramTable, trackingId: string): string[] {
  return [...(marketsIndex(table).get(trackingId.toLowerCase()) ?? [])].sort();
}

export type MarketRows<R> = { ok: true; rows: R[]; refused: RowIssue[] } | ReportRefusal;

/**
 * The rows of `marketplace` (see the header): `rows` kept in order, `refused` one issue per
 * foreign row, or the whole file refused. `column` names the tracking id column of the file.
 */
export function rowsOfMarketplace<R extends { row: number }>(
  rows: readonly R[],
  trackingIdOf: (row: R) => string,
  table: ProgramTable,
  marketplace: string,
  column: string,
): MarketRows<R> {
  const kept: R[] = [];
  const refused: RowIssue[] = [];
  const foreign = new Map<string, string[]>();
  const index = marketsIndex(table);
  let mine = false;
  for (const r of rows) {
    const t = trackingIdOf(r);
    const held = index.get(t.toLowerCase());
    if (held === undefined || held.has(marketplace)) {
      mine ||= held !== undefined;
      kept.push(r);
      continue;
    }
    const markets = [...held].sort();
    foreign.set(t.toLowerCase(), markets);
    refused.push({
      row: r.row,
      field: column,
      message:
        `"${t}" is a tracking id of ${markets.join(' and ')}, not of ${marketplace} (the marketplace of this import): ` +
        `row left out; import it with the ${markets.join(' or ')} report, or, if its member uses it at ${marketplace} too, ` +
        `record it there in content (tracking_ids.${marketplace})`,
    });
  }
  if (refused.length === 0 || mine) return { ok: true, rows: kept, refused };
  return {
    ok: false,
    reason: 'other_marketplace',
    issues: [wholeFile(foreign, refused.length, marketplace)],
  };
}

function wholeFile(foreign: ReadonlyMap<string, string[]>, rows: number, marketplace: string): RowIssue {
  const markets = [...new Set([...foreign.values()].flat())].sort();
  const ids = [...foreign.keys()].sort();
  const named = ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ');
  return {
    row: 0,
    field: 'marketplace',
    message:
      `the report's tracking ids belong to ${markets.join(' and ')}, none to ${marketplace}: its ${rows} rows with ` +
      `tracking ids known in content (${named}) are ${markets.join(' or ')} rows; import the file for ${markets.join(' or ')}`,
  };
}
