/**
 * What happens when logging fails: the redirect never notices; a refused queue falls
 * back to D1; when both fail the request keeps trying with backoff and, as the last
 * resort, logs each click as a `clicks.unsaved` line that the recovery route stores.
 * The consumer retries, the dead-letter queue is drained when D1 returns, and the
 * largest batch the queue settings allow stays inside D1's limits. Broken bindings
 * are wrappers around the real ones.
 */
import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { UNSAVED_EVENT } from '../../domain/clicks/message.ts';
import { clickCounters, logClick } from '../../worker/clicks/click-log.ts';
import {
  CLICKS_QUEUE,
  consumeClicks,
  DEAD_LETTER_MAX_RETRIES,
  DEAD_LETTER_QUEUE,
  deadLetterRetryDelaySeconds,
  retryDelaySeconds,
} from '../../worker/clicks/consumer.ts';
import { MAX_CLICKS_PER_MESSAGE, type ClickMessage, type ClickRecord } from '../../domain/clicks/message.ts';
import { D1_LIMITS, writeCounts } from '../../worker/clicks/store.ts';
import { createWorker } from '../../worker/worker.ts';
import { BROWSER_UA, clickIdOf, waitForClicks } from './helpers.ts';

const [link] = inject('expectedLinks');
if (!link) throw new Error('no sample links');
const worker = createWorker(() => new Response('fallback', { status: 404 }));
const noWait = { backoffMs: [1, 1, 1], sleep: () => Promise.resolve() };

afterEach(() => {
  vi.restoreAllMocks();
});

const brokenQueue = {
  send: () => Promise.reject(new Error('Queue send failed: service unavailable')),
  sendBatch: () => Promise.reject(new Error('Queue send failed: service unavailable')),
} as unknown as Queue;

/** The real D1, whose batch() fails while `down()` says so; records every statement it is given. */
function outageDb(down: () => boolean, message = 'D1_ERROR: Network connection lost') {
  let calls = 0;
  const statements: { sql: string; params: unknown[] }[] = [];
  const db = new Proxy(env.DB, {
    get(target, key) {
      if (key === 'batch')
        return (batch: D1PreparedStatement[]) => {
          calls++;
          return down() ? Promise.reject(new Error(message)) : target.batch(batch);
        };
      if (key === 'prepare')
        return (sql: string) => {
          const real = target.prepare(sql);
          return new Proxy(real, {
            get(statement, k) {
              if (k === 'bind')
                return (...params: unknown[]) => {
                  statements.push({ sql, params });
                  return statement.bind(...params);
                };
              const value: unknown = Reflect.get(statement, k);
              return typeof value === 'function' ? value.bind(statement) : value;
            },
          });
        };
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db, calls: () => calls, statements };
}

function flakyDb(failures: number, message = 'D1_ERROR: database is busy') {
  let n = 0;
  const wrapped = outageDb(() => ++n <= failures, message);
  return { db: wrapped.db, calls: wrapped.calls };
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

let serial = 0;
function click(prefix: string, overrides: Partial<ClickRecord> = {}): ClickRecord {
  const id = `${prefix}-${(serial++).toString().padStart(8, '0')}-${crypto.randomUUID()}`.slice(0, 64);
  return {
    click_id: id.padEnd(16, 'x'),
    at: Date.now(),
    handle: link!.handle,
    product_id: link!.product,
    src: null,
    referrer_host: null,
    country: null,
    device: 'desktop',
    visitor_hash: `v-${id}`.slice(0, 64),
    is_bot: false,
    bot_reason: null,
    method: 'GET',
    ...overrides,
  };
}

const message = (id: string, clicks: ClickRecord[], attempts = 1) => ({
  id,
  timestamp: new Date(),
  attempts,
  body: { v: 1, clicks } satisfies ClickMessage,
});

/** One delivery of `messages` from `queue` to the consumer (on `db`): what it acknowledged and asked to retry. */
async function deliver(queue: string, messages: Parameters<typeof createMessageBatch>[1], db = env.DB) {
  const batch = createMessageBatch(queue, messages);
  const ctx = createExecutionContext();
  await consumeClicks(batch, { ...env, DB: db });
  return getQueueResult(batch, ctx);
}

async function countStored(ids: readonly string[]): Promise<number> {
  const row = await env.DB.prepare(
    'SELECT count(*) AS n FROM clicks WHERE click_id IN (SELECT value FROM json_each(?1))',
  )
    .bind(JSON.stringify(ids))
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** The clicks of every `clicks.unsaved` line the worker printed. */
function unsavedLines(spy: { mock: { calls: unknown[][] } }): ClickRecord[] {
  return spy.mock.calls.flatMap(([line]) => {
    const parsed =
      typeof line === 'string' ? (JSON.parse(line) as { event?: string; click?: ClickRecord }) : {};
    return parsed.event === UNSAVED_EVENT && parsed.click ? [parsed.click] : [];
  });
}

describe('click logging in the request', () => {
  it('writes to D1 directly when the queue refuses the click, and counts it', async () => {
    const before = (await writeCounts(env.DB)).direct;
    const res = await redirectWith({ CLICKS: brokenQueue });
    expect(res.status).toBe(302);
    const [row] = await waitForClicks([clickIdOf(res.headers.get('location'), link.subtag)], 2_000);
    expect(row?.handle).toBe(link.handle);
    expect((await writeCounts(env.DB)).direct).toBe(before + 1);
  });

  it('keeps retrying both the queue and D1 with backoff until one works', async () => {
    const { db, calls } = flakyDb(2, 'D1_ERROR: database is overloaded');
    const one = click('retry');
    const retriedBefore = clickCounters.retried;
    await logClick({ ...env, CLICKS: brokenQueue, DB: db }, one, noWait);
    expect(calls()).toBe(3);
    expect(clickCounters.retried).toBe(retriedBefore + 2);
    expect(await countStored([one.click_id])).toBe(1);
  });

  it('logs the click as one structured line when every retry fails, and the recovery route stores it once', async () => {
    const spy = vi.spyOn(console, 'error');
    const { db } = outageDb(() => true);
    const lost = [
      click('lost'),
      click('lost', { visitor_hash: null, incomplete: ['visitor_hash:no-secret'] }),
    ];
    const failedBefore = clickCounters.failed;
    for (const c of lost) await logClick({ ...env, CLICKS: brokenQueue, DB: db }, c, noWait);
    expect(clickCounters.failed).toBe(failedBefore + 2);
    const logged = unsavedLines(spy);
    expect(logged).toEqual(lost);
    expect(await countStored(lost.map((c) => c.click_id))).toBe(0);

    const recoveredBefore = (await writeCounts(env.DB)).recovered;
    for (const expected of [2, 0]) {
      const res = await worker.fetch(
        new Request('https://shop.test/api/admin/clicks/recover', {
          method: 'POST',
          headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ clicks: logged }),
        }),
        env,
        createExecutionContext(),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: 2, inserted: expected, already_stored: 2 - expected });
    }
    expect(await countStored(lost.map((c) => c.click_id))).toBe(2);
    expect((await writeCounts(env.DB)).recovered).toBe(recoveredBefore + 2);
  });

  it('the recovery route names what is wrong with a bad body', async () => {
    const res = await worker.fetch(
      new Request('https://shop.test/api/admin/clicks/recover', {
        method: 'POST',
        headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` },
        body: JSON.stringify({ clicks: [{ ...click('bad'), device: 'toaster' }] }),
      }),
      env,
      createExecutionContext(),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ issues: [{ path: 'clicks[0].device' }] });
  });
});

describe('queue consumer', () => {
  it('inserts a redelivered batch only once, and counts it once', async () => {
    const clicks = [click('redeliver'), click('redeliver')];
    const before = (await writeCounts(env.DB)).queue;
    for (let delivery = 1; delivery <= 3; delivery++) {
      expect((await deliver(CLICKS_QUEUE, [message('m1', clicks, delivery)])).explicitAcks).toEqual(['m1']);
    }
    expect(await countStored(clicks.map((c) => c.click_id))).toBe(2);
    expect((await writeCounts(env.DB)).queue).toBe(before + 2);
  });

  it('asks the queue to retry when D1 stays down, and acknowledges (and logs) malformed messages', async () => {
    const { db } = outageDb(() => true, 'D1_ERROR: storage caused object to be reset');
    const result = await deliver(
      CLICKS_QUEUE,
      [
        message('good', [click('down')]),
        // A malformed body, as an old or foreign producer might send.
        {
          id: 'bad',
          timestamp: new Date(),
          attempts: 1,
          body: JSON.parse('{"v":1,"clicks":"nope"}') as unknown,
        },
      ],
      db,
    );
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['good']);
    expect(result.explicitAcks).toEqual(['bad']);
  });
});

describe('a D1 outage longer than the main queue retries', () => {
  it('drains the dead-letter queue into D1 once D1 is back, each click exactly once', async () => {
    let d1Down = true;
    const { db } = outageDb(() => d1Down);
    const clicks = [click('outage'), click('outage'), click('outage')];
    const ids = clicks.map((c) => c.click_id);
    const messages = (attempts: number) => [
      message('o1', clicks.slice(0, 2), attempts),
      message('o2', clicks.slice(2), attempts),
    ];
    /** Deliveries 1 to `last` from `queue` while D1 is down, each acknowledging nothing and retrying both
     * messages; the delays (seconds) the consumer asks for, by `delayOf`. */
    const retriedWhileDown = async (queue: string, last: number, delayOf: (attempts: number) => number) => {
      const delays: number[] = [];
      for (let attempts = 1; attempts <= last; attempts++) {
        const result = await deliver(queue, messages(attempts), db);
        const delivery = `${queue} delivery ${attempts}`;
        expect(result.explicitAcks, delivery).toEqual([]);
        expect(
          result.retryMessages.map((m) => m.msgId),
          delivery,
        ).toEqual(['o1', 'o2']);
        delays.push(delayOf(attempts));
      }
      return delays;
    };

    // The main queue: every delivery fails and is retried, a minute apart at most; after max_retries = 10
    // the queue moves them to the dead-letter queue. (The test helper's batch does not record the delay
    // passed to retry(), so the schedule is checked through the functions the consumer passes it from.)
    expect(await retriedWhileDown(CLICKS_QUEUE, 11, retryDelaySeconds)).toEqual([
      2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60,
    ]);

    // The dead-letter queue: still down; retried hours apart, never dropped.
    const deadBefore = clickCounters.dead_lettered;
    expect(await retriedWhileDown(DEAD_LETTER_QUEUE, 6, deadLetterRetryDelaySeconds)).toEqual([
      900, 1800, 3600, 7200, 14400, 21600,
    ]);
    expect(clickCounters.dead_lettered).toBe(deadBefore + 3);
    expect(await countStored(ids)).toBe(0);

    // D1 returns: the next delivery stores everything; a redelivery stores nothing more.
    d1Down = false;
    const before = (await writeCounts(env.DB)).dead_letter;
    for (const attempts of [7, 8]) {
      expect((await deliver(DEAD_LETTER_QUEUE, messages(attempts), db)).explicitAcks).toEqual(['o1', 'o2']);
    }
    expect(await countStored(ids)).toBe(3);
    expect((await writeCounts(env.DB)).dead_letter).toBe(before + 3);
  });

  it('on the last dead-letter delivery logs every click for recovery instead of letting the queue drop it', async () => {
    const spy = vi.spyOn(console, 'error');
    const { db } = outageDb(() => true);
    const clicks = [click('final'), click('final')];
    const result = await deliver(DEAD_LETTER_QUEUE, [message('f1', clicks, DEAD_LETTER_MAX_RETRIES + 1)], db);
    expect(result.explicitAcks).toEqual(['f1']);
    expect(unsavedLines(spy)).toEqual(clicks);
  });
});

describe('D1 limits', () => {
  it('stores the largest batch the queue allows (100 messages x 100 clicks of maximal size) within every limit', async () => {
    const long = (prefix: string, n: number) => prefix.padEnd(n, 'z');
    const messages = Array.from({ length: 100 }, (_, m) =>
      message(
        `big-${m}`,
        Array.from({ length: MAX_CLICKS_PER_MESSAGE }, (_, i) => {
          const id = long(`big-${m}-${i}-`, 64);
          return click('big', {
            click_id: id,
            handle: long(link.handle, 64),
            product_id: long('p', 64),
            src: long('s', 32),
            referrer_host: long('r', 255),
            country: 'ZZZZZZZZ',
            device: 'unknown',
            visitor_hash: long(`v${m}-${i}-`, 64),
            bot_reason: long('b', 32),
            incomplete: [
              'visitor_hash:failed',
              'referrer_host:malformed',
              'src:invalid',
              'country:malformed',
              'describe:failed',
              'visitor_hash:no-secret',
              'src:invalid',
              'country:malformed',
            ],
          });
        }),
      ),
    );
    const ids = messages.flatMap((m) => m.body.clicks.map((c) => c.click_id));
    expect(ids).toHaveLength(10_000);
    // As one JSON value the batch is far over D1's 2 MB per value.
    expect(JSON.stringify(messages.flatMap((m) => m.body.clicks)).length).toBeGreaterThan(
      D1_LIMITS.valueBytes * 3,
    );

    const { db, statements } = outageDb(() => false);
    expect((await deliver(CLICKS_QUEUE, messages, db)).explicitAcks).toHaveLength(100);
    expect(await countStored(ids)).toBe(10_000);

    const encoder = new TextEncoder();
    expect(statements.length).toBeGreaterThan(3);
    for (const { sql, params } of statements) {
      expect(params.length).toBeLessThanOrEqual(D1_LIMITS.boundParameters);
      expect(encoder.encode(sql).length).toBeLessThanOrEqual(D1_LIMITS.sqlBytes);
      for (const p of params)
        expect(typeof p === 'string' ? encoder.encode(p).length : 8).toBeLessThanOrEqual(
          D1_LIMITS.valueBytes,
        );
    }
  });
});
