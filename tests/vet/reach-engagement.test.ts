import { describe, expect, it } from 'vitest';
import { influencer } from '../../domain/content/schema.ts';
import { engagementFlag, engagementOf } from '../../domain/vet/engagement.ts';
import { reachOf, tierOf } from '../../domain/vet/reach.ts';

const socials = (list: { platform: string; followers: number; engagement_rate?: number }[]) =>
  influencer.shape.socials.parse(list.map((s) => ({ url: `https://example.com/${s.platform}`, ...s })));

describe('tierOf', () => {
  it.each([
    [0, 'nano'],
    [9_999, 'nano'],
    [10_000, 'micro'],
    [99_999, 'micro'],
    [100_000, 'mid'],
    [499_999, 'mid'],
    [500_000, 'macro'],
    [999_999, 'macro'],
    [1_000_000, 'mega'],
    [40_000_000, 'mega'],
  ])('%i followers -> %s', (followers, tier) => {
    expect(tierOf(followers)).toBe(tier);
  });
});

describe('reachOf', () => {
  it('sums followers but takes the tier from the largest audience', () => {
    const reach = reachOf(
      socials([
        { platform: 'instagram', followers: 641_200 },
        { platform: 'tiktok', followers: 412_900 },
        { platform: 'youtube', followers: 88_300 },
      ]),
    );
    expect(reach.total).toBe(1_142_400);
    expect(reach.tier).toBe('macro');
    expect(reach.largest).toEqual({ platform: 'instagram', followers: 641_200 });
    expect(reach.score).toBe(4);
    expect(reach.platforms.map((p) => p.tier)).toEqual(['macro', 'mid', 'micro']);
  });

  it('scores nothing without followers', () => {
    expect(reachOf(socials([{ platform: 'blog', followers: 0 }])).score).toBe(0);
  });
});

describe('engagementFlag', () => {
  it('flags over 20% at any size', () => {
    expect(engagementFlag(0.21, 900)).toMatch(/implausibly high for any account/);
  });
  it('flags over 10% only for macro and mega accounts', () => {
    expect(engagementFlag(0.15, 99_000)).toBeNull();
    expect(engagementFlag(0.15, 499_999)).toBeNull();
    expect(engagementFlag(0.15, 500_000)).toBe('15% is implausibly high for a macro account (over 10%)');
    expect(engagementFlag(0.11, 2_000_000)).toMatch(/mega account/);
    expect(engagementFlag(0.1, 2_000_000)).toBeNull();
  });
  it('flags under 0.3% as suspiciously low', () => {
    expect(engagementFlag(0.002, 640_500)).toMatch(/^0.2% is suspiciously low/);
    expect(engagementFlag(0.003, 640_500)).toBeNull();
  });
  it('has nothing to say about an empty account', () => {
    expect(engagementFlag(0.5, 0)).toBeNull();
  });
});

describe('engagementOf', () => {
  it('weights rates by followers and loses a point per flag', () => {
    const e = engagementOf(
      socials([
        { platform: 'instagram', followers: 30_000, engagement_rate: 0.04 },
        { platform: 'tiktok', followers: 10_000, engagement_rate: 0.08 },
        { platform: 'blog', followers: 5_000 },
      ]),
    );
    expect(e.weightedRate).toBeCloseTo(0.05, 10);
    expect(e.score).toBe(4);
    expect(e.platforms.map((p) => p.rate)).toEqual([0.04, 0.08, null]);

    const flagged = engagementOf(socials([{ platform: 'x', followers: 900_000, engagement_rate: 0.15 }]));
    expect(flagged.score).toBe(4);
    expect(flagged.platforms[0]?.flag).toMatch(/macro/);
  });

  it('scores zero when no rate is given', () => {
    expect(engagementOf(socials([{ platform: 'x', followers: 9_000 }]))).toMatchObject({
      weightedRate: null,
      score: 0,
    });
  });
});
