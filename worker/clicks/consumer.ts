/**
 * Queue consumer: writes the clicks of a whole queue batch into D1 in one
 * statement. Transient D1 failures are retried here first, then by the queue
 * (with delay); messages that keep failing go to the dead-letter queue, whose
 * consumer tries once more and keeps them there if D1 is still down.
 */
import { withRetry } from '../lib/d1-retry.ts';
import { logEvent } from './click-log.ts';
import { clickMessage, type ClickRecord } from './message.ts';
import { insertClicks } from './store.ts';

export async function consumeClicks(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const clicks: ClickRecord[] = [];
  const valid: Message<unknown>[] = [];
  for (const message of batch.messages) {
    const parsed = clickMessage.safeParse(message.body);
    if (parsed.success) {
      clicks.push(...parsed.data.clicks);
      valid.push(message);
    } else {
      // A malformed message can never succeed: acknowledge it so it does not block the queue.
      logEvent('clicks.bad_message', {
        queue: batch.queue,
        id: message.id,
        issues: parsed.error.issues.length,
      });
      message.ack();
    }
  }
  if (clicks.length === 0) return;
  try {
    const inserted = await withRetry(() => insertClicks(env.DB, clicks), { attempts: 4 });
    for (const message of valid) message.ack();
    if (inserted < clicks.length) logEvent('clicks.already_stored', { skipped: clicks.length - inserted });
  } catch (error) {
    logEvent('clicks.consumer_write_failed', {
      queue: batch.queue,
      clicks: clicks.length,
      error: String(error),
    });
    for (const message of valid) message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
  }
}
