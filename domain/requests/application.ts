/**
 * A web application (CONTRACT.md section 15) as a member file: the form's fields in, the
 * whole proposed `content/influencers/<handle>.yaml` out, written as `npm run apply` would
 * have it after the applicant filled in every TODO. Pure; the worker does the I/O.
 *
 * The file an applicant without git gets:
 *   id          = handle                      (docs/decisions.md: the handle it was created with)
 *   owner       = github: <login>  when the form names a GitHub user, else  owner: self
 *   status      = applied,  applied_on = today
 *   tracking_id = "pending-" + handle         (an admin sets the real one on approval: an admin's act)
 *   history     = [{ on: today, status: applied }, { on: today, tracking_id: pending-<handle> }]
 *   avatar      = /images/avatars/<handle>.<type of the uploaded bytes>   (placeholder PNG when none)
 *
 * Form fields carry the member file's field paths ("socials[1].url"), so every error vet
 * reports about the file lands beside the field that made it. Only what the file cannot say
 * is checked here: that numbers are numbers, the contact email, and the size of the upload.
 */
import { stringify } from 'yaml';
import { z } from 'zod';
import type { FieldIssue } from '../issues.ts';
import { PROGRAMS } from '../content/schema.ts';
import { AVATAR_DIR } from '../vet/paths.ts';
import { inspectImage, IMAGE_LIMITS, RASTER_EXTENSIONS } from '../vet/raster.ts';
import { placeholderAvatar } from '../vet/png.ts';

/** Social profile rows on the form. */
export const SOCIAL_ROWS = 4;
/** CONTRACT.md section 15: an avatar upload is at most 1 MB. */
export const AVATAR_MAX_BYTES = 1024 * 1024;
/** Longest text any one form field may carry (the schema's limits are lower; this bounds the work). */
const FIELD_MAX = 2000;

/** What is wrong with a form field ("(form)" for the whole application): the one Issue type (domain/issues.ts). */
export type FieldError = FieldIssue;

const text = z
  .string()
  .max(FIELD_MAX, `must be at most ${FIELD_MAX} characters`)
  .transform((s) => s.trim());

/** What the form posts, as strings (and the avatar's bytes); checked only for shape here. */
export const applicationForm = z.object({
  program: z.enum(PROGRAMS, { error: 'pick influencer or associate' }),
  handle: text,
  name: text,
  github: text,
  email: text.pipe(z.email({ error: 'must be an email address we can reach you at' }).max(254)),
  bio: text,
  categories: z.array(text).max(50),
  socials: z.array(z.object({ platform: text, url: text, followers: text })).max(SOCIAL_ROWS),
  website: text,
  audience: text,
  niche: text,
  disclosure_url: text,
  monthly_visitors: text,
});
export type ApplicationForm = z.output<typeof applicationForm>;

/** Reads a posted form (FormData entries) into the shape above; the avatar is returned apart. */
export function formFields(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = { categories: [], socials: [] };
  const socials: Record<string, string>[] = Array.from({ length: SOCIAL_ROWS }, () => ({}));
  for (const [key, value] of entries) {
    if (typeof value !== 'string') continue;
    const row = /^socials\[(\d)\]\.(platform|url|followers)$/.exec(key);
    if (row) {
      const index = Number(row[1]);
      const target = socials[index];
      if (target && row[2]) target[row[2]] = value;
    } else if (key === 'categories') (out.categories as string[]).push(value);
    else if (key !== 'avatar') out[key] = value;
  }
  out.socials = socials.map((s) => ({
    platform: s.platform ?? '',
    url: s.url ?? '',
    followers: s.followers ?? '',
  }));
  for (const key of [
    'program',
    'handle',
    'name',
    'github',
    'email',
    'bio',
    'website',
    'audience',
    'niche',
    'disclosure_url',
    'monthly_visitors',
  ])
    out[key] ??= '';
  return out;
}

/** Form errors by field name, from zod's issues. */
export function formErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ field: fieldName(issue.path), message: issue.message }));
}

function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || '(form)';
}

/** "12,400" or "12 400" -> 12400; anything else that is not a whole number is an error. */
function wholeNumber(value: string): number | null {
  const digits = value.replace(/[,\s_]/g, '');
  return /^\d{1,12}$/.test(digits) ? Number(digits) : null;
}

export interface Avatar {
  /** Repository path: site/public/images/avatars/<handle>.<ext>. */
  path: string;
  /** The URL path the member file names. */
  ref: string;
  bytes: Uint8Array;
}

/**
 * The avatar to commit: the upload, when it is a raster image of at most 1 MB (the same
 * content check as vet's, domain/vet/raster.ts), named for its real type; a placeholder
 * PNG when nothing was uploaded.
 */
export function avatarOf(handle: string, upload: Uint8Array | null): Avatar | FieldError {
  const bytes = upload && upload.length > 0 ? upload : placeholderAvatar();
  const seen = inspectImage(bytes, { ...IMAGE_LIMITS, maxBytes: AVATAR_MAX_BYTES });
  if (!seen.ok) return { field: 'avatar', message: `the uploaded file ${seen.message}` };
  const ref = `/images/avatars/${handle}.${RASTER_EXTENSIONS[seen.type][0]}`;
  return { path: `${AVATAR_DIR}${handle}.${RASTER_EXTENSIONS[seen.type][0]}`, ref, bytes };
}

/** The member file's data, in the order a person reads it. */
export function memberOf(form: ApplicationForm, avatarRef: string, today: string): MemberDraft {
  const errors: FieldError[] = [];
  const owner = form.github === '' ? { owner: 'self' } : { github: form.github.replace(/^@/, '') };
  const common = {
    id: form.handle,
    program: form.program,
    handle: form.handle,
    name: form.name,
    ...owner,
    bio: form.bio,
    avatar: avatarRef,
    status: 'applied',
    applied_on: today,
    tracking_id: `pending-${form.handle}`,
    history: [
      { on: today, status: 'applied' },
      { on: today, tracking_id: `pending-${form.handle}` },
    ],
  };
  const categories = [...new Set(form.categories.filter((c) => c !== ''))];
  if (form.program === 'associate') {
    let visitors: number | undefined;
    if (form.monthly_visitors !== '') {
      visitors = wholeNumber(form.monthly_visitors) ?? undefined;
      if (visitors === undefined)
        errors.push({ field: 'monthly_visitors', message: 'must be a whole number (e.g. 25000)' });
    }
    const member = {
      ...common,
      website: form.website,
      audience: form.audience,
      niche: form.niche,
      disclosure_url: form.disclosure_url,
      ...(visitors === undefined ? {} : { monthly_visitors: visitors }),
      categories,
      previous_handles: [],
    };
    return { member, errors, socialRows: [] };
  }
  const socials = form.socials.flatMap((row, i) => {
    if (row.platform === '' && row.url === '' && row.followers === '') return [];
    const followers = wholeNumber(row.followers);
    if (followers === null)
      errors.push({
        field: `socials[${i}].followers`,
        message: 'must be a whole number of followers (e.g. 12400)',
      });
    return [{ row: i, social: { platform: row.platform, url: row.url, followers: followers ?? 0 } }];
  });
  const member = {
    ...common,
    socials: socials.map((s) => s.social),
    categories,
    previous_handles: [],
    featured: [],
    lists: [],
  };
  // Vet names socials by their position in the file; the form's rows may have gaps.
  return { member, errors, socialRows: socials.map((s) => s.row) };
}

export interface MemberDraft {
  member: Record<string, unknown>;
  /** Errors the form itself finds (numbers that are not numbers). */
  errors: FieldError[];
  /** socials[i] of the file came from form row socialRows[i]. */
  socialRows: number[];
}

/**
 * Where an error vet reports about the file belongs on the form: "socials[0].url" of the file
 * is the form row it came from; fields the form does not show (id, status, history...) are
 * about the application as a whole.
 */
export function formFieldOf(fileField: string, socialRows: readonly number[]): string {
  const social = /^socials\[(\d+)\](.*)$/.exec(fileField);
  if (social) return `socials[${socialRows[Number(social[1])] ?? 0}]${social[2] ?? ''}`;
  const top = /^[a-z_]+/.exec(fileField)?.[0] ?? '';
  return FORM_FIELDS.has(top) ? top : '(form)';
}

const FORM_FIELDS = new Set([
  'program',
  'handle',
  'name',
  'github',
  'bio',
  'avatar',
  'socials',
  'categories',
  'website',
  'audience',
  'niche',
  'disclosure_url',
  'monthly_visitors',
]);

/** The member file's text, as committed: YAML 1.2, one key a line, dates unquoted. */
export function memberYaml(member: Record<string, unknown>): string {
  return `# Written by the shopfront worker from a change request (CONTRACT.md section 15).\n${stringify(member, { lineWidth: 0 })}`;
}
