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
 *
 * What nobody changes (error for admins too):
 *   the derived member id            memberId(before) == memberId(after)
 *   previous_handles                 before.previous_handles is a prefix of after's (no removal, no reordering)
 *   history                          before.history is a prefix of after's; each added entry has on >= today (UTC)
 *   member files                     never deleted (a member leaves by status: suspended)   (vet.ts)
 */
import type { Member } from '../content/schema.ts';
import type { StorefrontChange } from './changes.ts';
import type { Finding, Level } from './policy.ts';

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
] as const;

const ADMIN_ONLY = 'only an admin (listed under admins in content/program.yaml on the target branch)';

/** A member file read as plain fields: round-3 fields are read whether or not the schema knows them yet. */
function fields(member: Member): Record<string, unknown> {
  return member as unknown as Record<string, unknown>;
}

export type Owner = { kind: 'github'; login: string } | { kind: 'self' } | null;

export function ownerOf(member: Member): Owner {
  const { github, owner } = fields(member);
  if (typeof github === 'string' && github !== '') return { kind: 'github', login: github };
  if (owner === 'self') return { kind: 'self' };
  return null;
}

/** docs/decisions.md: the `id` field, else the first handle (oldest previous handle, else the handle). */
export function derivedId(member: Member): string {
  const { id } = fields(member);
  return typeof id === 'string' && id !== '' ? id : (member.previous_handles[0] ?? member.handle);
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
  const was = fields(before);
  const now = fields(value);
  return ADMIN_FIELDS.filter((f) => JSON.stringify(was[f]) !== JSON.stringify(now[f])).map((f) =>
    finding('error', f, `changed from ${show(was[f])} to ${show(now[f])}; ${ADMIN_ONLY} may change ${f}`),
  );
}

/** Rules nobody may break, admins included: the member id, previous handles and history only grow. */
export function identityFindings(before: Member | null, value: Member, today: string): Finding[] {
  if (before === null) return [];
  const out: Finding[] = [];
  if (derivedId(before) !== derivedId(value))
    out.push(
      finding(
        'error',
        'id',
        `the member id changes from "${derivedId(before)}" to "${derivedId(value)}"; a member's id never changes`,
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
  const was = historyOf(before);
  const now = historyOf(value);
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
      const on = dayOf(entry);
      if (on === null || on < today)
        out.push(
          finding(
            'error',
            `history[${was.length + i}].on`,
            `${on ?? '(none)'} is before today (${today}, UTC): history only gains entries dated today or later`,
          ),
        );
    });
  return out;
}

function historyOf(member: Member): unknown[] {
  const { history } = fields(member);
  return Array.isArray(history) ? history : [];
}

function dayOf(entry: unknown): string | null {
  const on = typeof entry === 'object' && entry !== null ? (entry as { on?: unknown }).on : undefined;
  if (on instanceof Date) return on.toISOString().slice(0, 10);
  return typeof on === 'string' ? on : null;
}
