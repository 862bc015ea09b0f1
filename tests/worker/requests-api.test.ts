/**
 * Change requests over the API (CONTRACT.md section 15): the admin's listing (never silently
 * cut short), one request whole for the sync, its state recorded; a member reads only its own.
 */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { signRequest, verifyRequest, sha256Hex } from '../../domain/requests/signature.ts';
import { placeholderAvatar } from '../../domain/vet/png.ts';
import { insertRequest, newRequestId } from '../../worker/requests/store.ts';
import { DEV_REQUEST_PUBLIC_KEY } from '../../worker/requests/signing.ts';
import { createToken, ORIGIN } from './orders-helpers.ts';

const admin = { authorization: `Bearer ${env.ADMIN_TOKEN}` };

async function stored(handle: string, when: string, kind: 'application' | 'edit' = 'edit') {
  const id = newRequestId();
  const text = `handle: ${handle}\n`;
  const file = new TextEncoder().encode(text);
  await insertRequest(env.DB, {
    id,
    kind,
    handle,
    handleSkeleton: handle,
    filePath: `content/influencers/${handle}.yaml`,
    fileText: text,
    fileSha256: await sha256Hex(file),
    signature: await signRequest(env.REQUEST_SIGNING_KEY, { id, handle, file }),
    images: [{ path: `site/public/images/avatars/${handle}.png`, bytes: placeholderAvatar(16) }],
    application:
      kind === 'application'
        ? { contactEmail: 'x@example.com', claimHash: 'a'.repeat(64), claimExpiresAt: 0 }
        : null,
    now: new Date(when),
  });
  return id;
}

const get = (path: string, headers: Record<string, string> = admin) =>
  exports.default.fetch(`${ORIGIN}${path}`, { headers });

describe('GET /api/admin/requests', () => {
  it('lists requests oldest first with the total and the next offset, never the contact email', async () => {
    const a = await stored('list-one', '2030-01-01T00:00:00Z', 'application');
    const b = await stored('list-two', '2030-01-02T00:00:00Z');
    const res = await get('/api/admin/requests?state=pending&limit=1&offset=0');
    expect(res.status).toBe(200);
    const first = await res.json<{ total: number; next_offset: number | null; requests: { id: string }[] }>();
    expect(first.total).toBeGreaterThanOrEqual(2);
    expect(first.requests).toHaveLength(1);
    expect(first.next_offset).toBe(1);
    const all = await (await get(`/api/admin/requests?limit=500`)).text();
    expect(all.indexOf(a)).toBeGreaterThan(-1);
    expect(all.indexOf(a)).toBeLessThan(all.indexOf(b));
    expect(all).not.toContain('x@example.com');
  });

  it('answers 401 without a token, 403 with a member token, 400 naming a bad parameter', async () => {
    expect((await get('/api/admin/requests', {})).status).toBe(401);
    const token = await createToken('list-one');
    expect((await get('/api/admin/requests', { authorization: `Bearer ${token}` })).status).toBe(403);
    const bad = await get('/api/admin/requests?state=lost');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('state');
  });
});

describe('GET /api/admin/requests/<id> and POST .../state', () => {
  it('gives the whole request, whose signature verifies with the public key, and records its state', async () => {
    const id = await stored('whole-one', '2030-02-01T00:00:00Z');
    const res = await get(`/api/admin/requests/${id}`);
    expect(res.status).toBe(200);
    const body = await res.json<{
      file_text: string;
      signature: string;
      image_files: { path: string; base64: string }[];
    }>();
    const file = new TextEncoder().encode(body.file_text);
    expect(
      await verifyRequest(DEV_REQUEST_PUBLIC_KEY, body.signature, { id, handle: 'whole-one', file }),
    ).toBe(true);
    expect(body.image_files[0]?.path).toBe('site/public/images/avatars/whole-one.png');
    expect(Uint8Array.from(atob(body.image_files[0]?.base64 ?? ''), (c) => c.charCodeAt(0))).toEqual(
      placeholderAvatar(16),
    );

    const update = await exports.default.fetch(`${ORIGIN}/api/admin/requests/${id}/state`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        state: 'changes_needed',
        pull_request_url: 'https://github.com/o/r/pull/7',
        vet_errors: [{ file: 'content/influencers/whole-one.yaml', field: 'bio', message: 'too long' }],
      }),
    });
    expect(update.status).toBe(200);
    const listed = await (
      await get('/api/requests/whole-one')
    ).json<{ requests: { state: string; pull_request_url: string; vet_errors: unknown }[] }>();
    expect(listed.requests[0]).toMatchObject({
      state: 'changes_needed',
      pull_request_url: 'https://github.com/o/r/pull/7',
      vet_errors: [{ field: 'bio', message: 'too long' }],
    });
    expect((await get('/api/admin/requests/0123456789abcdef')).status).toBe(404);
    expect((await get('/api/admin/requests/nope')).status).toBe(400);
    const badState = await exports.default.fetch(`${ORIGIN}/api/admin/requests/${id}/state`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'approved' }),
    });
    expect(badState.status).toBe(400);
  });
});

describe('GET /api/requests/<handle>', () => {
  it("reads a member's own requests with its token, refuses another member's", async () => {
    await stored('own-reader', '2030-03-01T00:00:00Z');
    const token = await createToken('own-reader');
    const mine = await get('/api/requests/own-reader', { authorization: `Bearer ${token}` });
    expect(mine.status).toBe(200);
    expect((await mine.json<{ requests: unknown[] }>()).requests).toHaveLength(1);
    expect((await get('/api/requests/list-two', { authorization: `Bearer ${token}` })).status).toBe(403);
    expect((await get('/api/requests/own-reader', {})).status).toBe(401);
  });
});
