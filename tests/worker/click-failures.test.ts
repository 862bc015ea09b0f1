/**
 * What happens when logging fails: the redirect never notices, a refused queue
 * falls back to D1, transient D1 errors are retried, and a retried batch never
 * counts a click twice. Broken bindings are wrappers around the real ones.
 */
import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { clickCounters } from '../../worker/clicks/click-log.ts';
import { consumeClicks } from '../../worker/clicks/consumer.ts';
import type { ClickMessage, ClickRecord } from '../../worker/clicks/message.ts';
import { createWorker } from '../../worker/worker.ts';
import { BROWSER_UA, clickIdOf, waitForClicks } from './helpers.ts';

const [link] = inject('expectedLinks');
if (!link) throw new Error('no sample links');
const worker = createWorker(() => new Response('fallback', { status: 404 }));

const brokenQueue = {
  send: () => Promise.reject(new Error('Queue send failed: service unavailable')),
  sendBatch: () => Promise.reject(new Error('Queue send failed: service unavailable')),
} as unknown as Queue;

function flakyDb(
  failures: number,
  message = 'D1_ERROR: database is busy',
): { db: D1Database; calls: () => number } {
  let calls = 0;
  const db = new Proxy(env.DB, {
    get(target, key) {
      if (key === 'batch')
        return (statements: D1PreparedStatement[]) => {
          calls++;
          return calls <= failures ? Promise.reject(new Error(message)) : target.batch(statements);
        };
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db, calls: () => calls };
}

async function redirectWith(bindings: Partial<Env>) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`https://shop.test/go/${link!.handle}/${link!.product}`, {
      headers: { 'user-agent': BROWSER_UA },
    }),
    { ...env, ...bindings },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

function click(id: string): ClickRecord {
  return {
    click_id: id,
    at: Date.now(),
    handle: link!.handle,
    product_id: link!.product,
    src: null,
    referrer_host: null,
    country: null,
    device: 'desktop',
    visitor_hash: `v-${id}`,
    is_bot: false,
    bot_reason: null,
    method: 'GET',
  };
}

describe('click logging failures', () => {
  it('still redirects when both the queue and D1 are broken, and counts the lost write', async () => {
    const failedBefore = clickCounters.failed;
    const { db } = flakyDb(Infinity, 'D1_ERROR: Network connection lost');
    const res = await redirectWith({ CLICKS: brokenQueue, DB: db });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain(`tag=${link.trackingId}`);
    expect(clickCounters.failed).toBe(failedBefore + 1);
  });

  it('writes to D1 directly when the queue refuses the click', async () => {
    const res = await redirectWith({ CLICKS: brokenQueue });
    const [row] = await waitForClicks([clickIdOf(res.headers.get('location'), link.subtag)], 2_000);
    expect(row?.handle).toBe(link.handle);
  });

  it('retries transient D1 errors on the direct path', async () => {
    const { db, calls } = flakyDb(2, 'D1_ERROR: database is overloaded');
    const res = await redirectWith({ CLICKS: brokenQueue, DB: db });
    await waitForClicks([clickIdOf(res.headers.get('location'), link.subtag)], 2_000);
    expect(calls()).toBe(3);
  });
});

describe('queue consumer', () => {
  const message = (id: string, clicks: ClickRecord[]) => ({
    id,
    timestamp: new Date(),
    attempts: 1,
    body: { v: 1, clicks } satisfies ClickMessage,
  });

  it('inserts a redelivered batch only once', async () => {
    const clicks = [click('retry-aaaaaaaaaaaaaaaa'), click('retry-bbbbbbbbbbbbbbbb')];
    for (let delivery = 0; delivery < 3; delivery++) {
      const batch = createMessageBatch('shopfront-clicks', [message('m1', clicks)]);
      const ctx = createExecutionContext();
      await consumeClicks(batch, env);
      const result = await getQueueResult(batch, ctx);
      expect(result.explicitAcks).toEqual(['m1']);
    }
    const { results } = await env.DB.prepare(
      "SELECT count(*) AS n FROM clicks WHERE click_id LIKE 'retry-%'",
    ).all<{
      n: number;
    }>();
    expect(results[0]?.n).toBe(2);
  });

  it('asks the queue to retry when D1 stays down, and acknowledges malformed messages', async () => {
    const { db } = flakyDb(Infinity, 'D1_ERROR: storage caused object to be reset');
    const batch = createMessageBatch('shopfront-clicks', [
      message('good', [click('down-aaaaaaaaaaaaaaaaa')]),
      // A malformed body, as an old or foreign producer might send.
      {
        id: 'bad',
        timestamp: new Date(),
        attempts: 1,
        body: JSON.parse('{"v":1,"clicks":"nope"}') as unknown,
      },
    ]);
    const ctx = createExecutionContext();
    await consumeClicks(batch, { ...env, DB: db });
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['good']);
    expect(result.explicitAcks).toEqual(['bad']);
  });
});
