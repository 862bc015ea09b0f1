/**
 * Claim links (CONTRACT.md section 15): used once, only for a member the deployed build knows
 * as approved, before they expire; they mint the member's own dashboard token (stored hashed)
 * and never for anyone else's handle.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { sha256Hex as bytesSha256Hex } from '../../domain/requests/signature.ts';
import { sha256Hex } from '../../domain/requests/signature.ts';
import { authenticate } from '../../worker/auth/tokens.ts';
import { base64url } from '../../worker/links/visitor-hash.ts';
import { insertRequest, newRequestId } from '../../worker/requests/store.ts';
import { createWorker } from '../../worker/worker.ts';

const ORIGIN = 'https://shop.test';
const worker = createWorker((request, e) => e.ASSETS.fetch(request));
const [link] = inject('expectedLinks');
const [notApproved] = inject('notApprovedHandles');
if (!link || !notApproved) throw new Error('no sample members');

let ip = 0;
async function call(path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const headers = new Headers(init.headers);
  headers.set('cf-connecting-ip', `192.0.2.${++ip}`);
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { ...init, headers }), env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
const claimPost = (path: string, headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' }) =>
  call(path, { method: 'POST', headers });

/** An application for `handle` as /apply/ stores it, with a claim link expiring at `expiresAt`. */
async function application(handle: string, expiresAt = Date.now() + 86_400_000): Promise<string> {
  const token = `sfc_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
  const id = newRequestId();
  const text = `handle: ${handle}\n`;
  await insertRequest(env.DB, {
    id,
    kind: 'application',
    handle,
    handleSkeleton: handle,
    filePath: `content/influencers/${handle}.yaml`,
    fileText: text,
    fileSha256: await bytesSha256Hex(new TextEncoder().encode(text)),
    signature: 'ed25519:unused-here',
    images: [],
    application: {
      contactEmail: 'c@example.com',
      claimHash: await sha256Hex(token),
      claimExpiresAt: expiresAt,
    },
    now: new Date(),
  });
  return `/claim/${token}`;
}

describe('claim links', () => {
  it("GET only shows a button; POST mints the approved member's own token once", async () => {
    const path = await application(link.handle);
    const page = await call(path);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('<form method="post">');
    expect(body).not.toMatch(/<script/i);
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    // A GET (a link preview) used nothing up: the POST still works.
    const res = await claimPost(path);
    expect(res.status).toBe(201);
    const html = await res.text();
    const token = /<code>(sft_[A-Za-z0-9_-]{43})<\/code>/.exec(html)?.[1] ?? '';
    expect(html).toContain('<form method="post" action="/dashboard/">');
    expect(await authenticate(env, `Bearer ${token}`)).toEqual({ role: 'influencer', handle: link.handle });
    const stored = await env.DB.prepare('SELECT token_hash FROM api_tokens WHERE handle = ?1 AND label = ?2')
      .bind(link.handle, 'claim link')
      .all();
    expect(stored.results).toEqual([{ token_hash: await sha256Hex(token) }]);
    expect(JSON.stringify(stored)).not.toContain(token);
    // Once.
    expect((await claimPost(path)).status).toBe(410);
    expect((await call(path)).status).toBe(410);
  });

  it('two claims at once mint one token', async () => {
    const path = await application(link.handle);
    const before = await env.DB.prepare('SELECT COUNT(*) AS n FROM api_tokens').first<{ n: number }>();
    const answers = await Promise.all([claimPost(path), claimPost(path), claimPost(path)]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 410, 410]);
    const after = await env.DB.prepare('SELECT COUNT(*) AS n FROM api_tokens').first<{ n: number }>();
    expect((after?.n ?? 0) - (before?.n ?? 0)).toBe(1);
  });

  it('waits for approval in the deployed build (409), refuses expired (410), unknown (404) and cross-site (403)', async () => {
    const pending = await application(notApproved);
    expect((await claimPost(pending)).status).toBe(409);
    expect((await call('/claim/sfc_' + 'a'.repeat(43))).status).toBe(404);
    expect((await claimPost('/claim/not-a-token')).status).toBe(404);
    const expired = await application(link.handle, Date.now() - 1);
    expect((await claimPost(expired)).status).toBe(410);
    const crossSite = await application(link.handle);
    expect((await claimPost(crossSite, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await claimPost(crossSite)).status).toBe(201);
  });
});
