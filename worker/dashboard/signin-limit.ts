/**
 * Slows token guessing at the dashboard sign-in: at most MAX_FAILURES failed
 * attempts per visitor in a 15-minute window. The visitor is the keyed daily
 * hash of the IP, so nothing identifying is stored.
 */
import { visitorHash } from '../links/visitor-hash.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { integerOrZero, type Row } from '../lib/rows.ts';

export const WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES = 10;

export async function signinVisitor(env: Env, request: Request, now: Date): Promise<string> {
  return visitorHash(env.VISITOR_HASH_SECRET, now, request.headers.get('cf-connecting-ip') ?? '', 'signin');
}

function windowStart(now: number): number {
  return now - (now % WINDOW_MS);
}

export async function isLimited(db: D1Database, visitor: string, now: number): Promise<boolean> {
  const row = await withRetry(() =>
    db
      .prepare('SELECT failures FROM signin_attempts WHERE visitor_hash = ?1 AND window_start = ?2')
      .bind(visitor, windowStart(now))
      .first<Row>(),
  );
  return row !== null && integerOrZero(row, 'failures') >= MAX_FAILURES;
}

export async function recordFailure(db: D1Database, visitor: string, now: number): Promise<void> {
  await withRetry(() =>
    db.batch([
      db
        .prepare(
          `INSERT INTO signin_attempts (visitor_hash, window_start, failures) VALUES (?1, ?2, 1)
           ON CONFLICT (visitor_hash, window_start) DO UPDATE SET failures = failures + 1`,
        )
        .bind(visitor, windowStart(now)),
      // Old windows are useless; keep the table small.
      db.prepare('DELETE FROM signin_attempts WHERE window_start < ?1').bind(windowStart(now) - WINDOW_MS),
    ]),
  );
}
