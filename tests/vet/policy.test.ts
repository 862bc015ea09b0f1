import { describe, expect, it } from 'vitest';
import { influencer, type Influencer } from '../../domain/content/schema.ts';
import type { StorefrontChange } from '../../domain/vet/changes.ts';
import { reservedHandles } from '../../domain/vet/handles.ts';
import {
  pullRequestPolicy,
  statusFinding,
  storefrontPolicy,
  type PolicyContext,
} from '../../domain/vet/policy.ts';
import { snapshotOf, type Snapshot } from '../../domain/vet/snapshot.ts';
import { readContentSources } from '../../scripts/lib/load-content.ts';

const DIR = 'tests/fixtures/content/influencers';
const ANA = `${DIR}/ana-cooks.yaml`;

function fixture(): Snapshot {
  return snapshotOf(readContentSources('tests/fixtures/content'));
}

function ana(overrides: Partial<Record<keyof Influencer, unknown>> = {}): Influencer {
  const base = fixture().influencers.get(ANA);
  if (!base) throw new Error('fixture missing');
  return influencer.parse({ ...base, ...overrides });
}

function context(head: Snapshot, isAdmin = false): PolicyContext {
  const base = fixture();
  return {
    base,
    head,
    basePaths: [...base.influencers.keys()],
    headPaths: [...head.influencers.keys()],
    author: null,
    isAdmin,
    reserved: reservedHandles(base.program?.reserved_handles),
  };
}

/** The head revision with one storefront file added or replaced. */
function headWith(path: string, value: Influencer, without?: string): Snapshot {
  const head = fixture();
  if (without) head.influencers.delete(without);
  head.influencers.set(path, value);
  return head;
}

const errors = (change: StorefrontChange, value: Influencer, ctx: PolicyContext) =>
  storefrontPolicy(change, value, ctx)
    .filter((f) => f.level === 'error')
    .map((f) => `${f.field}: ${f.message}`);

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
    expect(findings.map((f) => f.check)).toEqual(['Handle', 'Tracking id', 'Status', 'Links', 'Disclosure']);
  });

  it('refuses a previous handle that is another storefront or never was this one', () => {
    const value = ana({ previous_handles: ['ben-applies', 'free-name'] });
    const change: StorefrontChange = { kind: 'modified', path: ANA, handle: 'ana-cooks' };
    expect(errors(change, value, context(headWith(ANA, value)))).toEqual([
      'previous_handles[0]: "ben-applies" belongs to another storefront',
      `previous_handles[1]: "free-name" was never this storefront's handle; previous_handles may only gain the handle a file is renamed from`,
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

  it('warns when an edit moves commissions to another tracking id', () => {
    const value = ana({ tracking_id: 'someoneelse-20' });
    const warnings = storefrontPolicy(
      { kind: 'modified', path: ANA, handle: 'ana-cooks' },
      value,
      context(headWith(ANA, value)),
    ).filter((f) => f.level === 'warn');
    expect(warnings.map((w) => w.check)).toEqual(['Tracking id', 'Ownership']);
  });

  it('flags a profile url that is not on its platform', () => {
    const value = ana({
      socials: [{ platform: 'instagram', url: 'https://instagram.com.evil.example/ana', followers: 10 }],
    });
    const warn = storefrontPolicy(
      { kind: 'modified', path: ANA, handle: 'ana-cooks' },
      value,
      context(headWith(ANA, value)),
    ).find((f) => f.check === 'Profiles');
    expect(warn?.field).toBe('socials[0].url');
  });
});

describe('pullRequestPolicy', () => {
  const files = { added: [], modified: ['content/program.yaml', 'content/products/B1.yaml'], removed: [] };
  const removed = [{ path: 'content/influencers/ana-cooks.yaml', handle: 'ana-cooks' }];

  it('keeps program files and removals to admins', () => {
    expect(pullRequestPolicy(files, removed, false).map((f) => `${f.level} ${f.file}`)).toEqual([
      'error content/program.yaml',
      'error content/influencers/ana-cooks.yaml',
    ]);
    expect(pullRequestPolicy(files, removed, true).every((f) => f.level === 'pass')).toBe(true);
  });
});
