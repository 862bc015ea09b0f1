/**
 * The `live` state (CONTRACT.md section 15): the build writes the SHA-256 of every member and
 * product file it was made from (build/write-live-index.ts, run by the tests' global setup on
 * the sample content); a request whose proposed file is among them reads as live, in D1 too.
 * A request whose file differs, or that was declined, does not.
 */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import mila from '../../content/influencers/mila-cooks.yaml?raw';
import { sha256Hex, signRequest } from '../../domain/requests/signature.ts';
import { insertRequest, newRequestId, updateRequest } from '../../worker/requests/store.ts';
import { createToken, ORIGIN } from './orders-helpers.ts';

const HANDLE = 'mila-cooks';

async function stored(text: string, state: 'pending' | 'merged' | 'declined') {
  const id = newRequestId();
  const file = new TextEncoder().encode(text);
  const now = new Date('2030-06-01T00:00:00Z');
  await insertRequest(env.DB, {
    id,
    kind: 'edit',
    handle: HANDLE,
    handleSkeleton: HANDLE,
    filePath: `content/influencers/${HANDLE}.yaml`,
    fileText: text,
    fileSha256: await sha256Hex(file),
    signature: await signRequest(env.REQUEST_SIGNING_KEY, { id, handle: HANDLE, file }),
    images: [],
    application: null,
    now,
  });
  if (state !== 'pending') await updateRequest(env.DB, id, { state }, now);
  return id;
}

describe('requests go live with the deployed build', () => {
  it('marks live exactly the requests whose file the build holds, in the answer and in D1', async () => {
    const merged = await stored(mila, 'merged');
    const other = await stored(`${mila}# not deployed\n`, 'merged');
    const declined = await stored(mila, 'declined');
    const token = await createToken(HANDLE);
    const res = await exports.default.fetch(`${ORIGIN}/api/requests/${HANDLE}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const states = Object.fromEntries(
      (await res.json<{ requests: { id: string; state: string }[] }>()).requests.map((r) => [r.id, r.state]),
    );
    expect(states).toEqual({ [merged]: 'live', [other]: 'merged', [declined]: 'declined' });
    const row = await env.DB.prepare('SELECT state FROM change_requests WHERE id = ?1').bind(merged).first();
    expect(row?.state).toBe('live');
  });

  it("marks live a request whose file an admin fixed up before merging: its own version is in the build's history", async (ctx) => {
    const earlier = inject('earlierMemberVersion');
    // A shallow clone has no earlier version to build into the index (tests/build/live-index.test.ts
    // covers the index from a repository of its own); a full clone without one is a failure.
    if (earlier === null && inject('shallowHistory')) return ctx.skip();
    if (earlier === null)
      throw new Error('the worker tests need the git history of content/ (not a shallow clone)');
    expect(earlier.path).toBe(`content/influencers/${HANDLE}.yaml`);
    // Not the file the build has (that digest is not in the index), but a version of it the
    // history of the build's commit holds: deployed at or after its merge.
    const fixedUp = await stored(earlier.text, 'merged');
    const neverMerged = await stored(`${earlier.text}# a version no commit holds\n`, 'merged');
    const token = await createToken(HANDLE);
    const res = await exports.default.fetch(`${ORIGIN}/api/requests/${HANDLE}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const states = new Map(
      (await res.json<{ requests: { id: string; state: string }[] }>()).requests.map((r) => [r.id, r.state]),
    );
    expect([states.get(fixedUp), states.get(neverMerged)]).toEqual(['live', 'merged']);
  });
});
