/**
 * The storefront editor's avatar upload (CONTRACT.md section 15), against the real worker
 * modules, the build's page store and the real D1: checked by vet's raster rules (magic bytes,
 * dimensions, nothing trailing), at most 1 MB, stored with the request in
 * change_request_images, carried by later saves while the file names it.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { editAction } from '../../domain/requests/storefront-edit.ts';
import { placeholderAvatar } from '../../domain/vet/png.ts';
import { proposeAvatar, proposeEdit } from '../../worker/requests/edit.ts';
import { readRequest, requestsOf } from '../../worker/requests/store.ts';

const HANDLE = 'mila-cooks';
const now = new Date('2030-05-03T10:00:00Z');
const count = async () =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM change_request_images').first<{ n: number }>())?.n;

describe('avatar upload in the editor', () => {
  it('stores the image with the request and names it in the file; a later save carries it', async () => {
    const png = placeholderAvatar(64);
    const saved = await proposeAvatar(env, HANDLE, png, now);
    expect(saved, JSON.stringify(saved)).toMatchObject({ ok: true });
    if (!saved.ok) return;
    expect((parse(saved.file) as { avatar: string }).avatar).toBe('/images/avatars/mila-cooks.png');
    const stored = await readRequest(env.DB, saved.id);
    expect(stored?.images).toEqual(['site/public/images/avatars/mila-cooks.png']);
    expect(stored?.image_bytes[0]?.bytes).toEqual(png);

    const bio = await proposeEdit(
      env,
      HANDLE,
      editAction.parse({ action: 'bio', bio: 'New photo, same pans.' }),
      now,
    );
    expect(bio.ok).toBe(true);
    if (!bio.ok) return;
    expect((await readRequest(env.DB, bio.id))?.image_bytes.map((i) => i.bytes)).toEqual([png]);
    const states = (await requestsOf(env.DB, HANDLE)).map((r) => [r.id, r.state]);
    expect(states).toContainEqual([saved.id, 'superseded']);
  });

  it('refuses uploads by their content, not their name: text, trailing bytes, over 1 MB, nothing', async () => {
    const before = await count();
    const png = placeholderAvatar(64);
    const trailing = new Uint8Array([...png, ...new TextEncoder().encode('<script>alert(1)</script>')]);
    const huge = new Uint8Array(1024 * 1024 + 1);
    huge.set(png);
    const cases: [Uint8Array, string][] = [
      [new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), ''],
      [trailing, ''],
      [huge, ''],
      [new Uint8Array(0), 'choose an image'],
    ];
    for (const [bytes, message] of cases) {
      const refused = await proposeAvatar(env, HANDLE, bytes, now);
      expect(refused).toMatchObject({ ok: false, reason: 'invalid' });
      if (!refused.ok) {
        expect(refused.errors[0]?.field).toBe('avatar');
        expect(refused.errors[0]?.message).toContain(message);
      }
    }
    expect(await count()).toBe(before);
  });

  it('only a member with a storefront: 404 for another handle, nothing stored', async () => {
    expect(await proposeAvatar(env, 'no-such-member', placeholderAvatar(64), now)).toMatchObject({
      ok: false,
      reason: 'not_found',
    });
  });
});
