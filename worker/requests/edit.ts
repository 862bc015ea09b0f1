/**
 * One save of the storefront editor (/dashboard/<handle>/edit/, CONTRACT.md section 15):
 *   before   = the member's file as the deployed build has it (the page store)
 *   start    = the member's latest edit request still without a pull request, else `before`
 *              (saves build on each other; the new request holds them all and supersedes it)
 *   proposed = applyEdit(start, action)                 (domain/requests/storefront-edit.ts)
 *   errors   = vetRequest(before -> proposed)           (vet() itself, as on the pull request)
 *   images   = an avatar uploaded now (proposeAvatar), plus the earlier request's avatar
 *              image while the file still names it
 * then, without errors, one batch stores the signed request (and its images) and supersedes
 * the earlier one.
 * Only a member's own handle reaches here (the page checks the session); only approved
 * influencers have a storefront to edit.
 */
import { parse } from 'yaml';
import type { FieldError } from '../../domain/requests/application.ts';
import { avatarOf, memberYaml } from '../../domain/requests/application.ts';
import { applyEdit, type EditAction } from '../../domain/requests/storefront-edit.ts';
import { vetRequest, type RequestImage } from '../../domain/requests/vet-request.ts';
import { INFLUENCER_DIR } from '../../domain/vet/changes.ts';
import { skeleton } from '../../domain/vet/handles.ts';
import { utcDay } from '../../domain/time.ts';
import { log } from '../lib/log.ts';
import { readStorefront } from '../pages/page-store.ts';
import { builtProducts, readRequestBase } from './base-store.ts';
import { signedRequest } from './signing.ts';
import { storefrontToSave } from './save-target.ts';
import { insertRequest, openRequestOf, readRequest } from './store.ts';

/** Why a creator's request is not stored; worker/lib/reasons.ts gives each its HTTP status. */
export type RequestRefusal = 'invalid' | 'not_found' | 'misconfigured';

export type EditOutcome =
  { ok: true; id: string; file: string } | { ok: false; reason: RequestRefusal; errors: FieldError[] };

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
  const today = utcDay(now);
  return saveEdit(env, handle, now, action.action, (start) => {
    const edited = applyEdit(start, action, today);
    return edited.ok
      ? { ok: true, member: edited.member, image: null }
      : { ok: false, errors: [{ field: edited.field, message: edited.message }] };
  });
}

/**
 * An avatar upload (CONTRACT.md section 15): at most 1 MB, a raster image by its bytes (vet's
 * own check, domain/vet/raster.ts, through avatarOf), named for its real type and stored with
 * the request; the member file's `avatar` names it. The sync writes it beside the member file.
 */
export async function proposeAvatar(
  env: Env,
  handle: string,
  upload: Uint8Array,
  now: Date,
): Promise<EditOutcome> {
  return saveEdit(env, handle, now, 'avatar', (start) => {
    if (upload.length === 0)
      return { ok: false, errors: [{ field: 'avatar', message: 'choose an image file' }] };
    const avatar = avatarOf(handle, upload);
    if ('message' in avatar) return { ok: false, errors: [avatar] };
    return {
      ok: true,
      member: { ...start, avatar: avatar.ref },
      image: { path: avatar.path, bytes: avatar.bytes },
    };
  });
}

type Change = (
  start: Record<string, unknown>,
) =>
  | { ok: true; member: Record<string, unknown>; image: RequestImage | null }
  | { ok: false; errors: FieldError[] };

/**
 * Images a superseded request carried that the new file still names (its avatar), so a later
 * save does not drop an uploaded avatar; a new upload replaces them.
 */
function carriedImages(
  earlier: readonly RequestImage[],
  member: Record<string, unknown>,
  added: RequestImage | null,
): RequestImage[] {
  const kept = earlier.filter(
    (i) => i.path !== added?.path && i.path.replace(/^site\/public/, '') === member.avatar,
  );
  return added ? [...kept, added] : kept;
}

async function saveEdit(
  env: Env,
  handle: string,
  now: Date,
  what: string,
  change: Change,
): Promise<EditOutcome> {
  const path = `${INFLUENCER_DIR}${handle}.yaml`;
  const target = await storefrontToSave(env, handle, 'edit.misconfigured');
  if (!target.ok) return target;
  const { built } = target;
  const beforeText = memberYaml(built.influencer as unknown as Record<string, unknown>);
  const open = await openRequestOf(env.DB, handle);
  const start = open
    ? (parse(open.file_text) as Record<string, unknown>)
    : (parse(beforeText) as Record<string, unknown>);
  const today = utcDay(now);
  const edited = change(start);
  if (!edited.ok) return { ok: false, reason: 'invalid', errors: edited.errors };
  const earlier = open ? ((await readRequest(env.DB, open.id))?.image_bytes ?? []) : [];
  const images = carriedImages(earlier, edited.member, edited.image);
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
    images,
    author: null,
    today,
  });
  if (errors.length > 0)
    return {
      ok: false,
      reason: 'invalid',
      errors: errors.map((e) => ({
        field: images.some((i) => i.path === e.file) ? 'avatar' : e.field,
        message: e.message,
      })),
    };
  const request = await signedRequest(env, {
    kind: 'edit',
    handle,
    handleSkeleton: skeleton(handle),
    filePath: path,
    fileText: text,
    images,
    application: null,
    now,
  });
  await insertRequest(env.DB, request, open ? [open.id] : []);
  const { id } = request;
  log('info', 'edit.saved', { request: id, handle, action: what });
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
