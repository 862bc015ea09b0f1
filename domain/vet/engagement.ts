/**
 * Engagement rate plausibility. Rates fall as audiences grow; a rate far above
 * what a tier normally reaches, or one near zero, is worth a human look (bought
 * likes, bought followers, a stale number). Flags inform, they never fail a check.
 */
import type { Influencer } from '../content/schema.ts';
import { percent } from './markdown.ts';
import { tierOf, type Tier } from './reach.ts';

/** Above this no account of any size is plausible. */
export const MAX_RATE = 0.2;
/** Above this a macro or mega account is implausible. */
export const MAX_RATE_LARGE = 0.1;
/** Below this the audience looks inactive or bought. */
export const MIN_RATE = 0.003;

const LARGE: readonly Tier[] = ['macro', 'mega'];

/** Why a rate on an account of this size looks wrong, or null when it is plausible. */
export function engagementFlag(rate: number, followers: number): string | null {
  if (followers === 0) return null;
  const tier = tierOf(followers);
  if (rate > MAX_RATE)
    return `${percent(rate)} is implausibly high for any account (over ${percent(MAX_RATE)})`;
  if (LARGE.includes(tier) && rate > MAX_RATE_LARGE)
    return `${percent(rate)} is implausibly high for a ${tier} account (over ${percent(MAX_RATE_LARGE)})`;
  if (rate < MIN_RATE)
    return `${percent(rate)} is suspiciously low (under ${percent(MIN_RATE)}): inactive or bought followers?`;
  return null;
}

export interface Engagement {
  platforms: { platform: string; rate: number | null; postsLast90Days: number | null; flag: string | null }[];
  /** Follower-weighted mean of the rates given, or null when none is given. */
  weightedRate: number | null;
  /** 0 to 5: the weighted rate's band, minus one per flag. */
  score: number;
}

export function engagementOf(socials: Influencer['socials']): Engagement {
  const platforms = socials.map((s) => ({
    platform: s.platform,
    rate: s.engagement_rate ?? null,
    postsLast90Days: s.posts_last_90_days ?? null,
    flag: s.engagement_rate === undefined ? null : engagementFlag(s.engagement_rate, s.followers),
  }));
  const rated = socials.filter((s) => s.engagement_rate !== undefined && s.followers > 0);
  const weight = rated.reduce((sum, s) => sum + s.followers, 0);
  const weightedRate =
    weight === 0 ? null : rated.reduce((sum, s) => sum + (s.engagement_rate ?? 0) * s.followers, 0) / weight;
  const flags = platforms.filter((p) => p.flag !== null).length;
  const score = weightedRate === null ? 0 : Math.max(0, band(weightedRate) - flags);
  return { platforms, weightedRate, score };
}

function band(rate: number): number {
  if (rate < MIN_RATE) return 0;
  if (rate < 0.01) return 2;
  if (rate < 0.03) return 3;
  if (rate < 0.06) return 4;
  return 5;
}
