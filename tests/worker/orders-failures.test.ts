/**
 * D1 failing under the webhook: transient errors are retried, a write that
 * landed but reported failure is not applied twice, and a store that stays
 * down answers 503 with Retry-After so the sender delivers again later.
 * Broken bindings are wrappers around the real D1.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it, vi } from 'vitest';
import { createWorker } from '../../worker/worker.ts';
import { orderFigures, ORIGIN, placed, type EventBody, uid } from './orders-helpers.ts';
import { eventCount } from './stored-rows.ts';

const worker = createWorker(() => new Response('fallback', { status: 404 }));

type BatchHook = (
  statements: D1PreparedStatement[],
  real: D1Database['batch'],
  call: number,
) => Promise<D1Result[]>;

function wrappedDb(hook: BatchHook): D1Database {
  let calls = 0;
  return new Proxy(env.DB, {
    get(target, key) {
      if (key === 'batch')
        return (statements: D1PreparedStatement[]) => hook(statements, target.batch.bind(target), ++calls);
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Write batches are the ones that insert: the read is a batch of one statement, a placed event's write several. */
function isWrite(statements: D1PreparedStatement[]): boolean {
  return statements.length > 1;
}

async function deliver(body: EventBody, db: D1Database, id = uid('msg')) {
  const payload = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  const request = new Request(`${ORIGIN}/webhooks/orders`, {
    method: 'POST',
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': new Webhook(env.ORDER_WEBHOOK_SECRET).sign(
        id,
        new Date(timestamp * 1000),
        payload,
      ),
    },
    body: payload,
  });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, { ...env, DB: db }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe('webhook under D1 failures', () => {
  it('retries a transient write failure and applies the event once', async () => {
    let failures = 0;
    const db = wrappedDb((statements, real) => {
      if (isWrite(statements) && failures < 2) {
        failures++;
        return Promise.reject(new Error('D1_ERROR: Network connection lost.'));
      }
      return real(statements);
    });
    const body = placed();
    const id = uid('msg');
    const res = await deliver(body, db, id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'processed' });
    expect(failures).toBe(2);
    expect(await eventCount(id)).toBe(1);
    expect(await orderFigures(body.order_id)).toMatchObject({ pending: 112 });
  });

  it('does not apply twice when a write landed but the answer was lost', async () => {
    let lost = false;
    const db = wrappedDb(async (statements, real) => {
      const result = await real(statements);
      if (isWrite(statements) && !lost) {
        lost = true;
        throw new Error('D1_ERROR: internal error; reference = 1234');
      }
      return result;
    });
    const body = placed();
    const id = uid('msg');
    const res = await deliver(body, db, id);
    expect(res.status).toBe(200);
    // The retry finds the row its own first attempt wrote: still "processed", not "duplicate".
    expect(await res.json()).toEqual({ status: 'processed' });
    expect(lost).toBe(true);
    expect(await eventCount(id)).toBe(1);
    expect(await orderFigures(body.order_id)).toMatchObject({ pending: 112 });
  });

  it('answers 503 with Retry-After when D1 stays down, and the redelivery is then processed', async () => {
    const down = wrappedDb(() =>
      Promise.reject(new Error('D1_ERROR: D1 is overloaded. Too many requests queued.')),
    );
    const body = placed();
    const id = uid('msg');
    const res = await deliver(body, down, id);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await res.json()).toMatchObject({ error: expect.any(String) });
    expect(await eventCount(id)).toBe(0);

    const retry = await deliver(body, env.DB, id);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ status: 'processed' });
    expect(await eventCount(id)).toBe(1);
  });

  it('does not retry a permanent error as if it were transient', async () => {
    let writes = 0;
    const db = wrappedDb((statements, real) => {
      if (isWrite(statements)) {
        writes++;
        return Promise.reject(new Error('D1_ERROR: no such table: order_events: SQLITE_ERROR'));
      }
      return real(statements);
    });
    const logged: string[] = [];
    const spy = vi
      .spyOn(console, 'error')
      .mockImplementation((line: unknown) => void logged.push(String(line)));
    const res = await deliver(placed(), db);
    spy.mockRestore();
    expect(res.status).toBe(500);
    expect(writes).toBe(1);
    // Answered before the general router, as the app's onError answers (one unhandledError):
    // the same body and log line, and the security headers of a JSON answer, each once.
    expect(await res.json()).toEqual({ error: 'internal error' });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(logged.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        level: 'error',
        event: 'worker.unhandled_error',
        path: '/webhooks/orders',
        error: 'Error: D1_ERROR: no such table: order_events: SQLITE_ERROR',
      },
    ]);
  });
});
