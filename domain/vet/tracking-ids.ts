/**
 * Vetting of a member's tracking ids at other marketplaces (`tracking_ids`, CONTRACT.md
 * section 14), as the `tracking_id` check does for the home one: each id is no other
 * storefront's, at any marketplace (as content validation wants), at both revisions (an id
 * freed by this pull request is still someone's until it merges, and orders keep arriving for
 * it). Who may change them is owners.ts's (an admin's act).
 */
import type { Member } from '../content/schema.ts';
import type { Finding } from './finding.ts';
import type { Snapshot } from './snapshot.ts';

export function trackingIdsFindings(
  own: ReadonlySet<string>,
  value: Member,
  ctx: { base: Snapshot; head: Snapshot },
): Finding[] {
  const others = [...ctx.head.influencers, ...ctx.base.influencers].filter(([p]) => !own.has(p));
  return Object.entries(value.tracking_ids ?? {}).map(([marketplace, trackingId]): Finding => {
    const field = `tracking_ids.${marketplace}`;
    const key = trackingId.toLowerCase();
    const dup = others.find(([, i]) =>
      [i.tracking_id, ...Object.values(i.tracking_ids ?? {})].some((id) => id.toLowerCase() === key),
    );
    return dup
      ? {
          level: 'error',
          check: 'Tracking id',
          field,
          message: `"${trackingId}" is already a tracking id of ${dup[0]}`,
        }
      : {
          level: 'pass',
          check: 'Tracking id',
          field,
          message: `"${trackingId}" is unique at ${marketplace}`,
        };
  });
}
