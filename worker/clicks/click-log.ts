/**
 * The one write path of the click log. A redirect hands its click here and moves
 * on: clicks of concurrent requests are gathered for a few milliseconds and sent
 * as one queue message (one send per flush, not per click); if the queue refuses,
 * they are inserted into D1 directly. Nothing here ever throws into a redirect.
 */
import { withRetry } from '../lib/d1-retry.ts';
import type { ClickMessage, ClickRecord } from './message.ts';
import { insertClicks } from './store.ts';

const FLUSH_AFTER_MS = 15;
const MAX_CLICKS_PER_MESSAGE = 100;

/** Per-isolate counters, reported by /healthz. */
export const clickCounters = { logged: 0, queued: 0, direct: 0, failed: 0 };

interface Buffer {
  clicks: ClickRecord[];
  flush: Promise<void> | null;
}

// Keyed by env so that a test (or a second binding set) never mixes destinations.
const buffers = new WeakMap<Env, Buffer>();

/**
 * Queues a click for logging. The request that opens a batch gets the batch's flush (it keeps the
 * isolate alive through its waitUntil until the batch is written or given up); requests that join
 * an open batch get a settled promise, because waiting on another request's promise makes workerd
 * cancel the wait. Never rejects.
 */
export function logClick(env: Env, click: ClickRecord): Promise<void> {
  clickCounters.logged++;
  let buffer = buffers.get(env);
  if (!buffer) {
    buffer = { clicks: [], flush: null };
    buffers.set(env, buffer);
  }
  const current = buffer;
  current.clicks.push(click);
  if (current.clicks.length >= MAX_CLICKS_PER_MESSAGE) return flushNow(env, current);
  if (current.flush) return Promise.resolve();
  current.flush = new Promise<void>((resolve) => setTimeout(resolve, FLUSH_AFTER_MS)).then(() =>
    flushNow(env, current),
  );
  return current.flush;
}

function flushNow(env: Env, buffer: Buffer): Promise<void> {
  const clicks = buffer.clicks;
  buffer.clicks = [];
  buffer.flush = null;
  return clicks.length === 0 ? Promise.resolve() : write(env, clicks);
}

async function write(env: Env, clicks: ClickRecord[]): Promise<void> {
  try {
    const message: ClickMessage = { v: 1, clicks };
    await env.CLICKS.send(message, { contentType: 'json' });
    clickCounters.queued += clicks.length;
    return;
  } catch (error) {
    logEvent('clicks.queue_send_failed', { clicks: clicks.length, error: String(error) });
  }
  try {
    await withRetry(() => insertClicks(env.DB, clicks));
    clickCounters.direct += clicks.length;
  } catch (error) {
    clickCounters.failed += clicks.length;
    logEvent('clicks.write_failed', { clicks: clicks.length, error: String(error) });
  }
}

export function logEvent(event: string, fields: Record<string, unknown>): void {
  console.error(JSON.stringify({ event, ...fields }));
}
