/**
 * The Amazon report import as one service, called by the admin API (import-routes.ts)
 * and the admin console (import-console.ts) alike: a page and an API call can never
 * disagree, and the console needs no token. Callers authorise first (the API with the
 * admin token, the console with the admin's session).
 *
 * One import of a whole file, from its bytes: parse (domain/orders/amazon-report.ts),
 * then for Amazon's layouts a statement (preview, or commit through statement-store.ts),
 * for shopfront's order export the per-order events of the webhook path (store.ts), each in
 * the marketplace the webhook's withMarketplace names (resolved by the parser, shopfront-report.ts).
 * The answer is a typed result or a refusal `{ reason, message, issues }`; the edge
 * maps a reason to its HTTP status through the one table (worker/lib/reasons.ts).
 * Nothing is stored unless the whole file passed, but for the rows left out as another
 * marketplace's (domain/orders/report-tracking.ts: a statement's by the parser, an export's by the
 * store, the event deciding an order's credit as the webhook's): those are listed in the answer's
 * `rejected` (the first LISTED_CHANGES, then `rejected_more`), logged once
 * (`orders.import_rows_left_out`), and the rest is imported. A dry run (`dry_run`) answers the
 * same rows left out, from the same code: a statement's from its parse, an export's from the
 * store's plan over what it holds now, without the write (store.ts previewEvents); an export's
 * answer, preview or not, counts them apart too (`left_out`: rows, tracking ids).
 *
 * An export refused whole as another marketplace's is judged again when some of the orders of the
 * rows that refused it are credited (parseReport): those rows are never judged, as the store never
 * judges a credited order's events, so a file of a stored order's rows whose tracking id is now
 * another marketplace's is imported (its rows booked with their order), not refused.
 *
 * Order of checks of a statement: parse (every rule of the file, report-tracking.ts included),
 * legacy per-row days (legacy_days), the same bytes committed for another marketplace
 * (imported_elsewhere, dry runs and sessions alike), then preview or commit. The commit's guarded
 * write checks the same bytes again inside the write (statement-store.ts): a commit for another
 * marketplace that landed after the early check refuses this one the same way, nothing stored.
 */
import { z } from 'zod';
import {
  parseAmazonReport,
  type ImportOptions,
  type ParsedReport,
  type ReportRefusalReason,
} from '../../domain/orders/amazon-report.ts';
import {
  admissionIssues,
  type IncomingEvent,
  type Outcome,
  type Rejected,
} from '../../domain/orders/apply.ts';
import { creditBook } from '../../domain/orders/crediting.ts';
import { issuesOf, type Issue, type RowIssue } from '../../domain/issues.ts';
import { reportEventId } from '../../domain/orders/shopfront-report.ts';
import { sameFileElsewhere, type LeftOut } from '../../domain/orders/report-tracking.ts';
import { sha256Hex } from '../../domain/requests/signature.ts';
import {
  planSummary,
  UnsafeSumError,
  type Change,
  type Statement,
  type StatementPlan,
} from '../../domain/orders/statement.ts';
import { isTransientD1Error } from '../lib/d1-retry.ts';
import { log } from '../lib/log.ts';
import { program } from './program.ts';
import { commitStatement, committedElsewhere, legacyEntries, previewStatement } from './statement-store.ts';
import { applyEvents, creditedOrders, previewEvents, StoreUnavailableError } from './store.ts';

/** Why an import was refused: a report file's reason, or one of the import's own. */
export type ImportRefusalReason = ReportRefusalReason | 'invalid' | 'legacy_days' | 'store_unavailable';

/** One file in one request (API body or console form); larger files go to a session in parts. */
export const MAX_SINGLE_BYTES = 8 * 1024 * 1024;

const day = z.iso.date({ error: 'must be a day like 2026-11-01' });
const flag = z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true');
const fields = {
  marketplace: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a retailer id like amazon-us')
    .optional(),
  from: day.optional(),
  to: day.optional(),
  by: z
    .string()
    .regex(/^[\x21-\x7e]{1,64}$/, 'must be 1 to 64 printable characters without spaces')
    .optional(),
  file_name: z.string().min(1).max(200).optional(),
};
/** An import's fields as text (the API's query, the console's form): the one schema of both. */
export const importFields = z.strictObject({
  ...fields,
  whole_account: flag.optional(),
  dry_run: flag.optional(),
});
/** An import session's fields (JSON), stored with the session and read back at its commit. */
export const sessionFields = z.strictObject({ ...fields, whole_account: z.boolean().optional() });
export const commitFields = z.strictObject({ dry_run: flag.optional() });

const book = creditBook(program.table.credit, program.table.default_retailer);
const handles = new Map(program.table.credit.map((m) => [m.member_id, m.handle]));
const handleNow = (memberId: string) => handles.get(memberId) ?? null;

/** Changes (and refused rows) listed in a statement's answer; the rest are counted in changes_more (rejected_more). */
export const LISTED_CHANGES = 200;
/** Rows left out as another marketplace's, counted, and their distinct tracking ids (sorted). */
type LeftOutCount = Pick<LeftOut, 'rows' | 'tracking_ids'>;
/** Tracking ids named in a log line; the rest are counted. */
const LISTED_IDS = 50;

export interface ImportRequest {
  bytes: Uint8Array;
  options: ImportOptions & { file_name?: string };
  session_id: string;
  imported_by: string;
  dry_run: boolean;
}

/** A refused cell or column: `path` for the API's problem shape, `row` and `field` for people. */
export type ImportIssue = Issue & RowIssue;
export interface ImportRefusal {
  ok: false;
  reason: ImportRefusalReason;
  message: string;
  issues?: ImportIssue[] | Issue[];
}
export type StatementAnswer = ReturnType<typeof answerOf>;
/**
 * shopfront's order export: what each event became (`imported`), or would become (`preview`: the
 * store's own plan over what it holds now, nothing written), counted alike.
 */
export interface EventsAnswer {
  status: 'preview' | 'imported';
  layout: string;
  rows: number;
  events: number;
  processed: number;
  duplicate: number;
  unattributed: number;
  /** Rows refused for what their order holds: the first LISTED_CHANGES, then counted. */
  rejected: ImportIssue[];
  rejected_more: number;
  /** Of those, the rows left out as another marketplace's: all counted, their tracking ids. */
  left_out: LeftOutCount;
  unattributed_tracking_ids: string[];
}
export type ImportOutcome =
  | { ok: true; kind: 'statement'; answer: StatementAnswer }
  | { ok: true; kind: 'events'; answer: EventsAnswer }
  /** This session was committed before (its answer lost on the way): the first commit's answer, as stored. */
  | { ok: true; kind: 'stored'; answer: unknown }
  | ImportRefusal;

export function newSessionId(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * One file imported at once: its fields as text checked with `importFields` (400 naming
 * them), then `runImport` under a new session id.
 */
export async function importFile(
  db: D1Database,
  bytes: Uint8Array,
  rawFields: unknown,
): Promise<ImportOutcome> {
  const parsed = importFields.safeParse(rawFields);
  if (!parsed.success)
    return { ok: false, reason: 'invalid', message: 'invalid query', issues: issuesOf(parsed.error) };
  const { dry_run = false, by = 'admin', ...options } = parsed.data;
  return runImport(db, { bytes, options, session_id: newSessionId(), imported_by: by, dry_run });
}

export async function runImport(db: D1Database, request: ImportRequest): Promise<ImportOutcome> {
  try {
    const parsed = await parseReport(db, request);
    if (!parsed.ok) return refused(parsed.issues, parsed.reason);
    if (parsed.kind === 'events') return await importEvents(db, parsed, request);
    return await importStatement(db, parsed, request);
  } catch (error) {
    if (error instanceof UnsafeSumError)
      return refused([{ row: 0, field: '(file)', message: error.message }], 'unsafe_sum');
    if (error instanceof StoreUnavailableError || isTransientD1Error(error)) {
      log('error', 'orders.import_store_unavailable', { error: String(error) });
      return {
        ok: false,
        reason: 'store_unavailable',
        message: 'order store unavailable; commit the same import again later',
      };
    }
    throw error;
  }
}

/**
 * The file parsed. An export refused as another marketplace's names the orders of the rows that
 * refused it: rows of an order already credited are never judged (its events are booked whatever
 * their tracking id, apply.ts refusalOf), so when some of those orders are credited (a fresh read,
 * store.ts creditedOrders) the file is judged again without them; a refusal that stands is the same.
 */
async function parseReport(db: D1Database, request: ImportRequest): Promise<ParsedReport> {
  const parsed = parseAmazonReport(request.bytes, program.table, request.options);
  if (parsed.ok || parsed.reason !== 'other_marketplace' || !parsed.orders?.length) return parsed;
  const credited = await creditedOrders(db, parsed.orders);
  if (credited.size === 0) return parsed;
  return parseAmazonReport(request.bytes, program.table, { ...request.options, credited });
}

type StatementParsed = Extract<ParsedReport, { kind: 'statement' }>;

async function importStatement(
  db: D1Database,
  parsed: StatementParsed,
  request: ImportRequest,
): Promise<ImportOutcome> {
  const legacy = await legacyEntries(db, parsed.statement);
  if (legacy.n > 0)
    return refused(
      [
        {
          row: 0,
          field: '(coverage)',
          message:
            `${legacy.n} ledger entries of the per-row importer used before migration 0013 are dated in these days ` +
            `(from ${legacy.first_day}); a statement over them would count them twice: import days after the last per-row import`,
        },
      ],
      'legacy_days',
    );
  const digest = await sha256Hex(request.bytes);
  const elsewhere = sameFileElsewhere(
    parsed.statement.marketplace,
    await committedElsewhere(db, parsed.statement, digest),
    parsed.statement.lines.length,
  );
  if (elsewhere) return refused(elsewhere.issues, elsewhere.reason);
  const base = { parsed, digest };
  if (request.dry_run) {
    const { plan } = await previewStatement(db, parsed.statement, book);
    return { ok: true, kind: 'statement', answer: answerOf(base, 'preview', null, plan) };
  }
  const outcome = await commitStatement(
    db,
    parsed.statement,
    book,
    handleNow,
    {
      session_id: request.session_id,
      file_sha256: digest,
      file_bytes: request.bytes.byteLength,
      file_name: request.options.file_name ?? null,
      encoding: parsed.encoding,
      imported_by: request.imported_by,
      imported_at: Date.now(),
    },
    (statementId, plan) => answerOf(base, 'imported', statementId, plan),
  );
  // The same file committed for another marketplace since the early check: the guarded write refused it.
  if (outcome.kind === 'refused') return refused(outcome.refusal.issues, outcome.refusal.reason);
  if (outcome.kind === 'committed')
    logLeftOut(parsed.left_out, {
      marketplace: parsed.statement.marketplace,
      layout: parsed.statement.layout,
      session_id: request.session_id,
    });
  return outcome.kind === 'committed'
    ? { ok: true, kind: 'statement', answer: outcome.answer }
    : { ok: true, kind: 'stored', answer: outcome.answer };
}

/** One log line for the rows an import left out (a statement's, an export's): the answer is not their only trace. */
function logLeftOut(
  left: LeftOutCount,
  where: { marketplace: string; layout: string; session_id: string },
): void {
  if (left.rows === 0) return;
  log('warn', 'orders.import_rows_left_out', {
    ...where,
    rows: left.rows,
    tracking_ids: left.tracking_ids.slice(0, LISTED_IDS),
    tracking_ids_more: Math.max(0, left.tracking_ids.length - LISTED_IDS),
  });
}

function answerOf(
  { parsed, digest }: { parsed: StatementParsed; digest: string },
  status: 'preview' | 'imported',
  statementId: number | null,
  plan: StatementPlan,
) {
  const s: Statement = parsed.statement;
  const unattributed = plan.changes.filter((c) => c.credit === null);
  return {
    status,
    statement_id: statementId,
    layout: s.layout,
    marketplace: s.marketplace,
    currency: s.currency,
    encoding: parsed.encoding,
    file_sha256: digest,
    coverage: { from: s.coverage.from, to: s.coverage.to, tracking_ids: s.coverage.tracking_ids ?? 'all' },
    rows: s.rows,
    keys: s.lines.length,
    ...planSummary(plan),
    unattributed: {
      keys: unattributed.length,
      tracking_ids: [...new Set(unattributed.map((c) => c.key.tracking_id))].sort(),
    },
    changes: plan.changes.slice(0, LISTED_CHANGES).map(changeJson),
    changes_more: Math.max(0, plan.changes.length - LISTED_CHANGES),
    rejected: importIssues(parsed.left_out.listed.slice(0, LISTED_CHANGES)),
    rejected_more: parsed.left_out.rows - Math.min(parsed.left_out.listed.length, LISTED_CHANGES),
    reconciliation: parsed.reconciliation,
  };
}

function changeJson(c: Change) {
  return {
    kind: c.kind,
    key_id: c.key_id,
    ...c.key,
    member_id: c.credit?.member_id ?? null,
    before: c.before,
    after: c.after,
  };
}

// ---------------------------------------------------------------- shopfront's order export

const ADMISSION_COLUMNS: Record<string, string> = {
  currency: 'Price($)',
  ordered_at: 'Order Date',
  retailer: '(file)',
  tracking_id: 'Tracking ID',
};

type EventsParsed = Extract<ParsedReport, { kind: 'events' }>;

async function importEvents(
  db: D1Database,
  parsed: EventsParsed,
  request: ImportRequest,
): Promise<ImportOutcome> {
  const issues = parsed.rows.flatMap((r) =>
    admissionIssues(r.event, program).map((i) => ({
      row: r.row,
      field: ADMISSION_COLUMNS[i.path] ?? i.path,
      message: i.message,
    })),
  );
  if (issues.length > 0) return refused(issues, 'invalid');
  const now = Date.now();
  const events: IncomingEvent[] = await Promise.all(
    parsed.rows.map(async (r) => ({
      event_id: await reportEventId(r),
      source: 'amazon_report' as const,
      body: JSON.stringify(r.raw),
      received_at: now,
      event: r.event,
    })),
  );
  // A dry run asks the store what it would do (the same plan), so it lists what the commit leaves out.
  const outcomes = await (request.dry_run ? previewEvents : applyEvents)(db, program, events);
  const answer = eventsAnswer(request.dry_run ? 'preview' : 'imported', parsed, events, outcomes);
  if (!request.dry_run)
    logLeftOut(answer.left_out, {
      marketplace: request.options.marketplace ?? program.table.default_retailer,
      layout: parsed.layout,
      session_id: request.session_id,
    });
  return { ok: true, kind: 'events', answer };
}

/** What the events became, or would become, row by row (the one answer of a preview and a commit). */
function eventsAnswer(
  status: EventsAnswer['status'],
  parsed: EventsParsed,
  events: readonly IncomingEvent[],
  outcomes: ReadonlyMap<string, Outcome>,
): EventsAnswer {
  const count = (kind: Outcome) => [...outcomes.values()].filter((o) => o === kind).length;
  const unattributed = new Set(
    events.filter((e) => outcomes.get(e.event_id) === 'unattributed').map((e) => e.event.tracking_id),
  );
  const refusedRows = parsed.rows.flatMap((r, i) => {
    const outcome = outcomes.get(events[i]?.event_id ?? '');
    return typeof outcome === 'object' ? [{ row: r, outcome }] : [];
  });
  return {
    status,
    layout: parsed.layout,
    rows: parsed.lines,
    events: events.length,
    processed: count('processed'),
    duplicate: count('duplicate'),
    unattributed: count('unattributed'),
    ...rejectedRows(refusedRows),
    left_out: leftOutRows(refusedRows),
    unattributed_tracking_ids: [...unattributed].sort(),
  };
}

type RefusedRow = { row: EventsParsed['rows'][number]; outcome: Rejected };

/**
 * Events refused for what their order holds (a line past 10,000 of a kind, another marketplace
 * than the order's, the event deciding an order's credit with another marketplace's tracking id:
 * left out): the first LISTED_CHANGES issues listed with their rows, the rest counted; the other
 * events applied.
 */
function rejectedRows(refusedRows: readonly RefusedRow[]): {
  rejected: ImportIssue[];
  rejected_more: number;
} {
  const rejected = importIssues(
    refusedRows
      .flatMap(({ row, outcome }) =>
        outcome.issues.map((i) => ({
          row: row.row,
          field: ADMISSION_COLUMNS[i.path] ?? i.path,
          message: i.message,
        })),
      )
      .slice(0, LISTED_CHANGES),
  );
  const all = refusedRows.reduce((n, r) => n + r.outcome.issues.length, 0);
  return { rejected, rejected_more: all - rejected.length };
}

/**
 * An export's rows the store left out as another marketplace's (the event deciding an order's
 * credit whose tracking id is known only elsewhere, report-tracking.ts), counted as a statement's
 * left-out rows.
 */
function leftOutRows(refusedRows: readonly RefusedRow[]): LeftOutCount {
  const left = refusedRows.filter((r) => r.outcome.reason === 'other_marketplace');
  return {
    rows: left.length,
    tracking_ids: [...new Set(left.map((r) => r.row.event.tracking_id.toLowerCase()))].sort(),
  };
}

function refused(issues: readonly RowIssue[], reason: ImportRefusalReason): ImportRefusal {
  return {
    ok: false,
    reason,
    message: `${refusalText(reason, issues)}: nothing was imported`,
    issues: importIssues(issues),
  };
}

/** Cells and rows as the answer lists them: `path` for the API's problem shape, `row` and `field` for people. */
function importIssues(issues: readonly RowIssue[]): ImportIssue[] {
  return issues.map((i) => ({
    path: i.row ? `row ${i.row}, ${i.field}` : i.field,
    message: i.message,
    row: i.row,
    field: i.field,
  }));
}

/** The answer's `error`: what kind of refusal; the issues say where. */
function refusalText(reason: ImportRefusalReason, issues: readonly RowIssue[]): string {
  switch (reason) {
    case 'legacy_days':
      return 'days already imported row by row before migration 0013';
    case 'unsafe_sum':
      return "report's sums leave the exact range";
    case 'invalid':
    case 'unreadable':
    case 'missing_columns':
    case 'bad_rows':
    case 'no_rows':
      return 'invalid report';
    default:
      return issues[0]?.message.split(':')[0] ?? 'report not readable';
  }
}
