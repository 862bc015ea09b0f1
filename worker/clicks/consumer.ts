/**
 * Queue consumer of both click queues (wrangler.toml). A batch's clicks are written
 * into D1 in chunks that fit D1's limits (store.ts); on failure the messages are
 * retried by the queue with a delay. The main queue retries within minutes and then
 * moves a message to the dead-letter queue; the dead-letter queue's consumer (this
 * same function) retries for hours, so a D1 outage of a day loses nothing while the
 * queue keeps the messages. On the very last delivery it gives up on D1 and writes
 * every click as a `clicks.unsaved` log line for `npm run clicks:recover`. It reads both
 * versions of the click message (domain/clicks/message.ts): v2 is what logClick sends, v1 what
 * earlier versions queued (still in the queues during a deploy, and in the dead-letter queue
 * for hours).
 */
import { withRetry } from '../lib/d1-retry.ts';
import { clickCounters, logUnsaved } from './click-log.ts';
import { clickMessage, type ClickRecord } from '../../domain/clicks/message.ts';
import { insertClicks } from './store.ts';
import { log } from '../lib/log.ts';

export const CLICKS_QUEUE = 'shopfront-clicks';
export const DEAD_LETTER_QUEUE = 'shopfront-clicks-dlq';

/** Mirrors max_retries of the dead-letter consumer in wrangler.toml (a test keeps them equal). */
export const DEAD_LETTER_MAX_RETRIES = 100;

/** Main queue: 2, 4, 8... seconds, at most a minute; then the dead-letter queue. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(60, 2 ** Math.max(1, attempts));
}

/** Dead-letter queue: 15 minutes, doubling to at most 6 hours (the queue allows up to 12). */
export function deadLetterRetryDelaySeconds(attempts: number): number {
  return Math.min(6 * 3600, 15 * 60 * 2 ** Math.max(0, attempts - 1));
}

export async function consumeClicks(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const deadLetters = batch.queue === DEAD_LETTER_QUEUE;
  const clicks: ClickRecord[] = [];
  const valid: { message: Message<unknown>; clicks: ClickRecord[] }[] = [];
  for (const message of batch.messages) {
    const parsed = clickMessage.safeParse(message.body);
    if (parsed.success) {
      clicks.push(...parsed.data);
      valid.push({ message, clicks: parsed.data });
      // Counted on first arrival in the dead-letter queue, stored or not.
      if (deadLetters && message.attempts === 1) clickCounters.dead_lettered += parsed.data.length;
    } else {
      // A malformed message can never succeed: log it whole (so nothing is lost silently) and acknowledge it.
      log('error', 'clicks.bad_message', {
        queue: batch.queue,
        id: message.id,
        issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
        body: message.body,
      });
      message.ack();
    }
  }
  if (clicks.length === 0) return;
  try {
    const inserted = await withRetry(
      () => insertClicks(env.DB, clicks, deadLetters ? 'dead_letter' : 'queue'),
      {
        attempts: 4,
      },
    );
    // One native call for the whole batch when every message was valid (the common case; the
    // bad ones were acknowledged above), else one per stored message.
    if (valid.length === batch.messages.length) batch.ackAll();
    else for (const { message } of valid) message.ack();
    if (inserted < clicks.length) log('warn', 'clicks.already_stored', { skipped: clicks.length - inserted });
    if (deadLetters) log('info', 'clicks.dead_letters_stored', { clicks: clicks.length, inserted });
  } catch (error) {
    clickCounters.consumer_retries++;
    log('error', 'clicks.consumer_write_failed', {
      queue: batch.queue,
      clicks: clicks.length,
      error: String(error),
    });
    for (const { message, clicks: lost } of valid) {
      if (deadLetters && message.attempts > DEAD_LETTER_MAX_RETRIES) {
        // The queue would drop it after this delivery: keep its clicks in the log instead.
        logUnsaved(lost, 'dead-letter retries exhausted');
        message.ack();
      } else {
        const delaySeconds = deadLetters
          ? deadLetterRetryDelaySeconds(message.attempts)
          : retryDelaySeconds(message.attempts);
        message.retry({ delaySeconds });
      }
    }
  }
}
