/**
 * The worker's side of the request signature (domain/requests/signature.ts): the key comes
 * only from the secret REQUEST_SIGNING_KEY. Its form is checked without importing it, so
 * /healthz (worker/config/check.ts) can name a malformed key the way it names the others.
 */
import { DEV_REQUEST_SIGNING_KEY } from '../../domain/requests/dev-key.ts';
import { sha256Hex, signRequest, type SignedRequest } from '../../domain/requests/signature.ts';
import { newRequestId, type NewRequest } from './store.ts';

export { DEV_REQUEST_PUBLIC_KEY, DEV_REQUEST_SIGNING_KEY } from '../../domain/requests/dev-key.ts';

/** An Ed25519 private key in PKCS#8 DER is these 16 bytes and the 32-byte seed. */
const PKCS8_ED25519_PREFIX = '302e020100300506032b657004220420';

export function signingKeyProblem(value: string, environment: unknown): string | null {
  const text = value.trim();
  if (text === DEV_REQUEST_SIGNING_KEY && environment !== 'development')
    return 'the published development key: make your own (docs/requests.md) outside development';
  let bytes: Uint8Array | null = null;
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    try {
      bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    } catch {
      bytes = null;
    }
  }
  const hex = bytes ? [...bytes.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('') : '';
  return bytes?.length === 48 && hex === PKCS8_ED25519_PREFIX
    ? null
    : 'malformed: must be an Ed25519 private key, PKCS#8 DER in base64 (npm start writes a dev one; see docs/requests.md)';
}

export function signChangeRequest(
  env: Pick<Env, 'REQUEST_SIGNING_KEY'>,
  request: SignedRequest,
): Promise<string> {
  return signRequest(env.REQUEST_SIGNING_KEY, request);
}

/**
 * A new change request ready to store (store.ts insertRequest): a new id, its file's SHA-256 and
 * the signature over id, handle and file bytes; the rest as the caller built it.
 */
export async function signedRequest(
  env: Pick<Env, 'REQUEST_SIGNING_KEY'>,
  request: Omit<NewRequest, 'id' | 'fileSha256' | 'signature'>,
): Promise<NewRequest> {
  const id = newRequestId();
  const file = new TextEncoder().encode(request.fileText);
  const signature = await signChangeRequest(env, { id, handle: request.handle, file });
  return { ...request, id, fileSha256: await sha256Hex(file), signature };
}
