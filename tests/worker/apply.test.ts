/**
 * `GET/POST /apply/` (CONTRACT.md section 15) against the real worker in workerd and the real
 * D1: a valid application is stored signed, with its avatar and, apart, the contact email and
 * the claim link's hash, and answers 201 with the link once; every refusal (form errors beside
 * their fields, taken and look-alike handles, uploads refused by their bytes, cross-site posts,
 * the rate limit, a missing signing key) stores nothing.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { verifyRequest, sha256Hex } from '../../domain/requests/signature.ts';
import { placeholderAvatar } from '../../domain/vet/png.ts';
import { sha256Hex as textSha256Hex } from '../../domain/requests/signature.ts';
import { MAX_APPLY_POSTS } from '../../worker/requests/store.ts';
import { createWorker } from '../../worker/worker.ts';

const ORIGIN = 'https://shop.test';
/** The public half of the test key in vitest.config.ts. */
const PUBLIC_KEY = 'lrZPNdx1lr3UD6EcY5NyiaYaucCf3OG7vDFBCcgoTWA=';
const worker = createWorker((request, e) => e.ASSETS.fetch(request));
const [link] = inject('expectedLinks');
if (!link) throw new Error('no sample links');
const existing = link.handle;

let ip = 0;
/** Each test posts from its own address, so the rate limit of one never touches another. */
const nextIp = () => `203.0.113.${++ip}`;

async function call(path: string, init: RequestInit = {}, bindings: Partial<Env> = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, init), { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

function influencerForm(handle: string, overrides: Record<string, string | string[] | null> = {}): FormData {
  const fields: Record<string, string | string[] | null> = {
    program: 'influencer',
    handle,
    name: 'Rosa Bakes',
    email: 'rosa@example.com',
    github: '',
    bio: 'Sourdough, cakes and the tools that make them easy.',
    'socials[0].platform': 'instagram',
    'socials[0].url': 'https://www.instagram.com/rosa.bakes',
    'socials[0].followers': '12,400',
    categories: ['kitchen', 'books'],
    ...overrides,
  };
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) form.append(key, v);
  }
  return form;
}

function post(form: FormData, headers: Record<string, string> = {}, bindings: Partial<Env> = {}) {
  return call(
    '/apply/',
    {
      method: 'POST',
      body: form,
      headers: { 'sec-fetch-site': 'same-origin', origin: ORIGIN, 'cf-connecting-ip': nextIp(), ...headers },
    },
    bindings,
  );
}

function withAvatar(form: FormData, bytes: Uint8Array, name = 'me.png'): FormData {
  form.append('avatar', new File([bytes.slice().buffer as ArrayBuffer], name, { type: 'image/png' }));
  return form;
}

async function storedFor(handle: string) {
  const { results } = await env.DB.prepare('SELECT * FROM change_requests WHERE handle = ?1')
    .bind(handle)
    .all();
  return results;
}

/** The error paragraph(s) rendered right after a field. */
function errorBeside(page: string, field: string): string {
  const at = page.indexOf(`name="${field}"`);
  expect(at, `field ${field} on the page`).toBeGreaterThan(-1);
  const after = page.slice(at, at + 1500);
  const next = after.indexOf('<label', 1);
  return (
    (next === -1 ? after : after.slice(0, next)).match(/<p class="err"[^>]*>[^<]*<\/p>/g)?.join(' ') ?? ''
  );
}

describe('GET /apply/', () => {
  it('is a form without script, posting to this site only, for either program', async () => {
    const res = await call('/apply/');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<form method="post" action="/apply/" enctype="multipart/form-data">');
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('name="socials[0].url"');
    expect(page).toContain('value="kitchen"');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("form-action 'self'");
    const associate = await (await call('/apply/?program=associate')).text();
    expect(associate).toContain('name="website"');
    expect(associate).toContain('name="disclosure_url"');
    expect(associate).not.toContain('name="socials[0].url"');
  });
});

describe('POST /apply/: a valid application', () => {
  it('stores the whole member file signed, the avatar, and apart the email and the claim hash; shows the claim link once', async () => {
    const avatar = placeholderAvatar(64);
    const res = await post(withAvatar(influencerForm('rosa-bakes'), avatar));
    const page = await res.text();
    expect(res.status, page).toBe(201);
    const token = /\/claim\/(sfc_[A-Za-z0-9_-]{43})/.exec(page)?.[1];
    expect(token).toBeDefined();

    const [row] = await storedFor('rosa-bakes');
    expect(row).toMatchObject({
      kind: 'application',
      state: 'pending',
      file_path: 'content/influencers/rosa-bakes.yaml',
    });
    const text = String(row?.file_text);
    for (const line of [
      'id: rosa-bakes',
      'owner: self',
      'status: applied',
      'tracking_id: pending-rosa-bakes',
      'avatar: /images/avatars/rosa-bakes.png',
      'followers: 12400',
    ])
      expect(text).toContain(line);
    expect(text).toMatch(
      /history:\n  - on: \d{4}-\d{2}-\d{2}\n    status: applied\n  - on: \d{4}-\d{2}-\d{2}\n    tracking_id: pending-rosa-bakes\n/,
    );
    expect(text).not.toContain('rosa@example.com');
    const bytes = new TextEncoder().encode(text);
    expect(row?.file_sha256).toBe(await sha256Hex(bytes));
    const id = String(row?.id);
    expect(
      await verifyRequest(PUBLIC_KEY, String(row?.signature), { id, handle: 'rosa-bakes', file: bytes }),
    ).toBe(true);
    expect(
      await verifyRequest(PUBLIC_KEY, String(row?.signature), {
        id,
        handle: 'rosa-bakes',
        file: new TextEncoder().encode(`${text}#`),
      }),
    ).toBe(false);

    const image = await env.DB.prepare('SELECT path, bytes FROM change_request_images WHERE request_id = ?1')
      .bind(id)
      .first();
    expect(image?.path).toBe('site/public/images/avatars/rosa-bakes.png');
    expect(new Uint8Array(image?.bytes as ArrayBuffer)).toEqual(avatar);
    const application = await env.DB.prepare('SELECT * FROM applications WHERE request_id = ?1')
      .bind(id)
      .first();
    expect(application).toMatchObject({ contact_email: 'rosa@example.com', claimed_at: null });
    expect(application?.claim_hash).toBe(await textSha256Hex(token ?? ''));
    expect(Number(application?.claim_expires_at)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  });

  it('writes github: <login> when the applicant names one, and an associate file with its website', async () => {
    const res = await post(
      influencerForm('deskcraft-weekly', {
        program: 'associate',
        github: 'deskcraft',
        'socials[0].platform': null,
        'socials[0].url': null,
        'socials[0].followers': null,
        website: 'https://deskcraft.example/',
        audience: 'People setting up a home office on a budget.',
        niche: 'home office gear reviews',
        disclosure_url: 'https://deskcraft.example/disclosure',
        monthly_visitors: '25000',
      }),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const [row] = await storedFor('deskcraft-weekly');
    const text = String(row?.file_text);
    expect(text).toContain('program: associate');
    expect(text).toContain('github: deskcraft');
    expect(text).not.toContain('owner:');
    expect(text).toContain('monthly_visitors: 25000');
  });
});

describe('POST /apply/: refused, each error beside its field, nothing stored', () => {
  it('shows schema and form errors beside bio, socials, categories and followers', async () => {
    const res = await post(
      influencerForm('vera-errs', {
        bio: 'x'.repeat(281),
        'socials[0].url': 'http://www.instagram.com/vera',
        'socials[1].platform': 'tiktok',
        'socials[1].url': 'https://www.tiktok.com/@vera',
        'socials[1].followers': 'lots',
        categories: ['kitchen', 'no-such-category'],
      }),
    );
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(errorBeside(page, 'socials[1].followers')).toContain('must be a whole number');
    // Vet runs once the form's own errors are fixed: the schema's errors first...
    const again = await post(
      influencerForm('vera-errs', {
        bio: 'x'.repeat(281),
        'socials[0].url': 'http://www.instagram.com/vera',
      }),
    );
    expect(again.status).toBe(400);
    const second = await again.text();
    expect(errorBeside(second, 'bio')).toContain('at most 280 characters');
    expect(errorBeside(second, 'socials[0].followers')).toContain('https://');
    // What was typed is kept.
    expect(second).toContain('value="vera-errs"');
    // ...then the rules across files, as vet has them.
    const third = await post(influencerForm('vera-errs', { categories: ['kitchen', 'no-such-category'] }));
    expect(third.status).toBe(400);
    expect(await third.text()).toMatch(
      /<p class="err" id="err-categories">unknown category &quot;no-such-category&quot;<\/p>/,
    );
    expect(await storedFor('vera-errs')).toEqual([]);
  });

  it('refuses a bad contact email and a malformed handle', async () => {
    const res = await post(influencerForm('Bad Handle!', { email: 'not-an-email' }));
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(errorBeside(page, 'email')).toContain('email address');
    const handle = await post(influencerForm('Bad_Handle'));
    expect(errorBeside(await handle.text(), 'handle')).toContain('lowercase');
  });

  it('refuses reserved, taken (current and pending) and look-alike handles', async () => {
    const cases: [string, string][] = [
      ['admin', 'is reserved'],
      ['support', 'is reserved'],
      [existing, 'already taken'],
      [existing.replace(/o/, '0').replace(/l/, '1'), 'looks like the existing handle'],
    ];
    for (const [handle, message] of cases) {
      if (handle === existing && !/[ol]/.test(existing)) continue;
      const res = await post(influencerForm(handle));
      expect(res.status, handle).toBe(400);
      expect(errorBeside(await res.text(), 'handle'), handle).toContain(message);
    }
    expect((await post(influencerForm('crumb-club'))).status).toBe(201);
    const pending = await post(influencerForm('crumb-c1ub'));
    expect(pending.status).toBe(400);
    expect(errorBeside(await pending.text(), 'handle')).toContain('&quot;crumb-club&quot;');
    expect(await storedFor('crumb-c1ub')).toEqual([]);
  });

  it('refuses uploads by their content: SVG named .png, bytes after the image, over 1 MB', async () => {
    const svg = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    const png = placeholderAvatar(32);
    const trailing = new Uint8Array([...png, ...new TextEncoder().encode('<html><script>x</script>')]);
    const big = new Uint8Array(1024 * 1024 + 1);
    big.set(png);
    for (const [bytes, message] of [
      [svg, 'SVG'],
      [trailing, 'after the PNG'],
      [big, 'at most 1048576 bytes'],
    ] as const) {
      const res = await post(withAvatar(influencerForm('tess-uploads'), bytes));
      expect(res.status).toBe(400);
      expect(errorBeside(await res.text(), 'avatar')).toContain(message);
    }
    expect(await storedFor('tess-uploads')).toEqual([]);
  });

  it('answers 413 to a body over 1.5 MB', async () => {
    const res = await post(withAvatar(influencerForm('huge-body'), new Uint8Array(1600 * 1024)));
    expect(res.status).toBe(413);
    expect(await storedFor('huge-body')).toEqual([]);
  });

  it('refuses cross-site posts', async () => {
    for (const headers of [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': '', origin: 'https://evil.example' },
    ]) {
      const sent: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) if (value) sent[name] = value;
      const res = await call('/apply/', {
        method: 'POST',
        body: influencerForm('cross-post'),
        headers: sent,
      });
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
    expect(await storedFor('cross-post')).toEqual([]);
  });

  it('limits posts per visitor', async () => {
    const from = { 'cf-connecting-ip': '198.51.100.77' };
    for (let i = 0; i < MAX_APPLY_POSTS; i++)
      expect((await post(influencerForm('Bad_Handle'), from)).status).toBe(400);
    const res = await post(influencerForm('limit-reached'), from);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3600');
    expect(await storedFor('limit-reached')).toEqual([]);
    // Another visitor is not limited.
    expect((await post(influencerForm('Bad_Handle'))).status).toBe(400);
  });

  it('answers 503 without REQUEST_SIGNING_KEY, and /healthz names it', async () => {
    const res = await post(influencerForm('no-key-here'), {}, { REQUEST_SIGNING_KEY: '' });
    expect(res.status).toBe(503);
    expect(await storedFor('no-key-here')).toEqual([]);
    const health = await call('/healthz', {}, { REQUEST_SIGNING_KEY: '' });
    expect(health.status).toBe(503);
    expect(JSON.stringify(await health.json())).toContain('REQUEST_SIGNING_KEY is missing');
  });
});
