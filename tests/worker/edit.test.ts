/**
 * Saves of the storefront editor (CONTRACT.md section 15) against the real worker modules,
 * the build's page store and product index, and the real D1: each save is a signed request
 * holding the whole proposed file, vetted as a pull request would be; saves build on each other.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { verifyRequest } from '../../domain/requests/signature.ts';
import { editAction } from '../../domain/requests/storefront-edit.ts';
import { proposeEdit } from '../../worker/requests/edit.ts';
import { DEV_REQUEST_PUBLIC_KEY } from '../../worker/requests/signing.ts';
import { requestsOf } from '../../worker/requests/store.ts';

const HANDLE = 'mila-cooks';
const now = new Date('2030-05-01T10:00:00Z');
const save = (fields: Record<string, unknown>, at = now) =>
  proposeEdit(env, HANDLE, editAction.parse(fields), at);

type Member = {
  status: string;
  bio: string;
  lists: { slug: string; title: string; items: { product: string; note?: string; added_on?: string }[] }[];
};

/** A save that must be accepted (the refusal is the failure message): its request and proposed member file. */
async function accepted(fields: Record<string, unknown>) {
  const result = await save(fields);
  if (!result.ok) expect.fail(`save refused: ${JSON.stringify(result)}`);
  return { ...result, member: parse(result.file) as Member };
}

describe('storefront edits', () => {
  it('adds a product to a list with a note: one signed request with the whole file', async () => {
    const note = 'The pan I cook everything in.';
    const saved = await accepted({ action: 'item-add', list: '0', product: 'B00006JSUA', note });
    const { member } = saved;
    expect(member.lists[0]?.items.at(-1)).toEqual({ product: 'B00006JSUA', added_on: '2030-05-01', note });
    expect(member.status).toBe('approved');
    const row = await env.DB.prepare('SELECT * FROM change_requests WHERE id = ?1').bind(saved.id).first();
    expect(row).toMatchObject({ kind: 'edit', handle: HANDLE, state: 'pending', file_text: saved.file });
    const file = new TextEncoder().encode(saved.file);
    expect(
      await verifyRequest(DEV_REQUEST_PUBLIC_KEY, String(row?.signature), {
        id: saved.id,
        handle: HANDLE,
        file,
      }),
    ).toBe(true);

    // The next save holds both changes and supersedes the first.
    const second = await accepted({ action: 'bio', bio: 'Weeknight cooking, honestly reviewed.' });
    const both = second.member;
    expect(both.bio).toBe('Weeknight cooking, honestly reviewed.');
    expect(both.lists[0]?.items.at(-1)?.product).toBe('B00006JSUA');
    const states = (await requestsOf(env.DB, HANDLE)).map((r) => [r.id, r.state]);
    expect(states).toContainEqual([saved.id, 'superseded']);
    expect(states).toContainEqual([second.id, 'pending']);
  });

  it('creates, renames and reorders lists', async () => {
    const created = await accepted({
      action: 'list-create',
      slug: 'gift-ideas',
      title: 'Gifts',
      description: '',
      product: 'B008M5U1C2',
    });
    const last = String(created.member.lists.length - 1);
    await accepted({
      action: 'list-rename',
      list: last,
      title: 'Gifts for cooks',
      description: 'Under $50.',
    });
    const moved = await accepted({ action: 'list-move', list: last, to: '0' });
    expect(moved.member.lists[0]).toMatchObject({ slug: 'gift-ideas', title: 'Gifts for cooks' });
  });

  it('refuses what vet refuses: an unknown product, a bio over 280 characters, a duplicate list slug', async () => {
    const unknown = await save({ action: 'item-add', list: '0', product: 'NOPE000000', note: '' });
    expect(unknown).toMatchObject({ ok: false, reason: 'invalid' });
    expect(JSON.stringify(unknown)).toContain('unknown product');
    const long = await save({ action: 'bio', bio: 'x'.repeat(281) });
    expect(JSON.stringify(long)).toContain('at most 280');
    const dup = await save({
      action: 'list-create',
      slug: 'gift-ideas',
      title: 'Again',
      description: '',
      product: 'B008M5U1C2',
    });
    expect(JSON.stringify(dup)).toContain('duplicate list slug');
  });

  it('answers 404 for a handle without a storefront in the build, 503 without the signing key', async () => {
    expect(
      await proposeEdit(env, 'no-such-member', editAction.parse({ action: 'bio', bio: 'x' }), now),
    ).toMatchObject({ ok: false, reason: 'not_found' });
    expect(
      await proposeEdit(
        { ...env, REQUEST_SIGNING_KEY: '' },
        HANDLE,
        editAction.parse({ action: 'bio', bio: 'x' }),
        now,
      ),
    ).toMatchObject({ ok: false, reason: 'misconfigured' });
  });
});
