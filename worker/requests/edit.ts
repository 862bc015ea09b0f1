/**
 * One save of the storefront editor (/dashboard/<handle>/edit/, CONTRACT.md section 15):
 *   before   = the member's file as the deployed build has it (the page store)
 *   start    = the member's latest edit request still without a pull request, else `before`
 *              (saves build on each other; the new request holds them all and supersedes it)
 *   proposed = applyEdit(start, action)                 (domain/requests/storefront-edit.ts)
 *   errors   = vetRequest(before -> proposed)           (vet() itself, as on the pull request)
 * then, without errors, one batch stores the signed request and supersedes the earlier one.
 * Only a member's own handle reaches here (the page checks the session); only approved
 * influencers have a storefront to edit.
 */
import { parse } from 'yaml';
import type { FieldError } from '../../domain/requests/application.ts';
import { memberYaml } from '../../domain/requests/application.ts';
import { sha256Hex } from '../../domain/requests/signature.ts';
import { applyEdit, type EditAction } from '../../domain/requests/storefront-edit.ts';
import { vetRequest } from '../../domain/requests/vet-request.ts';
import { INFLUENCER_DIR } from '../../domain/vet/changes.ts';
import { skeleton } from '../../domain/vet/handles.ts';
import { utcDay } from '../../domain/time.ts';
import { describeProblem, settingProblem } from '../config/check.ts';
import { readStorefront } from '../pages/page-store.ts';
import { builtProducts, readRequestBase } from './base-store.ts';
import { signChangeRequest } from './signing.ts';
import { insertRequest, newRequestId, openRequestOf } from './store.ts';

export type EditOutcome =
  { ok: true; id: string; file: string } | { ok: false; status: 400 | 404 | 503; errors: FieldError[] };

function storefrontProducts(member: Record<string, unknown>): string[] {
  const featured = (member.featured as string[] | undefined) ?? [];
  const lists = (member.lists as { items: { product: string }[] }[] | undefined) ?? [];
  return [...featured, ...lists.flatMap((l) => l.items.map((i) => i.product))];
}

export async function proposeEdit(
  env: Env,
  handle: string,
  action: EditAction,
  now: Date,
): Promise<EditOutcome> {
  const misconfigured = settingProblem(env, 'REQUEST_SIGNING_KEY');
  if (misconfigured) {
    console.error(JSON.stringify({ event: 'edit.misconfigured', problem: describeProblem(misconfigured) }));
    return {
      ok: false,
      status: 503,
      errors: [{ field: '(form)', message: 'Saving is unavailable right now; nothing was stored.' }],
    };
  }
  const built = await readStorefront(env.ASSETS, handle);
  if (built.kind !== 'page')
    return {
      ok: false,
      status: 404,
      errors: [{ field: '(form)', message: `no storefront "${handle}" in the deployed build` }],
    };
  const path = `${INFLUENCER_DIR}${handle}.yaml`;
  const beforeText = memberYaml(built.influencer as unknown as Record<string, unknown>);
  const open = await openRequestOf(env.DB, handle);
  const start = open
    ? (parse(open.file_text) as Record<string, unknown>)
    : (parse(beforeText) as Record<string, unknown>);
  const today = utcDay(now);
  const edited = applyEdit(start, action, today);
  if (!edited.ok)
    return { ok: false, status: 400, errors: [{ field: edited.field, message: edited.message }] };
  const text = memberYaml(edited.member);
  const errors = vetRequest({
    base: await readRequestBase(env.ASSETS),
    taken: [],
    before: { path, text: beforeText },
    products: await builtProducts(env.ASSETS, [
      ...storefrontProducts(start),
      ...storefrontProducts(edited.member),
    ]),
    file: { path, text },
    images: [],
    author: null,
    today,
  });
  if (errors.length > 0)
    return { ok: false, status: 400, errors: errors.map((e) => ({ field: e.field, message: e.message })) };
  const id = newRequestId();
  const bytes = new TextEncoder().encode(text);
  await insertRequest(
    env.DB,
    {
      id,
      kind: 'edit',
      handle,
      handleSkeleton: skeleton(handle),
      filePath: path,
      fileText: text,
      fileSha256: await sha256Hex(bytes),
      signature: await signChangeRequest(env, { id, handle, file: bytes }),
      images: [],
      application: null,
      now,
    },
    open ? [open.id] : [],
  );
  console.log(JSON.stringify({ event: 'edit.saved', request: id, handle, action: action.action }));
  return { ok: true, id, file: text };
}

/** What the editor shows: the member's file with its unsynced edits, or the build's; null without a storefront. */
export async function editableMember(env: Env, handle: string): Promise<Record<string, unknown> | null> {
  const built = await readStorefront(env.ASSETS, handle);
  if (built.kind !== 'page') return null;
  const open = await openRequestOf(env.DB, handle);
  return open
    ? (parse(open.file_text) as Record<string, unknown>)
    : (built.influencer as unknown as Record<string, unknown>);
}
