/**
 * A member's state on a day, from the dated changes in its file (docs/decisions.md, CONTRACT.md
 * section 12: "who is credited follows the row's day").
 *
 *   history(m)      = m.history, or (a file written before round 3) [applied_on: status,
 *                     applied_on: tracking_id, applied_on: each tracking_ids entry]
 *   stateOn(m, d)   = fold over history(m) of the entries with on <= d, in order:
 *                     status <- entry.status; trackingIds[entry.marketplace ?? home] <- entry.tracking_id
 *   now(m)          = stateOn(m, +infinity) must equal the file's status, tracking_id, tracking_ids
 *                     (validated in validate.ts, so the two never disagree)
 *
 * Before its first entry a member holds nothing and has no status (null).
 */
import type { FieldIssue } from '../issues.ts';
import type { HistoryEntry, Member, Status } from './schema.ts';

export interface MemberState {
  status: Status | null;
  /** Marketplace (retailer id) -> tracking id held there. */
  trackingIds: Record<string, string>;
}

type Dated = Pick<Member, 'status' | 'applied_on' | 'tracking_id' | 'tracking_ids' | 'history'>;

/** The member's dated changes, oldest first; implied from the file for one without `history`. */
export function memberHistory(member: Dated): HistoryEntry[] {
  if (member.history) return member.history;
  const on = member.applied_on;
  return [
    { on, status: member.status },
    { on, tracking_id: member.tracking_id },
    ...Object.entries(member.tracking_ids ?? {}).map(([marketplace, tracking_id]) => ({ on, marketplace, tracking_id })),
  ];
}

/** Every tracking id a member ever held (any marketplace, current or in a dated entry), lower case. */
export function everHeld(member: Dated): Set<string> {
  const ids = new Set(
    [member.tracking_id, ...Object.values(member.tracking_ids ?? {})].map((t) => t.toLowerCase()),
  );
  for (const entry of memberHistory(member)) if (entry.tracking_id) ids.add(entry.tracking_id.toLowerCase());
  return ids;
}

/** The state on `day` (YYYY-MM-DD); `home` is the home marketplace's retailer id. */
export function stateOn(member: Dated, day: string, home: string): MemberState {
  const state: MemberState = { status: null, trackingIds: {} };
  for (const entry of memberHistory(member)) {
    if (entry.on > day) break;
    if (entry.status !== undefined) state.status = entry.status;
    if (entry.tracking_id !== undefined) state.trackingIds[entry.marketplace ?? home] = entry.tracking_id;
  }
  return state;
}

/** The state the file's own fields describe today. */
export function currentState(member: Dated, home: string): MemberState {
  return {
    status: member.status,
    trackingIds: { ...(member.tracking_ids ?? {}), [home]: member.tracking_id },
  };
}

/** Why the history disagrees with the file, or null: entries out of order, or a final state other than the file's. */
export function historyProblem(member: Dated, home: string): FieldIssue | null {
  const entries = member.history;
  if (!entries) return null;
  for (let i = 1; i < entries.length; i++)
    if (entries[i]!.on < entries[i - 1]!.on)
      return { field: `history[${i}].on`, message: `must not be before the entry above it (${entries[i - 1]!.on}); history is oldest first` };
  const last = stateOn(member, '9999-12-31', home);
  const now = currentState(member, home);
  if (last.status !== now.status)
    return { field: 'history', message: `ends with status ${last.status ?? '(none)'} but the file says status: ${now.status}; add a dated entry` };
  const markets = new Set([...Object.keys(last.trackingIds), ...Object.keys(now.trackingIds)]);
  for (const market of [...markets].sort())
    if (last.trackingIds[market] !== now.trackingIds[market])
      return {
        field: 'history',
        message: `ends with tracking id ${last.trackingIds[market] ?? '(none)'} at ${market} but the file says ${now.trackingIds[market] ?? '(none)'}; add a dated entry`,
      };
  return null;
}
