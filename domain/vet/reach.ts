/** Audience size: followers per platform, their sum and the creator's tier. */
import type { Influencer } from '../content/schema.ts';

export const TIERS = ['nano', 'micro', 'mid', 'macro', 'mega'] as const;
export type Tier = (typeof TIERS)[number];

/** Lower bound of each tier in followers (nano < 10k <= micro < 100k <= mid < 500k <= macro < 1M <= mega). */
export const TIER_FLOOR: Record<Tier, number> = {
  nano: 0,
  micro: 10_000,
  mid: 100_000,
  macro: 500_000,
  mega: 1_000_000,
};

export function tierOf(followers: number): Tier {
  let tier: Tier = 'nano';
  for (const t of TIERS) if (followers >= TIER_FLOOR[t]) tier = t;
  return tier;
}

export interface Reach {
  platforms: { platform: string; followers: number; tier: Tier }[];
  /** Sum over platforms: an upper bound, since audiences overlap. */
  total: number;
  /** The largest single audience decides the tier (summing would double count people). */
  largest: { platform: string; followers: number } | null;
  tier: Tier;
  /** 1 (nano) to 5 (mega); 0 without any followers. */
  score: number;
}

export function reachOf(socials: Influencer['socials']): Reach {
  const platforms = socials.map((s) => ({
    platform: s.platform,
    followers: s.followers,
    tier: tierOf(s.followers),
  }));
  const total = platforms.reduce((sum, p) => sum + p.followers, 0);
  const largest = platforms.reduce<Reach['largest']>(
    (best, p) => (best === null || p.followers > best.followers ? p : best),
    null,
  );
  const tier = tierOf(largest?.followers ?? 0);
  const score = largest && largest.followers > 0 ? TIERS.indexOf(tier) + 1 : 0;
  return {
    platforms,
    total,
    largest: largest && { platform: largest.platform, followers: largest.followers },
    tier,
    score,
  };
}
