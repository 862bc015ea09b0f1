/**
 * Fault injection against the real system (CONTRACT.md section 10): a `wrangler dev` of its own,
 * whose local D1 file this test holds locked (an exclusive SQLite transaction from Node) for
 * 45 seconds while shoppers click tracked links and the retailer sends signed order events.
 * Redirects never wait; the clicks wait in the real local queue (the consumer's retries) and the
 * events are answered 503 + Retry-After and sent again, as a Standard Webhooks sender does. When
 * the lock is released, every click and every event must be in D1 exactly once.
 */
import { DatabaseSync } from 'node:sqlite';
import { postOrderEvent } from '../../scripts/lib/harness/webhook.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { d1File as d1FileUnder } from '../../scripts/lib/harness/d1.ts';
import { startLocalSystem, type LocalSystem } from '../../scripts/lib/harness/local-system.ts';

const LOCK_MS = 45_000;
const HANDLE = 'jess-home-lab';
const TRACKING_ID = 'jesshomelab-20';
const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let system: LocalSystem;

beforeAll(async () => {
  // The global setup has built dist/ already.
  system = await startLocalSystem({ build: false });
}, 120_000);
afterAll(async () => {
  await system?.stop();
});

/** The local D1's SQLite file under this system's state directory. */
function d1File(): string {
  const file = d1FileUnder(system.persistTo);
  if (!file) throw new Error(`no D1 database file under ${system.persistTo}`);
  return file;
}

async function productIds(): Promise<string[]> {
  const page = await (await fetch(`${system.url}/shop/${HANDLE}/`)).text();
  const ids = [...page.matchAll(new RegExp(`/go/${HANDLE}/([A-Za-z0-9_-]+)`, 'g'))].map((m) => m[1]!);
  return [...new Set(ids)];
}

async function click(product: string): Promise<string> {
  const res = await fetch(`${system.url}/go/${HANDLE}/${product}?src=outage`, {
    redirect: 'manual',
    headers: { 'user-agent': BROWSER_UA },
  });
  expect(res.status).toBe(302);
  const id = new URL(res.headers.get('location') ?? '').searchParams.get('ascsubtag');
  if (!id) throw new Error(`no click id in ${res.headers.get('location')}`);
  return id;
}

/** Sends one signed event until it is accepted, honouring Retry-After (capped, to keep the test short). */
async function deliver(id: string, body: string, statuses: number[]): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const res = await postOrderEvent(system.url, system.secrets.ORDER_WEBHOOK_SECRET ?? '', id, body);
    statuses.push(res.status);
    if (res.status === 200 || res.status === 202) return;
    expect(res.status, await res.text()).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    if (Date.now() > deadline) throw new Error(`event ${id} never accepted`);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(5, Number(res.headers.get('retry-after'))) * 1000),
    );
  }
}

describe('a D1 outage of 45 seconds', () => {
  it('loses no click and no order event, and stores each exactly once', async () => {
    const products = await productIds();
    expect(products.length).toBeGreaterThan(2);

    const lock = new DatabaseSync(d1File(), { timeout: 0 });
    lock.exec('BEGIN EXCLUSIVE');
    const lockedAt = Date.now();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      lock.exec('COMMIT');
      lock.close();
    };
    try {
      // While D1 is locked: health says so, redirects still answer at once, events are refused for later.
      // /healthz probes D1 at most once per 5 s per isolate (CONTRACT section 16): it says so
      // within that time.
      let health = await fetch(`${system.url}/healthz`);
      for (let i = 0; i < 16 && health.status !== 503; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        health = await fetch(`${system.url}/healthz`);
      }
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ d1: 'unreachable' });

      const clickIds: string[] = [];
      const events: { id: string; body: string }[] = [];
      const statuses: number[][] = [];
      const deliveries: Promise<void>[] = [];
      let n = 0;
      while (Date.now() - lockedAt < LOCK_MS - 8_000) {
        const started = Date.now();
        clickIds.push(await click(products[n % products.length]!));
        expect(Date.now() - started).toBeLessThan(2_000);
        if (n % 4 === 0) {
          const id = `msg_outage_${n}_${Date.now()}`;
          const body = JSON.stringify({
            type: 'order.placed',
            order_id: `outage-${n}-${Date.now()}`,
            ordered_at: new Date().toISOString(),
            occurred_at: new Date().toISOString(),
            tracking_id: TRACKING_ID,
            click_id: clickIds[clickIds.length - 1],
            currency: 'USD',
            items: [{ product_id: 'OUTAGE-PRODUCT', category: 'pc', quantity: 1, unit_price: 1999 }],
          });
          events.push({ id, body });
          const seen: number[] = [];
          statuses.push(seen);
          deliveries.push(deliver(id, body, seen));
        }
        n++;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, LOCK_MS - (Date.now() - lockedAt))));
      release();
      await Promise.all(deliveries);
      // Every event was refused at least once while D1 was locked, and then accepted.
      expect(statuses.every((s) => s.includes(503))).toBe(true);

      // The clicks arrive through the queue's retries; wait for them, then count.
      const reader = new DatabaseSync(d1File(), { readOnly: true, timeout: 5_000 });
      const count = (sql: string, ids: string[]) =>
        new Map(
          (reader.prepare(sql).all(JSON.stringify(ids)) as { id: string; n: number }[]).map((r) => [
            r.id,
            r.n,
          ]),
        );
      const clickSql =
        'SELECT click_id AS id, count(*) AS n FROM clicks WHERE click_id IN (SELECT value FROM json_each(?)) GROUP BY click_id';
      const deadline = Date.now() + 150_000;
      let stored = count(clickSql, clickIds);
      while (stored.size < clickIds.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        stored = count(clickSql, clickIds);
      }
      expect(clickIds.length).toBeGreaterThan(40);
      expect(stored.size).toBe(clickIds.length);
      expect([...stored.values()].every((c) => c === 1)).toBe(true);

      const eventIds = events.map((e) => e.id);
      const storedEvents = count(
        'SELECT event_id AS id, count(*) AS n FROM order_events WHERE event_id IN (SELECT value FROM json_each(?)) GROUP BY event_id',
        eventIds,
      );
      expect(storedEvents.size).toBe(eventIds.length);
      expect([...storedEvents.values()].every((c) => c === 1)).toBe(true);
      reader.close();

      // The click counters are shown with the admin token only.
      const after = await fetch(`${system.url}/healthz`, {
        headers: { authorization: `Bearer ${system.secrets.ADMIN_TOKEN ?? ''}` },
      });
      expect(after.status).toBe(200);
      expect(await after.json()).toMatchObject({ d1: 'ok', clicks: { failed: 0 } });
    } finally {
      release();
    }
  }, 300_000);
});
