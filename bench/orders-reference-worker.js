// References O1 and O2 of bench/orders.ts (issue 26): the platform work an order event cannot
// avoid, with none of our code. Both verify the same Standard Webhooks signature as
// worker/orders/signature.ts (HMAC-SHA256 keyed by the base64 part of the same whsec_ secret, over
// "<webhook-id>.<webhook-timestamp>.<raw body>", 5 minutes' tolerance, crypto.subtle.verify).
//   O1 (REFERENCE = "o1"): then inserts one row per event into D1.
//   O2 (REFERENCE = "o2"): then issues the statements worker/orders/store.ts issues per event, of
//   the same shape and count, against the same migrated schema: one write batch of the event row
//   (19 bound parameters; after the order's last event, guarded by the same subquery on it), the
//   order's terms and line terms (json_each) when the order is new, and its ledger entries
//   (json_each), planned on what this isolate last wrote for the order, or on nothing stored for
//   a placement: placed 4 statements, shipped and returned 2, one batch each. When neither is
//   known, or the write finds the order moved on, it reads first (a batch of the six SELECTs it
//   read before the lever; the shopfront reads with one statement, and neither reads in the bench).
//   The ledger figures are simple (a fixed rate): the bench checks them only for the shopfront;
//   what O2 measures is the platform's cost of that statement pattern.
// Each answer carries x-bench-d1-statements / x-bench-d1-batches, as bench/orders-worker.ts does.
// Plain JS: bench config, bundled by wrangler like the shopfront's bench worker.
const TOLERANCE_SECONDS = 5 * 60;
const RATE_BPS = 500;
const encoder = new TextEncoder();
let key;
let table;

function hmacKey(secret) {
  const bytes = Uint8Array.from(atob(secret.replace(/^whsec_/, '')), (c) => c.charCodeAt(0));
  key ??= crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return key;
}

async function verified(request, body, secret) {
  const id = request.headers.get('webhook-id');
  const timestamp = request.headers.get('webhook-timestamp');
  const signatures = request.headers.get('webhook-signature');
  if (!id || !timestamp || !signatures || !/^\d{1,12}$/.test(timestamp)) return null;
  if (Math.abs(Math.floor(Date.now() / 1000) - Number(timestamp)) > TOLERANCE_SECONDS) return null;
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const content = new Uint8Array(prefix.length + body.length);
  content.set(prefix);
  content.set(body, prefix.length);
  for (const candidate of signatures.split(' ')) {
    if (!candidate.startsWith('v1,')) continue;
    const signature = Uint8Array.from(atob(candidate.slice(3)), (c) => c.charCodeAt(0));
    if (await crypto.subtle.verify('HMAC', await hmacKey(secret), signature, content)) return id;
  }
  return null;
}

// ------------------------------------------------------------------ O1

async function o1(db, id, body) {
  table ??= db
    .prepare(
      'CREATE TABLE IF NOT EXISTS reference_events (event_id TEXT PRIMARY KEY, body TEXT NOT NULL, received_at INTEGER NOT NULL)',
    )
    .run();
  await table;
  await db
    .prepare('INSERT OR IGNORE INTO reference_events (event_id, body, received_at) VALUES (?1, ?2, ?3)')
    .bind(id, body, Date.now())
    .run();
  return { statements: 1, batches: 1 };
}

// ------------------------------------------------------------------ O2: the same SQL as worker/orders/store.ts

const json = (c) => `json_extract(value, '$.${c}')`;
const jsonInsert = (name, columns) =>
  `INSERT INTO ${name} (${columns.join(', ')}) SELECT ${columns.map(json).join(', ')} FROM json_each(?1)`;
const ORDER_TERMS_COLUMNS = [
  'order_id',
  'handle',
  'tracking_id',
  'retailer',
  'ordered_at',
  'program',
  'event_id',
  'recorded_at',
];
const LINE_TERMS_COLUMNS = [
  'order_id',
  'product_id',
  'category',
  'rate_bps',
  'rate_source',
  'rate_retailer',
  'rate_effective_from',
  'rate_program',
  'event_id',
  'recorded_at',
];
const EVENT_COLUMNS = [
  'event_id',
  'source',
  'order_id',
  'order_seq',
  'type',
  'ordered_at',
  'occurred_at',
  'tracking_id',
  'click_id',
  'retailer',
  'currency',
  'items_json',
  'status',
  'handle',
  'attribution',
  'attributed_click_id',
  'attribution_note',
  'body',
  'received_at',
];
const LEDGER_COLUMNS = [
  'order_id',
  'product_id',
  'handle',
  'bucket',
  'effective_at',
  'ordered_at',
  'quantity',
  'amount_minor',
  'revenue_minor',
  'currency',
  'category',
  'unit_price_minor',
  'rate_bps',
  'event_id',
  'created_at',
];
const READS = [
  'SELECT event_id, received_at, status FROM order_events WHERE event_id IN (SELECT value FROM json_each(?1))',
  `SELECT event_id, order_seq, type, order_id, ordered_at, occurred_at, tracking_id, click_id, retailer, currency, items_json
FROM order_events WHERE order_id IN (SELECT value FROM json_each(?1))`,
  `SELECT order_id, handle, ordered_at, product_id, bucket, effective_at,
       SUM(quantity) AS quantity, SUM(amount_minor) AS amount_minor, SUM(revenue_minor) AS revenue_minor
FROM ledger_entries WHERE order_id IN (SELECT value FROM json_each(?1))
GROUP BY order_id, handle, ordered_at, product_id, bucket, effective_at`,
  'SELECT click_id, handle, at FROM clicks WHERE click_id IN (SELECT value FROM json_each(?1))',
  `SELECT ${ORDER_TERMS_COLUMNS.join(', ')} FROM order_terms WHERE order_id IN (SELECT value FROM json_each(?1))`,
  `SELECT ${LINE_TERMS_COLUMNS.join(', ')} FROM order_line_terms WHERE order_id IN (SELECT value FROM json_each(?1))`,
];
const INSERT_EVENT = `INSERT INTO order_events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map((_, i) => `?${i + 1}`).join(', ')})`;
const INSERT_NEXT_EVENT = `INSERT INTO order_events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(
  (c, i) =>
    c === 'order_seq'
      ? '(SELECT ?4 FROM order_events WHERE order_id = ?3 AND order_seq = ?4 - 1 AND event_id = ?20)'
      : `?${i + 1}`,
).join(', ')})`;
const INSERT_ORDER_TERMS = jsonInsert('order_terms', ORDER_TERMS_COLUMNS);
const INSERT_LINE_TERMS = jsonInsert('order_line_terms', LINE_TERMS_COLUMNS);
const INSERT_ENTRIES = jsonInsert('ledger_entries', LEDGER_COLUMNS);
const BUCKET = {
  'order.placed': 'pending',
  'order.shipped': 'earned',
  'order.returned': 'reversed',
  'order.cancelled': 'void',
};

/** Per order, its last event this isolate wrote (as worker/orders/recent-orders.ts remembers). */
const recent = new Map();

async function o2(db, id, text, now) {
  const event = JSON.parse(text);
  // Times travel as ISO 8601 and are stored as Unix ms, as worker/orders parses them.
  event.ordered_at = Date.parse(event.ordered_at);
  event.occurred_at = Date.parse(event.occurred_at);
  const handle = `ref-${event.tracking_id}`;
  // Every statement issued counts, a lost race's too (the shopfront's count does the same).
  const count = { statements: 0, batches: 0 };
  for (let round = 1; ; round++) {
    let last = round === 1 ? recent.get(event.order_id) : undefined;
    if (!last && !(round === 1 && event.type === 'order.placed')) {
      const orders = JSON.stringify([event.order_id]);
      const [, stored, , , terms] = await db.batch([
        db.prepare(READS[0]).bind(JSON.stringify([id])),
        db.prepare(READS[1]).bind(orders),
        db.prepare(READS[2]).bind(orders),
        db.prepare(READS[3]).bind(JSON.stringify(event.click_id ? [event.click_id] : [])),
        db.prepare(READS[4]).bind(orders),
        db.prepare(READS[5]).bind(orders),
      ]);
      count.statements += READS.length;
      count.batches += 1;
      const top = stored.results.reduce((a, r) => (a && a.order_seq > r.order_seq ? a : r), null);
      last = top && { seq: top.order_seq, event_id: top.event_id, terms: terms.results.length > 0 };
    }
    const seq = (last?.seq ?? 0) + 1;
    const row = {
      event_id: id,
      source: 'webhook',
      order_id: event.order_id,
      order_seq: seq,
      type: event.type,
      ordered_at: event.ordered_at,
      occurred_at: event.occurred_at,
      tracking_id: event.tracking_id,
      click_id: event.click_id ?? null,
      retailer: event.retailer ?? null,
      currency: event.currency,
      items_json: JSON.stringify(event.items),
      status: 'processed',
      handle,
      attribution: 'tracking_id',
      attributed_click_id: null,
      attribution_note: 'reference',
      body: text,
      received_at: now,
    };
    const values = EVENT_COLUMNS.map((c) => row[c]);
    const writes = [
      last
        ? db.prepare(INSERT_NEXT_EVENT).bind(...values, last.event_id)
        : db.prepare(INSERT_EVENT).bind(...values),
    ];
    if (!last?.terms) {
      const order = {
        order_id: event.order_id,
        handle,
        tracking_id: event.tracking_id,
        retailer: null,
        ordered_at: event.ordered_at,
        program: null,
        event_id: id,
        recorded_at: now,
      };
      const lines = event.items.map((item) => ({
        order_id: event.order_id,
        product_id: item.product_id,
        category: item.category,
        rate_bps: RATE_BPS,
        rate_source: 'default',
        rate_retailer: null,
        rate_effective_from: '2026-01-01',
        rate_program: null,
        event_id: id,
        recorded_at: now,
      }));
      writes.push(db.prepare(INSERT_ORDER_TERMS).bind(JSON.stringify([order])));
      writes.push(db.prepare(INSERT_LINE_TERMS).bind(JSON.stringify(lines)));
    }
    const sign = event.type === 'order.returned' || event.type === 'order.cancelled' ? -1 : 1;
    const entries = event.items.map((item) => ({
      order_id: event.order_id,
      product_id: item.product_id,
      handle,
      bucket: BUCKET[event.type],
      effective_at: event.occurred_at,
      ordered_at: event.ordered_at,
      quantity: sign * item.quantity,
      amount_minor: Math.floor((sign * item.quantity * item.unit_price * RATE_BPS) / 10000),
      revenue_minor: sign * item.quantity * item.unit_price,
      currency: event.currency,
      category: item.category,
      unit_price_minor: item.unit_price,
      rate_bps: RATE_BPS,
      event_id: id,
      created_at: now,
    }));
    writes.push(db.prepare(INSERT_ENTRIES).bind(JSON.stringify(entries)));
    count.statements += writes.length;
    count.batches += 1;
    try {
      await db.batch(writes);
      recent.set(event.order_id, { seq, event_id: id, terms: true });
      if (recent.size > 4096) recent.delete(recent.keys().next().value);
      return count;
    } catch (error) {
      if (!/UNIQUE constraint failed|NOT NULL constraint failed/i.test(String(error)) || round >= 8)
        throw error;
    }
  }
}

export default {
  async fetch(request, env) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    const id = await verified(request, bytes, env.ORDER_WEBHOOK_SECRET);
    if (!id) return new Response('signature check failed', { status: 401 });
    let count;
    try {
      count =
        env.REFERENCE === 'o2'
          ? await o2(env.DB, id, new TextDecoder().decode(bytes), Date.now())
          : await o1(env.DB, id, new TextDecoder().decode(bytes));
    } catch (error) {
      return new Response(`reference ${env.REFERENCE}: ${String(error)}`, { status: 500 });
    }
    return Response.json(
      { status: 'processed' },
      {
        headers: {
          'x-bench-d1-statements': String(count.statements),
          'x-bench-d1-batches': String(count.batches),
        },
      },
    );
  },
};
