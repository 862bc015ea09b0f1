/**
 * Each misconfiguration of CONTRACT.md section 10, against the real worker in workerd with
 * the real D1: /healthz names it (503), tracked links keep redirecting and storing clicks,
 * the webhook answers 503 with Retry-After, admin routes answer 503. Never a 500.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { REQUIRED_SECRETS } from '../../domain/config/secrets.ts';
import { configProblems } from '../../worker/config/check.ts';
import { createWorker } from '../../worker/worker.ts';
import { BROWSER_UA, clickIdOf, waitForClicks } from './helpers.ts';
import { ORIGIN, placed, signedWebhook, uid } from './orders-helpers.ts';

const [link] = inject('expectedLinks');
if (!link) throw new Error('no sample links');
const worker = createWorker(() => new Response('fallback', { status: 404 }));

async function fetchWith(bindings: Partial<Env>, path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, init), { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

interface Health {
  status: string;
  d1: string;
  config: { setting: string; problem: string; message: string }[];
}

describe('configuration check (pure)', () => {
  const complete = {
    VISITOR_HASH_SECRET: 'x'.repeat(32),
    ORDER_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    ADMIN_TOKEN: 'y'.repeat(40),
    REQUEST_SIGNING_KEY: 'MC4CAQAwBQYDK2VwBCIEIMTgzQYGOqoXLiw7dJBiOH1ijOAjZKcgVdjDCXvpIQnY',
    ENVIRONMENT: 'development',
  };

  it('finds nothing wrong with a complete configuration', () => {
    expect(configProblems(complete)).toEqual([]);
  });

  it('names every missing or blank secret, once each', () => {
    expect(configProblems({}).map((p) => p.setting)).toEqual([...REQUIRED_SECRETS]);
    expect(configProblems({ ...complete, ADMIN_TOKEN: '  ' })).toEqual([
      { setting: 'ADMIN_TOKEN', problem: 'missing (not set or empty)' },
    ]);
  });

  it('wants the webhook secret in whsec_<base64> form', () => {
    for (const bad of ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_not base64!', 'whsec_a'])
      expect(configProblems({ ...complete, ORDER_WEBHOOK_SECRET: bad }), bad).toEqual([
        { setting: 'ORDER_WEBHOOK_SECRET', problem: expect.stringContaining('malformed') as string },
      ]);
  });

  it('wants the request signing key as a base64 PKCS#8 Ed25519 private key', () => {
    // A raw 32-byte key (the public key's form), an HMAC-like secret, not base64.
    for (const bad of ['lrZPNdx1lr3UD6EcY5NyiaYaucCf3OG7vDFBCcgoTWA=', 'x'.repeat(40), 'not base64!'])
      expect(configProblems({ ...complete, REQUEST_SIGNING_KEY: bad }), bad).toEqual([
        { setting: 'REQUEST_SIGNING_KEY', problem: expect.stringContaining('malformed') as string },
      ]);
    // The published development key signs nothing anywhere else.
    expect(configProblems({ ...complete, ENVIRONMENT: 'production' })).toEqual([
      {
        setting: 'REQUEST_SIGNING_KEY',
        problem: expect.stringContaining('published development key') as string,
      },
    ]);
  });
});

describe('GET /healthz with a misconfiguration', () => {
  it('answers 200 only when the configuration is complete and D1 answers', async () => {
    const res = await fetchWith({}, '/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', d1: 'ok', config: [] });
  });

  for (const setting of REQUIRED_SECRETS)
    it(`answers 503 naming ${setting} when it is missing`, async () => {
      const res = await fetchWith({ [setting]: '' }, '/healthz');
      expect(res.status).toBe(503);
      const body = await res.json<Health>();
      expect(body.status).toBe('misconfigured');
      expect(body.d1).toBe('ok');
      expect(body.config.map((p) => p.setting)).toEqual([setting]);
      expect(body.config[0]?.message).toBe(`${setting} is missing (not set or empty)`);
    });

  it('names every problem at once, and a malformed webhook secret as malformed', async () => {
    const res = await fetchWith(
      { VISITOR_HASH_SECRET: '', ORDER_WEBHOOK_SECRET: 'not-whsec', ADMIN_TOKEN: undefined },
      '/healthz',
    );
    expect(res.status).toBe(503);
    const body = await res.json<Health>();
    expect(body.config.map((p) => [p.setting, p.problem.split(' ')[0]])).toEqual([
      ['VISITOR_HASH_SECRET', 'missing'],
      ['ORDER_WEBHOOK_SECRET', 'malformed:'],
      ['ADMIN_TOKEN', 'missing'],
    ]);
  });
});

describe('without VISITOR_HASH_SECRET', () => {
  it('still redirects, and stores every click without a visitor hash, flagged why', async () => {
    const res = await fetchWith({ VISITOR_HASH_SECRET: '' }, `/go/${link.handle}/${link.product}?src=ig`, {
      headers: { 'user-agent': BROWSER_UA, referer: 'not a url' },
    });
    expect(res.status).toBe(302);
    const id = clickIdOf(res.headers.get('location'), link.subtag);
    const [row] = await waitForClicks([id]);
    expect(row).toMatchObject({
      handle: link.handle,
      product_id: link.product,
      src: 'ig',
      visitor_hash: '',
      referrer_host: null,
      is_bot: 0,
      incomplete: 'referrer_host:malformed visitor_hash:no-secret',
    });
  });

  it('stores a complete click with no flag', async () => {
    const res = await fetchWith({}, `/go/${link.handle}/${link.product}`, {
      headers: { 'user-agent': BROWSER_UA, referer: 'https://www.instagram.com/p/x' },
    });
    const [row] = await waitForClicks([clickIdOf(res.headers.get('location'), link.subtag)]);
    expect(row?.visitor_hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(row?.incomplete).toBeNull();
  });
});

describe('the order webhook without a usable ORDER_WEBHOOK_SECRET', () => {
  for (const [name, secret] of [
    ['missing', ''],
    ['malformed', 'plain-text-secret'],
  ] as const)
    it(`answers 503 with Retry-After when the secret is ${name}, and stores nothing`, async () => {
      const id = uid('msg');
      const body = JSON.stringify(placed());
      const res = await fetchWith(
        { ORDER_WEBHOOK_SECRET: secret },
        '/webhooks/orders',
        signedWebhook(body, { id }),
      );
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await res.json()).toMatchObject({
        error: expect.stringContaining('ORDER_WEBHOOK_SECRET') as string,
      });
      const stored = await env.DB.prepare('SELECT count(*) AS n FROM order_events WHERE event_id = ?1')
        .bind(id)
        .first<{ n: number }>();
      expect(stored?.n).toBe(0);
    });
});

describe('admin routes without ADMIN_TOKEN', () => {
  it('answer 503 naming the setting, whatever token is sent', async () => {
    for (const path of [
      '/api/admin/payouts?period=2026-01',
      '/api/admin/orders/unattributed',
      '/api/admin/clicks/recover',
    ])
      for (const token of [undefined, '', env.ADMIN_TOKEN]) {
        const res = await fetchWith({ ADMIN_TOKEN: '' }, path, {
          method: path.endsWith('recover') ? 'POST' : 'GET',
          headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        });
        expect(res.status, path).toBe(503);
        expect(await res.json(), path).toMatchObject({
          error: expect.stringContaining('ADMIN_TOKEN') as string,
        });
      }
  });
});
