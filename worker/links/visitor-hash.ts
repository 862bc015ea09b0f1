/**
 * A visitor hash lets us flag duplicate clicks without keeping who clicked:
 * HMAC-SHA256 under a key derived from the secret and the UTC day, over the IP
 * and user agent. Neither input is stored, and hashes of two days cannot be joined.
 */
import { utcDay } from '../../domain/time.ts';
import { SettledCache } from '../lib/settled-cache.ts';

const encoder = new TextEncoder();
// Only today's (and at a day boundary, yesterday's) keys are ever needed.
const dayKeys = new SettledCache<CryptoKey>(4);

function hmacKey(raw: BufferSource): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

async function deriveDayKey(secret: string, day: string): Promise<CryptoKey> {
  const master = await hmacKey(encoder.encode(secret));
  const dayBytes = await crypto.subtle.sign('HMAC', master, encoder.encode(`visitor-day:${day}`));
  return hmacKey(dayBytes);
}

function dayKey(secret: string, day: string): Promise<CryptoKey> {
  return dayKeys.get(`${day}:${secret}`, () => deriveDayKey(secret, day));
}

export async function visitorHash(secret: string, at: Date, ip: string, userAgent: string): Promise<string> {
  const day = utcDay(at);
  const key = await dayKey(secret, day);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${ip}\n${userAgent}`));
  return base64url(new Uint8Array(mac, 0, 16));
}

/** Unpadded base64url, by the runtime's own encoder (one native call; issue 26: it was btoa and three replaces). */
export function base64url(bytes: Uint8Array): string {
  return bytes.toBase64({ alphabet: 'base64url', omitPadding: true });
}

/** A new click id: 128 random bits, url-safe. */
export function newClickId(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}
