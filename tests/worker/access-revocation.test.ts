/**
 * Trust boundaries of access (CONTRACT.md section 9): failed bearer tokens are
 * rate-limited like sign-in failures, a session ends when its token is revoked or
 * ADMIN_TOKEN changes, and a short ADMIN_TOKEN is a misconfiguration.
 */
import { env, exports } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MAX_FAILURES } from '../../worker/dashboard/signin-limit.ts';
import { authenticate, sessionPrincipal, sessionStillValid } from '../../worker/auth/tokens.ts';
import { createWorker } from '../../worker/worker.ts';
import { ALICE, BOB, createToken } from './orders-helpers.ts';

const stats = (token: string | null, ip: string) =>
  exports.default.fetch(`https://shop.test/api/stats/${ALICE.handle}`, {
    headers: { 'cf-connecting-ip': ip, ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
  });

describe('failed bearer tokens on /api/*', () => {
  it(`refuses a visitor after ${MAX_FAILURES} wrong tokens, even with a right one, and no one else`, async () => {
    const good = await createToken(ALICE.handle);
    const ip = '198.51.100.41';
    // No token at all is not a guess and never counts.
    for (let i = 0; i < MAX_FAILURES + 2; i++) expect((await stats(null, ip)).status).toBe(401);
    for (let i = 0; i < MAX_FAILURES; i++) {
      const res = await stats(`sft_${'x'.repeat(42)}${i % 10}`, ip);
      expect(res.status).toBe(401);
    }
    const limited = await stats(good, ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toEqual({ error: 'too many failed bearer tokens; wait and try again' });
    // The admin API is behind the same limit.
    const admin = await exports.default.fetch('https://shop.test/api/admin/orders/unattributed', {
      headers: { 'cf-connecting-ip': ip, authorization: `Bearer ${env.ADMIN_TOKEN}` },
    });
    expect(admin.status).toBe(429);
    // Another visitor is not affected.
    expect((await stats(good, '198.51.100.42')).status).toBe(200);
  });

  it('counts in the same window as dashboard sign-in failures', async () => {
    const ip = '198.51.100.43';
    const rows = () =>
      env.DB.prepare('SELECT SUM(failures) AS n FROM signin_attempts').first<{ n: number | null }>();
    const before = (await rows())?.n ?? 0;
    await stats('not-a-token', ip);
    expect((await rows())?.n ?? 0).toBe(before + 1);
  });
});

describe('dashboard sessions', () => {
  it('end when the creator token that opened them is revoked', async () => {
    const token = await createToken(BOB.handle);
    const who = await authenticate(env, `Bearer ${token}`);
    if (!who) throw new Error('token not accepted');
    const session = await sessionPrincipal(who, token);
    expect(JSON.stringify(session)).not.toContain(token);
    expect(await sessionStillValid(env, session)).toBe(true);
    await env.DB.prepare('UPDATE api_tokens SET revoked_at = ?1 WHERE handle = ?2')
      .bind(Date.now(), BOB.handle)
      .run();
    expect(await sessionStillValid(env, session)).toBe(false);
    // Nor may a session claim another creator with a valid token.
    const alice = await createToken(ALICE.handle);
    const forged = {
      ...(await sessionPrincipal({ role: 'influencer', handle: ALICE.handle }, alice)),
      handle: BOB.handle,
    };
    expect(await sessionStillValid(env, forged)).toBe(false);
  });

  it('end when ADMIN_TOKEN changes or is removed', async () => {
    const session = await sessionPrincipal({ role: 'admin' }, env.ADMIN_TOKEN);
    expect(await sessionStillValid(env, session)).toBe(true);
    expect(await sessionStillValid({ ...env, ADMIN_TOKEN: `${env.ADMIN_TOKEN}-rotated` }, session)).toBe(
      false,
    );
    expect(await sessionStillValid({ ...env, ADMIN_TOKEN: '' }, session)).toBe(false);
  });
});

describe('ADMIN_TOKEN length', () => {
  it('the test secret is long enough, so /healthz is ok', async () => {
    expect(env.ADMIN_TOKEN.length).toBeGreaterThanOrEqual(32);
    expect((await exports.default.fetch('https://shop.test/healthz')).status).toBe(200);
  });

  it('a token shorter than 32 characters makes /healthz answer 503 naming it', async () => {
    const worker = createWorker(() => new Response(null, { status: 404 }));
    const res = await worker.fetch(
      new Request('https://shop.test/healthz'),
      { ...env, ADMIN_TOKEN: 'short-admin-token' },
      createExecutionContext(),
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      status: 'misconfigured',
      d1: 'ok',
      config: [
        { setting: 'ADMIN_TOKEN', problem: expect.stringMatching(/^too short: at least 32 characters/) },
      ],
    });
  });
});

describe('a short ADMIN_TOKEN opens nothing (section 16)', () => {
  const SHORT = 'short-admin-token-31-characters'; // 31 characters
  const shortEnv = { ...env, ADMIN_TOKEN: SHORT };
  const call = (path: string, ip: string) =>
    createWorker(() => new Response(null, { status: 404 })).fetch(
      new Request(`https://shop.test${path}`, {
        headers: { authorization: `Bearer ${SHORT}`, 'cf-connecting-ip': ip },
      }),
      shortEnv,
      createExecutionContext(),
    );

  it('is refused by /api/stats and /api/admin', async () => {
    expect(SHORT).toHaveLength(31);
    expect((await call(`/api/stats/${ALICE.handle}`, '198.51.100.61')).status).toBe(401);
    expect((await call('/api/admin/orders/unattributed', '198.51.100.62')).status).toBe(503);
  });

  it('signs nobody in to the dashboard, and ends a session it opened before', async () => {
    // What the dashboard's sign-in (site/pages/dashboard/index.astro) and every page
    // (site/lib/dashboard/session.ts) ask.
    expect(await authenticate(shortEnv, `Bearer ${SHORT}`)).toBeNull();
    const session = await sessionPrincipal({ role: 'admin' }, SHORT);
    expect(await sessionStillValid(shortEnv, session)).toBe(false);
  });

  it('a 32-character one is accepted', async () => {
    const long = `${SHORT}x`;
    expect(await authenticate({ ...env, ADMIN_TOKEN: long }, `Bearer ${long}`)).toEqual({ role: 'admin' });
  });
});
