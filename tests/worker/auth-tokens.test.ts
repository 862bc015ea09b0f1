/** Bearer tokens for the reporting APIs (CONTRACT.md section 5). */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { authenticate, bearerToken } from '../../worker/auth/tokens.ts';
import { ALICE, BOB, createToken, get } from './orders-helpers.ts';

describe('bearer tokens', () => {
  it('reads "Authorization: Bearer <token>" in any case, and nothing else', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(null)).toBeNull();
  });

  it('knows the admin token, an influencer token, and refuses near misses', async () => {
    const token = await createToken(ALICE.handle);
    expect(await authenticate(env, `Bearer ${env.ADMIN_TOKEN}`)).toEqual({ role: 'admin' });
    expect(await authenticate(env, `Bearer ${token}`)).toEqual({ role: 'influencer', handle: ALICE.handle });
    expect(await authenticate(env, `Bearer ${env.ADMIN_TOKEN.slice(0, -1)}`)).toBeNull();
    expect(await authenticate(env, `Bearer ${token.slice(0, -1)}x`)).toBeNull();
    expect(await authenticate({ ...env, ADMIN_TOKEN: '' }, 'Bearer ')).toBeNull();
  });

  it('stores only the hash of an influencer token', async () => {
    const token = await createToken(BOB.handle);
    const dump = JSON.stringify(await env.DB.prepare('SELECT * FROM api_tokens').all());
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(token.slice(4));
  });

  it('guards every admin route: 401 without a token, 403 with an influencer token', async () => {
    const influencer = await createToken(ALICE.handle);
    for (const path of ['/api/admin/payouts?period=2026-01', '/api/admin/orders/unattributed']) {
      expect((await get(path)).status, path).toBe(401);
      expect((await get(path, influencer)).status, path).toBe(403);
      expect((await get(path, env.ADMIN_TOKEN)).status, path).toBe(200);
    }
  });
});
