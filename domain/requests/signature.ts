/**
 * The worker's signature on a change request (CONTRACT.md sections 13 and 15).
 *
 * A creator without git edits their storefront in the dashboard; the worker stores the whole
 * proposed member file as a change request and signs it. `npm run requests -- sync` turns the
 * request into a branch `request/<id>` with one commit whose message carries two trailers:
 *
 *   Shopfront-Request: <id>
 *   Shopfront-Signature: ed25519:<base64 signature>
 *
 * Vet accepts a change to a member file from a request branch only when the signature verifies:
 *
 *   message   = "shopfront-request/v1\n" + id + "\n" + handle + "\n" + sha256_hex(file bytes)
 *   signature = Ed25519(REQUEST_SIGNING_KEY, message)            (the worker's secret, PKCS#8 base64)
 *   verify    = Ed25519.verify(program.request_signing_public_key, message, signature)   (raw 32 bytes, base64)
 *
 * Ed25519 rather than an HMAC: vet (a pull-request check) needs only the public key, which lives in
 * content/program.yaml, so no secret is ever exposed to pull-request workflows. WebCrypto's Ed25519
 * runs in both workerd and Node 24, so the worker and vet call this one module.
 */

export const SIGNATURE_TRAILER = 'Shopfront-Signature';
export const REQUEST_TRAILER = 'Shopfront-Request';
const PREFIX = 'ed25519:';

export interface SignedRequest {
  /** The request id (also the branch name's tail: request/<id>). */
  id: string;
  /** The member's handle: the file is content/influencers/<handle>.yaml. */
  handle: string;
  /** The member file's bytes exactly as committed. */
  file: Uint8Array;
}

const encoder = new TextEncoder();

/** SHA-256 in hex of bytes, or of a string's UTF-8 bytes (token hashes). */
export async function sha256Hex(input: Uint8Array | string): Promise<string> {
  const bytes = typeof input === 'string' ? encoder.encode(input) : new Uint8Array(input);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The exact bytes that are signed. */
export async function signedMessage(request: SignedRequest): Promise<Uint8Array<ArrayBuffer>> {
  return encoder.encode(
    `shopfront-request/v1\n${request.id}\n${request.handle}\n${await sha256Hex(request.file)}`,
  );
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** Signs a request with the worker's PKCS#8 private key (base64). Returns the trailer's value. */
export async function signRequest(privateKeyPkcs8Base64: string, request: SignedRequest): Promise<string> {
  const raw = fromBase64(privateKeyPkcs8Base64.trim());
  if (!raw) throw new Error('REQUEST_SIGNING_KEY must be a base64 PKCS#8 Ed25519 private key');
  const key = await crypto.subtle.importKey('pkcs8', raw, { name: 'Ed25519' }, false, ['sign']);
  const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', key, await signedMessage(request)));
  return PREFIX + toBase64(signature);
}

/** True when `trailer` (the Shopfront-Signature value) is the worker's signature of `request`. */
export async function verifyRequest(
  publicKeyBase64: string,
  trailer: string,
  request: SignedRequest,
): Promise<boolean> {
  if (!trailer.startsWith(PREFIX)) return false;
  const signature = fromBase64(trailer.slice(PREFIX.length));
  const publicKey = fromBase64(publicKeyBase64.trim());
  if (!signature || signature.length !== 64 || !publicKey || publicKey.length !== 32) return false;
  const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  return crypto.subtle.verify('Ed25519', key, signature, await signedMessage(request));
}

/** A new Ed25519 key pair: the private key (PKCS#8, base64) for the worker, the public key (raw, base64) for program.yaml. */
export async function newSigningKeyPair(): Promise<{ privateKey: string; publicKey: string }> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const privateKey = new Uint8Array((await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer);
  const publicKey = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
  return { privateKey: toBase64(privateKey), publicKey: toBase64(publicKey) };
}
