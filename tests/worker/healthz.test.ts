import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createExecutionContext } from 'cloudflare:test';
import { createWorker } from '../../worker/worker.ts';

describe('GET /healthz', () => {
  it('answers 200 when D1 is reachable', async () => {
    const res = await exports.default.fetch('http://shop.test/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toMatchObject({ status: 'ok', d1: 'ok', clicks: { failed: 0 } });
  });

  it('answers 503, not 500, when D1 is unreachable', async () => {
    const broken = {
      prepare: () => ({ first: () => Promise.reject(new Error('D1_ERROR: Network connection lost')) }),
    };
    const worker = createWorker(() => new Response(null, { status: 404 }));
    const res = await worker.fetch(
      new Request('http://shop.test/healthz'),
      { ...env, DB: broken as unknown as D1Database },
      createExecutionContext(),
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'degraded', d1: 'unreachable' });
  });
});
