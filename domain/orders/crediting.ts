/**
 * Who a statement key (marketplace, tracking id, ASIN, price, day) is credited
 * to (CONTRACT.md section 12), from the dated history members carry in content
 * (docs/decisions.md, "Dated status and tracking ids"):
 *
 *   state(m, d)  = fold of m's history entries with on <= d, oldest first; a
 *                  file without history held its current status and tracking
 *                  ids from applied_on on (nothing before)
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
import type { Status } from '../content/schema.ts';

export interface HistoryEntry {
  /** YYYY-MM-DD. */
  on: string;
  status?: Status;
  tracking_id?: string;
  /** The marketplace of a tracking_id entry; default the home marketplace. */
  marketplace?: string;
}

/** A member as crediting needs it (compiled into the program table). */
export interface CreditMember {
  member_id: string;
  handle: string;
  applied_on: string;
  status: Status;
  /** Marketplace -> tracking id today (the home marketplace's is the file's tracking_id). */
  tracking_ids: Record<string, string>;
  /** Oldest first; null for a file written before round 3 (read as holding today's state since applied_on). */
  history: HistoryEntry[] | null;
}

export interface Credit {
  member_id: string;
  handle: string;
}

export interface MemberState {
  status: Status | null;
  tracking_ids: Record<string, string>;
}

/** A member's status and tracking ids on `day` (YYYY-MM-DD). */
export function memberStateOn(member: CreditMember, day: string, home: string): MemberState {
  if (member.history === null)
    return day >= member.applied_on
      ? { status: member.status, tracking_ids: { ...member.tracking_ids } }
      : { status: null, tracking_ids: {} };
  const state: MemberState = { status: null, tracking_ids: {} };
  for (const entry of member.history) {
    if (entry.on > day) break;
    if (entry.status !== undefined) state.status = entry.status;
    if (entry.tracking_id !== undefined) state.tracking_ids[entry.marketplace ?? home] = entry.tracking_id;
  }
  return state;
}

/** Every tracking id a member ever held (any marketplace), lower case. */
function everHeld(member: CreditMember): Set<string> {
  const ids = new Set(Object.values(member.tracking_ids).map((t) => t.toLowerCase()));
  for (const entry of member.history ?? []) if (entry.tracking_id) ids.add(entry.tracking_id.toLowerCase());
  return ids;
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
        const state = memberStateOn(member, day, home);
        if (state.status === 'approved' && state.tracking_ids[marketplace]?.toLowerCase() === tag) {
          credit = { member_id: member.member_id, handle: member.handle };
          break;
        }
      }
      cache.set(cacheKey, credit);
      return credit;
    },
  };
}
