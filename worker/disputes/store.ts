/**
 * Disputes in D1 (CONTRACT.md section 16; migrations/0021_disputes.sql): small raw-SQL reads
 * and the two guarded writes. Both tables are append-only; a dispute's state is derived:
 *   state = open (no decision) | credited | declined (its one decision's action)
 * Each write is one db.batch: the guarded insert, then the row it concerns read back in the
 * same transaction, so the answer is what is stored, whoever won a race.
 *   file:    INSERT ... ON CONFLICT (member_id, order_id) DO NOTHING   (one per member and order)
 *   decide:  INSERT ... WHERE the dispute exists ON CONFLICT (dispute_id) DO NOTHING (one decision)
 */
import type {
  DecisionInput,
  Dispute,
  DisputeAction,
  DisputeState,
  Filing,
} from '../../domain/disputes/rules.ts';
import { stateOf, type AdminDispute, type OrderRecord } from '../../domain/disputes/rules.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { integer, integerOrZero, readRows, text, textOrNull, type Row } from '../lib/rows.ts';

// What the store recorded for an order (?1 the order id inside RECORD; s.order_id in the list).
// Its first event (order_seq 1, by the order_events UNIQUE (order_id, order_seq) index) pins its
// marketplace and currency: every later event and ledger line follows it (apply.ts marketIssues).
const FIRST_EVENT = (order: string, column: string) =>
  `(SELECT e.${column} FROM order_events AS e WHERE e.order_id = ${order} ORDER BY e.order_seq LIMIT 1)`;
const RECORD_OF = (order: string) => `
  (SELECT t.handle FROM order_terms AS t WHERE t.order_id = ${order}) AS recorded_handle,
  (SELECT COALESCE(SUM(l.amount_minor), 0) FROM ledger_entries AS l
    WHERE l.order_id = ${order} AND l.bucket IN ('earned', 'reversed')) AS recorded_minor,
  ${FIRST_EVENT(order, 'retailer')} AS recorded_marketplace,
  ${FIRST_EVENT(order, 'currency')} AS recorded_currency,
  EXISTS (SELECT 1 FROM held_orders AS h WHERE h.order_id = ${order}) AS held`;
const RECORD = `SELECT ${RECORD_OF('?1')}`;

const STATE = `CASE WHEN d.action IS NULL THEN 'open' WHEN d.action = 'credit' THEN 'credited' ELSE 'declined' END`;

const SELECT = `
SELECT s.dispute_id, s.member_id, s.handle, s.order_id, s.order_day, s.marketplace, s.products, s.note, s.filed_at,
       d.action, d.note AS decision_note, d.amount_minor, d.currency, d.decided_at
FROM disputes AS s LEFT JOIN dispute_decisions AS d ON d.dispute_id = s.dispute_id`;

const LIST = `${SELECT}
WHERE (?1 IS NULL OR s.member_id = ?1) AND (?2 IS NULL OR ${STATE} = ?2)
ORDER BY s.filed_at DESC, s.dispute_id DESC LIMIT ?3`;
const ADMIN_LIST = `
SELECT s.dispute_id, s.member_id, s.handle, s.order_id, s.order_day, s.marketplace, s.products, s.note, s.filed_at,
       d.action, d.note AS decision_note, d.amount_minor, d.currency, d.decided_at, ${RECORD_OF('s.order_id')},
       COALESCE(d.action = 'credit' AND EXISTS (SELECT 1 FROM ledger_entries AS l
         WHERE l.order_id = s.order_id AND l.created_at > d.decided_at), 0) AS ledger_after_credit
FROM disputes AS s LEFT JOIN dispute_decisions AS d ON d.dispute_id = s.dispute_id
WHERE (?1 IS NULL OR ${STATE} = ?1) AND s.dispute_id > ?2
ORDER BY s.dispute_id LIMIT ?3`;
const BY_ID = `${SELECT} WHERE s.dispute_id = ?1`;
const BY_ORDER = `${SELECT} WHERE s.member_id = ?1 AND s.order_id = ?2`;

// Guarded by the member's open disputes (?8 at most: domain/disputes/rules.ts MAX_OPEN_DISPUTES).
const FILE = `
INSERT INTO disputes (member_id, handle, order_id, order_day, products, note, filed_at, marketplace)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?9
WHERE (SELECT COUNT(*) FROM disputes AS s LEFT JOIN dispute_decisions AS d ON d.dispute_id = s.dispute_id
       WHERE s.member_id = ?1 AND d.dispute_id IS NULL) < ?8
ON CONFLICT (member_id, order_id) DO NOTHING`;

const DECIDE = `
INSERT INTO dispute_decisions (dispute_id, action, note, amount_minor, currency, decided_at)
SELECT s.dispute_id, ?2, ?3, ?4, ?5, ?6 FROM disputes AS s WHERE s.dispute_id = ?1
ON CONFLICT (dispute_id) DO NOTHING`;

function disputeOf(r: Row): Dispute {
  const action = textOrNull(r, 'action');
  const decided: DisputeAction | null = action === 'credit' || action === 'decline' ? action : null;
  const decision =
    decided === null
      ? null
      : {
          action: decided,
          note: text(r, 'decision_note'),
          amount_minor: r.amount_minor === null ? null : integer(r, 'amount_minor'),
          currency: textOrNull(r, 'currency'),
          decided_at: new Date(integer(r, 'decided_at')).toISOString(),
        };
  return {
    dispute_id: integer(r, 'dispute_id'),
    member_id: text(r, 'member_id'),
    handle: text(r, 'handle'),
    order_id: text(r, 'order_id'),
    order_date: text(r, 'order_day'),
    marketplace: text(r, 'marketplace'),
    products: text(r, 'products'),
    note: text(r, 'note'),
    state: stateOf(decision),
    filed_at: new Date(integer(r, 'filed_at')).toISOString(),
    decision,
  };
}

/** Disputes, newest first: of one member or all, in one state or any. */
export async function readDisputes(
  db: D1Database,
  filter: { memberId?: string; state?: DisputeState; limit: number },
): Promise<Dispute[]> {
  const rows = await readRows(db, LIST, filter.memberId ?? null, filter.state ?? null, filter.limit);
  return rows.map(disputeOf);
}

function recordOf(r: Row): OrderRecord {
  return {
    recorded_handle: textOrNull(r, 'recorded_handle'),
    recorded_minor: integer(r, 'recorded_minor'),
    recorded_marketplace: textOrNull(r, 'recorded_marketplace'),
    recorded_currency: textOrNull(r, 'recorded_currency'),
    held: integer(r, 'held') !== 0,
    ledger_after_credit: integerOrZero(r, 'ledger_after_credit') !== 0,
  };
}

/** What the store recorded for one order (its member, sum, marketplace, currency, hold). */
export async function readOrderRecord(db: D1Database, orderId: string): Promise<OrderRecord> {
  const row = await withRetry(() => db.prepare(RECORD).bind(orderId).first<Row>());
  if (!row) throw new Error(`unreachable: a SELECT without FROM gave no row for ${orderId}`);
  return recordOf(row);
}

/** Disputes for admins in id order (keyset: after `afterId`), each with its order's ledger record. */
export async function readAdminDisputes(
  db: D1Database,
  filter: { state?: DisputeState; afterId: number; limit: number },
): Promise<AdminDispute[]> {
  const rows = await readRows(db, ADMIN_LIST, filter.state ?? null, filter.afterId, filter.limit);
  return rows.map((r) => ({ ...disputeOf(r), ...recordOf(r) }));
}

export async function readDispute(db: D1Database, disputeId: number): Promise<Dispute | null> {
  const row = await withRetry(() => db.prepare(BY_ID).bind(disputeId).first<Row>());
  return row ? disputeOf(row) : null;
}

export async function readDisputeOfOrder(
  db: D1Database,
  memberId: string,
  orderId: string,
): Promise<Dispute | null> {
  const row = await withRetry(() => db.prepare(BY_ORDER).bind(memberId, orderId).first<Row>());
  return row ? disputeOf(row) : null;
}

/**
 * Files a dispute (once per member and order, while the member has fewer than `maxOpen` open):
 * whether this call stored it, and what is stored (null: not stored, the member is at the cap).
 */
export async function insertDispute(
  db: D1Database,
  who: { memberId: string; handle: string },
  filing: Filing & { marketplace: string },
  now: number,
  maxOpen: number,
): Promise<{ created: boolean; dispute: Dispute | null }> {
  const { order_id, order_date, products, note, marketplace } = filing;
  const [insert, read] = await withRetry(() =>
    db.batch<Row>([
      db
        .prepare(FILE)
        .bind(who.memberId, who.handle, order_id, order_date, products, note, now, maxOpen, marketplace),
      db.prepare(BY_ORDER).bind(who.memberId, order_id),
    ]),
  );
  const row = read?.results[0];
  return { created: (insert?.meta.changes ?? 0) > 0, dispute: row ? disputeOf(row) : null };
}

/** Records a dispute's one decision: whether this call stored it, and the dispute as stored (null: no such dispute). */
export async function insertDecision(
  db: D1Database,
  disputeId: number,
  input: DecisionInput,
  now: number,
): Promise<{ created: boolean; dispute: Dispute | null }> {
  const amount = input.action === 'credit' ? input.amount_minor : null;
  const currency = input.action === 'credit' ? input.currency : null;
  const [insert, read] = await withRetry(() =>
    db.batch<Row>([
      db.prepare(DECIDE).bind(disputeId, input.action, input.note, amount, currency, now),
      db.prepare(BY_ID).bind(disputeId),
    ]),
  );
  const row = read?.results[0];
  return { created: (insert?.meta.changes ?? 0) > 0, dispute: row ? disputeOf(row) : null };
}
