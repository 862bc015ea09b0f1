/**
 * The owner rules of CONTRACT.md section 13, end to end: `npm run vet` in a real git repository
 * (tests/vet/temp-repo.ts), the target branch `main`, a pull request's branch on top.
 * Fixture owners (temp-repo.ts giveOwners): ana-cooks is GitHub user Ana-GH, ben-applies ben-applies-gh;
 * admins are shopfront-admin and maria-ops.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { newSigningKeyPair, signRequest } from '../../domain/requests/signature.ts';
import { TempRepo } from './temp-repo.ts';

const ANA = 'content/influencers/ana-cooks.yaml';
const BEN = 'content/influencers/ben-applies.yaml';
const PROGRAM = 'content/program.yaml';
const TODAY = new Date().toISOString().slice(0, 10);
const YESTERDAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
/** Ana's dated history on main: applied, approved, her tracking id. */
const HISTORY = `history:
  - { on: 2026-09-01, status: applied }
  - { on: 2026-09-02, status: approved }
  - { on: 2026-09-02, tracking_id: anacooks-20 }
`;

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const withHistory = (t: string) => t.replace('categories:', `${HISTORY}categories:`);
const newBio = (t: string) => t.replace(/^bio: .*$/m, 'bio: Weeknight dinners, now with more pans.');

/** main with Ana's history; the branch "application" changes Ana's file with `change`. */
function edit(change: (text: string) => string, prepare?: (repo: TempRepo) => void): TempRepo {
  repo = TempRepo.withFixtures(true, (r) => {
    r.edit(ANA, withHistory);
    prepare?.(r);
  });
  repo.edit(ANA, change);
  repo.commit('edit ana');
  return repo;
}

/** Edits only an admin may make: suspend ana today (with its history entry), put her under review. */
const suspendToday = (t: string) =>
  t
    .replace('status: approved', 'status: suspended')
    .replace(HISTORY, `${HISTORY}  - { on: ${TODAY}, status: suspended }\n`);
const addReview = (t: string) => t.replace('categories:', 'review: true\ncategories:');

describe('owner rules', () => {
  it.each([
    ['tracking_id', (t: string) => t.replace(/anacooks-20/g, 'mallory-20')],
    [
      'tracking_ids',
      (t: string) => t.replace('categories:', 'tracking_ids: { amazon-uk: mallory-21 }\ncategories:'),
    ],
    ['status', suspendToday],
    ['review', addReview],
    ['github', (t: string) => t.replace('github: Ana-GH', 'github: Ana-Other')],
    ['owner', (t: string) => t.replace('github: Ana-GH', 'owner: self')],
    ['id', (t: string) => t.replace('name: Ana Cooks', 'id: ana-kitchen\nname: Ana Cooks')],
    // Security review: a file without history holds its status and tracking ids since applied_on.
    ['applied_on', (t: string) => t.replace(/^applied_on: .*$/m, 'applied_on: 2001-01-01')],
  ])('refuses the owner changing %s (an admin’s act)', (field, change) => {
    const { status, stderr } = edit(change).vet('--base', 'main', '--author', 'ana-gh');
    expect(status).toBe(1);
    const line =
      field === 'status'
        ? `${ANA}: status: status changed from "approved" to "suspended"`
        : `${ANA}: ${field}: changed from`;
    expect(stderr).toContain(line);
  });

  it.each([
    [
      'tracking_id',
      (t: string) =>
        t
          .replace('tracking_id: anacooks-20', 'tracking_id: anacooks-21')
          .replace(HISTORY, `${HISTORY}  - { on: ${TODAY}, tracking_id: anacooks-21 }\n`),
    ],
    ['status', suspendToday],
    ['review', addReview],
    ['github', (t: string) => t.replace('github: Ana-GH', 'github: Ana-New')],
  ])('lets an admin change %s', (_field, change) => {
    const { status, stderr } = edit(change).vet('--base', 'main', '--author', 'maria-ops');
    expect(stderr).toContain('0 error(s)');
    expect(status).toBe(0);
  });

  it('refuses a history entry dated before today, even from an admin', () => {
    const { status, stderr } = edit((t) =>
      t
        .replace('status: approved', 'status: suspended')
        .replace(HISTORY, `${HISTORY}  - { on: ${YESTERDAY}, status: suspended }\n`),
    ).vet('--base', 'main', '--author', 'maria-ops');
    expect(status).toBe(1);
    expect(stderr).toContain(
      `${ANA}: history[3].on: ${YESTERDAY} is before today (${TODAY}, UTC): history only gains entries dated today or later`,
    );
  });

  it('refuses rewriting an existing history entry, even from an admin', () => {
    const { status, stderr } = edit((t) =>
      t.replace('{ on: 2026-09-02, status: approved }', '{ on: 2026-08-02, status: approved }'),
    ).vet('--base', 'main', '--author', 'maria-ops');
    expect(status).toBe(1);
    expect(stderr).toContain(`${ANA}: history: existing history entries never change, move or go away`);
  });

  it('refuses removing or reordering previous handles, even from an admin', () => {
    const before = (r: TempRepo) =>
      r.edit(ANA, (t) => t.replace('categories:', 'previous_handles: [ana-old, ana-older]\ncategories:'));
    for (const list of ['[ana-old]', '[ana-older, ana-old]']) {
      const run = edit(
        (t) => t.replace('previous_handles: [ana-old, ana-older]', `previous_handles: ${list}`),
        before,
      ).vet('--base', 'main', '--author', 'maria-ops');
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        `${ANA}: previous_handles: was ["ana-old","ana-older"]: previous handles are never removed or reordered`,
      );
      repo.cleanup();
    }
  });

  it('refuses an edit of a member owned by itself (owner: self) from a GitHub user', () => {
    const { status, stderr } = edit(newBio, (r) => r.setOwner(ANA, 'owner: self')).vet(
      '--base',
      'main',
      '--author',
      'ana-gh',
    );
    expect(status).toBe(1);
    expect(stderr).toContain(
      `${ANA}: (file): edits a member file owned by its member (owner: self): only a signed change request from the dashboard or an admin may change it`,
    );
  });

  it('refuses a new application that names no owner or claims owner: self without a signed request', () => {
    repo = TempRepo.withFixtures();
    repo.write(
      'content/influencers/dee-bakes.yaml',
      repo
        .read(BEN)
        .replace(/ben-applies/g, 'dee-bakes')
        .replace(/benapplies/g, 'deebakes')
        .replace(/^github: .*\n/m, 'owner: self\n'),
    );
    repo.commit('apply');
    const { status, stderr } = repo.vet('--base', 'main', '--author', 'dee');
    expect(status).toBe(1);
    expect(stderr).toContain(
      "content/influencers/dee-bakes.yaml: owner: owner: self is written by a web application's signed request branch",
    );
  });
});

/** Ben's application file made eve-bakes', its owner line `owner` (e.g. "github: eve"). */
function eveFile(owner: string): string {
  return repo
    .read(BEN)
    .replace(/ben-applies/g, 'eve-bakes')
    .replace(/benapplies/g, 'evebakes')
    .replace(/^(?:github|owner): .*\n/m, `${owner}\n`);
}

describe('a new application cannot claim the past (security review)', () => {
  const EVE = 'content/influencers/eve-bakes.yaml';
  /** A new file by GitHub user eve, status applied, with `history` (and `extra` lines). */
  function apply(history: string, extra = ''): TempRepo {
    repo = TempRepo.withFixtures();
    repo.write(EVE, eveFile('github: eve').replace('categories:', `${extra}${history}categories:`));
    repo.commit('apply');
    return repo;
  }

  it('refuses a history dated before today: approved, with Ana’s tracking id, last autumn', () => {
    const { status, stderr } = apply(`history:
  - { on: 2026-09-01, status: approved }
  - { on: 2026-09-01, tracking_id: anacooks-20 }
  - { on: ${TODAY}, status: applied }
  - { on: ${TODAY}, tracking_id: evebakes-20 }
`).vet('--base', 'main', '--author', 'eve');
    expect(status).toBe(1);
    expect(stderr).toContain(
      `${EVE}: history[0].on: 2026-09-01 is before today (${TODAY}, UTC): a new member file's history starts today`,
    );
    expect(stderr).toContain(`${EVE}: tracking_ids: "anacooks-20" is (or was) ${ANA}'s tracking id`);
  });

  it('refuses another member’s tracking id at another marketplace', () => {
    const { status, stderr } = apply('', 'tracking_ids: { amazon-uk: anacooks-20 }\n').vet(
      '--base',
      'main',
      '--author',
      'eve',
    );
    expect(status).toBe(1);
    // Reported once, by the marketplace ids' own check (domain/vet/tracking-ids.ts).
    expect(stderr).toContain(
      `${EVE}: tracking_ids.amazon-uk: "anacooks-20" is already a tracking id of ${ANA}`,
    );
    expect(stderr).not.toContain('is (or was)');
  });

  it('accepts a history that starts today (positive control)', () => {
    const { status, stderr } = apply(`history:
  - { on: ${TODAY}, status: applied }
  - { on: ${TODAY}, tracking_id: evebakes-20 }
`).vet('--base', 'main', '--author', 'eve');
    expect(stderr).toContain('0 error(s)');
    expect(status).toBe(0);
  });
});

describe('a tracking id belongs to one member for good (security review)', () => {
  /** main: Ana moved her home id from anacooks-20 to anacooks2-20; the branch gives Ben her old one. */
  function claim(author: string): ReturnType<TempRepo['vet']> {
    repo = TempRepo.withFixtures(true, (r) =>
      r.edit(ANA, (t) =>
        withHistory(t)
          .replace('tracking_id: anacooks-20', 'tracking_id: anacooks2-20')
          .replace(HISTORY, `${HISTORY}  - { on: 2026-10-01, tracking_id: anacooks2-20 }\n`),
      ),
    );
    repo.edit(BEN, (t) => t.replace('tracking_id: benapplies-20', 'tracking_id: AnaCooks-20'));
    repo.commit('ben takes ana-cooks’ old id');
    return repo.vet('--base', 'main', '--author', author);
  }

  it('refuses another member’s former id, even from an admin (a content error)', () => {
    const { status, stderr } = claim('maria-ops');
    expect(stderr).toContain(
      `${BEN}: tracking_id: "AnaCooks-20" was ana-cooks's (history of ${ANA}); a tracking id belongs to one member for good`,
    );
    expect(status).toBe(1);
  });
});

describe('a pull request based on an old commit', () => {
  /**
   * Mallory owned ana-cooks when her branch started; an admin has since handed the file to Ana-GH
   * on main. Judged against the merge base Mallory chose, her edit would pass (checked below).
   */
  function oldBranch(): TempRepo {
    repo = TempRepo.withFixtures(true, (r) => r.setOwner(ANA, 'github: mallory'));
    repo.git('checkout', '-q', 'main');
    repo.setOwner(ANA, 'github: Ana-GH');
    repo.commit('admin: ana-cooks belongs to Ana-GH');
    repo.git('checkout', '-q', 'application');
    // A line far from the owner's, so that merging main needs no conflict resolution.
    repo.edit(ANA, (t) => t.replace('title: Pan basics', 'title: Pans I trust'));
    repo.commit('mallory edits ana');
    return repo;
  }

  it('is refused until the target branch head is merged in, then judged against that head', () => {
    const behind = oldBranch().vet('--base', 'main', '--author', 'mallory');
    expect(behind.status).toBe(1);
    expect(behind.stderr).toMatch(
      /HEAD does not contain the head of main \([0-9a-f]{12}\): a change is judged against the current head/,
    );
    expect(behind.report).toContain('could not be vetted');

    repo.git('-c', 'user.name=T', '-c', 'user.email=t@example.com', 'merge', '-q', '--no-edit', 'main');
    const merged = repo.vet('--base', 'main', '--author', 'mallory');
    expect(merged.status).toBe(1);
    expect(merged.stderr).toContain(
      `${ANA}: (file): edits a member file owned by Ana-GH: only Ana-GH or an admin may change it`,
    );
  });

  it('would pass against the merge base the author chose (what vet used to compare with)', () => {
    const base = oldBranch().git('merge-base', 'main', 'HEAD');
    const run = repo.vet('--base', base, '--author', 'mallory');
    expect(run.status).toBe(0);
  });
});

describe('a request branch (request/<id>)', () => {
  /** main with ana-cooks owned by itself and the signing key in program.yaml. */
  async function requestRepo(publicKey: string): Promise<TempRepo> {
    repo = TempRepo.withFixtures(true, (r) => {
      r.setOwner(ANA, 'owner: self');
      r.edit(PROGRAM, (t) => `${t}request_signing_public_key: ${publicKey}\n`);
    });
    repo.git('checkout', '-q', '-b', 'request/r-42', 'main');
    return repo;
  }

  /** Commits Ana's file as edited, signed with `privateKey` over (id, handle, file). */
  async function signedCommit(privateKey: string, change: (t: string) => string, id = 'r-42'): Promise<void> {
    repo.edit(ANA, change);
    const file = new TextEncoder().encode(repo.read(ANA));
    const signature = await signRequest(privateKey, { id, handle: 'ana-cooks', file });
    repo.commit(
      `Request ${id}: ana-cooks edits her storefront\n\nShopfront-Request: ${id}\nShopfront-Signature: ${signature}`,
    );
  }

  it('lets a request with the worker’s signature change the member’s file', async () => {
    const keys = await newSigningKeyPair();
    await requestRepo(keys.publicKey);
    await signedCommit(keys.privateKey, newBio);
    const { status, stderr, report } = repo.vet('--base', 'main', '--author', 'shopfront-requests[bot]');
    expect(stderr).toContain('0 error(s)');
    expect(status).toBe(0);
    expect(report).toContain('- ✅ **Ownership**: signed change request r-42 for "ana-cooks", verified');
  });

  it('refuses a forged signature (another key)', async () => {
    const keys = await newSigningKeyPair();
    const forger = await newSigningKeyPair();
    await requestRepo(keys.publicKey);
    await signedCommit(forger.privateKey, newBio);
    const { status, stderr } = repo.vet('--base', 'main', '--author', 'mallory');
    expect(status).toBe(1);
    expect(stderr).toContain(
      `${ANA}: (file): edits a member file owned by its member (owner: self): only a signed change request from the dashboard or an admin may change it (request branch request/r-42: the signature does not verify for the member file as changed (forged, or edited after signing))`,
    );
  });

  it('refuses a signed file edited after signing, a trailer naming another request, or a key the pull request adds', async () => {
    const keys = await newSigningKeyPair();
    await requestRepo(keys.publicKey);
    await signedCommit(keys.privateKey, newBio);
    repo.edit(ANA, (t) => t.replace('Pan basics', 'Pans'));
    expect(repo.vet('--base', 'main', '--author', 'mallory').stderr).toContain(
      'the signature does not verify',
    );
    repo.cleanup();

    await requestRepo(keys.publicKey);
    await signedCommit(keys.privateKey, newBio, 'r-43');
    expect(repo.vet('--base', 'main', '--author', 'mallory').stderr).toContain(
      `the commit's Shopfront-Request is "r-43", not the branch's "r-42"`,
    );
    repo.cleanup();

    // The key is read from the target branch's head: a pull request bringing its own key signs nothing.
    const own = await newSigningKeyPair();
    await requestRepo(keys.publicKey);
    repo.edit(PROGRAM, (t) => t.replace(keys.publicKey, own.publicKey));
    await signedCommit(own.privateKey, newBio);
    const run = repo.vet('--base', 'main', '--author', 'mallory');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the signature does not verify');
  });

  it('accepts a signed web application dated the day it was made, before the pull request', async () => {
    const keys = await newSigningKeyPair();
    await requestRepo(keys.publicKey);
    const path = 'content/influencers/eve-bakes.yaml';
    repo.write(
      path,
      eveFile('owner: self')
        .replace(/^applied_on: .*$/m, `applied_on: ${YESTERDAY}`)
        .replace(
          'categories:',
          `history:\n  - { on: ${YESTERDAY}, status: applied }\n  - { on: ${YESTERDAY}, tracking_id: evebakes-20 }\ncategories:`,
        ),
    );
    const file = new TextEncoder().encode(repo.read(path));
    const signature = await signRequest(keys.privateKey, { id: 'r-42', handle: 'eve-bakes', file });
    repo.commit(
      `Request r-42: eve-bakes applies\n\nShopfront-Request: r-42\nShopfront-Signature: ${signature}`,
    );
    const { status, stderr } = repo.vet('--base', 'main', '--author', 'shopfront-requests[bot]');
    expect(stderr).toContain('0 error(s)');
    expect(status).toBe(0);
  });

  it('still refuses admin-only fields in a signed request', async () => {
    const keys = await newSigningKeyPair();
    await requestRepo(keys.publicKey);
    await signedCommit(keys.privateKey, (t) => t.replace(/anacooks-20/g, 'mallory-20'));
    const { status, stderr } = repo.vet('--base', 'main', '--author', 'shopfront-requests[bot]');
    expect(status).toBe(1);
    expect(stderr).toContain(
      `${ANA}: tracking_id: changed from "anacooks-20" to "mallory-20"; only an admin`,
    );
  });

  it('ignores the signature on a branch not named request/<id>', async () => {
    const keys = await newSigningKeyPair();
    await requestRepo(keys.publicKey);
    repo.git('checkout', '-q', '-b', 'edits');
    await signedCommit(keys.privateKey, newBio);
    const { status, stderr } = repo.vet('--base', 'main', '--author', 'mallory');
    expect(status).toBe(1);
    expect(stderr).toContain(`${ANA}: (file): edits a member file owned by its member (owner: self)`);
  });
});
