import { describe, expect, it } from 'vitest';
import {
  associate,
  influencer,
  type Associate,
  type Influencer,
  type Member,
} from '../../domain/content/schema.ts';
import type { StorefrontChange } from '../../domain/vet/changes.ts';
import { reservedHandles } from '../../domain/vet/handles.ts';
import {
  programFinding,
  pullRequestPolicy,
  statusFinding,
  storefrontPolicy,
  type PolicyContext,
} from '../../domain/vet/policy.ts';
import { snapshotOf, type Snapshot } from '../../domain/vet/snapshot.ts';
import { readContentSources } from '../../build/load-content.ts';

const DIR = 'tests/fixtures/content/influencers';
const ANA = `${DIR}/ana-cooks.yaml`;

/** The fixture content, each member owned by a GitHub login: ana-cooks by "ana-gh", dee-reviews by "dee-gh". */
export const OWNERS: Record<string, string> = { 'ana-cooks': 'ana-gh', 'dee-reviews': 'dee-gh' };

function fixture(): Snapshot {
  const snapshot = snapshotOf(readContentSources('tests/fixtures/content'));
  for (const [path, member] of snapshot.influencers) {
    const github = OWNERS[member.handle];
    if (github) snapshot.influencers.set(path, { ...member, github });
  }
  return snapshot;
}

function ana(overrides: Partial<Record<keyof Influencer, unknown>> = {}): Influencer {
  const base = fixture().influencers.get(ANA);
  if (!base) throw new Error('fixture missing');
  return influencer.parse({ ...base, ...overrides });
}

function context(head: Snapshot, isAdmin = false, author: string | null = 'ana-gh'): PolicyContext {
  const base = fixture();
  return {
    base,
    head,
    basePaths: [...base.influencers.keys()],
    headPaths: [...head.influencers.keys()],
    author: isAdmin ? 'maria-ops' : author,
    isAdmin,
    reserved: reservedHandles(base.program?.reserved_handles),
    today: '2026-12-07',
  };
}

/** The head revision with one storefront file added or replaced. */
function headWith(path: string, value: Member, without?: string): Snapshot {
  const head = fixture();
  if (without) head.influencers.delete(without);
  head.influencers.set(path, value);
  return head;
}

const errors = (change: StorefrontChange, value: Member, ctx: PolicyContext) =>
  storefrontPolicy(change, value, ctx)
    .filter((f) => f.level === 'error')
    .map((f) => `${f.field}: ${f.message}`);

/** The errors of an edit of ana's file to `value`, by ana (or an admin). */
const editErrors = (value: Member, isAdmin = false) =>
  errors({ kind: 'modified', path: ANA, handle: 'ana-cooks' }, value, context(headWith(ANA, value), isAdmin));

/** The checks every member file gets, in the order they are reported. */
const EVERY_MEMBER_CHECKS = ['Handle', 'Tracking id', 'Status', 'Program', 'Ownership', 'Links'];

describe('statusFinding', () => {
  it.each([
    [null, 'applied', false, 'pass'],
    [null, 'approved', false, 'error'],
    [null, 'rejected', false, 'error'],
    ['approved', 'approved', false, 'pass'],
    ['applied', 'approved', false, 'error'],
    ['approved', 'applied', false, 'error'],
    ['approved', 'suspended', false, 'error'],
    [null, 'approved', true, 'pass'],
    ['applied', 'approved', true, 'pass'],
    ['approved', 'suspended', true, 'pass'],
  ] as const)('%s -> %s by admin=%s: %s', (before, after, isAdmin, level) => {
    expect(statusFinding(before, after, isAdmin).level).toBe(level);
  });

  it('calls a non-admin approval self-approval', () => {
    expect(statusFinding('applied', 'approved', false).message).toMatch(/^self-approval: status changed/);
  });
});

describe('storefrontPolicy', () => {
  it('passes an honest application', () => {
    const path = `${DIR}/dee-bakes.yaml`;
    const value = ana({ handle: 'dee-bakes', tracking_id: 'deebakes-20', status: 'applied' });
    const findings = storefrontPolicy(
      { kind: 'added', path, handle: 'dee-bakes' },
      value,
      context(headWith(path, value)),
    );
    expect(findings.filter((f) => f.level !== 'pass')).toEqual([]);
    expect(findings.map((f) => f.check)).toEqual([...EVERY_MEMBER_CHECKS, 'Disclosure']);
  });

  it('refuses a previous handle that is another storefront or never was this one', () => {
    const value = ana({ previous_handles: ['ben-applies', 'free-name'] });
    const change: StorefrontChange = { kind: 'modified', path: ANA, handle: 'ana-cooks' };
    expect(errors(change, value, context(headWith(ANA, value)))).toEqual([
      'previous_handles[0]: "ben-applies" belongs to another storefront',
      `previous_handles[1]: "free-name" was never this storefront's handle; previous_handles may only gain the handle a file is renamed from`,
      // The first handle is the member id (docs/decisions.md): slipping one in front changes it.
      `id: the member id changes from "ana-cooks" to "ben-applies"; a member's id never changes`,
    ]);
  });

  it('requires a rename to keep the old handle as a previous handle', () => {
    const path = `${DIR}/ana-kitchen.yaml`;
    const value = ana({ handle: 'ana-kitchen' });
    const change: StorefrontChange = {
      kind: 'renamed',
      path,
      handle: 'ana-kitchen',
      fromPath: ANA,
      fromHandle: 'ana-cooks',
    };
    expect(errors(change, value, context(headWith(path, value, ANA)))).toEqual([
      'previous_handles: must list "ana-cooks", the handle before the rename',
      `id: the member id changes from "ana-cooks" to "ana-kitchen"; a member's id never changes`,
    ]);
  });

  it('refuses links to other hosts in free text and warns about raw retailer links', () => {
    const value = ana({
      bio: 'Deals at https://evil.example/x every day',
      lists: [
        {
          slug: 'a',
          title: 'A',
          items: [{ product: 'B000TEST01', note: 'Cheaper at www.amazon.com/dp/B000TEST01?tag=other-20.' }],
        },
      ],
    });
    const findings = storefrontPolicy(
      { kind: 'modified', path: ANA, handle: 'ana-cooks' },
      value,
      context(headWith(ANA, value)),
    ).filter((f) => f.check === 'Links');
    expect(findings).toEqual([
      {
        level: 'error',
        check: 'Links',
        field: 'bio',
        message:
          'links to evil.example, which is not an allowed retailer host (allowed: www.amazon.com, amazon.com)',
      },
      {
        level: 'warn',
        check: 'Links',
        field: 'lists[0].items[0].note',
        message: 'raw link to www.amazon.com bypasses tracked links; list the product instead',
      },
    ]);
  });

  it('refuses an edit that moves commissions to another tracking id, even by the owner', () => {
    const value = ana({ tracking_id: 'someoneelse-20' });
    expect(editErrors(value)).toEqual([
      'tracking_id: changed from "anacooks-20" to "someoneelse-20"; only an admin (listed under admins in content/program.yaml on the target branch) may change tracking_id',
    ]);
  });

  // Security review (issue 24): at 53ca318 this was only a warning.
  it('refuses a profile url that is not on its platform', () => {
    const value = ana({
      socials: [
        { platform: 'instagram', url: 'https://instagram.com.evil.example/ana', followers: 10 },
        { platform: 'youtube', url: 'https://m.youtube.com/@ana', followers: 10 },
        { platform: 'blog', url: 'https://ana-cooks.example/', followers: 10 },
      ],
    });
    expect(editErrors(value)).toEqual([
      "socials[0].url: instagram.com.evil.example is not on instagram's site (instagram.com); link the instagram profile itself",
    ]);
  });

  it('refuses it from an admin too', () => {
    const value = ana({
      socials: [{ platform: 'tiktok', url: 'https://tiktok.evil.example/@ana', followers: 10 }],
    });
    expect(editErrors(value, true)).toEqual([
      "socials[0].url: tiktok.evil.example is not on tiktok's site (tiktok.com); link the tiktok profile itself",
    ]);
  });
});

describe('pullRequestPolicy', () => {
  const files = { added: [], modified: ['content/program.yaml', 'content/products/B1.yaml'], removed: [] };
  const removed = [{ path: 'content/influencers/ana-cooks.yaml', handle: 'ana-cooks' }];

  it('keeps program files to admins and member files from being deleted by anyone', () => {
    expect(pullRequestPolicy(files, removed, false).map((f) => `${f.level} ${f.file}`)).toEqual([
      'error content/program.yaml',
      'error content/influencers/ana-cooks.yaml',
    ]);
    expect(pullRequestPolicy(files, removed, true).map((f) => `${f.level} ${f.file}`)).toEqual([
      'pass content/program.yaml',
      'error content/influencers/ana-cooks.yaml',
    ]);
  });
});

const DEE = `${DIR}/dee-reviews.yaml`;

function dee(overrides: Partial<Record<keyof Associate, unknown>> = {}): Associate {
  const base = fixture().influencers.get(DEE);
  if (!base) throw new Error('fixture missing');
  return associate.parse({ ...base, ...overrides });
}

describe('programFinding', () => {
  it.each([
    [null, 'associate', false, 'pass'],
    ['associate', 'associate', false, 'pass'],
    ['influencer', 'associate', false, 'error'],
    ['associate', 'influencer', false, 'error'],
    ['influencer', 'associate', true, 'pass'],
  ] as const)('%s -> %s by admin=%s: %s', (before, after, isAdmin, level) => {
    expect(programFinding(before, after, isAdmin).level).toBe(level);
  });
});

describe('storefrontPolicy for associates', () => {
  const path = `${DIR}/eve-reviews.yaml`;
  const change = { kind: 'added', path, handle: 'eve-reviews' } as const;
  const eve = (overrides: Partial<Record<keyof Associate, unknown>> = {}) =>
    dee({
      handle: 'eve-reviews',
      tracking_id: 'evereviews-20',
      status: 'applied',
      github: 'ana-gh',
      ...overrides,
    });

  it('passes an honest application with the same checks, the website and its disclosure page', () => {
    const value = eve({ bio: 'Reviews at https://deereviews.example/reviews, tested for weeks.' });
    const findings = storefrontPolicy(change, value, context(headWith(path, value)));
    expect(findings.filter((f) => f.level !== 'pass')).toEqual([]);
    expect(findings.map((f) => f.check)).toEqual([...EVERY_MEMBER_CHECKS, 'Website', 'Disclosure']);
    expect(findings.find((f) => f.check === 'Program')?.message).toBe('applies to the associate program');
  });

  it('applies the shared rules: self-approval, a taken tracking id, foreign links', () => {
    const value = eve({
      status: 'approved',
      tracking_id: 'anacooks-20',
      audience: 'Readers of www.evil.example daily.',
    });
    expect(errors(change, value, context(headWith(path, value)))).toEqual([
      'tracking_id: "anacooks-20" is already used by tests/fixtures/content/influencers/ana-cooks.yaml',
      'status: self-approval: a new storefront must start as "applied"; only an admin (listed under admins in content/program.yaml at the base revision) may set "approved"',
      'audience: links to www.evil.example, which is not an allowed retailer host (allowed: www.amazon.com, amazon.com)',
    ]);
  });

  it("refuses a retailer's site as the website and flags a social profile or an off-site disclosure", () => {
    const retailer = eve({ website: 'https://www.amazon.com/shop/eve' });
    expect(errors(change, retailer, context(headWith(path, retailer)))).toEqual([
      "website: www.amazon.com is Amazon.com's site, not a publisher's own",
    ]);
    const social = eve({
      website: 'https://www.instagram.com/eve',
      disclosure_url: 'https://eve.example/disclosure',
    });
    const warnings = storefrontPolicy(change, social, context(headWith(path, social)))
      .filter((f) => f.level === 'warn')
      .map((f) => `${f.field}: ${f.message}`);
    expect(warnings).toEqual([
      'website: www.instagram.com is instagram: a social profile; apply as an influencer (socials) instead?',
      'disclosure_url: eve.example is not on www.instagram.com: the disclosure should be on the site itself',
    ]);
  });

  it('lets only an admin move an existing member to the other program', () => {
    const base = fixture().influencers.get(ANA);
    if (!base) throw new Error('fixture missing');
    const moved = associate.parse({
      ...Object.fromEntries(
        Object.entries(base).filter(([k]) => !['socials', 'featured', 'lists'].includes(k)),
      ),
      program: 'associate',
      website: 'https://anacooks.example/',
      audience: 'Weeknight cooks in small kitchens who want fast dinners.',
      niche: 'Kitchen gear',
      disclosure_url: 'https://anacooks.example/disclosure',
    });
    const edit = { kind: 'modified', path: ANA, handle: 'ana-cooks' } as const;
    expect(errors(edit, moved, context(headWith(ANA, moved)))).toContain(
      'program: changed from influencer to associate; only an admin (listed under admins in content/program.yaml at the base revision) may move a member between programs (it changes the rates)',
    );
    expect(errors(edit, moved, context(headWith(ANA, moved), true))).toEqual([]);
  });
});
