/**
 * Amazon statements in D1 (migration 0013): read, pure plan, one guarded write.
 *
 *   read   one batch: the highest statement id, and every recorded key of the
 *          statement's layout and marketplace in its day range with its held
 *          figures (the sum of its changes) and its frozen member
 *   plan   planStatement + statementRows (domain/orders/), pure
 *   write  one batch (one transaction): the statement's event, the statement row
 *          with id = read id + 1, new keys, changes, ledger entries, and the
 *          session's parts deleted. A concurrent import takes the same id and the
 *          loser's batch fails on it: it re-reads and re-plans. A commit whose
 *          answer was lost fails on the session's unique id and finds its stored
 *          answer, which it returns: nothing is ever posted twice.
 *   guard  the statement row is inserted by INSERT ... SELECT whose file_sha256 is
 *          NULL when, at the moment of the write, the same bytes of the same layout
 *          are committed for another marketplace with keys and this statement has
 *          keys (report-tracking.ts sameFileElsewhere, the same condition as the
 *          early check committedElsewhere); NOT NULL then fails the whole batch, so
 *          a commit that passed the early check before another marketplace's commit
 *          of the file landed stores nothing and is refused imported_elsewhere: any
 *          failed write that is not a taken id reads committedElsewhere again and is
 *          refused when it names a marketplace (the error's wording, or its cause's,
 *          is not relied on). The same file again for the same marketplace is not
 *          guarded (idempotent).
 *
 * Rows travel as JSON arrays in one bound parameter per statement, chunked under
 * D1's 2 MB per value (and far under its 100 parameters per statement).
 */
import type { Credit, CreditBook } from '../../domain/orders/crediting.ts';
import {
  planStatement,
  type HeldKey,
  type Statement,
  type StatementPlan,
} from '../../domain/orders/statement.ts';
import {
  CHANGE_COLUMNS,
  KEY_COLUMNS,
  statementEvent,
  statementRows,
  type StatementRecord,
} from '../../domain/orders/statement-rows.ts';
import { EVENT_COLUMNS, LEDGER_COLUMNS } from '../../domain/orders/apply.ts';
import type { ReportRefusal } from '../../domain/orders/report-file.ts';
import { sameFileElsewhere } from '../../domain/orders/report-tracking.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { integer, integerOrZero, text, textOrNull, type Row } from '../lib/rows.ts';

const CHUNK_CHARS = 1_500_000;
const MAX_ROUNDS = 5;

const MAX_STATEMENT = 'SELECT COALESCE(MAX(statement_id), 0) AS id FROM amazon_statements';
const HELD = `
SELECT k.key_id, k.marketplace, k.tracking_id, k.asin, k.price_minor, k.day, k.category, k.member_id, k.handle,
       SUM(c.ordered) AS ordered, SUM(c.shipped) AS shipped, SUM(c.returned) AS returned, SUM(c.fee_minor) AS fee_minor
FROM amazon_keys AS k JOIN amazon_key_changes AS c ON c.key_id = k.key_id
WHERE k.layout = ?1 AND k.marketplace = ?2 AND k.day >= ?3 AND k.day <= ?4
GROUP BY k.key_id`;
const STORED_RESULT = 'SELECT result_json FROM amazon_statements WHERE session_id = ?1';

// Lines of the per-row importer before migration 0013 (order ids "amzn:<tag>:<ASIN>:<price>").
const LEGACY = `
SELECT COUNT(*) AS n, MIN(effective_at) AS first_at FROM ledger_entries
WHERE order_id LIKE 'amzn:%' AND effective_at >= ?1 AND effective_at < ?2`;

/** Ledger entries the per-row importer (before 0013) wrote for these days: a statement over them would count them twice. */
export async function legacyEntries(
  db: D1Database,
  statement: Statement,
): Promise<{ n: number; first_day: string | null }> {
  const start = Date.parse(`${statement.coverage.from}T00:00:00Z`);
  const end = Date.parse(`${statement.coverage.to}T00:00:00Z`) + 86_400_000;
  const row = await withRetry(() => db.prepare(LEGACY).bind(start, end).first<Row>());
  const n = row ? integer(row, 'n') : 0;
  const first = row && n > 0 ? integer(row, 'first_at') : null;
  return { n, first_day: first === null ? null : new Date(first).toISOString().slice(0, 10) };
}

const COMMITTED_FOR = `
  SELECT DISTINCT marketplace FROM amazon_statements
  WHERE file_sha256 = ?1 AND layout = ?2 AND marketplace <> ?3 AND keys > 0
  ORDER BY marketplace`;

/** The other marketplaces the same file (bytes and layout) was committed for with keys (report-tracking.ts sameFileElsewhere). */
export async function committedElsewhere(
  db: D1Database,
  statement: Statement,
  fileSha256: string,
): Promise<string[]> {
  const rows = await withRetry(() =>
    db.prepare(COMMITTED_FOR).bind(fileSha256, statement.layout, statement.marketplace).all<Row>(),
  );
  return rows.results.map((r) => text(r, 'marketplace'));
}

export interface HeldState {
  lastStatement: number;
  held: HeldKey[];
}

export async function readHeld(db: D1Database, statement: Statement): Promise<HeldState> {
  const { layout, marketplace, coverage } = statement;
  const [last, held] = await withRetry(() =>
    db.batch<Row>([
      db.prepare(MAX_STATEMENT),
      db.prepare(HELD).bind(layout, marketplace, coverage.from, coverage.to),
    ]),
  );
  return {
    lastStatement: integer(last?.results[0] ?? {}, 'id'),
    held: (held?.results ?? []).map(heldKey),
  };
}

function heldKey(row: Row): HeldKey {
  const member = textOrNull(row, 'member_id');
  const credit: Credit | null = member === null ? null : { member_id: member, handle: text(row, 'handle') };
  return {
    marketplace: text(row, 'marketplace'),
    tracking_id: text(row, 'tracking_id'),
    asin: text(row, 'asin'),
    price_minor: integer(row, 'price_minor'),
    day: text(row, 'day'),
    category: text(row, 'category'),
    credit,
    held: {
      ordered: integerOrZero(row, 'ordered'),
      shipped: integerOrZero(row, 'shipped'),
      returned: integerOrZero(row, 'returned'),
      fee_minor: integerOrZero(row, 'fee_minor'),
    },
  };
}

/** The plan against what the store holds now (a dry run stops here). */
export async function previewStatement(
  db: D1Database,
  statement: Statement,
  book: CreditBook,
): Promise<{ plan: StatementPlan; lastStatement: number }> {
  const state = await readHeld(db, statement);
  const plan = planStatement(statement, state.held, (k) =>
    book.creditOn(k.marketplace, k.tracking_id, k.day),
  );
  return { plan, lastStatement: state.lastStatement };
}

export type CommitOutcome<T> =
  | { kind: 'committed'; statement_id: number; plan: StatementPlan; answer: T }
  | { kind: 'already'; answer: unknown }
  /** The same file was committed for another marketplace after the early check (the guard): nothing stored. */
  | { kind: 'refused'; refusal: ReportRefusal };

/**
 * Plans and writes one statement. `answer` builds the import's answer (stored with the
 * statement, so that a repeated commit of the same session returns it unchanged).
 */
export async function commitStatement<T>(
  db: D1Database,
  statement: Statement,
  book: CreditBook,
  handleNow: (memberId: string) => string | null,
  file: Omit<StatementRecord, 'statement_id'>,
  answer: (statementId: number, plan: StatementPlan) => T,
): Promise<CommitOutcome<T>> {
  for (let round = 1; ; round++) {
    const stored = await storedAnswer(db, file.session_id);
    if (stored !== null) return { kind: 'already', answer: stored };
    const { plan, lastStatement } = await previewStatement(db, statement, book);
    const record: StatementRecord = { ...file, statement_id: lastStatement + 1 };
    const result = answer(record.statement_id, plan);
    try {
      // A retry of a batch that had landed fails on the session id and finds its stored answer next round.
      await withRetry(() =>
        db.batch(writeStatements(db, statement, plan, record, handleNow, JSON.stringify(result))),
      );
      return { kind: 'committed', statement_id: record.statement_id, plan, answer: result };
    } catch (error) {
      // Another import took this id (or this session's commit landed though its answer was lost).
      if (isUniqueViolation(error) && round < MAX_ROUNDS) continue;
      const refusal = await elsewhere(db, statement, file, error);
      if (refusal) return { kind: 'refused', refusal };
      throw error;
    }
  }
}

/**
 * A write that failed otherwise than on a taken id: refused imported_elsewhere when the same file
 * is committed for another marketplace now (the guard, see the header), read from the store and
 * not from the error's wording, which D1 may change or wrap (`cause`); null otherwise, and when
 * the store cannot answer either (the caller rethrows the write's own error).
 */
async function elsewhere(
  db: D1Database,
  statement: Statement,
  file: Pick<StatementRecord, 'file_sha256'>,
  error: unknown,
): Promise<ReportRefusal | null> {
  let committedFor: string[];
  try {
    committedFor = await committedElsewhere(db, statement, file.file_sha256);
  } catch {
    return null;
  }
  const refusal = sameFileElsewhere(statement.marketplace, committedFor, statement.lines.length);
  if (refusal === null && SAME_FILE_GUARD.test(errorText(error)))
    throw new Error('statement-store: the same-file guard refused a file committed nowhere else');
  return refusal;
}

/** An error's message with its cause's, as isTransientD1Error reads them (worker/lib/d1-retry.ts). */
function errorText(error: unknown): string {
  return error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error);
}

export async function storedAnswer(db: D1Database, sessionId: string): Promise<unknown> {
  const row = await withRetry(() => db.prepare(STORED_RESULT).bind(sessionId).first<Row>());
  return row ? JSON.parse(text(row, 'result_json')) : null;
}

function isUniqueViolation(error: unknown): boolean {
  return /UNIQUE constraint failed|PRIMARY KEY/i.test(errorText(error));
}

// ---------------------------------------------------------------- writes

const INSERT_EVENT = `INSERT INTO order_events (${EVENT_COLUMNS.join(', ')})
VALUES (${EVENT_COLUMNS.map((_, i) => `?${i + 1}`).join(', ')})`;
// The guard (see the header): file_sha256 is NULL, and the batch fails, when the same file
// (bytes and layout) holds keys for another marketplace and this statement has keys.
const INSERT_STATEMENT = `
INSERT INTO amazon_statements (statement_id, session_id, layout, marketplace, currency, from_day, to_day,
  tracking_ids_json, file_sha256, file_bytes, file_name, encoding, rows, keys, event_id, imported_by, imported_at, result_json)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
  CASE WHEN ?14 > 0 AND EXISTS (
    SELECT 1 FROM amazon_statements
    WHERE file_sha256 = ?9 AND layout = ?3 AND marketplace <> ?4 AND keys > 0
  ) THEN NULL ELSE ?9 END,
  ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18`;
const SAME_FILE_GUARD = /NOT NULL constraint failed: amazon_statements\.file_sha256/i;

function arrayInsert(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')})
SELECT ${columns.map((_, i) => `json_extract(value, '$[${i}]')`).join(', ')} FROM json_each(?1)`;
}

const INSERT_KEYS = arrayInsert('amazon_keys', KEY_COLUMNS);
const INSERT_CHANGES = arrayInsert('amazon_key_changes', CHANGE_COLUMNS);
const INSERT_ENTRIES = arrayInsert('ledger_entries', LEDGER_COLUMNS);

function writeStatements(
  db: D1Database,
  statement: Statement,
  plan: StatementPlan,
  record: StatementRecord,
  handleNow: (memberId: string) => string | null,
  resultJson: string,
): D1PreparedStatement[] {
  const rows = statementRows(statement, plan, record, handleNow);
  const event = statementEvent(statement, record);
  const { coverage } = statement;
  const out: D1PreparedStatement[] = [
    db.prepare(INSERT_EVENT).bind(...EVENT_COLUMNS.map((c) => event[c])),
    db
      .prepare(INSERT_STATEMENT)
      .bind(
        record.statement_id,
        record.session_id,
        statement.layout,
        statement.marketplace,
        statement.currency,
        coverage.from,
        coverage.to,
        coverage.tracking_ids === null ? null : JSON.stringify(coverage.tracking_ids),
        record.file_sha256,
        record.file_bytes,
        record.file_name,
        record.encoding,
        statement.rows,
        statement.lines.length,
        event.event_id,
        record.imported_by,
        record.imported_at,
        resultJson,
      ),
  ];
  const tuples = <R>(list: readonly R[], columns: readonly (keyof R)[]) =>
    list.map((r) => columns.map((c) => r[c]));
  for (const chunk of chunks(tuples(rows.keys, KEY_COLUMNS))) out.push(db.prepare(INSERT_KEYS).bind(chunk));
  for (const chunk of chunks(tuples(rows.changes, CHANGE_COLUMNS)))
    out.push(db.prepare(INSERT_CHANGES).bind(chunk));
  for (const chunk of chunks(tuples(rows.entries, LEDGER_COLUMNS)))
    out.push(db.prepare(INSERT_ENTRIES).bind(chunk));
  out.push(db.prepare('DELETE FROM amazon_import_parts WHERE session_id = ?1').bind(record.session_id));
  return out;
}

/** JSON arrays of rows, each under CHUNK_CHARS characters. */
export function chunks(rows: readonly unknown[][]): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const row of rows) {
    const json = JSON.stringify(row);
    if (current.length > 0 && size + json.length + 1 > CHUNK_CHARS) {
      out.push(`[${current.join(',')}]`);
      current = [];
      size = 2;
    }
    current.push(json);
    size += json.length + 1;
  }
  if (current.length > 0) out.push(`[${current.join(',')}]`);
  return out;
}

// ---------------------------------------------------------------- sessions

export async function createSession(
  db: D1Database,
  sessionId: string,
  options: unknown,
  importedBy: string,
  now: number,
): Promise<void> {
  await withRetry(() =>
    db
      .prepare(
        'INSERT INTO amazon_import_sessions (session_id, options_json, imported_by, created_at) VALUES (?1, ?2, ?3, ?4)',
      )
      .bind(sessionId, JSON.stringify(options), importedBy, now)
      .run(),
  );
}

export interface Session {
  options: unknown;
  imported_by: string;
  committed: boolean;
}

export async function readSession(db: D1Database, sessionId: string): Promise<Session | null> {
  const row = await withRetry(() =>
    db
      .prepare(
        `SELECT options_json, imported_by,
                EXISTS (SELECT 1 FROM amazon_statements WHERE session_id = ?1) AS committed
         FROM amazon_import_sessions WHERE session_id = ?1`,
      )
      .bind(sessionId)
      .first<Row>(),
  );
  if (!row) return null;
  return {
    options: JSON.parse(text(row, 'options_json')),
    imported_by: text(row, 'imported_by'),
    committed: integer(row, 'committed') === 1,
  };
}

/** Stores a part (a part sent again replaces itself: retries are safe). */
export async function storePart(
  db: D1Database,
  sessionId: string,
  part: number,
  bytes: Uint8Array,
  now: number,
): Promise<void> {
  await withRetry(() =>
    db
      .prepare(
        'INSERT OR REPLACE INTO amazon_import_parts (session_id, part, bytes, received_at) VALUES (?1, ?2, ?3, ?4)',
      )
      .bind(sessionId, part, bytes, now)
      .run(),
  );
}

/** The session's parts in order, joined; a gap in the numbering is named. */
export async function readParts(
  db: D1Database,
  sessionId: string,
): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; missing: number }> {
  const { results } = await withRetry(() =>
    db
      .prepare('SELECT part FROM amazon_import_parts WHERE session_id = ?1 ORDER BY part')
      .bind(sessionId)
      .all<Row>(),
  );
  for (const [i, row] of results.entries()) if (integer(row, 'part') !== i) return { ok: false, missing: i };
  // One part per read: no answer of D1 carries more than one part (1 MiB).
  const chunks: Uint8Array[] = [];
  for (let part = 0; part < results.length; part++) {
    const row = await withRetry(() =>
      db
        .prepare('SELECT bytes FROM amazon_import_parts WHERE session_id = ?1 AND part = ?2')
        .bind(sessionId, part)
        .first<Row>(),
    );
    chunks.push(blob(row?.bytes));
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

/** A BLOB as D1 returns it (an ArrayBuffer, or an array of byte values). */
function blob(value: unknown): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (Array.isArray(value) && value.every((b) => typeof b === 'number')) return Uint8Array.from(value);
  throw new TypeError('column bytes: expected a blob');
}
