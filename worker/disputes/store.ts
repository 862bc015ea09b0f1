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
import { stateOf } from '../../domain/disputes/rules.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { integer, text, textOrNull, type Row } from '../lib/rows.ts';

const STATE = `CASE WHEN d.action IS NULL THEN 'open' WHEN d.action = 'credit' THEN 'credited' ELSE 'declined' END`;

const SELECT = `
SELECT s.dispute_id, s.member_id, s.handle, s.order_id, s.order_day, s.products, s.note, s.filed_at,
       d.action, d.note AS decision_note, d.amount_minor, d.currency, d.decided_at
FROM disputes AS s LEFT JOIN dispute_decisions AS d ON d.dispute_id = s.dispute_id`;

const LIST = `${SELECT}
WHERE (?1 IS NULL OR s.member_id = ?1) AND (?2 IS NULL OR ${STATE} = ?2)
ORDER BY s.filed_at, s.dispute_id LIMIT ?3`;
const BY_ID = `${SELECT} WHERE s.dispute_id = ?1`;
const BY_ORDER = `${SELECT} WHERE s.member_id = ?1 AND s.order_id = ?2`;

const FILE = `
INSERT INTO disputes (member_id, handle, order_id, order_day, products, note, filed_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
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
    products: text(r, 'products'),
    note: text(r, 'note'),
    state: stateOf(decision),
    filed_at: new Date(integer(r, 'filed_at')).toISOString(),
    decision,
  };
}

/** Disputes, oldest first: of one member or all, in one state or any. */
export async function readDisputes(
  db: D1Database,
  filter: { memberId?: string; state?: DisputeState; limit: number },
): Promise<Dispute[]> {
  const { results } = await withRetry(() =>
    db
      .prepare(LIST)
      .bind(filter.memberId ?? null, filter.state ?? null, filter.limit)
      .all<Row>(),
  );
  return results.map(disputeOf);
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

/** Files a dispute (once per member and order): whether this call stored it, and what is stored. */
export async function insertDispute(
  db: D1Database,
  who: { memberId: string; handle: string },
  filing: Filing,
  now: number,
): Promise<{ created: boolean; dispute: Dispute }> {
  const { order_id, order_date, products, note } = filing;
  const [insert, read] = await withRetry(() =>
    db.batch<Row>([
      db.prepare(FILE).bind(who.memberId, who.handle, order_id, order_date, products, note, now),
      db.prepare(BY_ORDER).bind(who.memberId, order_id),
    ]),
  );
  const row = read?.results[0];
  if (!row) throw new Error(`unreachable: dispute of order ${order_id} neither stored nor found`);
  return { created: (insert?.meta.changes ?? 0) > 0, dispute: disputeOf(row) };
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
