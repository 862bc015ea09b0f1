import { describe, expect, it } from 'vitest';
import { influencer, type Influencer } from '../../domain/content/schema.ts';
import { qualityOf } from '../../domain/vet/quality.ts';
import { relevancyOf } from '../../domain/vet/relevancy.ts';
import { scorecardOf } from '../../domain/vet/scorecard.ts';
import { snapshotOf } from '../../domain/vet/snapshot.ts';
import { readContentSources } from '../../build/load-content.ts';

const { products } = snapshotOf(readContentSources('tests/fixtures/content'));

function storefront(overrides: Record<string, unknown> = {}): Influencer {
  return influencer.parse({
    handle: 'dee-bakes',
    name: 'Dee',
    bio: 'Sourdough every weekend, cast iron every weeknight, for years.',
    avatar: 'https://images.example.com/dee.jpg',
    status: 'applied',
    applied_on: '2026-11-22',
    tracking_id: 'deebakes-20',
    socials: [
      { platform: 'instagram', url: 'https://instagram.com/dee', followers: 25_000, engagement_rate: 0.05 },
    ],
    categories: ['kitchen'],
    featured: ['B000TEST01'],
    lists: [
      {
        slug: 'kit',
        title: 'Kit',
        items: [
          { product: 'B000TEST01', note: 'Daily.' },
          { product: 'B000TEST02', note: 'Splurge.' },
          { product: 'B000TEST03', note: 'Gone.' },
        ],
      },
    ],
    ...overrides,
  });
}

describe('qualityOf', () => {
  it('gives a point each for bio, avatar, a full list, notes and featured products', () => {
    const q = qualityOf(storefront(), products, null);
    expect(q.checks.map((c) => [c.label, c.ok])).toEqual([
      ['Bio', true],
      ['Avatar', true],
      ['Lists', true],
      ['Notes', true],
      ['Featured', true],
    ]);
    expect(q.score).toBe(5);
    expect(q.unavailable).toEqual(['B000TEST03']);
  });

  it('finds what is missing, short or still a placeholder', () => {
    const q = qualityOf(
      storefront({
        bio: 'TODO Who you are',
        tracking_id: 'TODO-dee-bakes',
        featured: [],
        lists: [
          {
            slug: 'kit',
            title: 'Kit',
            items: [{ product: 'B000TEST01' }, { product: 'B000TEST02', note: 'x' }],
          },
        ],
        avatar: '/images/avatars/dee-bakes.svg',
      }),
      products,
      false,
    );
    expect(q.checks.filter((c) => !c.ok).map((c) => c.label)).toEqual([
      'Bio',
      'Avatar',
      'Lists',
      'Notes',
      'Featured',
    ]);
    expect(q.checks.find((c) => c.label === 'Notes')?.detail).toBe('1 of 2 items (50%) carry a note');
    expect(q.placeholders).toEqual(['bio', 'tracking_id']);
    expect(q.score).toBe(0);
  });
});

describe('relevancyOf', () => {
  it('is the share of listed products in the declared categories', () => {
    const r = relevancyOf(storefront(), products);
    expect(r).toMatchObject({ total: 3, inCategories: 2, score: 3 });
    expect(r.outside).toEqual([{ id: 'B000TEST02', category: 'luxury-beauty' }]);
    expect(relevancyOf(storefront({ featured: [], lists: [] }), products)).toMatchObject({
      share: null,
      score: 0,
    });
  });
});

describe('scorecardOf', () => {
  it('adds the four dimensions', () => {
    const s = scorecardOf(storefront(), products, null);
    expect([s.reach.score, s.engagement.score, s.quality.score, s.relevancy.score]).toEqual([2, 4, 5, 3]);
    expect(s.total).toBe(14);
  });
});
