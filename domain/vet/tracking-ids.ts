/**
 * Vetting of a member's tracking ids at other marketplaces (`tracking_ids`, CONTRACT.md
 * section 14), as the `tracking_id` check does for the home one: each id is no other storefront's
 * (at any marketplace, as content validation wants) at both revisions (an id freed by this pull request is
 * still someone's until it merges, and orders keep arriving for it), and a changed id moves
 * that marketplace's commissions, so the reviewer confirms it with the owner.
 */
import type { Member } from '../content/schema.ts';
import type { Finding, PolicyContext } from './policy.ts';

export function trackingIdsFindings(
  own: ReadonlySet<string>,
  before: Member | null,
  value: Member,
  ctx: Pick<PolicyContext, 'base' | 'head'>,
  ownerConfirmed: boolean,
): Finding[] {
  const findings: Finding[] = [];
  const others = [...ctx.head.influencers, ...ctx.base.influencers].filter(([p]) => !own.has(p));
  for (const [marketplace, trackingId] of Object.entries(value.tracking_ids ?? {})) {
    const field = `tracking_ids.${marketplace}`;
    const key = trackingId.toLowerCase();
    const dup = others.find(([, i]) =>
      [i.tracking_id, ...Object.values(i.tracking_ids ?? {})].some((id) => id.toLowerCase() === key),
    );
    findings.push(
      dup
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
          },
    );
    const old = before?.tracking_ids?.[marketplace];
    if (old !== undefined && old !== trackingId && !ownerConfirmed)
      findings.push({
        level: 'warn',
        check: 'Tracking id',
        field,
        message: `changes from "${old}" to "${trackingId}": ${marketplace} commissions go to the new id; confirm with the storefront's owner`,
      });
  }
  return findings;
}
