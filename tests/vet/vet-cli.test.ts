/**
 * `npm run vet` end to end: real git repositories in temp folders, the script run
 * as a child process from the repository's folder, exit codes and report lines.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { application, associateApplication, TempRepo } from './temp-repo.ts';

const ANA = 'content/influencers/ana-cooks.yaml';
const BEN = 'content/influencers/ben-applies.yaml';
const DEE = 'content/influencers/dee-bakes.yaml';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

/** The fixtures with `change` committed (as `message`) on the pull request branch, vetted as by `author`. */
function vetChange(author: string, message: string, change: () => void) {
  repo = TempRepo.withFixtures();
  change();
  repo.commit(message);
  return repo.vet('--base', 'main', '--author', author);
}

function applicant(file = DEE, text = application('dee-bakes')): TempRepo {
  repo = TempRepo.withFixtures();
  repo.write(file, text);
  repo.commit('apply');
  return repo;
}

describe('npm run vet', () => {
  it('passes a valid application and scores it', () => {
    const { status, report, stderr } = applicant().vet('--base', 'main', '--author', 'dee');
    expect(stderr).toContain('0 error(s)');
    expect(status).toBe(0);
    expect(report).toContain('**Result: ✅ no errors.**');
    expect(report).toContain('### `dee-bakes` · new application');
    expect(report).toContain('| instagram | 25,400 | micro | 5.2% | 40 |');
    expect(report).toContain('- Total followers: 33,500 across 2 platforms');
    expect(report).toContain('- Tier: **micro** (largest audience: instagram, 25,400 followers)');
    expect(report).toContain('- 2 of 3 products (66.67%) are in the declared categories (kitchen)');
    expect(report).toContain('- ⚠️ Unavailable products (hidden from the storefront): `B000TEST03`');
    expect(report).toContain('- ✅ **Status** (`status`): new storefront starts as "applied"');
    // An application is not live: nothing changes on the site yet.
    expect(report).toContain('- New pages: none');
  });

  it('refuses self-approval by a non-admin', () => {
    const { status, report, stderr } = applicant(DEE, application('dee-bakes', { status: 'approved' })).vet(
      '--base',
      'main',
      '--author',
      'dee',
    );
    expect(status).toBe(1);
    expect(stderr).toContain(`${DEE}: status: self-approval: a new storefront must start as "applied"`);
    expect(report).toContain('**Result: ❌ 1 error.**');
    expect(report).toContain('- ❌ **Status** (`status`): self-approval');
  });

  it('refuses a handle that looks like an existing one', () => {
    const file = 'content/influencers/ana-c00ks.yaml';
    const { status, stderr } = applicant(file, application('ana-c00ks')).vet(
      '--base',
      'main',
      '--author',
      'dee',
    );
    expect(status).toBe(1);
    expect(stderr).toContain(`${file}: handle: "ana-c00ks" looks like the existing handle "ana-cooks"`);
  });

  it('refuses a tracking id another storefront uses', () => {
    const { status, stderr, report } = applicant(
      DEE,
      application('dee-bakes', { tracking_id: 'AnaCooks-20' }),
    ).vet('--base', 'main', '--author', 'dee');
    expect(status).toBe(1);
    expect(stderr).toContain(`${DEE}: tracking_id: "AnaCooks-20" is already used by ${ANA}`);
    expect(report).toContain('- ❌ **Tracking id** (`tracking_id`)');
  });

  it('names the file and line of broken YAML in the working tree', () => {
    repo = TempRepo.withFixtures();
    // Line 11, the profile url, indented one space short of its list item.
    repo.write(
      DEE,
      application('dee-bakes').replace('    url: https://www.instagram', '   url: https://www.instagram'),
    );
    const { status, stderr, report } = repo.vet('--base', 'main', '--author', 'dee');
    expect(status).toBe(1);
    expect(stderr).toMatch(/content\/influencers\/dee-bakes\.yaml: line 11, column \d+: YAML syntax error/);
    expect(report).toContain('does not pass the content schema');
  });

  it('lets an admin of the base revision approve, and shows the new pages', () => {
    const { status, report } = vetChange('maria-ops', 'approve ben', () => {
      repo.edit(BEN, (t) => t.replace('status: applied', 'status: approved'));
    });
    expect(status).toBe(0);
    expect(report).toContain('(an admin at the base revision)');
    expect(report).toContain('- ✅ **Status** (`status`): applied → approved, set by an admin');
    expect(report).toContain('- New pages: `/shop/ben-applies/`');
    // Amazon requires every channel in the Associates account: the admin gets the list on approval.
    expect(report).toContain('#### Add to the Associates account');
    expect(report).toContain('- `https://www.tiktok.com/@benapplies`');
  });

  it('lists no channels to add when nothing is approved', () => {
    const { report } = vetChange('maria-ops', 'rename ben', () => {
      repo.edit(BEN, (t) => t.replace('name: ', 'name: Ben '));
    });
    expect(report).not.toContain('Associates account');
  });

  it('does not count admins added by the pull request itself', () => {
    const { status, stderr } = vetChange('ben', 'make me admin and approve me', () => {
      repo.edit('content/program.yaml', (t) => t.replace('  - maria-ops', '  - maria-ops\n  - ben'));
      repo.edit(BEN, (t) => t.replace('status: applied', 'status: approved'));
    });
    expect(status).toBe(1);
    expect(stderr).toContain(`${BEN}: status: self-approval: status changed from "applied" to "approved"`);
    expect(stderr).toContain('content/program.yaml: (file): only an admin');
  });

  it('turns a rename into a redirect with no dangling pages', () => {
    const { status, report } = vetChange('ana-gh', 'rename', () => {
      const renamed = repo
        .read(ANA)
        .replace('handle: ana-cooks', 'handle: ana-kitchen\nprevious_handles: [ana-cooks]');
      repo.remove(ANA);
      repo.write('content/influencers/ana-kitchen.yaml', renamed);
    });
    expect(status).toBe(0);
    expect(report).toContain('### `ana-kitchen` · renamed from `ana-cooks`');
    expect(report).toContain('- Redirects: `/shop/ana-cooks/` → `/shop/ana-kitchen/`');
    expect(report).toContain('- Removed pages: none');
    expect(report).toContain('- New pages: `/shop/ana-kitchen/`, `/shop/ana-kitchen/pan-basics/`');
    expect(report).toContain('- ✅ **Previous handles** (`previous_handles[0]`): renamed from "ana-cooks"');
  });

  it('reports list edits on a live storefront and pages a rename would leave dangling', () => {
    const { status, report } = vetChange('ana-gh', 'rename a list', () => {
      repo.edit(ANA, (t) => t.replace('slug: pan-basics', 'slug: pans'));
    });
    expect(status).toBe(0);
    expect(report).toContain('- Removed pages: `/shop/ana-cooks/pan-basics/` (links to them will 404)');
    expect(report).toContain(
      '  - `ana-cooks`: new list `pans` (2 items); list `pan-basics` removed (2 items)',
    );
  });

  describe('a storefront with an owner (github) at the base revision', () => {
    /** The fixtures (ana-cooks owned by Ana-GH on main), then an edit of its bio on top. */
    function editOwned(): TempRepo {
      repo = TempRepo.withFixtures();
      repo.edit(ANA, (t) => t.replace(/^bio: .*$/m, 'bio: Weeknight dinners, now with more pans.'));
      repo.commit('new bio');
      return repo;
    }

    it('lets its owner edit it, in any case, with no ownership warning', () => {
      const { status, report } = editOwned().vet('--base', 'main', '--author', 'ana-gh');
      expect(status).toBe(0);
      expect(report).toContain('- ✅ **Ownership**: edits by its owner, Ana-GH');
      expect(report).not.toMatch(/⚠️ \*\*(Ownership|Tracking id)\*\*/);
    });

    it('refuses an edit by another non-admin', () => {
      const { status, stderr } = editOwned().vet('--base', 'main', '--author', 'dee');
      expect(status).toBe(1);
      expect(stderr).toContain(
        `${ANA}: (file): edits a member file owned by Ana-GH: only Ana-GH or an admin may change it`,
      );
    });

    it('refuses a non-owner handing it to themselves', () => {
      const repo = editOwned();
      repo.setOwner(ANA, 'github: dee');
      repo.commit('take it');
      const { status, stderr } = repo.vet('--base', 'main', '--author', 'dee');
      expect(status).toBe(1);
      expect(stderr).toContain(
        `${ANA}: (file): edits a member file owned by Ana-GH: only Ana-GH or an admin`,
      );
      expect(stderr).toContain(`${ANA}: github: changed from "Ana-GH" to "dee"; only an admin`);
    });

    it('lets an admin edit it', () => {
      const { status, report } = editOwned().vet('--base', 'main', '--author', 'maria-ops');
      expect(status).toBe(0);
      expect(report).toContain('- ✅ **Ownership**: changed by an admin (maria-ops)');
    });

    it('refuses an edit without --author (ownership cannot be checked)', () => {
      const { status, stderr } = editOwned().vet('--base', 'main');
      expect(status).toBe(1);
      expect(stderr).toContain(
        `${ANA}: (file): edits a member file owned by Ana-GH: pass --author to check ownership`,
      );
    });
  });

  it("refuses a new application naming someone else's github login", () => {
    const { status, stderr } = applicant(DEE, application('dee-bakes', { github: 'ana-gh' })).vet(
      '--base',
      'main',
      '--author',
      'dee',
    );
    expect(status).toBe(1);
    expect(stderr).toContain(`${DEE}: github: must be your own login (dee), not ana-gh`);
  });

  it("accepts a new application claiming the author's own login", () => {
    const { status, report } = applicant(DEE, application('dee-bakes', { github: 'Dee' })).vet(
      '--base',
      'main',
      '--author',
      'dee',
    );
    expect(status).toBe(0);
    expect(report).toContain('- ✅ **Ownership** (`github`): owned by Dee, the author');
  });

  it('refuses removing a member file, even by an admin', () => {
    repo = TempRepo.withFixtures();
    repo.remove(ANA);
    repo.commit('remove');
    for (const author of ['dee', 'maria-ops']) {
      const { status, stderr, report } = repo.vet('--base', 'main', '--author', author);
      expect(status).toBe(1);
      expect(stderr).toContain(
        `${ANA}: (file): member files are never deleted: a member leaves by status: suspended`,
      );
      expect(report).toContain('- Removed pages: `/shop/ana-cooks/`, `/shop/ana-cooks/pan-basics/`');
    }
  });

  it('defaults to the merge-base with origin/main and counts uncommitted files', () => {
    repo = TempRepo.withFixtures();
    repo.git('update-ref', 'refs/remotes/origin/main', 'main');
    repo.write(DEE, application('dee-bakes'));
    const { status, report } = repo.vet('--author', 'dee');
    expect(status).toBe(0);
    expect(report).toContain('(merge-base with origin/main (a preview: CI judges against origin/main');
    expect(report).toContain('### `dee-bakes` · new application');
  });

  it('never follows a symbolic link out of the content folder', () => {
    repo = TempRepo.withFixtures();
    repo.write('secret.txt', 'name: runner-secret\n');
    symlinkSync(join(repo.dir, 'secret.txt'), join(repo.dir, DEE));
    const { status, stderr, report } = repo.vet('--base', 'main', '--author', 'dee');
    expect(status).toBe(1);
    expect(stderr).toContain(`${DEE}: (file): is a symbolic link`);
    expect(report).toContain('could not be vetted');
    expect(report).not.toContain('runner-secret');
  });

  it('runs against another folder with --repo and explains an unknown base', () => {
    repo = TempRepo.withFixtures();
    const run = repo.run('scripts/vet.ts', ['--repo', repo.dir, '--base', 'nope']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('vet: unknown --base "nope"');
    expect(run.stderr).toContain('fetch-depth: 0');
  });

  it('refuses edits, removals and back-dated additions of rate tables in force, even by an admin', () => {
    const RATES = 'content/commission-rates.yaml';
    let run = vetChange('maria-ops', 'correct sports', () => {
      repo.edit(RATES, (t) => t.replace('        sports: 350', '        sports: 375'));
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `${RATES}: retailers.amazon-us[effective_from 2026-10-01]: edits a rate table in force since 2026-10-01`,
    );

    run = vetChange('maria-ops', 'remove the oldest table, add one dated in the past', () => {
      const text = repo.read(RATES);
      const older = text.slice(
        text.indexOf('    - effective_from: 2020-04-21'),
        text.indexOf('    - effective_from: 2026-10-01'),
      );
      repo.edit(RATES, (t) => t.replace(older, '') + older.replace('2020-04-21', '2026-11-15'));
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      '[effective_from 2020-04-21]: removes a rate table in force since 2020-04-21',
    );
    expect(run.stderr).toContain(
      '[effective_from 2026-11-15]: adds a rate table starting 2026-11-15, not in the future',
    );
  });

  it('lets an admin add a rate table dated in the future', () => {
    const RATES = 'content/commission-rates.yaml';
    const run = vetChange('maria-ops', 'new rates from 2099', () => {
      const text = repo.read(RATES);
      // The shared 2026-10-01 table alone (the fixture's associate table follows it).
      const start = text.indexOf('    - effective_from: 2026-10-01');
      const latest = text.slice(start, text.indexOf('    - effective_from', start + 1));
      repo.edit(
        RATES,
        (t) =>
          t.trimEnd() +
          '\n' +
          latest.replace('2026-10-01', '2099-01-01').replace('sports: 350', 'sports: 375'),
      );
    });
    expect(run.stderr).not.toContain('Rate tables');
    expect(run.status).toBe(0);
  });

  it('tells a new program table from a shared one of the same day', () => {
    const RATES = 'content/commission-rates.yaml';
    const run = vetChange('maria-ops', 'an influencer table in the past', () => {
      repo.edit(
        RATES,
        (t) =>
          t.trimEnd() + '\n    - { effective_from: 2026-10-01, program: influencer, default_bps: 500 }\n',
      );
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `${RATES}: retailers.amazon-us[effective_from 2026-10-01, program influencer]: adds a rate table starting 2026-10-01, not in the future`,
    );
  });
});

describe('npm run vet: associate applications', () => {
  const FERN = 'content/influencers/fern-reviews.yaml';

  it('scores the website instead of social reach, with the same policy checks, and names the program', () => {
    const { status, report, stderr } = applicant(FERN, associateApplication('fern-reviews')).vet(
      '--base',
      'main',
      '--author',
      'fern',
    );
    expect(stderr).toContain('0 error(s)');
    expect(status).toBe(0);
    expect(report).toContain('### `fern-reviews` · new application · associate program');
    expect(report).toContain('· associate · status `applied`');
    expect(report).toContain('| Website | 5/5 |');
    expect(report).toContain('| Disclosure | 5/5 |');
    // kitchen is named by the niche; books is not.
    expect(report).toContain('| Relevancy | 3/5 | 50% of kitchen, books named by the niche or audience |');
    expect(report).toContain('- ✅ `kitchen` (Kitchen): named as `kitchen`');
    expect(report).toContain('- ⚠️ `books` (Books): not named by the niche or audience');
    expect(report).not.toContain('#### Reach');
    expect(report).toContain('- ✅ **Program** (`program`): applies to the associate program');
    expect(report).toContain('- ✅ **Status** (`status`): new storefront starts as "applied"');
    // No storefront: approving it would add no page.
    expect(report).toContain('- New pages: none');
  });

  it('fails self-approval and a retailer site as the website, and flags an off-site disclosure page', () => {
    const text = associateApplication('fern-reviews', {
      status: 'approved',
      website: 'https://www.amazon.com/shop/fern',
      disclosure_url: 'https://elsewhere.example/disclosure',
    });
    const { status, stderr, report } = applicant(FERN, text).vet('--base', 'main', '--author', 'fern');
    expect(status).toBe(1);
    expect(stderr).toContain(`${FERN}: status: self-approval`);
    expect(stderr).toContain(`${FERN}: website: www.amazon.com is Amazon.com's site, not a publisher's own`);
    expect(report).toContain(
      '- ⚠️ **Disclosure** (`disclosure_url`): elsewhere.example is not on www.amazon.com: the disclosure should be on the site itself',
    );
  });

  it('approving an associate adds no page', () => {
    const { status, report } = vetChange('maria-ops', 'approve fern', () => {
      repo.write(FERN, associateApplication('fern-reviews'));
      repo.commit('fern applies');
      repo.git('checkout', '-q', '-B', 'main');
      repo.git('checkout', '-q', '-b', 'approve');
      repo.edit(FERN, (t) => t.replace('status: applied', 'status: approved'));
    });
    expect(status).toBe(0);
    expect(report).toContain('### `fern-reviews` · edited · associate program');
    expect(report).toContain('- ✅ **Status** (`status`): applied → approved, set by an admin');
    expect(report).toContain('- New pages: none');
  });
});
