/**
 * Bearer tokens (CONTRACT.md section 5): the admin token from env ADMIN_TOKEN,
 * compared in constant time, or an influencer token, of which D1 holds only the
 * SHA-256 (made by `npm run token -- create <handle>`).
 */
import { withRetry } from '../lib/d1-retry.ts';
import { usableAdminToken } from '../../domain/security/admin-token.ts';
import { SettledCache } from '../lib/settled-cache.ts';
import { text, type Row } from '../lib/rows.ts';
import { sha256Hex } from '../../domain/requests/signature.ts';

export type Principal = { role: 'admin' } | { role: 'influencer'; handle: string };

/** "sft_" and 43 base64url characters (256 random bits). */
export const INFLUENCER_TOKEN = /^sft_[A-Za-z0-9_-]{43}$/;

const encoder = new TextEncoder();

export async function sha256(value: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(value));
}

export function bearerToken(header: string | null | undefined): string | null {
  const match = /^Bearer[ \t]+([\x21-\x7e]{1,512})[ \t]*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/**
 * Constant-time comparison through WebCrypto: HMAC the admin token under a
 * random per-isolate key once, then let crypto.subtle.verify (constant-time)
 * check the given token against that MAC.
 */
const adminMacs = new SettledCache<{ key: CryptoKey; mac: ArrayBuffer }>(1);

function adminMac(adminToken: string) {
  return adminMacs.get(adminToken, async () => {
    const random = crypto.getRandomValues(new Uint8Array(32));
    const key = await crypto.subtle.importKey('raw', random, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    return { key, mac: await crypto.subtle.sign('HMAC', key, encoder.encode(adminToken)) };
  });
}

/** Whether `token` is ADMIN_TOKEN; never when ADMIN_TOKEN is missing or too short. */
async function isAdminToken(token: string, configured: string | undefined): Promise<boolean> {
  const adminToken = usableAdminToken(configured);
  if (adminToken === null) return false;
  const { key, mac } = await adminMac(adminToken);
  return crypto.subtle.verify('HMAC', key, mac, encoder.encode(token));
}

/** Whether the Authorization header carries the (usable) admin token; reads no D1. */
export async function isAdminBearer(env: Env, authorization: string | null | undefined): Promise<boolean> {
  const token = bearerToken(authorization);
  return token !== null && (await isAdminToken(token, env.ADMIN_TOKEN));
}

const SELECT_TOKEN = 'SELECT handle FROM api_tokens WHERE token_hash = ?1 AND revoked_at IS NULL';

export async function authenticate(
  env: Env,
  authorization: string | null | undefined,
): Promise<Principal | null> {
  const token = bearerToken(authorization);
  if (token === null) return null;
  if (await isAdminToken(token, env.ADMIN_TOKEN)) return { role: 'admin' };
  if (!INFLUENCER_TOKEN.test(token)) return null;
  const hash = await sha256Hex(token);
  const row = await withRetry(() => env.DB.prepare(SELECT_TOKEN).bind(hash).first<Row>());
  return row ? { role: 'influencer', handle: text(row, 'handle') } : null;
}

export const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer realm="shopfront"' };

/**
 * What a dashboard session keeps of the token that opened it: its SHA-256 (for a
 * creator token, the same hash D1 holds), never the token itself.
 */
export type SessionPrincipal = Principal & { token: string };

export async function sessionPrincipal(principal: Principal, token: string): Promise<SessionPrincipal> {
  return { ...principal, token: await sha256Hex(token) };
}

/**
 * Whether the token that opened a session still opens it: the admin token is still
 * ADMIN_TOKEN (a changed one ends every admin session), a creator token is still in
 * D1, not revoked, and still that creator's. Dashboards ask on every request, so
 * revoking access takes effect at the next page (CONTRACT.md section 9: within 60 s).
 */
export async function sessionStillValid(env: Env, session: SessionPrincipal): Promise<boolean> {
  if (session.role === 'admin') {
    const adminToken = usableAdminToken(env.ADMIN_TOKEN);
    if (adminToken === null) return false;
    return (await sha256Hex(adminToken)) === session.token;
  }
  const row = await withRetry(() => env.DB.prepare(SELECT_TOKEN).bind(session.token).first<Row>());
  return row !== null && text(row, 'handle') === session.handle;
}
