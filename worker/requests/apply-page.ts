/**
 * The HTML of /apply/ (CONTRACT.md section 15): a form that works without script, one per
 * program (?program=associate), each error beside its field, and the page that shows the
 * claim link once. Every value is escaped by hono/html.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { MemberProgram } from '../../domain/content/schema.ts';
import { AVATAR_MAX_BYTES, SOCIAL_ROWS, type FieldError } from '../../domain/requests/application.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface FormView {
  program: MemberProgram;
  /** What the applicant typed, by form field name (kept on an error). */
  values: Record<string, unknown>;
  categories: readonly { id: string; name: string }[];
  platforms: readonly string[];
  errors: readonly FieldError[];
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1b1b1f}
label{display:block;font-weight:600;margin-top:1rem}input,textarea,select{font:inherit;width:100%;box-sizing:border-box;padding:.4rem}
fieldset{margin-top:1rem;border:1px solid #ccd}.row{display:grid;grid-template-columns:8rem 1fr 7rem;gap:.5rem}
.err{color:#a10d1c;margin:.2rem 0 0}.hint{color:#555;margin:.2rem 0 0;font-size:.9rem}button{margin-top:1.5rem;font:inherit;padding:.5rem 1.2rem}
.cats label{display:inline-block;font-weight:400;margin-right:1rem}.cats input{width:auto}.claim{word-break:break-all;background:#f3f4f8;padding:.8rem}`;

export function layout(title: string, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${title}</title>
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        ${body}
      </body>
    </html>`;
}

function value(view: FormView, name: string): string {
  const v = view.values[name];
  return typeof v === 'string' ? v : '';
}

function errorsFor(view: FormView, name: string): Html {
  const mine = view.errors.filter(
    (e) => e.field === name || e.field.startsWith(`${name}.`) || e.field.startsWith(`${name}[`),
  );
  if (mine.length === 0) return html``;
  return html`${mine.map((e) => html`<p class="err" id="err-${name}">${e.field === name ? '' : `${e.field}: `}${e.message}</p>`)}`;
}

function input(
  view: FormView,
  name: string,
  label: string,
  attrs: { type?: string; hint?: string; required?: boolean; max?: number } = {},
): Html {
  const invalid = view.errors.some(
    (e) => e.field === name || e.field.startsWith(`${name}.`) || e.field.startsWith(`${name}[`),
  );
  return html`<label for="${name}">${label}</label>
    <input
      id="${name}"
      name="${name}"
      type="${attrs.type ?? 'text'}"
      value="${value(view, name)}"
      ${attrs.required ? raw('required') : ''}
      ${attrs.max ? raw(`maxlength="${attrs.max}"`) : ''}
      ${invalid ? raw(`aria-invalid="true" aria-describedby="err-${name}"`) : ''}
    />
    ${attrs.hint ? html`<p class="hint">${attrs.hint}</p>` : ''}${errorsFor(view, name)}`;
}

function textarea(view: FormView, name: string, label: string, hint: string, max: number): Html {
  return html`<label for="${name}">${label}</label>
    <textarea id="${name}" name="${name}" rows="3" maxlength="${max}">${value(view, name)}</textarea>
    <p class="hint">${hint}</p>
    ${errorsFor(view, name)}`;
}

function socialRows(view: FormView): Html {
  const socials = Array.isArray(view.values.socials) ? (view.values.socials as Record<string, string>[]) : [];
  return html`<fieldset>
    <legend>Your social profiles (at least one)</legend>
    ${Array.from({ length: SOCIAL_ROWS }, (_, i) => {
      const row = socials[i] ?? {};
      return html`<div class="row">
          <select name="socials[${i}].platform" aria-label="Platform ${i + 1}">
            <option value="">platform</option>
            ${view.platforms.map((p) => html`<option value="${p}" ${row.platform === p ? raw('selected') : ''}>${p}</option>`)}
          </select>
          <input
            name="socials[${i}].url"
            type="url"
            placeholder="https://www.instagram.com/you"
            aria-label="Profile URL ${i + 1}"
            value="${row.url ?? ''}"
          />
          <input
            name="socials[${i}].followers"
            inputmode="numeric"
            placeholder="followers"
            aria-label="Followers ${i + 1}"
            value="${row.followers ?? ''}"
          />
        </div>
        ${errorsFor(view, `socials[${i}]`)}`;
    })}
    ${view.errors.filter((e) => e.field === 'socials').map((e) => html`<p class="err">${e.message}</p>`)}
  </fieldset>`;
}

function categoryBoxes(view: FormView): Html {
  const chosen = Array.isArray(view.values.categories) ? (view.values.categories as string[]) : [];
  return html`<fieldset class="cats">
    <legend>Categories you cover</legend>
    ${view.categories.map(
      (c) =>
        html`<label
          ><input
            type="checkbox"
            name="categories"
            value="${c.id}"
            ${chosen.includes(c.id) ? raw('checked') : ''}
          />
          ${c.name}</label
        >`,
    )}
    ${errorsFor(view, 'categories')}
  </fieldset>`;
}

export function applyForm(view: FormView): Html {
  const associate = view.program === 'associate';
  const general = view.errors.filter(
    (e) =>
      e.field === '(form)' ||
      e.field === 'program' ||
      e.field === 'id' ||
      e.field === 'status' ||
      e.field === 'history' ||
      e.field === 'tracking_id' ||
      e.field.startsWith('site/') ||
      e.field.startsWith('content/'),
  );
  return layout(
    'Apply',
    html`<h1>Apply ${associate ? 'as a website associate' : 'for a storefront'}</h1>
      <p>
        ${
          associate
            ? html`Publishing on your own website? <a href="/apply/">Apply for a storefront instead</a> if you
                post on social media.`
            : html`Run a website instead of social profiles?
                <a href="/apply/?program=associate">Apply as a website associate</a>.`
        }
      </p>
      <p>
        No account or git needed. We check your application with the same rules as every other; an admin
        reviews it, usually within a week, and writes to you.
      </p>
      ${general.length > 0 ? html`<div role="alert">${general.map((e) => html`<p class="err">${e.message}</p>`)}</div>` : ''}
      <form method="post" action="/apply/" enctype="multipart/form-data">
        <input type="hidden" name="program" value="${view.program}" />
        ${input(view, 'handle', 'Handle', { required: true, max: 30, hint: 'Your address: /shop/<handle>/. 3 to 30 lowercase letters, digits and inner hyphens.' })}
        ${input(view, 'name', associate ? "Your site's name" : 'Display name', { required: true, max: 80 })}
        ${input(view, 'email', 'Contact email', { type: 'email', required: true, max: 254, hint: 'Only for the admins to reach you; never published, never in git.' })}
        ${input(view, 'github', 'GitHub user (optional)', { max: 39, hint: 'With one, you may also edit your file by pull request. Without, you edit it here, in the dashboard.' })}
        ${textarea(view, 'bio', 'Bio', 'At most 280 characters.', 280)}
        ${
          associate
            ? html`${input(view, 'website', 'Website', { type: 'url', required: true, hint: 'https://...' })}
              ${textarea(view, 'audience', 'Who reads your site', 'A sentence or two.', 280)}
              ${input(view, 'niche', 'What your site is about', { max: 120 })}
              ${input(view, 'disclosure_url', 'Your affiliate disclosure page', { type: 'url', hint: 'https://...' })}
              ${input(view, 'monthly_visitors', 'Visitors a month (optional)', { hint: 'As you know it; not verified.' })}`
            : socialRows(view)
        }
        ${categoryBoxes(view)}
        <label for="avatar">${associate ? 'Logo' : 'Photo'} (optional)</label>
        <input id="avatar" name="avatar" type="file" accept="image/png,image/jpeg,image/webp,image/avif" />
        <p class="hint">
          PNG, JPEG, WebP or AVIF, at most ${AVATAR_MAX_BYTES / 1024 / 1024} MB and 4096 pixels a side.
          Without one, a plain placeholder.
        </p>
        ${errorsFor(view, 'avatar')}
        <button type="submit">Apply</button>
      </form>`,
  );
}

export function appliedPage(handle: string, requestId: string, claimUrl: string, expires: string): Html {
  return layout(
    'Application received',
    html`<h1>Thank you, ${handle}: your application is in</h1>
      <p>
        Request <code>${requestId}</code> waits for review. An admin looks at it (as a pull request: the
        vetting report, your profiles) and writes to the email you gave.
      </p>
      <h2>Your claim link</h2>
      <p>
        <strong>Save it now: it is shown only this once.</strong> Once you are approved, it signs you in to
        your dashboard one time, where you make your own access token. It works until ${expires}.
      </p>
      <p class="claim"><a href="${claimUrl}">${claimUrl}</a></p>`,
  );
}

export function messagePage(title: string, message: string): Html {
  return layout(
    title,
    html`<h1>${title}</h1>
      <p>${message}</p>
      <p><a href="/apply/">Back to the form</a></p>`,
  );
}
