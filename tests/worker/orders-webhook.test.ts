/**
 * The webhook's contract answers (CONTRACT.md section 4), signed with the
 * reference implementation of Standard Webhooks (the standardwebhooks package).
 */
import { env, exports } from 'cloudflare:workers';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { MAX_SIGNATURES, signWebhook } from '../../worker/orders/signature.ts';
import { ALICE, orderFigures, ORIGIN, placed, send, signedWebhook, uid } from './orders-helpers.ts';
import { entryCount, eventCount } from './stored-rows.ts';

const OTHER_SECRET = 'whsec_' + btoa('another secret, e.g. the one being rotated out');
const now = () => Math.floor(Date.now() / 1000);

describe('POST /webhooks/orders: answers', () => {
  it('200 processed for a signed event; keeps the raw body exactly and derives pending commission', async () => {
    const body = placed();
    const raw = JSON.stringify(body, null, 2); // whitespace is part of the signed bytes and is kept
    const id = uid('msg');
    const res = await send(raw, { id });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'processed' });
    const row = await env.DB.prepare('SELECT * FROM order_events WHERE event_id = ?1').bind(id).first();
    expect(row).toMatchObject({
      status: 'processed',
      handle: ALICE.handle,
      body: raw,
      source: 'webhook',
      order_seq: 1,
    });
    // 24.99 x 4.5% (kitchen) = 1.12455 -> 112
    expect(await orderFigures(body.order_id)).toEqual({
      pending: 112,
      earned: 0,
      reversed: 0,
      void: 0,
      net: 0,
    });
  });

  it('answers before the general router with the JSON security headers, also at "/webhooks/orders/"', async () => {
    for (const path of ['/webhooks/orders', '/webhooks/orders/']) {
      const res = await exports.default.fetch(`${ORIGIN}${path}`, signedWebhook(placed()));
      expect(res.status, path).toBe(200);
      expect(await res.json()).toEqual({ status: 'processed' });
      expect(res.headers.get('content-type')).toBe('application/json');
      // Set in place, each once (a second set would join the policies with a comma).
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox",
      );
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
      expect(res.headers.get('permissions-policy')).toContain('camera=()');
    }
    // Any other method is not the webhook: the router's answer (here the static assets' 404).
    const get = await exports.default.fetch(`${ORIGIN}/webhooks/orders`);
    expect(get.status).toBe(404);
    expect(get.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('200 duplicate for the same webhook-id, with no second effect, even if the body differs', async () => {
    const first = placed();
    const id = uid('msg');
    expect((await send(first, { id })).status).toBe(200);
    const entries = await entryCount(first.order_id);
    const again = await send(first, { id });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    const changed = await send({ ...first, type: 'order.shipped' }, { id });
    expect(await changed.json()).toEqual({ status: 'duplicate' });
    expect(await eventCount(id)).toBe(1);
    expect(await entryCount(first.order_id)).toBe(entries);
    expect(await orderFigures(first.order_id)).toMatchObject({ pending: 112, earned: 0 });
  });

  it('202 unattributed for an unknown tracking id: stored, no ledger, listed for admins', async () => {
    const body = placed({ tracking_id: 'nobody-we-know-20' });
    const id = uid('msg');
    const res = await send(body, { id });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'unattributed' });
    expect(await eventCount(id)).toBe(1);
    expect(await entryCount(body.order_id)).toBe(0);

    const list = await exports.default.fetch(`${ORIGIN}/api/admin/orders/unattributed`, {
      headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` },
    });
    expect(list.status).toBe(200);
    const { events } = await list.json<{
      events: { event_id: string; tracking_id: string; body: string }[];
    }>();
    expect(events.find((e) => e.event_id === id)).toMatchObject({
      tracking_id: 'nobody-we-know-20',
      body: JSON.stringify(body),
    });
    const anonymous = await exports.default.fetch(`${ORIGIN}/api/admin/orders/unattributed`);
    expect(anonymous.status).toBe(401);
  });

  it('400 for malformed JSON, naming the body', async () => {
    const res = await send('{"type": "order.placed",');
    expect(res.status).toBe(400);
    const body = await res.json<{ error: string; issues: { path: string; message: string }[] }>();
    expect(body.error).toBe('malformed JSON');
    expect(body.issues[0]?.path).toBe('(body)');
  });

  it('400 for schema failures, with one issue per bad field', async () => {
    const bad = {
      ...placed(),
      type: 'order.lost',
      ordered_at: '2026-11-03 14:22',
      items: [
        { product_id: 'B00006JSUA', category: 'kitchen', quantity: 0, unit_price: 24.99 },
        { product_id: 'B00006JSUA', category: 'kitchen', quantity: 1, unit_price: 100 },
      ],
    };
    const res = await send(JSON.stringify(bad));
    expect(res.status).toBe(400);
    const { error, issues } = await res.json<{
      error: string;
      issues: { path: string; message: string }[];
    }>();
    expect(error).toBe('invalid order event');
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['type', 'ordered_at', 'items[0].quantity', 'items[0].unit_price']),
    );
    for (const issue of issues) expect(issue.message).toEqual(expect.any(String));
  });

  it('400 for a duplicate product in one event and occurred_at before ordered_at; 422 for a foreign currency', async () => {
    const twice = placed({
      items: [
        { product_id: 'B00006JSUA', category: 'kitchen', quantity: 1, unit_price: 100 },
        { product_id: 'B00006JSUA', category: 'kitchen', quantity: 2, unit_price: 100 },
      ],
    });
    const a = await send(twice);
    expect(a.status).toBe(400);
    expect((await a.json<{ issues: { path: string }[] }>()).issues.map((i) => i.path)).toEqual([
      'items[1].product_id',
    ]);

    const early = await send(placed({ occurred_at: '2026-11-03T14:22:09Z' }));
    expect((await early.json<{ issues: { path: string }[] }>()).issues.map((i) => i.path)).toEqual([
      'occurred_at',
    ]);

    // Not the home marketplace's currency (section 14): 422, see orders-marketplace.test.ts.
    const euro = await send(placed({ currency: 'EUR' }));
    expect(euro.status).toBe(422);
    expect((await euro.json<{ issues: { path: string }[] }>()).issues.map((i) => i.path)).toEqual([
      'currency',
    ]);
  });

  it('never answers 500 to bad bodies', async () => {
    const bodies = [
      '',
      'null',
      '[]',
      '"order"',
      '42',
      '{}',
      '{"items": null}',
      '\u0000',
      '{"type":"order.placed","items":[{}]}',
    ];
    for (const body of bodies) {
      const res = await send(body);
      expect(res.status, body).toBe(400);
      const json = await res.json<{ error: string; issues: unknown[] }>();
      expect(json.issues.length, body).toBeGreaterThan(0);
    }
  });

  it('400 for a body that is not UTF-8', async () => {
    const id = uid('msg');
    const bytes = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    const timestamp = now();
    // Sign the exact bytes with the same HMAC the reference uses (it only signs strings).
    const key = await crypto.subtle.importKey(
      'raw',
      Uint8Array.from(atob(env.ORDER_WEBHOOK_SECRET.slice(6)), (c) => c.charCodeAt(0)),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const prefix = new TextEncoder().encode(`${id}.${timestamp}.`);
    const mac = await crypto.subtle.sign('HMAC', key, new Uint8Array([...prefix, ...bytes]));
    const res = await exports.default.fetch(`${ORIGIN}/webhooks/orders`, {
      method: 'POST',
      headers: {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`,
      },
      body: bytes,
    });
    expect(res.status).toBe(400);
    expect(await eventCount(id)).toBe(0);
  });

  it('413 for a body over 1 MiB, by Content-Length and by bytes actually read, whatever the header says', async () => {
    const big = JSON.stringify({ ...placed(), padding: 'x'.repeat(1024 * 1024) });
    const declared = await send(big);
    expect(declared.status).toBe(413);

    // A streamed body has no Content-Length: the limit holds on the bytes read.
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20) controller.close();
        else {
          sent++;
          controller.enqueue(chunk);
        }
      },
    });
    const streamed = await exports.default.fetch(`${ORIGIN}/webhooks/orders`, {
      method: 'POST',
      headers: {
        'webhook-id': uid('msg'),
        'webhook-timestamp': String(now()),
        'webhook-signature': 'v1,AAAA',
      },
      body: stream,
    });
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(20); // stopped reading soon after the limit

    // A Content-Length that understates the body does not let more than the limit in.
    const lying = await exports.default.fetch(`${ORIGIN}/webhooks/orders`, {
      method: 'POST',
      headers: {
        'content-length': '100',
        'webhook-id': uid('msg'),
        'webhook-timestamp': String(now()),
        'webhook-signature': 'v1,AAAA',
      },
      body: new TextEncoder().encode('x'.repeat(2 * 1024 * 1024)),
    });
    expect(lying.status).toBe(413);

    // Exactly 1 MiB is allowed (then judged on its merits: here, a bad signature).
    const exact = 'x'.repeat(1024 * 1024);
    const atLimit = await send(exact, { signature: 'v1,AAAA' });
    expect(atLimit.status).toBe(401);
  });
});

describe('POST /webhooks/orders: signatures', () => {
  it('401 when signed with the wrong secret', async () => {
    const res = await send(placed(), { secret: OTHER_SECRET });
    expect(res.status).toBe(401);
  });

  it('401 for a stale or future timestamp beyond 5 minutes; accepted just inside', async () => {
    expect((await send(placed(), { timestamp: now() - 301 })).status).toBe(401);
    expect((await send(placed(), { timestamp: now() + 301 })).status).toBe(401);
    expect((await send(placed(), { timestamp: now() - 290 })).status).toBe(200);
    expect((await send(placed(), { timestamp: now() + 290 })).status).toBe(200);
  });

  it('401 when a header is missing or the timestamp is not a number', async () => {
    for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const body = JSON.stringify(placed());
      const id = uid('msg');
      const timestamp = now();
      const headers: Record<string, string> = {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': new Webhook(env.ORDER_WEBHOOK_SECRET).sign(id, new Date(timestamp * 1000), body),
      };
      delete headers[header];
      const res = await exports.default.fetch(`${ORIGIN}/webhooks/orders`, { method: 'POST', headers, body });
      expect(res.status, header).toBe(401);
    }
    expect((await send(placed(), { headers: { 'webhook-timestamp': 'soon' } })).status).toBe(401);
  });

  it('401 for a tampered body, id or timestamp', async () => {
    const body = JSON.stringify(placed());
    const id = uid('msg');
    const timestamp = now();
    const signature = new Webhook(env.ORDER_WEBHOOK_SECRET).sign(id, new Date(timestamp * 1000), body);
    const tampered = body.replace('"quantity":1', '"quantity":9');
    expect(tampered).not.toBe(body);
    expect((await send(tampered, { id, timestamp, signature })).status).toBe(401);
    expect((await send(body, { id: `${id}x`, timestamp, signature })).status).toBe(401);
    expect((await send(body, { id, timestamp: timestamp - 1, signature })).status).toBe(401);
    expect((await send(body, { id, timestamp, signature })).status).toBe(200);
  });

  it('accepts any one of several space-separated signatures (secret rotation)', async () => {
    const body = JSON.stringify(placed());
    const id = uid('msg');
    const timestamp = now();
    const date = new Date(timestamp * 1000);
    const old = new Webhook(OTHER_SECRET).sign(id, date, body);
    const current = new Webhook(env.ORDER_WEBHOOK_SECRET).sign(id, date, body);
    const unknownVersion = current.replace('v1,', 'v1a,');
    expect((await send(body, { id, timestamp, signature: `${old} ${unknownVersion}` })).status).toBe(401);
    expect((await send(body, { id, timestamp, signature: `${old} garbage v1,%%% ${current}` })).status).toBe(
      200,
    );
  });

  it(`refuses more than ${MAX_SIGNATURES} signatures before any HMAC, even with a valid one among them`, async () => {
    const body = JSON.stringify(placed());
    const id = uid('msg');
    const timestamp = now();
    const current = new Webhook(env.ORDER_WEBHOOK_SECRET).sign(id, new Date(timestamp * 1000), body);
    const junk = Array.from({ length: MAX_SIGNATURES }, (_, i) => `v1,${btoa(String(i).padStart(32, 'x'))}`);
    const res = await send(body, { id, timestamp, signature: [...junk, current].join(' ') });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'signature check failed: too many signatures' });
    // A thousand candidates over a 1 MiB body: refused as cheaply.
    const started = Date.now();
    const big = await send('x'.repeat(1024 * 1024), { signature: Array(1000).fill(junk[0]).join(' ') });
    expect(big.status).toBe(401);
    console.log(JSON.stringify({ event: 'test.webhook_1000_signatures_ms', ms: Date.now() - started }));
    // Within the limit (and extra spaces between candidates) the valid one is still found.
    const fits = [...junk.slice(0, MAX_SIGNATURES - 1), current].join('  ');
    expect((await send(body, { id, timestamp, signature: fits })).status).toBe(200);
  });

  it('signs exactly as the reference implementation, which verifies our signatures', async () => {
    const body = JSON.stringify(placed());
    const id = uid('msg');
    const timestamp = now();
    const ours = await signWebhook(env.ORDER_WEBHOOK_SECRET, id, timestamp, body);
    const reference = new Webhook(env.ORDER_WEBHOOK_SECRET);
    expect(ours).toBe(reference.sign(id, new Date(timestamp * 1000), body));
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': ours };
    expect(reference.verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => reference.verify(`${body} `, headers)).toThrow();
  });
});
