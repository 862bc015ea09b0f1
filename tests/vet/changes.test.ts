import { describe, expect, it } from 'vitest';
import { influencer } from '../../domain/content/schema.ts';
import { diffFiles, isContentFile, storefrontChanges } from '../../domain/vet/changes.ts';
import { snapshotOf } from '../../domain/vet/snapshot.ts';
import { readContentSources } from '../../build/load-content.ts';

describe('isContentFile', () => {
  it('knows the files loadContent reads, and no other', () => {
    const read = ['content/program.yaml', 'content/influencers/a.yaml', 'content/products/B1.yml'];
    const others = [
      'content/influencers/README.md',
      'content/influencers/deep/a.yaml',
      'site/content/x.yaml',
    ];
    expect([...read, ...others].filter(isContentFile)).toEqual(read);
  });
});

describe('storefrontChanges', () => {
  const base = new Map([
    ['content/influencers/ana-cooks.yaml', 'handle: ana-cooks'],
    ['content/influencers/ben.yaml', 'handle: ben'],
    ['content/influencers/cy.yaml', 'handle: cy'],
  ]);
  const head = new Map([
    ['content/influencers/ana-kitchen.yaml', 'handle: ana-kitchen\nprevious_handles: [ana-cooks]'],
    ['content/influencers/ben.yaml', 'handle: ben\nname: Ben'],
    ['content/influencers/dee.yaml', 'handle: dee'],
  ]);

  it('tells additions, edits, renames and removals apart', () => {
    const files = diffFiles(base, head);
    expect(files).toEqual({
      added: ['content/influencers/ana-kitchen.yaml', 'content/influencers/dee.yaml'],
      modified: ['content/influencers/ben.yaml'],
      removed: ['content/influencers/ana-cooks.yaml', 'content/influencers/cy.yaml'],
    });
    const fixture = snapshotOf(readContentSources('tests/fixtures/content'));
    const ana = fixture.influencers.get('tests/fixtures/content/influencers/ana-cooks.yaml');
    const renamed = influencer.parse({ ...ana, handle: 'ana-kitchen', previous_handles: ['ana-cooks'] });
    const snapshot = {
      ...fixture,
      influencers: new Map([['content/influencers/ana-kitchen.yaml', renamed]]),
    };
    expect(storefrontChanges(files, snapshot)).toEqual({
      changed: [
        {
          kind: 'renamed',
          path: 'content/influencers/ana-kitchen.yaml',
          handle: 'ana-kitchen',
          fromPath: 'content/influencers/ana-cooks.yaml',
          fromHandle: 'ana-cooks',
        },
        { kind: 'modified', path: 'content/influencers/ben.yaml', handle: 'ben' },
        { kind: 'added', path: 'content/influencers/dee.yaml', handle: 'dee' },
      ],
      removed: [{ path: 'content/influencers/cy.yaml', handle: 'cy' }],
    });
  });
});
