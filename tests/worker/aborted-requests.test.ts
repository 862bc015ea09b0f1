/**
 * CONTRACT.md section 10: a request cancelled mid-flight (the client disconnects) never
 * delays or fails other requests. Many concurrent webhook deliveries and redirects go
 * through the real worker (exports.default, so each is its own request in workerd);
 * some are aborted while in flight. Every other one must answer normally, promptly, and
 * be stored exactly once.
 */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { BROWSER_UA, clickIdOf, waitForClicks } from './helpers.ts';
import { ORIGIN, placed, signedWebhook, uid } from './orders-helpers.ts';

const links = inject('expectedLinks');

function post(id: string, body: string, signal?: AbortSignal): Promise<Response> {
  return exports.default.fetch(`${ORIGIN}/webhooks/orders`, { ...signedWebhook(body, { id }), signal });
}

async function storedEvents(ids: readonly string[]): Promise<Map<string, number>> {
  const { results } = await env.DB.prepare(
    `SELECT event_id, count(*) AS n FROM order_events
     WHERE event_id IN (SELECT value FROM json_each(?1)) GROUP BY event_id`,
  )
    .bind(JSON.stringify(ids))
    .all<{ event_id: string; n: number }>();
  return new Map(results.map((r) => [r.event_id, r.n]));
}

describe('requests cancelled mid-flight', () => {
  it('never delay or fail the other webhook deliveries', async () => {
    // Waves of concurrent deliveries, a third of them cancelled at staggered moments, so that
    // cancellations land while other deliveries are reading, verifying and writing.
    const deliveries = Array.from({ length: 72 }, (_, i) => ({
      id: uid('abort'),
      body: JSON.stringify(placed()),
      abort: i % 3 === 0 ? new AbortController() : null,
      wave: Math.floor(i / 8),
    }));
    const started = Date.now();
    const answers: Promise<{ status: number; body: string; ms: number }>[] = [];
    for (let wave = 0; wave * 8 < deliveries.length; wave++) {
      for (const [i, d] of deliveries.entries()) {
        if (d.wave !== wave) continue;
        const sent = Date.now();
        answers[i] = post(d.id, d.body, d.abort?.signal).then(
          async (res) => ({ status: res.status, body: await res.text(), ms: Date.now() - sent }),
          (error: unknown) => ({ status: 0, body: String(error), ms: Date.now() - sent }),
        );
        if (d.abort) setTimeout(() => d.abort?.abort(), (i * 11) % 60);
      }
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    const results = await Promise.all(answers);
    expect(Date.now() - started).toBeLessThan(30_000);

    const kept = deliveries.flatMap((d, i) => (d.abort ? [] : [{ ...d, result: results[i]! }]));
    for (const k of kept) {
      expect(k.result.status, k.result.body).toBe(200);
      expect(JSON.parse(k.result.body)).toEqual({ status: 'processed' });
    }
    const stored = await storedEvents(deliveries.map((d) => d.id));
    for (const k of kept) expect(stored.get(k.id), k.id).toBe(1);
    // A cancelled delivery is either stored once or not at all; the sender's retry settles it.
    for (const d of deliveries.filter((x) => x.abort)) {
      expect(stored.get(d.id) ?? 0).toBeLessThanOrEqual(1);
      const retry = await post(d.id, d.body);
      expect(retry.status).toBe(200);
      expect(['processed', 'duplicate']).toContain((await retry.json<{ status: string }>()).status);
    }
    const after = await storedEvents(deliveries.map((d) => d.id));
    expect(after.size).toBe(deliveries.length);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
  });

  it('never delay or fail the other redirects, and every answered click is stored', async () => {
    const picks = links.slice(0, 40);
    const aborts = picks.map((_, i) => (i % 2 === 0 ? new AbortController() : null));
    const answers = picks.map(async (link, i) => {
      try {
        const res = await exports.default.fetch(`${ORIGIN}/go/${link.handle}/${link.product}`, {
          redirect: 'manual',
          signal: aborts[i]?.signal,
          headers: { 'user-agent': BROWSER_UA },
        });
        return { status: res.status, id: clickIdOf(res.headers.get('location'), link.subtag) };
      } catch {
        return { status: 0, id: null };
      }
    });
    for (const [i, a] of aborts.entries()) setTimeout(() => a?.abort(), i % 5);
    const results = await Promise.all(answers);
    results.forEach((r, i) => {
      if (!aborts[i]) expect(r.status).toBe(302);
    });
    const answered = results.flatMap((r) => (r.id ? [r.id] : []));
    expect(answered.length).toBeGreaterThanOrEqual(20);
    const rows = await waitForClicks(answered);
    expect(new Set(rows.map((r) => r.click_id)).size).toBe(answered.length);
  });
});
