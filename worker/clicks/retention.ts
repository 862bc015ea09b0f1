/**
 * The scheduled job that keeps the click log bounded (CONTRACT section 11): raw
 * clicks older than `click_retention_days` (content/program.yaml) are deleted, oldest
 * first, in chunks small enough that no statement holds D1 for long. Daily roll-ups
 * (migrations/0008_click_daily.sql) are untouched, so stats of old days stay the same.
 */
import { DAY_MS, startOfUtcDay } from '../../domain/time.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { log } from '../lib/log.ts';

export interface RetentionOptions {
  /** Rows per DELETE statement. */
  chunk?: number;
  /** Stop starting new chunks after this long; the next run goes on. */
  budgetMs?: number;
}

export interface RetentionResult {
  /** Clicks before this time (unix ms, a UTC midnight) are the ones to delete. */
  cutoff: number;
  deleted: number;
  /** False when the time budget ran out with old rows left. */
  done: boolean;
}

const DELETE_CHUNK = `
DELETE FROM clicks WHERE rowid IN (SELECT rowid FROM clicks WHERE at < ?1 ORDER BY at LIMIT ?2)`;

/** Keeps today and the `retentionDays` whole UTC days before it. */
export function retentionCutoff(now: number, retentionDays: number): number {
  return startOfUtcDay(now) - retentionDays * DAY_MS;
}

export async function deleteOldClicks(
  db: D1Database,
  retentionDays: number,
  now: number,
  options: RetentionOptions = {},
): Promise<RetentionResult> {
  const chunk = options.chunk ?? 5000;
  const budgetMs = options.budgetMs ?? 20_000;
  const cutoff = retentionCutoff(now, retentionDays);
  const started = Date.now();
  let deleted = 0;
  for (;;) {
    const result = await withRetry(() => db.prepare(DELETE_CHUNK).bind(cutoff, chunk).run());
    const changes = result.meta.changes ?? 0;
    deleted += changes;
    if (changes < chunk) return { cutoff, deleted, done: true };
    if (Date.now() - started >= budgetMs) return { cutoff, deleted, done: false };
  }
}

/** The cron trigger's work: one bounded run, logged as `clicks.retention`. */
export async function runRetention(db: D1Database, retentionDays: number, now = Date.now()): Promise<void> {
  try {
    const result = await deleteOldClicks(db, retentionDays, now);
    log('info', 'clicks.retention', { ...result, retention_days: retentionDays });
  } catch (error) {
    log('error', 'clicks.retention_failed', { retention_days: retentionDays, error: String(error) });
    throw error;
  }
}
