/**
 * The one write path of the click log. A redirect hands its click here inside its own
 * waitUntil and moves on. Each request does its own work: it sends its click as one
 * queue message; if the queue refuses, it inserts it into D1 directly; if both fail,
 * it keeps trying both with backoff for as long as waitUntil allows, and as the last
 * resort writes the click as one structured log line (`clicks.unsaved`) that
 * `npm run clicks:recover` re-inserts. Nothing is shared between requests, so a
 * request that is cancelled can never delay or fail another (CONTRACT.md section 10).
 * Nothing here ever throws into a redirect.
 */
import { clickMessageOf, UNSAVED_EVENT, type ClickRecord } from '../../domain/clicks/message.ts';
import { insertClicks } from './store.ts';
import { log } from '../lib/log.ts';

/**
 * Pauses between rounds of (queue send, D1 insert) when both fail: about 16 s in all, inside
 * the 30 s a Worker may keep running after its response.
 */
export const BACKOFF_MS = [250, 750, 2_000, 5_000, 8_000] as const;

/** Per-isolate counters, reported by /healthz (D1's click_write_counts holds the lasting totals). */
export const clickCounters = {
  /** Clicks handed to logClick. */
  logged: 0,
  /** Sent to the queue. */
  queued: 0,
  /** Inserted into D1 directly because the queue refused them. */
  direct: 0,
  /** Rounds in which both the queue and D1 failed and the click was tried again. */
  retried: 0,
  /** Given up on and written to the log as `clicks.unsaved`, waiting for `npm run clicks:recover`. */
  failed: 0,
  /** Consumer batches whose D1 write failed and that the queue will deliver again. */
  consumer_retries: 0,
  /** Clicks that arrived through the dead-letter queue (stored or not yet). */
  dead_lettered: 0,
};

export interface LogOptions {
  /** The pauses between attempts (tests shorten them). */
  backoffMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Stores one click, or logs it for recovery. Never rejects. */
export async function logClick(env: Env, click: ClickRecord, options: LogOptions = {}): Promise<void> {
  clickCounters.logged++;
  const { backoffMs = BACKOFF_MS, sleep = sleepFor } = options;
  // Positional fields (v2) in V8's serialization: the queue's cost of a message's content is
  // about 10 µs lower than named fields in JSON (docs/scale.md, "Click message").
  const message = clickMessageOf([click]);
  for (let round = 0; ; round++) {
    try {
      await env.CLICKS.send(message, { contentType: 'v8' });
      clickCounters.queued++;
      return;
    } catch (error) {
      log('warn', 'clicks.queue_send_failed', { click_id: click.click_id, round, error: String(error) });
    }
    try {
      await insertClicks(env.DB, [click], 'direct');
      clickCounters.direct++;
      return;
    } catch (error) {
      log('error', 'clicks.write_failed', { click_id: click.click_id, round, error: String(error) });
    }
    const pause = backoffMs[round];
    if (pause === undefined) break;
    clickCounters.retried++;
    await sleep(pause);
  }
  logUnsaved([click], 'queue and D1 failed through every retry');
}

/**
 * The last resort: one log line per click, complete enough to re-insert. Workers Logs keeps
 * them; `npm run clicks:recover -- <log file>` finds these lines in an export and stores them.
 */
export function logUnsaved(clicks: readonly ClickRecord[], reason: string): void {
  clickCounters.failed += clicks.length;
  for (const click of clicks) log('error', UNSAVED_EVENT, { v: 1, reason, click });
}
