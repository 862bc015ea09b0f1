/** Vetting of `tracking_ids` (CONTRACT.md section 14, domain/vet/tracking-ids.ts) through storefrontPolicy. */
import { describe, expect, it } from 'vitest';
import { member as memberSchema, type Member } from '../../domain/content/schema.ts';
import { reservedHandles } from '../../domain/vet/handles.ts';
import { storefrontPolicy, type PolicyContext } from '../../domain/vet/policy.ts';
import { snapshotOf, type Snapshot } from '../../domain/vet/snapshot.ts';
import { readContentSources } from '../../build/load-content.ts';

const DIR = 'tests/fixtures/content/influencers';
const ANA = `${DIR}/ana-cooks.yaml`;
const DEE = `${DIR}/dee-reviews.yaml`;

const fixture = (): Snapshot => snapshotOf(readContentSources('tests/fixtures/content'));

function member(path: string, overrides: Record<string, unknown>): Member {
  const base = fixture().influencers.get(path);
  if (!base) throw new Error(`fixture ${path} missing`);
  return memberSchema.parse({ ...base, ...overrides });
}

/** Base: the fixture with DEE holding a UK id; head: the same with ANA's file replaced. */
function context(value: Member): PolicyContext {
  const base = fixture();
  base.influencers.set(ANA, member(ANA, { tracking_ids: { 'amazon-uk': 'anacooks-21' } }));
  base.influencers.set(DEE, member(DEE, { tracking_ids: { 'amazon-uk': 'deereviews-21' } }));
  const head = fixture();
  head.influencers.set(DEE, member(DEE, { tracking_ids: { 'amazon-uk': 'deereviews-21' } }));
  head.influencers.set(ANA, value);
  return {
    base,
    head,
    basePaths: [...base.influencers.keys()],
    headPaths: [...head.influencers.keys()],
    author: null,
    isAdmin: false,
    reserved: reservedHandles(base.program?.reserved_handles),
    today: '2026-12-07',
  };
}

const trackingFindings = (value: Member) =>
  storefrontPolicy({ kind: 'modified', path: ANA, handle: 'ana-cooks' }, value, context(value))
    .filter((f) => f.check === 'Tracking id' && f.field.startsWith('tracking_ids'))
    .map((f) => `${f.level} ${f.field}: ${f.message}`);

describe('tracking_ids in vetting', () => {
  it('passes an id no other storefront holds, at any marketplace', () => {
    expect(trackingFindings(member(ANA, { tracking_ids: { 'amazon-uk': 'anacooks-21' } }))).toEqual([
      'pass tracking_ids.amazon-uk: "anacooks-21" is unique at amazon-uk',
    ]);
  });

  it("refuses another storefront's id, at this marketplace or any other, in any case", () => {
    expect(
      trackingFindings(
        member(ANA, { tracking_ids: { 'amazon-uk': 'DeeReviews-21', 'amazon-de': 'deereviews-20' } }),
      ),
    ).toEqual([
      `error tracking_ids.amazon-uk: "DeeReviews-21" is already a tracking id of ${DEE}`,
      `error tracking_ids.amazon-de: "deereviews-20" is already a tracking id of ${DEE}`,
    ]);
  });
});
