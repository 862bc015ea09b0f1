/**
 * The scorecard reviewers read: four dimensions scored 0-5 each. Scores inform;
 * nothing here fails a check (there is no cut-off, people decide).
 */
import type { Influencer, Product } from '../content/schema.ts';
import { engagementOf, type Engagement } from './engagement.ts';
import { qualityOf, type Quality } from './quality.ts';
import { reachOf, type Reach } from './reach.ts';
import { relevancyOf, type Relevancy } from './relevancy.ts';
import type { AssociateScorecard } from './website.ts';

/** Either program's scorecard; both are four dimensions of 0-5 (MAX_SCORE in all). */
export type MemberScorecard = Scorecard | AssociateScorecard;

export const MAX_SCORE = 20;

export interface Scorecard {
  program: 'influencer';
  reach: Reach;
  engagement: Engagement;
  quality: Quality;
  relevancy: Relevancy;
  total: number;
}

export function scorecardOf(
  value: Influencer,
  products: ReadonlyMap<string, Product>,
  avatarFound: boolean | null,
): Scorecard {
  const reach = reachOf(value.socials);
  const engagement = engagementOf(value.socials);
  const quality = qualityOf(value, products, avatarFound);
  const relevancy = relevancyOf(value, products);
  return {
    program: 'influencer',
    reach,
    engagement,
    quality,
    relevancy,
    total: reach.score + engagement.score + quality.score + relevancy.score,
  };
}
