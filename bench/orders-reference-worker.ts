/**
 * References O1 and O2 of bench/orders.ts (issue 26). Both verify the Standard Webhooks signature
 * as worker/orders/signature.ts does (HMAC-SHA256 keyed by the base64 part of the whsec_ secret,
 * over "<webhook-id>.<webhook-timestamp>.<raw body>", 5 minutes' tolerance), written out here, then:
 *   O1 (REFERENCE = "o1") inserts one row per event; no code of ours runs for an event.
 *   O2 (REFERENCE = "o2") issues the webhook path's statements, built by our own code so they
 *     cannot drift: planOrder (domain/orders/apply.ts) and the store's writeStatements (one
 *     guarded write batch), planned on what it wrote for the order (kept in the store's memory,
 *     worker/orders/recent-orders.ts); it never reads (an event it cannot plan so answers 500).
 *     Left out, so shopfront / O2 measures it: the app's glue (Hono, settings, body and zod
 *     checks, marketplace and admission checks, the store's prediction, read and retry logic).
 * Each answer carries x-bench-d1-statements / x-bench-d1-batches, as bench/orders-worker.ts does.
 */
import { planOrder } from '../domain/orders/apply.ts';
import type { OrderEvent } from '../domain/orders/event.ts';
import { sumEntries } from '../domain/orders/ledger.ts';
import { program } from '../worker/orders/program.ts';
import { recall, remember } from '../worker/orders/recent-orders.ts';
import { writeStatements } from '../worker/orders/store.ts';

const TOLERANCE_SECONDS = 5 * 60;
type Times = 'ordered_at' | 'occurred_at';
const HMAC = { name: 'HMAC', hash: 'SHA-256' };
const CREATE = `CREATE TABLE IF NOT EXISTS reference_events
  (event_id TEXT PRIMARY KEY, body TEXT NOT NULL, received_at INTEGER NOT NULL)`;
const INSERT = 'INSERT OR IGNORE INTO reference_events (event_id, body, received_at) VALUES (?1, ?2, ?3)';
const encoder = new TextEncoder();
const base64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
let key: Promise<CryptoKey> | undefined;
let table: Promise<unknown> | undefined;

/** The webhook id when a v1 signature matches, else null. */
async function verified(headers: Headers, body: Uint8Array, secret: string): Promise<string | null> {
  const id = headers.get('webhook-id');
  const timestamp = headers.get('webhook-timestamp');
  const signatures = headers.get('webhook-signature');
  if (!id || !timestamp || !signatures || !/^\d{1,12}$/.test(timestamp)) return null;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return null;
  key ??= crypto.subtle.importKey('raw', base64(secret.replace(/^whsec_/, '')), HMAC, false, ['verify']);
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const content = new Uint8Array(prefix.length + body.length);
  content.set(prefix);
  content.set(body, prefix.length);
  for (const candidate of signatures.split(' ')) {
    const signature = candidate.startsWith('v1,') ? base64(candidate.slice(3)) : null;
    if (signature && (await crypto.subtle.verify('HMAC', await key, signature, content))) return id;
  }
  return null;
}

/** O1: one row per event. Returns the statements issued. */
async function o1(db: D1Database, id: string, body: string): Promise<number> {
  await (table ??= db.prepare(CREATE).run());
  await db.prepare(INSERT).bind(id, body, Date.now()).run();
  return 1;
}

/** O2: our statements for the event, in one batch. Returns the statements issued. */
async function o2(db: D1Database, id: string, body: string): Promise<number> {
  // The event as the bench sends it (contract JSON with ISO times), taken as it is: no validation.
  const json = JSON.parse(body) as Omit<OrderEvent, Times> & Record<Times, string>;
  const { click_id = null, retailer = null } = json;
  const times = { ordered_at: Date.parse(json.ordered_at), occurred_at: Date.parse(json.occurred_at) };
  const event: OrderEvent = { ...json, ...times, click_id, retailer };
  const before = recall(event.order_id);
  if (!before && event.type !== 'order.placed')
    throw new Error(`order ${event.order_id}: not written here, and O2 never reads`);
  const { stored = [], sums = [], terms = null } = before ?? {};
  const incoming = [{ event_id: id, source: 'webhook' as const, body, received_at: Date.now(), event }];
  const state = { stored, current: sums, terms, knownIds: new Set<string>(), clicks: new Map() };
  const plan = planOrder({ program, incoming, ...state });
  const last = stored.at(-1);
  const statements = writeStatements(db, plan, new Map(last ? [[event.order_id, last.event_id]] : []));
  await db.batch(statements);
  const order = terms?.order ?? plan.orderTerms[0];
  const lines = new Map([...(terms?.lines ?? []), ...plan.lineTerms.map((l) => [l.product_id, l] as const)]);
  remember(event.order_id, {
    stored: [...stored, ...plan.events.map((e) => ({ event_id: e.event_id, order_seq: e.order_seq, event }))],
    sums: sumEntries([...sums, ...plan.entries]),
    terms: order ? { order, lines } : null,
  });
  return statements.length;
}

export default {
  async fetch(request, env) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    const id = await verified(request.headers, bytes, env.ORDER_WEBHOOK_SECRET);
    if (!id) return new Response('signature check failed', { status: 401 });
    const body = new TextDecoder().decode(bytes);
    try {
      const statements = await (env.REFERENCE === 'o2' ? o2 : o1)(env.DB, id, body);
      const headers = { 'x-bench-d1-statements': String(statements), 'x-bench-d1-batches': '1' };
      return Response.json({ status: 'processed' }, { headers });
    } catch (error) {
      return new Response(`reference ${env.REFERENCE}: ${String(error)}`, { status: 500 });
    }
  },
} satisfies ExportedHandler<{ DB: D1Database; REFERENCE: 'o1' | 'o2'; ORDER_WEBHOOK_SECRET: string }>;
