import { describe, expect, it } from 'vitest';
import { influencer, type Influencer } from '../../domain/content/schema.ts';
import { editText } from '../../domain/vet/report.ts';
import { siteChanges, storefrontEdits } from '../../domain/vet/site-diff.ts';
import { snapshotOf, type Snapshot } from '../../domain/vet/snapshot.ts';
import { readContentSources } from '../../build/load-content.ts';

const DIR = 'tests/fixtures/content/influencers';
const ANA = `${DIR}/ana-cooks.yaml`;
const BEN = `${DIR}/ben-applies.yaml`;

function fixture(): Snapshot {
  return snapshotOf(readContentSources('tests/fixtures/content'));
}

function edit(snapshot: Snapshot, path: string, overrides: Record<string, unknown>): Influencer {
  const value = influencer.parse({ ...snapshot.influencers.get(path), ...overrides });
  snapshot.influencers.set(path, value);
  return value;
}

describe('siteChanges', () => {
  it('is empty when nothing changes', () => {
    expect(siteChanges(fixture(), fixture())).toEqual({
      newPages: [],
      removedPages: [],
      redirects: [],
      storefronts: [],
      leavingCatalog: [],
      changedProducts: [],
    });
  });

  it('gives an approved storefront its pages; applied or suspended ones have none', () => {
    const head = fixture();
    edit(head, BEN, {
      status: 'approved',
      lists: [{ slug: 'reads', title: 'Reads', items: [{ product: 'B000TEST01' }] }],
    });
    expect(siteChanges(fixture(), head).newPages).toEqual(['/shop/ben-applies/', '/shop/ben-applies/reads/']);

    const suspended = fixture();
    edit(suspended, ANA, { status: 'suspended' });
    expect(siteChanges(fixture(), suspended).removedPages).toEqual([
      '/shop/ana-cooks/',
      '/shop/ana-cooks/pan-basics/',
    ]);
  });

  it('maps a rename to a redirect and only loses pages the new handle lacks', () => {
    const head = fixture();
    const renamed = edit(head, ANA, { handle: 'ana-kitchen', previous_handles: ['ana-cooks'] });
    head.influencers.delete(ANA);
    head.influencers.set(`${DIR}/ana-kitchen.yaml`, renamed);
    const changes = siteChanges(fixture(), head);
    expect(changes.redirects).toEqual([{ from: '/shop/ana-cooks/', to: '/shop/ana-kitchen/' }]);
    expect(changes.removedPages).toEqual([]);
    expect(changes.storefronts).toEqual([
      { handle: 'ana-kitchen', changes: [{ kind: 'renamed', from: 'ana-cooks' }] },
    ]);

    const dropped = fixture();
    const without = edit(dropped, ANA, { handle: 'ana-kitchen', previous_handles: ['ana-cooks'], lists: [] });
    dropped.influencers.delete(ANA);
    dropped.influencers.set(`${DIR}/ana-kitchen.yaml`, without);
    expect(siteChanges(fixture(), dropped).removedPages).toEqual(['/shop/ana-cooks/pan-basics/']);
  });

  it('lists products whose tracked links stop working, and changed products, with who links them', () => {
    const head = fixture();
    head.products.delete('B000TEST01');
    const serum = head.products.get('B000TEST02');
    if (serum) head.products.set('B000TEST02', { ...serum, price_minor: 9900 });
    const changes = siteChanges(fixture(), head);
    expect(changes.leavingCatalog).toEqual([
      { id: 'B000TEST01', reason: 'deleted', storefronts: ['ana-cooks'] },
    ]);
    expect(changes.changedProducts).toEqual([
      { id: 'B000TEST02', fields: ['price_minor'], storefronts: ['ana-cooks'] },
    ]);
  });
});

describe('storefrontEdits', () => {
  it('words list, featured and tracking id changes', () => {
    const before = fixture().influencers.get(ANA);
    if (before?.program !== 'influencer') throw new Error('fixture missing');
    const after = influencer.parse({
      ...before,
      tracking_id: 'anacooks-21',
      featured: ['B000TEST02'],
      lists: [
        {
          slug: 'pan-basics',
          title: 'Pans',
          items: [
            { product: 'B000TEST02', note: 'My one splurge.' },
            { product: 'B000TEST01', note: 'Changed my mind.' },
            { product: 'B000TEST03' },
          ],
        },
      ],
    });
    expect(storefrontEdits(before, after).map(editText)).toEqual([
      'tracking id `anacooks-20` → `anacooks-21` (new clicks credit the new id)',
      'featured added `B000TEST02`, featured removed `B000TEST01`',
      'list `pan-basics`: added `B000TEST03`, reordered, title or description changed, 1 note changed',
    ]);
  });
});
