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
 *   home(M)     = M's group home (table.retailers[M].home), or M itself when it is one
 *   held(t, M)  = markets(t), and under the group rule also M when home(M) in markets(t): a home
 *                 id (tracking_id, or a dated entry naming no marketplace or a group home, which
 *                 stateOn reads alike) is its group's, as links tag it at any marketplace of the
 *                 group where the member has no id of its own (domain/links/market.ts)
 *                 (marketsAt: the one rule of the webhook, the export and the statements; the
 *                 statements use it bound, held(t, M) = markets(t): Amazon reports a home id only
 *                 in the home marketplace's account)
 *   creditable(ids) = { M : some t in ids with M in held(t, M) }, group rule: where a member
 *                 holding `ids` can be credited, the marketplaces a dispute may name
 *                 (creditableMarkets, domain/disputes/rules.ts)
 *   for the import's marketplace M and a row with tracking id t:
 *     mine(row)    = M in held(t, M)           (one member may use one id at two marketplaces)
 *     foreign(row) = held(t, M) <> {} and M not in held(t, M)
 *     unknown(row) = markets(t) = {}           as before: imported, credited to nobody
 *   C = the intersection of held(t, M) over the file's known rows (every marketplace each of
 *       them was held at: where the file as a whole can come from; undefined without known rows)
 *   judged(row) = foreign(row) and not settled(row), where settled(row) = the row's order is already
 *                 credited (its terms recorded; only for shopfront's export, whose rows are orders'
 *                 events: the store never judges a credited order's event again, apply.ts refusalOf,
 *                 so such a row is no evidence against the file, and it is booked with its order)
 *   the whole file is judged first, only ever for a judged row:
 *     some row judged and (no row mine         -> other_marketplace (none of its known ids is M's)
 *       or C defined, C <> {}, M not in C)     -> other_marketplace (its known ids are all C's,
 *                                                 not all M's: a US file with one id a member
 *                                                 shares with amazon-ca is still a US file)
 *     (without settled rows the same as: some row foreign and no row mine, or M not in C <> {};
 *     a settled row can only lift a refusal, never cause one: C and mine do not depend on it);
 *     a refusal names its judged rows, so the export's importer, which alone sees the store, reads
 *     which of their orders are credited and judges again (worker/orders/statement-import.ts)
 *   then, for a mixed file (C = {} or M in C):
 *     layout 'rows'  (Amazon's statements,     -> each foreign row left out and listed (row,
 *                     bound)                      column, both marketplaces), the rest imported;
 *                                                 listed = the first LISTED_ROWS, messages built
 *                                                 for those only; left_out counts them all
 *     layout 'file'  (shopfront's export,      -> every row passed on: each row is an order event,
 *                     group rule)                 judged by the store as the webhook's are (below)
 *   one order event (the signed webhook, an export's row; eventOfMarketplace), group rule, judged
 *     only for the event that DECIDES an uncredited order's credit: the one that would become its
 *     head (its first event, or a placed event taking the head), or one whose arrival credits the
 *     order by the head stored before it (its tracking id now an approved member's), which judges
 *     that head (domain/orders/apply.ts refusalOf, after the event-id duplicate check); any other
 *     event follows the marketplace its order is pinned to (marketIssues)
 *       foreign(head)                          -> other_marketplace, path tracking_id, nothing stored
 *       otherwise (mine, unknown, a home id)   -> as before (unknown: stored unattributed, 202)
 *       a marketplace the table does not know  -> not judged here (admissionIssues names it)
 *   whole account: a statement imported with whole_account states every key of M, so a row left
 *     out would have its held keys reversed -> other_marketplace listing the rows (wholeAccount)
 *   same file, other marketplace: a statement whose bytes (file_sha256, same layout) were
 *     committed before for another marketplace with keys -> imported_elsewhere (sameFileElsewhere),
 *     checked before the import and again inside its write (worker/orders/statement-store.ts), so
 *     two imports of one file for two marketplaces at once cannot both land
 *
 * Held on any day, not only on the row's day: this decides where a file comes from, not who is
 * credited (crediting.ts), so an id a member held at M once never refuses M's rows.
 */
import type { Issue, RowIssue } from '../issues.ts';
import type { OrderEvent } from './event.ts';
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

/**
 * How a tracking id counts at `marketplace` (M): the marketplaces it counts as held at, undefined
 * for an id content does not know; foreign(t) = the set does not hold M. The one rule of the
 * webhook, the export and the statements (see the header): under `homeIds` 'group' (the webhook,
 * the export) an id held at M's group home (a home id, with or without the home named) counts as
 * held at M too; under 'bound' (Amazon's statements) only where it was held.
 */
export function marketsAt(
  table: ProgramTable,
  trackingId: string,
  marketplace: string,
  homeIds: 'group' | 'bound',
): ReadonlySet<string> | undefined {
  const held = marketsIndex(table).get(trackingId.toLowerCase());
  if (held === undefined || homeIds === 'bound' || held.has(marketplace)) return held;
  const home = table.retailers[marketplace]?.home;
  return home !== undefined && held.has(home) ? new Set([...held, marketplace]) : held;
}

/**
 * Where a member can be credited (a dispute's marketplace, domain/disputes/rules.ts), from the
 * tracking ids it ever held (crediting.ts everHeld: current ids and dated history entries):
 *   creditable(ids) = { M of the table : some t in ids with M in held(t, M) }   (marketsAt, 'group')
 * in the table's order (retailers.yaml). The group rule is the widest of the three channels (the
 * statements' bound rule holds a subset), so every marketplace where the webhook, an export or a
 * statement can credit one of these ids is in it, and no other.
 */
export function creditableMarkets(table: ProgramTable, trackingIds: Iterable<string>): string[] {
  const ids = [...trackingIds];
  return Object.keys(table.retailers).filter((m) =>
    ids.some((t) => marketsAt(table, t, m, 'group')?.has(m) === true),
  );
}

/** The marketplaces a tracking id was ever held at, sorted; empty for an id content does not know. */
export function trackingMarkets(table: ProgramTable, trackingId: string): string[] {
  return [...(marketsIndex(table).get(trackingId.toLowerCase()) ?? [])].sort();
}

/** Rows listed with their messages (left out, or refused); the rest are only counted. */
export const LISTED_ROWS = 200;

/** Rows left out as another marketplace's: every one counted, the first LISTED_ROWS listed. */
export interface LeftOut {
  rows: number;
  /** The distinct tracking ids left out, sorted. */
  tracking_ids: string[];
  /** One issue for each of the first LISTED_ROWS rows left out (row, column, both marketplaces). */
  listed: RowIssue[];
}

/** A refused file also names its judged rows (foreign, not settled): those that refused it. */
export type MarketRows<R> =
  { ok: true; rows: R[]; left_out: LeftOut } | (ReportRefusal & { judged: readonly R[] });

/**
 * The rows of `marketplace` (see the header): `rows` kept in order and those `left_out`, or the
 * whole file refused. `column` names the tracking id column of the file; `mode` 'file' (shopfront's
 * export) judges the file as a whole only and keeps every row of a file it accepts; `settled` (file
 * mode) tells the rows of orders already credited, which are never judged.
 */
export function rowsOfMarketplace<R extends { row: number }>(
  rows: readonly R[],
  trackingIdOf: (row: R) => string,
  table: ProgramTable,
  marketplace: string,
  column: string,
  mode: 'rows' | 'file' = 'rows',
  settled: (row: R) => boolean = () => false,
): MarketRows<R> {
  const homeIds = mode === 'file' ? 'group' : 'bound';
  const kept: R[] = [];
  const foreign: { row: R; id: string; markets: readonly string[] }[] = [];
  const foreignMarkets = new Map<string, string[]>();
  let common: Set<string> | null = null;
  let mine = false;
  let known = 0;
  for (const r of rows) {
    const t = trackingIdOf(r);
    const held = marketsAt(table, t, marketplace, homeIds);
    if (held !== undefined) {
      known += 1;
      if (common === null || common.size > 0)
        common = new Set([...(common ?? held)].filter((m) => held.has(m)));
    }
    if (held === undefined || held.has(marketplace) || (mode === 'file' && settled(r))) {
      mine ||= held !== undefined && held.has(marketplace);
      kept.push(r);
      continue;
    }
    const key = t.toLowerCase();
    const markets = foreignMarkets.get(key) ?? [...held].sort();
    foreignMarkets.set(key, markets);
    foreign.push({ row: r, id: t, markets });
  }
  const elsewhere = common !== null && common.size > 0 && !common.has(marketplace);
  if (foreign.length > 0 && (!mine || elsewhere))
    return {
      ok: false,
      reason: 'other_marketplace',
      issues: [
        wholeFile({ foreign: foreignMarkets, rows: foreign.length, known, common, mine }, marketplace),
      ],
      judged: foreign.map((f) => f.row),
    };
  if (mode === 'file')
    return { ok: true, rows: [...rows], left_out: { rows: 0, tracking_ids: [], listed: [] } };
  const listed = foreign.slice(0, LISTED_ROWS).map((f) => ({
    row: f.row.row,
    field: column,
    message: leftOutMessage(f.id, f.markets, marketplace),
  }));
  return {
    ok: true,
    rows: kept,
    left_out: { rows: foreign.length, tracking_ids: [...foreignMarkets.keys()].sort(), listed },
  };
}

/** Why a row of an import is left out: its tracking id is another marketplace's. */
function leftOutMessage(id: string, markets: readonly string[], marketplace: string): string {
  return (
    `"${id}" is a tracking id of ${markets.join(' and ')}, not of ${marketplace} (the marketplace of this import): ` +
    `row left out; import it with the ${markets.join(' or ')} report, or, if its member uses it at ${marketplace} too, ` +
    `record it there in content (tracking_ids.${marketplace})`
  );
}

/**
 * One order event, the one deciding its order's credit (see the header): refused when the tracking
 * id of `head`, the event the order's credit follows (the event itself, or the order's head stored
 * before it, which this event would credit), is known only at other marketplaces than the event's
 * and is no home id of the event's group (after withMarketplace: `retailer` is the event's
 * marketplace; the stored head's is the same, marketIssues having passed).
 */
export function eventOfMarketplace(
  event: OrderEvent,
  table: ProgramTable,
  /** 'row': an export's row (worded as the statements' rows left out), else a webhook's event. */
  from: 'event' | 'row' = 'event',
  head: OrderEvent = event,
): { ok: false; reason: 'other_marketplace'; issues: Issue[] } | null {
  const marketplace = event.retailer ?? table.default_retailer;
  if (!Object.hasOwn(table.retailers, marketplace)) return null;
  const held = marketsAt(table, head.tracking_id, marketplace, 'group');
  if (held === undefined || held.has(marketplace)) return null;
  const markets = [...held].sort();
  const message =
    head !== event
      ? storedHeadMessage(head, markets, marketplace, from)
      : from === 'row'
        ? leftOutMessage(event.tracking_id, markets, marketplace)
        : `"${event.tracking_id}" is a tracking id of ${markets.join(' and ')}, not of ${marketplace} (the marketplace of ` +
          `this event): send it as an event of ${markets.join(' or ')} ("marketplace"), or, if its member uses it at ` +
          `${marketplace} too, record it there in content (tracking_ids.${marketplace})`;
  return { ok: false, reason: 'other_marketplace', issues: [{ path: 'tracking_id', message }] };
}

/** Why an event that would credit its order by the head stored before it is refused. */
function storedHeadMessage(
  head: OrderEvent,
  markets: readonly string[],
  marketplace: string,
  from: 'event' | 'row',
): string {
  const what = head.type === 'order.placed' ? 'placed event' : 'first event';
  return (
    `"${head.tracking_id}", the tracking id of order ${head.order_id}'s ${what} stored before, which this ${from} ` +
    `would credit the order by, is a tracking id of ${markets.join(' and ')}, not of ${marketplace} (the marketplace ` +
    `of this ${from === 'row' ? 'import' : 'event'}): ${from === 'row' ? 'row left out, ' : ''}the order stays ` +
    `uncredited; if its member uses it at ${marketplace} too, record it there in content (tracking_ids.${marketplace})`
  );
}

/** Up to five names, then how many more. */
function someOf(names: readonly string[]): string {
  return names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
}

function wholeFile(
  file: {
    foreign: ReadonlyMap<string, string[]>;
    rows: number;
    known: number;
    common: ReadonlySet<string> | null;
    mine: boolean;
  },
  marketplace: string,
): RowIssue {
  const ids = someOf([...file.foreign.keys()].sort());
  if (!file.mine) {
    const markets = [...new Set([...file.foreign.values()].flat())].sort();
    return {
      row: 0,
      field: 'marketplace',
      message:
        `the report's tracking ids belong to ${markets.join(' and ')}, none to ${marketplace}: its ${file.rows} rows with ` +
        `tracking ids known in content (${ids}) are ${markets.join(' or ')} rows; import the file for ${markets.join(' or ')}`,
    };
  }
  const markets = [...(file.common ?? [])].sort();
  return {
    row: 0,
    field: 'marketplace',
    message:
      `the report's tracking ids are all held at ${markets.join(' and ')}, not all at ${marketplace}: each of its ${file.known} ` +
      `rows with a tracking id known in content is held at ${markets.join(' and ')}, and ${file.rows} of them (${ids}) never ` +
      `at ${marketplace}, so the file is ${markets.join(' or ')}'s; import the file for ${markets.join(' or ')}`,
  };
}

/**
 * A whole-account statement with rows left out (see the header): refused, the rows listed after
 * one issue saying why; null when nothing was left out or the import is not whole-account.
 */
export function wholeAccountLeftOut(
  left: LeftOut,
  marketplace: string,
  wholeAccount: boolean,
): ReportRefusal | null {
  if (!wholeAccount || left.rows === 0) return null;
  const more = left.rows - left.listed.length;
  return {
    ok: false,
    reason: 'other_marketplace',
    issues: [
      {
        row: 0,
        field: 'whole_account',
        message:
          `a whole-account report states every key of ${marketplace}, yet ${left.rows} of its rows ` +
          `${left.rows === 1 ? 'is' : 'are'} another marketplace's (${someOf(left.tracking_ids)}): left out, the ` +
          `${marketplace} keys of those tracking ids would be reversed; import the file without whole_account, or ` +
          `those rows with their marketplace's report` +
          (more > 0 ? ` (the first ${left.listed.length} rows listed, ${more} more)` : ''),
      },
      ...left.listed.map((i) => ({ ...i, message: i.message.replace('row left out; ', '') })),
    ],
  };
}

/**
 * Same file, other marketplace (see the header): `committedFor` the marketplaces the same bytes of
 * the same layout were committed for with keys (read by the caller), `keys` this statement's;
 * refused when this statement has keys and one of those is not `marketplace`.
 */
export function sameFileElsewhere(
  marketplace: string,
  committedFor: readonly string[],
  keys: number,
): ReportRefusal | null {
  const others = [...new Set(committedFor)].filter((m) => m !== marketplace).sort();
  if (keys === 0 || others.length === 0) return null;
  return {
    ok: false,
    reason: 'imported_elsewhere',
    issues: [
      {
        row: 0,
        field: 'marketplace',
        message:
          `this very file was imported for ${others.join(' and ')}, not ${marketplace}: one report is one marketplace's, ` +
          `and imported for ${marketplace} too it would record its money twice; import ${marketplace}'s own report`,
      },
    ],
  };
}
