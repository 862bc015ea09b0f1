/**
 * Owner rules (CONTRACT.md section 13, docs/decisions.md "Owners" and "Member identity").
 *
 * Who may change a member file (added, edited or renamed), with admins = `admins` of the target
 * branch's head (content/program.yaml), owner = the file's owner at that head:
 *
 *   admin                                             → may
 *   new file, github == author                        → may (an application names its author)
 *   new file, owner: self, signed request             → may (a web application, section 15)
 *   existing file, owner github == author             → may
 *   existing file, signed request for its handle      → may (the worker signed the member's edit)
 *   anything else (no owner, another owner, no --author, owner: self unsigned) → error
 *
 * where "signed request" = the pull request's branch is request/<id>, its head commit's trailers
 * name <id>, and the signature verifies over (id, handle, sha256 of the member file) with
 * `request_signing_public_key` of the target branch's head (domain/requests/signature.ts).
 *
 * What only an admin changes (error for anyone else):
 *   tracking_id, tracking_ids, status, history, review, github, owner, id   (status: statusFinding)
 *   applied_on   (a file without history is read as holding its status and tracking ids since
 *                 applied_on, history.ts: moving it back would backdate them; security review)
 *
 * What nobody changes (error for admins too):
 *   the derived member id            memberId(before) == memberId(after)
 *   previous_handles                 before.previous_handles is a prefix of after's (no removal, no reordering)
 *   history                          before.history is a prefix of after's; each added entry has on >= today (UTC)
 *   member files                     never deleted (a member leaves by status: suspended)   (vet.ts)
 *
 * What a new file may claim (error for anyone but an admin or a signed request, whose file the
 * worker wrote and dated on the day of the application; an admin writing the file of a member
 * who joined before the file existed may backdate it):
 *   history                          every entry has on >= today (UTC): an application cannot say it
 *                                    was approved, or held a tracking id, on a day before it existed
 * A tracking id (tracking_id, tracking_ids, history) that a change adds and that another member
 * holds, now or on any day, is an error (a warning for an admin): statements credit by tracking id
 * and day.
 */
import { memberId } from '../content/members.ts';
import type { Member } from '../content/schema.ts';
import type { StorefrontChange } from './changes.ts';
import type { Finding, Level } from './finding.ts';

/** What the vetting run knows about the pull request's right to change member files. */
export interface Authority {
  /** GitHub login of the pull request's author, or null when not given. */
  author: string | null;
  /** The author is an admin at the target branch's head. */
  isAdmin: boolean;
  /** The request branch's signature check, or null when the branch is not request/<id>. */
  request: RequestCheck | null;
}

export type RequestCheck =
  { id: string; verified: true; handle: string } | { id: string; verified: false; reason: string };

/** Fields only an admin may change on an existing member file (status has its own check). */
export const ADMIN_FIELDS = [
  'tracking_id',
  'tracking_ids',
  'history',
  'review',
  'github',
  'owner',
  'id',
  'applied_on',
] as const;

const ADMIN_ONLY = 'only an admin (listed under admins in content/program.yaml on the target branch)';

export type Owner = { kind: 'github'; login: string } | { kind: 'self' } | null;

export function ownerOf(member: Member): Owner {
  if (member.github !== undefined) return { kind: 'github', login: member.github };
  if (member.owner === 'self') return { kind: 'self' };
  return null;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));

function finding(level: Level, field: string, message: string): Finding {
  return { level, check: 'Ownership', field, message };
}

function signedFor(auth: Authority, handle: string): boolean {
  return auth.request?.verified === true && auth.request.handle === handle;
}

function requestNote(auth: Authority): string {
  if (auth.request === null || auth.request.verified) return '';
  return ` (request branch request/${auth.request.id}: ${auth.request.reason})`;
}

/** Whether the pull request may change this member file at all (the table above). */
export function ownershipFinding(
  change: StorefrontChange,
  before: Member | null,
  value: Member,
  auth: Authority,
): Finding {
  if (auth.isAdmin) return finding('pass', '(file)', `changed by an admin (${auth.author})`);
  const signed = signedFor(auth, change.handle);
  if (signed)
    return finding(
      'pass',
      '(file)',
      `signed change request ${auth.request?.id} for "${change.handle}", verified`,
    );
  const owner = ownerOf(change.kind === 'added' ? value : (before ?? value));
  if (change.kind === 'added') {
    if (owner === null) return finding('error', 'github', 'must name its owner: github: <your GitHub login>');
    if (owner.kind === 'self')
      return finding(
        'error',
        'owner',
        `owner: self is written by a web application's signed request branch; name yourself with github: <your login>${requestNote(auth)}`,
      );
    if (auth.author === null)
      return finding(
        'error',
        'github',
        'no --author given: cannot check that github is the author’s own login',
      );
    if (!same(owner.login, auth.author))
      return finding('error', 'github', `must be your own login (${auth.author}), not ${owner.login}`);
    return finding('pass', 'github', `owned by ${owner.login}, the author`);
  }
  const verb = change.kind === 'renamed' ? 'renames' : 'edits';
  if (before === null)
    return finding(
      'error',
      '(file)',
      `${verb} a member file whose version on the target branch does not pass its schema; ${ADMIN_ONLY} may change it`,
    );
  if (owner === null)
    return finding(
      'error',
      '(file)',
      `${verb} a member file that names no owner; ${ADMIN_ONLY} may change it`,
    );
  if (owner.kind === 'self')
    return finding(
      'error',
      '(file)',
      `${verb} a member file owned by its member (owner: self): only a signed change request from the dashboard or an admin may change it${requestNote(auth)}`,
    );
  if (auth.author === null)
    return finding(
      'error',
      '(file)',
      `${verb} a member file owned by ${owner.login}: pass --author to check ownership`,
    );
  if (!same(owner.login, auth.author))
    return finding(
      'error',
      '(file)',
      `${verb} a member file owned by ${owner.login}: only ${owner.login} or an admin may change it${requestNote(auth)}`,
    );
  return finding('pass', '(file)', `${verb} by its owner, ${owner.login}`);
}

/** Admin-only fields changed by anyone else. */
export function adminFieldFindings(before: Member | null, value: Member, isAdmin: boolean): Finding[] {
  if (before === null || isAdmin) return [];
  return ADMIN_FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(value[f])).map((f) =>
    finding(
      'error',
      f,
      `changed from ${show(before[f])} to ${show(value[f])}; ${ADMIN_ONLY} may change ${f}`,
    ),
  );
}

/** A new file's history, for anyone but an admin: nothing dated before the file exists. */
export function newFileHistoryFindings(value: Member, today: string): Finding[] {
  return (value.history ?? []).flatMap((entry, i) =>
    entry.on < today
      ? [
          finding(
            'error',
            `history[${i}].on`,
            `${entry.on} is before today (${today}, UTC): a new member file's history starts today; ${ADMIN_ONLY} may date it earlier`,
          ),
        ]
      : [],
  );
}

/** Every tracking id a member file names: the home one, each marketplace's, and every history entry's. */
export function trackingIdsOf(member: Member): string[] {
  const ids = [
    member.tracking_id,
    ...Object.values(member.tracking_ids ?? {}),
    ...(member.history ?? []).flatMap((e) => (e.tracking_id === undefined ? [] : [e.tracking_id])),
  ];
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}

/**
 * Tracking ids that `value` adds (not in `before`: a file that already named one is not blocked
 * from other edits) and that `others` (path -> member, every other member file) hold or held.
 */
export function sharedTrackingIdFindings(
  before: Member | null,
  value: Member,
  others: Iterable<readonly [string, Member]>,
  isAdmin: boolean,
): Finding[] {
  const had = new Set(before === null ? [] : trackingIdsOf(before));
  const holder = new Map<string, string>();
  const current = new Set<string>();
  for (const [path, other] of others) {
    for (const id of trackingIdsOf(other)) holder.set(id, path);
    current.add(other.tracking_id.toLowerCase());
    for (const id of Object.values(other.tracking_ids ?? {})) current.add(id.toLowerCase());
  }
  const home = value.tracking_id.toLowerCase();
  const markets = new Set(Object.values(value.tracking_ids ?? {}).map((id) => id.toLowerCase()));
  return trackingIdsOf(value).flatMap((id) => {
    const path = holder.get(id);
    // Another member's current id as this one's home id or marketplace id: the Tracking id
    // checks (policy.ts, tracking-ids.ts) report it already; this rule adds past and history ids.
    if (path === undefined || had.has(id) || ((id === home || markets.has(id)) && current.has(id))) return [];
    return [
      {
        level: isAdmin ? 'warn' : 'error',
        check: 'Tracking id',
        field: 'tracking_ids',
        message: `"${id}" is (or was) ${path}'s tracking id: a tracking id credits one member, now and on every past day`,
      } satisfies Finding,
    ];
  });
}

/** Rules nobody may break, admins included: the member id, previous handles and history only grow. */
export function identityFindings(before: Member | null, value: Member, today: string): Finding[] {
  if (before === null) return [];
  const out: Finding[] = [];
  if (memberId(before) !== memberId(value))
    out.push(
      finding(
        'error',
        'id',
        `the member id changes from "${memberId(before)}" to "${memberId(value)}"; a member's id never changes`,
      ),
    );
  const prefix = <T>(a: readonly T[], b: readonly T[]) =>
    a.every((x, i) => JSON.stringify(x) === JSON.stringify(b[i]));
  if (!prefix(before.previous_handles, value.previous_handles))
    out.push(
      finding(
        'error',
        'previous_handles',
        `was ${show(before.previous_handles)}: previous handles are never removed or reordered, only added at the end`,
      ),
    );
  const was = before.history ?? [];
  const now = value.history ?? [];
  if (!prefix(was, now))
    out.push(
      finding(
        'error',
        'history',
        'existing history entries never change, move or go away; add new entries at the end',
      ),
    );
  else
    now.slice(was.length).forEach((entry, i) => {
      if (entry.on < today)
        out.push(
          finding(
            'error',
            `history[${was.length + i}].on`,
            `${entry.on} is before today (${today}, UTC): history only gains entries dated today or later`,
          ),
        );
    });
  return out;
}
