/**
 * A tracking id belongs to one member for good (security review, round 3; docs/decisions.md,
 * "Dated status and tracking ids"), across both programs and every marketplace:
 *
 *   held(m)      = every id m's file names, now or ever (as history.ts everHeld: tracking_id,
 *                  tracking_ids, every dated history entry's id), compared without case
 *   since(m, t)  = the earliest `on` of m's history entries naming t (a file without history:
 *                  applied_on, history.ts memberHistory)
 *   owner(t)     = of the members with t in held(m), the least (since(m, t), file order)
 *   error on m   ⇔ t in held(m), m ≠ owner(t), and not both name t today (two current holders
 *                  are reported by validate.ts and marketplaces.ts already, once)
 *
 * Why: a webhook or export order is credited to its id's current holder, and a marketplace knows an
 * id if anyone ever held it there (domain/orders/report-tracking.ts); so another member claiming an
 * old id would be credited for the orders of the old links, still out there. A member re-using its
 * own old id is allowed. The error is the later holder's, at the field naming the id in its file.
 *
 * Limit: only the member files in content count. A file removed from content (vet refuses that,
 * section 13) takes its ids' protection with it.
 */
import type { FileIssue } from '../issues.ts';
import { memberHistory } from './history.ts';
import type { Member } from './schema.ts';

interface Parsed {
  path: string;
  value: Member | null;
}

/** Where a member's file names one tracking id. */
interface Holding {
  since: string;
  /** The field naming it: tracking_id, tracking_ids.<marketplace>, else its first history entry. */
  field: string;
  /** As written there. */
  written: string;
  current: boolean;
}

const LAST_DAY = '9999-12-31';

/** Each id a member ever held (lower case) -> where and since when. */
export function holdings(member: Member): Map<string, Holding> {
  const out = new Map<string, Holding>();
  const history = memberHistory(member);
  const since = (key: string) =>
    history.find((e) => e.tracking_id?.toLowerCase() === key)?.on ?? LAST_DAY;
  const current: [string, string][] = [
    ['tracking_id', member.tracking_id],
    ...Object.entries(member.tracking_ids ?? {}).map(([m, id]): [string, string] => [`tracking_ids.${m}`, id]),
  ];
  for (const [field, written] of current) {
    const key = written.toLowerCase();
    if (!out.has(key)) out.set(key, { since: since(key), field, written, current: true });
  }
  (member.history ?? []).forEach((entry, i) => {
    const key = entry.tracking_id?.toLowerCase();
    if (key !== undefined && !out.has(key))
      out.set(key, { since: entry.on, field: `history[${i}].tracking_id`, written: entry.tracking_id!, current: false });
  });
  return out;
}

export function trackingIdOwnerErrors(influencers: readonly Parsed[]): FileIssue[] {
  const members = influencers.flatMap(({ path, value }) => (value ? [{ path, value, held: holdings(value) }] : []));
  // owner(t): the first holder by (since, file order).
  const owner = new Map<string, (typeof members)[number]>();
  for (const m of members)
    for (const [key, h] of m.held) {
      const first = owner.get(key);
      if (!first || h.since < first.held.get(key)!.since) owner.set(key, m);
    }
  const errors: FileIssue[] = [];
  for (const m of members)
    for (const [key, mine] of m.held) {
      const first = owner.get(key);
      if (!first || first === m) continue;
      const theirs = first.held.get(key)!;
      if (mine.current && theirs.current) continue;
      const where = theirs.current ? theirs.field : 'history';
      errors.push({
        file: m.path,
        field: mine.field,
        message: `"${mine.written}" ${theirs.current ? 'is' : 'was'} ${first.value.handle}'s (${where} of ${first.path}); a tracking id belongs to one member for good`,
      });
    }
  return errors;
}
