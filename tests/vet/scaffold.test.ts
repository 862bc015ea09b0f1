import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { platform } from '../../domain/content/schema.ts';
import { formatError, validateContent } from '../../domain/content/validate.ts';
import { avatarPath, scaffoldAssociate, scaffoldInfluencer } from '../../domain/vet/scaffold.ts';
import { snapshotOf } from '../../domain/vet/snapshot.ts';
import { parseYaml, readContentSources } from '../../build/load-content.ts';

const FIXTURE = 'tests/fixtures/content';
// `npm run apply` writes a placeholder at the avatar path next to the file.
const read = readContentSources(FIXTURE);
const sources = {
  ...read,
  publicImages: new Set([...(read.publicImages ?? []), avatarPath('jane-cooks'), avatarPath('fern-reviews')]),
};
const { program } = snapshotOf(sources);

const text = scaffoldInfluencer({
  handle: 'jane-cooks',
  today: '2026-11-25',
  categories: program?.categories ?? [],
  platforms: platform.options,
  exampleProduct: 'B000TEST01',
});

/** The one-line doc comments of an object schema in schema.ts, by field. */
function docComments(schemaName: string): [string, string][] {
  const source = readFileSync('domain/content/schema.ts', 'utf8');
  const start = source.indexOf(`export const ${schemaName} = `);
  const block = source.slice(start, source.indexOf('\n});', start));
  return [...block.matchAll(/\/\*\* (.+?) \*\/\n\s+(\w+)/g)].map((m) => [m[2] ?? '', m[1] ?? '']);
}

describe('scaffoldInfluencer', () => {
  it('passes validation next to the existing content as it is written', () => {
    const file = `${FIXTURE}/influencers/jane-cooks.yaml`;
    const { errors } = validateContent({
      ...sources,
      influencers: [...sources.influencers, parseYaml(file, text)],
    });
    expect(errors.map(formatError)).toEqual([]);
  });

  it('has an example list that validates once uncommented', () => {
    const lines = text.split('\n');
    const start = lines.indexOf('#   lists:');
    const example = lines
      .slice(start, lines.indexOf('lists: []'))
      .map((line) => line.replace(/^# {3}/, ''))
      .join('\n');
    expect(example).toContain('- product: "B000TEST01"');
    const file = `${FIXTURE}/influencers/jane-cooks.yaml`;
    const uncommented = text.replace('\nlists: []\n', `\n${example}\n`);
    const { errors } = validateContent({
      ...sources,
      influencers: [...sources.influencers, parseYaml(file, uncommented)],
    });
    expect(errors.map(formatError)).toEqual([]);
  });

  it('starts as "applied", dated today, with placeholders to replace', () => {
    expect(text).toContain('\nstatus: applied\n');
    expect(text).toContain('\napplied_on: 2026-11-25\n');
    expect(text).toContain('\ntracking_id: TODO-jane-cooks\n');
    expect(text).toContain('#   luxury-beauty (Luxury Beauty), beauty (Beauty & Personal Care)');
  });

  it.each(['influencer', 'social', 'list', 'listItem'])(
    'carries every doc comment of the %s schema',
    (name) => {
      const comments = docComments(name);
      expect(comments.length).toBeGreaterThan(1);
      for (const [field, comment] of comments) expect(text, `${name}.${field}`).toContain(`# ${comment}\n`);
    },
  );
});

describe('scaffoldAssociate', () => {
  const associateText = scaffoldAssociate({
    handle: 'fern-reviews',
    today: '2026-11-25',
    categories: program?.categories ?? [],
  });

  it('passes validation next to the existing content as it is written', () => {
    const file = `${FIXTURE}/influencers/fern-reviews.yaml`;
    const { content, errors } = validateContent({
      ...sources,
      influencers: [...sources.influencers, parseYaml(file, associateText)],
    });
    expect(errors.map(formatError)).toEqual([]);
    expect(content?.influencers.find((i) => i.handle === 'fern-reviews')?.program).toBe('associate');
  });

  it('carries the doc comment of every field the associate schema adds, and the shared ones', () => {
    const comments = docComments('associate');
    expect(comments.map(([field]) => field)).toEqual([
      'program',
      'website',
      'audience',
      'niche',
      'disclosure_url',
      'monthly_visitors',
    ]);
    const shared = docComments('influencer').filter(
      ([field]) => !['program', 'socials', 'featured', 'lists'].includes(field),
    );
    for (const [field, comment] of [...comments, ...shared])
      expect(associateText, field).toContain(`# ${comment}\n`);
  });
});
