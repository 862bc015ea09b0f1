/**
 * The signature check of a request branch (CONTRACT.md sections 13 and 15, docs/decisions.md
 * "Signed request branches"). A branch `request/<id>` speaks for a member when its head commit's
 * trailers are exactly one `Shopfront-Request: <id>` (the branch's id) and one
 * `Shopfront-Signature: ed25519:<base64>`, and the signature verifies over (id, handle, sha256 of
 * the member file as vetted) with `request_signing_public_key` of the target branch's head
 * (never the pull request's own program.yaml). The handle tried is each member touched by the
 * pull request; at most one can verify.
 */
import { REQUEST_TRAILER, SIGNATURE_TRAILER, verifyRequest } from '../../../domain/requests/signature.ts';
import type { RequestCheck } from '../../../domain/vet/owners.ts';

export const REQUEST_BRANCH = /^request\/([A-Za-z0-9][A-Za-z0-9._-]{0,127})$/;

export interface RequestInput {
  /** The pull request's head branch name, or null (not given, detached). */
  branch: string | null;
  /** The head commit's trailers. */
  trailers: () => Map<string, string[]>;
  /** `request_signing_public_key` at the target branch's head, if set. */
  publicKey: string | null;
  /** Handles whose member file or images the pull request touches. */
  handles: readonly string[];
  /** The member file's bytes as vetted (the working tree), or null when it does not exist. */
  memberFile: (handle: string) => Uint8Array | null;
}

/** Null when the branch is not a request branch; else whether (and for which handle) it verified. */
export async function checkRequest(input: RequestInput): Promise<RequestCheck | null> {
  const id = input.branch === null ? undefined : REQUEST_BRANCH.exec(input.branch)?.[1];
  if (id === undefined) return null;
  const refuse = (reason: string): RequestCheck => ({ id, verified: false, reason });
  const trailers = input.trailers();
  const ids = trailers.get(REQUEST_TRAILER) ?? [];
  const signatures = trailers.get(SIGNATURE_TRAILER) ?? [];
  if (ids.length !== 1 || signatures.length !== 1)
    return refuse(
      `the head commit must carry exactly one ${REQUEST_TRAILER} and one ${SIGNATURE_TRAILER} trailer`,
    );
  if (ids[0] !== id)
    return refuse(`the commit's ${REQUEST_TRAILER} is "${ids[0]}", not the branch's "${id}"`);
  if (!input.publicKey)
    return refuse('the target branch has no request_signing_public_key in content/program.yaml');
  for (const handle of input.handles) {
    const file = input.memberFile(handle);
    if (file === null) continue;
    if (await verifyRequest(input.publicKey, signatures[0] ?? '', { id, handle, file }))
      return { id, verified: true, handle };
  }
  return refuse(
    'the signature does not verify for the member file as changed (forged, or edited after signing)',
  );
}
