/**
 * Bearer tokens (CONTRACT.md section 5): the admin token from env ADMIN_TOKEN,
 * compared in constant time, or an influencer token, of which D1 holds only the
 * SHA-256 (made by `npm run token -- create <handle>`).
 */
import { withRetry } from '../lib/d1-retry.ts';
import { text, type Row } from '../lib/rows.ts';

export type Principal = { role: 'admin' } | { role: 'influencer'; handle: string };

/** "sft_" and 43 base64url characters (256 random bits). */
export const INFLUENCER_TOKEN = /^sft_[A-Za-z0-9_-]{43}$/;

const encoder = new TextEncoder();

export async function sha256(value: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(value));
}

export async function sha256Hex(value: string): Promise<string> {
  return [...new Uint8Array(await sha256(value))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function bearerToken(header: string | null | undefined): string | null {
  const match = /^Bearer[ \t]+([\x21-\x7e]{1,512})[ \t]*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/** Hashing both sides first gives equal lengths, so the comparison time says nothing about the token. */
async function isAdminToken(token: string, adminToken: string | undefined): Promise<boolean> {
  if (!adminToken) return false;
  const [given, expected] = await Promise.all([sha256(token), sha256(adminToken)]);
  return crypto.subtle.timingSafeEqual(given, expected);
}

const SELECT_TOKEN = 'SELECT handle FROM api_tokens WHERE token_hash = ?1 AND revoked_at IS NULL';

export async function authenticate(env: Env, authorization: string | null | undefined): Promise<Principal | null> {
  const token = bearerToken(authorization);
  if (token === null) return null;
  if (await isAdminToken(token, env.ADMIN_TOKEN)) return { role: 'admin' };
  if (!INFLUENCER_TOKEN.test(token)) return null;
  const hash = await sha256Hex(token);
  const row = await withRetry(() => env.DB.prepare(SELECT_TOKEN).bind(hash).first<Row>());
  return row ? { role: 'influencer', handle: text(row, 'handle') } : null;
}

export const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer realm="shopfront"' };
