/**
 * `GET/POST /apply/` (CONTRACT.md section 15): apply to either program without git.
 *
 * Order of checks for a post, cheapest and most general first; nothing is stored before
 * the last step:
 *   1. cross-site:      Sec-Fetch-Site other than same-origin/none, or an Origin other than ours -> 403
 *   2. size:            a body over 1.5 MB (the avatar may be 1 MB)                              -> 413
 *   3. rate limit:      more than MAX_APPLY_POSTS posts this hour from this visitor hash        -> 429
 *   4. configuration:   REQUEST_SIGNING_KEY missing or malformed (logged, named in /healthz)    -> 503
 *   5. the form:        shape, contact email, numbers, the handle's format, the upload's bytes  -> 400
 *   6. vet:             the whole proposed file and avatar through vet() (domain/requests/vet-request.ts):
 *                       schema, reserved / taken / look-alike handles (build index + applications
 *                       in D1), images by content, ownership and status rules                  -> 400
 *   7. store:           one batch: the signed request, its avatar, the contact email and the
 *                       claim link's hash                                                     -> 201, the claim link once
 * Every 400 re-renders the form with what was typed and each error beside its field.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { handle as handleSchema, platform, programFile } from '../../domain/content/schema.ts';
import {
  applicationForm,
  avatarOf,
  formErrors,
  formFieldOf,
  formFields,
  memberOf,
  memberYaml,
  type FieldError,
} from '../../domain/requests/application.ts';
import { vetRequest } from '../../domain/requests/vet-request.ts';
import { INFLUENCER_DIR } from '../../domain/vet/changes.ts';
import { skeleton } from '../../domain/vet/handles.ts';
import { utcDay } from '../../domain/time.ts';
import { sha256Hex } from '../../domain/requests/signature.ts';
import { describeProblem, settingProblem } from '../config/check.ts';
import type { AppEnv } from '../env.ts';
import { base64url, visitorHash } from '../links/visitor-hash.ts';
import { appliedPage, applyForm, messagePage, type FormView } from './apply-page.ts';
import { builtHandlesLike, readRequestBase, RequestBaseUnavailable } from './base-store.ts';
import { signedRequest } from './signing.ts';
import { applicationHandlesLike, countApplyPost, insertRequest } from './store.ts';
import { log } from '../lib/log.ts';
import { statusOf, type Reason } from '../lib/reasons.ts';
import { sameSitePost } from '../lib/form-posts.ts';

/** The avatar (1 MB) and the text fields, with room for multipart framing. */
export const APPLY_MAX_BODY_BYTES = 1536 * 1024;
/** How long a claim link signs in (an application may wait for review). */
export const CLAIM_TTL_MS = 30 * 24 * 60 * 60 * 1000;

const NO_STORE = { 'Cache-Control': 'no-store' };

async function page(
  c: Context<AppEnv>,
  outcome: 200 | 201 | Reason,
  body: ReturnType<typeof applyForm>,
  headers: Record<string, string> = {},
) {
  return c.html(await body, statusOf(outcome), { ...NO_STORE, ...headers });
}

async function formView(
  env: Env,
  program: 'influencer' | 'associate',
  values: Record<string, unknown>,
  errors: FieldError[],
): Promise<FormView> {
  const parsed = programFile.safeParse((await readRequestBase(env.ASSETS)).program);
  return {
    program,
    values,
    errors,
    categories: parsed.success ? parsed.data.categories : [],
    platforms: platform.options,
  };
}

function unavailable(c: Context<AppEnv>, error: unknown) {
  if (!(error instanceof RequestBaseUnavailable)) throw error;
  log('error', 'apply.base_unavailable', { error: error.message });
  return page(
    c,
    'store_unavailable',
    messagePage('Briefly unavailable', 'The form cannot be checked right now. Please try again in a minute.'),
    { 'Retry-After': '60' },
  );
}

export const apply = new Hono<AppEnv>()
  .get('/', async (c) => {
    const program = c.req.query('program') === 'associate' ? 'associate' : 'influencer';
    try {
      return await page(c, 200, applyForm(await formView(c.env, program, {}, [])));
    } catch (error) {
      return unavailable(c, error);
    }
  })
  .post(
    '/',
    async (c, next) => {
      if (sameSitePost(c.req.raw)) return next();
      return page(
        c,
        'forbidden',
        messagePage('Refused', 'Applications are accepted only from this site’s own form.'),
      );
    },
    bodyLimit({
      maxSize: APPLY_MAX_BODY_BYTES,
      onError: (c) =>
        page(
          c,
          'body_too_large',
          messagePage('Too large', 'The form was larger than 1.5 MB: the photo may be at most 1 MB.'),
        ),
    }),
    async (c) => {
      const now = new Date();
      const visitor = await visitorHash(
        c.env.VISITOR_HASH_SECRET,
        now,
        c.req.header('cf-connecting-ip') ?? '',
        'apply',
      );
      if (await countApplyPost(c.env.DB, visitor, now.getTime()))
        return page(
          c,
          'too_many_attempts',
          messagePage('Too many tries', 'Too many applications from here this hour. Please try again later.'),
          { 'Retry-After': '3600' },
        );
      const misconfigured = settingProblem(c.env, 'REQUEST_SIGNING_KEY');
      if (misconfigured) {
        log('error', 'apply.misconfigured', { problem: describeProblem(misconfigured) });
        return page(
          c,
          'misconfigured',
          messagePage(
            'Briefly unavailable',
            'Applications cannot be taken right now; nothing was stored. Please try again later.',
          ),
          { 'Retry-After': '3600' },
        );
      }
      try {
        return await submit(c, now);
      } catch (error) {
        return unavailable(c, error);
      }
    },
  );

/**
 * The vetting errors of a proposed file as the form shows them: on the field they came from (a
 * file field of no form field names itself), the avatar's on the avatar, the rest on the form;
 * once each (the schema check and a policy may say the same thing, a reserved handle).
 */
function fieldErrorsOf(
  errors: readonly { file: string; field: string; message: string }[],
  filePath: string,
  avatarPath: string,
  socialRows: readonly number[],
): FieldError[] {
  const shown = errors.map((e) => ({
    field:
      e.file === filePath ? formFieldOf(e.field, socialRows) : e.file === avatarPath ? 'avatar' : '(form)',
    message:
      e.field !== '(file)' && e.file === filePath && formFieldOf(e.field, socialRows) === '(form)'
        ? `${e.field}: ${e.message}`
        : e.message,
  }));
  return shown.filter((e, i) => shown.findIndex((o) => o.field === e.field && o.message === e.message) === i);
}

/** Stores the signed application with its avatar, the contact email and the claim link's hash; the claim token. */
async function storeApplication(
  env: AppEnv['Bindings'],
  request: {
    handle: string;
    shape: string;
    file: { path: string; text: string };
    avatar: { path: string; bytes: Uint8Array };
    now: Date;
  },
  contactEmail: string,
): Promise<{ id: string; token: string; expiresAt: number }> {
  const { handle, file, avatar, now } = request;
  const token = `sfc_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
  const expiresAt = now.getTime() + CLAIM_TTL_MS;
  const signed = await signedRequest(env, {
    kind: 'application',
    handle,
    handleSkeleton: request.shape,
    filePath: file.path,
    fileText: file.text,
    images: [{ path: avatar.path, bytes: avatar.bytes }],
    application: { contactEmail, claimHash: await sha256Hex(token), claimExpiresAt: expiresAt },
    now,
  });
  await insertRequest(env.DB, signed);
  const { id } = signed;
  return { id, token, expiresAt };
}

async function submit(c: Context<AppEnv>, now: Date) {
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch {
    return page(c, 'invalid', messagePage('Not a form', 'The request was not a form post.'));
  }
  const values = formFields(form.entries());
  const program = values.program === 'associate' ? 'associate' : 'influencer';
  const invalid = (errors: FieldError[]) =>
    formView(c.env, program, values, errors).then((v) => page(c, 'invalid', applyForm(v)));
  const parsed = applicationForm.safeParse(values);
  if (!parsed.success) return invalid(formErrors(parsed.error));
  const fields = parsed.data;
  const handle = handleSchema.safeParse(fields.handle);
  if (!handle.success)
    return invalid([
      { field: 'handle', message: handle.error.issues[0]?.message ?? 'is not a valid handle' },
    ]);

  const upload = form.get('avatar');
  const bytes = upload instanceof File && upload.size > 0 ? new Uint8Array(await upload.arrayBuffer()) : null;
  const avatar = avatarOf(fields.handle, bytes);
  const today = utcDay(now);
  const draft = memberOf(
    fields,
    'message' in avatar ? `/images/avatars/${fields.handle}.png` : avatar.ref,
    today,
  );
  if ('message' in avatar || draft.errors.length > 0)
    return invalid(['message' in avatar ? [avatar] : [], draft.errors].flat());

  const file = { path: `${INFLUENCER_DIR}${fields.handle}.yaml`, text: memberYaml(draft.member) };
  const shape = skeleton(fields.handle);
  const taken = [
    ...(await builtHandlesLike(c.env.ASSETS, fields.handle)),
    ...(await applicationHandlesLike(c.env.DB, shape)),
  ];
  const errors = vetRequest({
    base: await readRequestBase(c.env.ASSETS),
    taken,
    before: null,
    products: new Map(),
    file,
    images: [{ path: avatar.path, bytes: avatar.bytes }],
    author: null,
    today,
  });
  if (errors.length > 0) return invalid(fieldErrorsOf(errors, file.path, avatar.path, draft.socialRows));

  const { id, token, expiresAt } = await storeApplication(
    c.env,
    { handle: fields.handle, shape, file, avatar, now },
    fields.email,
  );
  log('info', 'apply.received', { request: id, handle: fields.handle, program });
  const claimUrl = `${new URL(c.req.url).origin}/claim/${token}`;
  return page(
    c,
    201,
    appliedPage(fields.handle, id, claimUrl, new Date(expiresAt).toISOString().slice(0, 10)),
  );
}
