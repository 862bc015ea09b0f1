/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256,
 * keyed by the base64 part of a `whsec_...` secret, over
 * "<webhook-id>.<webhook-timestamp>.<raw body>". The header may carry several
 * space-separated `v1,<base64>` signatures (secret rotation); one match is enough.
 * Comparison is crypto.subtle.verify, which is constant-time.
 *
 * Bounded work (CONTRACT.md section 16): each candidate costs an HMAC over up to 1 MiB, and the
 * check runs before anyone is known, so a header with more than MAX_SIGNATURES candidates is
 * refused before any HMAC (a rotation needs two; senders send one or two).
 */
import { SettledCache } from '../lib/settled-cache.ts';

export const TOLERANCE_SECONDS = 5 * 60;
export const MAX_SIGNATURES = 4;

export type Verification =
  | { ok: true; id: string; timestamp: number }
  | {
      ok: false;
      reason:
        | 'missing headers'
        | 'invalid timestamp'
        | 'stale timestamp'
        | 'future timestamp'
        | 'too many signatures'
        | 'no matching signature';
    };

export class WebhookSecretError extends Error {}

const encoder = new TextEncoder();
const keys = new SettledCache<CryptoKey>(8);

function hmacKey(secret: string): Promise<CryptoKey> {
  return keys.get(secret, async () =>
    crypto.subtle.importKey('raw', secretBytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]),
  );
}

function secretBytes(secret: string): Uint8Array<ArrayBuffer> {
  const bytes = decodeWebhookSecret(secret);
  if (!bytes) throw new WebhookSecretError('ORDER_WEBHOOK_SECRET must be "whsec_" followed by base64');
  return bytes;
}

/** The key bytes of a `whsec_<base64>` secret (the prefix is optional here), or null when unusable. */
export function decodeWebhookSecret(secret: string): Uint8Array<ArrayBuffer> | null {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const bytes = base64Decode(encoded);
  return bytes && bytes.length > 0 ? bytes : null;
}

function base64Decode(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) return null;
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function signedContent(id: string, timestamp: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const content = new Uint8Array(prefix.length + body.length);
  content.set(prefix);
  content.set(body, prefix.length);
  return content;
}

/** Throws WebhookSecretError when the configured secret is unusable (a server fault, not the sender's). */
export async function verifyWebhook(
  secret: string,
  headers: Headers,
  body: Uint8Array,
  nowSeconds: number,
): Promise<Verification> {
  const key = await hmacKey(secret);
  const id = headers.get('webhook-id');
  const timestamp = headers.get('webhook-timestamp');
  const signatures = headers.get('webhook-signature');
  if (!id || !timestamp || !signatures) return { ok: false, reason: 'missing headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'invalid timestamp' };
  const seconds = Number(timestamp);
  if (nowSeconds - seconds > TOLERANCE_SECONDS) return { ok: false, reason: 'stale timestamp' };
  if (seconds - nowSeconds > TOLERANCE_SECONDS) return { ok: false, reason: 'future timestamp' };

  const candidates = signatures.split(' ').filter((candidate) => candidate !== '');
  if (candidates.length > MAX_SIGNATURES) return { ok: false, reason: 'too many signatures' };

  const content = signedContent(id, timestamp, body);
  for (const candidate of candidates) {
    const comma = candidate.indexOf(',');
    if (comma < 0 || candidate.slice(0, comma) !== 'v1') continue;
    const signature = base64Decode(candidate.slice(comma + 1));
    if (!signature || signature.length !== 32) continue;
    if (await crypto.subtle.verify('HMAC', key, signature, content))
      return { ok: true, id, timestamp: seconds };
  }
  return { ok: false, reason: 'no matching signature' };
}

/** The `v1,<base64>` signature of a message, for senders (scripts, tests, the benchmark). */
export async function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Promise<string> {
  const key = await hmacKey(secret);
  const mac = await crypto.subtle.sign(
    'HMAC',
    key,
    signedContent(id, String(timestampSeconds), encoder.encode(body)),
  );
  let binary = '';
  for (const byte of new Uint8Array(mac)) binary += String.fromCharCode(byte);
  return `v1,${btoa(binary)}`;
}
