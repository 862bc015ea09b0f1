/**
 * Who a statement key (marketplace, tracking id, ASIN, price, day) is credited
 * to (CONTRACT.md section 12), from the dated history members carry in content
 * (docs/decisions.md, "Dated status and tracking ids"):
 *
 *   state(m, d)  = stateOn(m, d) (domain/content/history.ts): the fold of m's
 *                  history entries with on <= d; a file without history held
 *                  its current status and tracking ids from applied_on on
 *   holds(m, k)  = state(m, k.day).tracking_ids[k.marketplace] = k.tracking_id
 *                  (tracking ids compared without case)
 *   credit(k)    = the member m with holds(m, k) and state(m, k.day).status =
 *                  approved (the smallest member id if content ever lets two
 *                  hold one id), else null: unattributed, visible to admins
 *
 * The credit is computed once, when a key is first recorded; the store keeps it
 * and never asks again (a key's member never moves, section 7). Later renames,
 * suspensions or moved tracking ids change what new days credit, never old ones.
 */
import { everHeld, stateOn } from '../content/history.ts';
import type { Member } from '../content/schema.ts';

/** A member as crediting needs it (compiled into the program table): its id, handle and dated fields. */
export type CreditMember = { member_id: string; handle: string } & Pick<
  Member,
  'status' | 'applied_on' | 'tracking_id' | 'tracking_ids' | 'history'
>;

export interface Credit {
  member_id: string;
  handle: string;
}

export interface CreditBook {
  creditOn(marketplace: string, trackingId: string, day: string): Credit | null;
}

/** Lookups over the members, indexed by every tracking id they ever held; answers cached per key. */
export function creditBook(members: readonly CreditMember[], home: string): CreditBook {
  const byTracking = new Map<string, CreditMember[]>();
  for (const member of [...members].sort((a, b) => (a.member_id < b.member_id ? -1 : 1)))
    for (const id of everHeld(member)) {
      const list = byTracking.get(id);
      if (list) list.push(member);
      else byTracking.set(id, [member]);
    }
  const cache = new Map<string, Credit | null>();
  return {
    creditOn(marketplace, trackingId, day) {
      const tag = trackingId.toLowerCase();
      const cacheKey = `${marketplace}\u0000${tag}\u0000${day}`;
      const known = cache.get(cacheKey);
      if (known !== undefined) return known;
      let credit: Credit | null = null;
      for (const member of byTracking.get(tag) ?? []) {
        const state = stateOn(member, day, home);
        if (state.status === 'approved' && state.trackingIds[marketplace]?.toLowerCase() === tag) {
          credit = { member_id: member.member_id, handle: member.handle };
          break;
        }
      }
      cache.set(cacheKey, credit);
      return credit;
    },
  };
}
