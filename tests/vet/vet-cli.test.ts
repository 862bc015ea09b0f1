/**
 * `npm run vet` end to end: real git repositories in temp folders, the script run
 * as a child process from the repository's folder, exit codes and report lines.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { application, associateApplication, TempRepo, type Run } from './temp-repo.ts';

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

/** What a vet run must show: its exit status, and lines its stderr and its report contain. */
interface Verdict {
  status: number;
  stderr?: string[];
  report?: string[];
}

function expectVerdict(run: Run & { report: string }, { status, stderr = [], report = [] }: Verdict): void {
  for (const line of stderr) expect(run.stderr).toContain(line);
  expect(run.status, run.stderr).toBe(status);
  for (const line of report) expect(run.report).toContain(line);
}

describe('npm run vet', () => {
  it('passes a valid application and scores it', () => {
    expectVerdict(applicant().vet('--base', 'main', '--author', 'dee'), {
      status: 0,
      stderr: ['0 error(s)'],
      report: [
        '**Result: ✅ no errors.**',
        '### `dee-bakes` · new application',
        '| instagram | 25,400 | micro | 5.2% | 40 |',
        '- Total followers: 33,500 across 2 platforms',
        '- Tier: **micro** (largest audience: instagram, 25,400 followers)',
        '- 2 of 3 products (66.67%) are in the declared categories (kitchen)',
        '- ⚠️ Unavailable products (hidden from the storefront): `B000TEST03`',
        '- ✅ **Status** (`status`): new storefront starts as "applied"',
        // An application is not live: nothing changes on the site yet.
        '- New pages: none',
      ],
    });
  });

  /** Applications by "dee" that the policy checks refuse (or accept), each with what it must say. */
  it.each<{ name: string; file: string; text: string } & Verdict>([
    {
      name: 'refuses self-approval by a non-admin',
      file: DEE,
      text: application('dee-bakes', { status: 'approved' }),
      status: 1,
      stderr: [`${DEE}: status: self-approval: a new storefront must start as "applied"`],
      report: ['**Result: ❌ 1 error.**', '- ❌ **Status** (`status`): self-approval'],
    },
    {
      name: 'refuses a handle that looks like an existing one',
      file: 'content/influencers/ana-c00ks.yaml',
      text: application('ana-c00ks'),
      status: 1,
      stderr: [
        'content/influencers/ana-c00ks.yaml: handle: "ana-c00ks" looks like the existing handle "ana-cooks"',
      ],
    },
    {
      name: 'refuses a tracking id another storefront uses',
      file: DEE,
      text: application('dee-bakes', { tracking_id: 'AnaCooks-20' }),
      status: 1,
      stderr: [`${DEE}: tracking_id: "AnaCooks-20" is already used by ${ANA}`],
      report: ['- ❌ **Tracking id** (`tracking_id`)'],
    },
    {
      name: "refuses a new application naming someone else's github login",
      file: DEE,
      text: application('dee-bakes', { github: 'ana-gh' }),
      status: 1,
      stderr: [`${DEE}: github: must be your own login (dee), not ana-gh`],
    },
    {
      name: "accepts a new application claiming the author's own login",
      file: DEE,
      text: application('dee-bakes', { github: 'Dee' }),
      status: 0,
      report: ['- ✅ **Ownership** (`github`): owned by Dee, the author'],
    },
  ])('$name', ({ file, text, ...verdict }) => {
    expectVerdict(applicant(file, text).vet('--base', 'main', '--author', 'dee'), verdict);
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

  it('lists no channels to add when nothing is approved', () => {
    const { report } = vetChange('maria-ops', 'rename ben', () => {
      repo.edit(BEN, (t) => t.replace('name: ', 'name: Ben '));
    });
    expect(report).not.toContain('Associates account');
  });

  /** Changes to the fixtures committed on the pull request branch (the test name as the message), by `author`. */
  it.each<{ name: string; author: string; change: () => void } & Verdict>([
    {
      name: 'lets an admin of the base revision approve, and shows the new pages',
      author: 'maria-ops',
      change: () => repo.edit(BEN, (t) => t.replace('status: applied', 'status: approved')),
      status: 0,
      report: [
        '(an admin at the base revision)',
        '- ✅ **Status** (`status`): applied → approved, set by an admin',
        '- New pages: `/shop/ben-applies/`',
        // Amazon requires every channel in the Associates account: the admin gets the list on approval.
        '#### Add to the Associates account',
        '- `https://www.tiktok.com/@benapplies`',
      ],
    },
    {
      name: 'does not count admins added by the pull request itself',
      author: 'ben',
      change: () => {
        repo.edit('content/program.yaml', (t) => t.replace('  - maria-ops', '  - maria-ops\n  - ben'));
        repo.edit(BEN, (t) => t.replace('status: applied', 'status: approved'));
      },
      status: 1,
      stderr: [
        `${BEN}: status: self-approval: status changed from "applied" to "approved"`,
        'content/program.yaml: (file): only an admin',
      ],
    },
    {
      name: 'turns a rename into a redirect with no dangling pages',
      author: 'ana-gh',
      change: () => {
        const renamed = repo
          .read(ANA)
          .replace('handle: ana-cooks', 'handle: ana-kitchen\nprevious_handles: [ana-cooks]');
        repo.remove(ANA);
        repo.write('content/influencers/ana-kitchen.yaml', renamed);
      },
      status: 0,
      report: [
        '### `ana-kitchen` · renamed from `ana-cooks`',
        '- Redirects: `/shop/ana-cooks/` → `/shop/ana-kitchen/`',
        '- Removed pages: none',
        '- New pages: `/shop/ana-kitchen/`, `/shop/ana-kitchen/pan-basics/`',
        '- ✅ **Previous handles** (`previous_handles[0]`): renamed from "ana-cooks"',
      ],
    },
    {
      name: 'reports list edits on a live storefront and pages a rename would leave dangling',
      author: 'ana-gh',
      change: () => repo.edit(ANA, (t) => t.replace('slug: pan-basics', 'slug: pans')),
      status: 0,
      report: [
        '- Removed pages: `/shop/ana-cooks/pan-basics/` (links to them will 404)',
        '  - `ana-cooks`: new list `pans` (2 items); list `pan-basics` removed (2 items)',
      ],
    },
  ])('$name', ({ name, author, change, ...verdict }) => {
    expectVerdict(vetChange(author, name, change), verdict);
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
      const run = editOwned().vet('--base', 'main', '--author', 'ana-gh');
      expectVerdict(run, { status: 0, report: ['- ✅ **Ownership**: edits by its owner, Ana-GH'] });
      expect(run.report).not.toMatch(/⚠️ \*\*(Ownership|Tracking id)\*\*/);
    });

    it.each<{ name: string; author: string[] } & Verdict>([
      {
        name: 'refuses an edit by another non-admin',
        author: ['--author', 'dee'],
        status: 1,
        stderr: [
          `${ANA}: (file): edits a member file owned by Ana-GH: only Ana-GH or an admin may change it`,
        ],
      },
      {
        name: 'lets an admin edit it',
        author: ['--author', 'maria-ops'],
        status: 0,
        report: ['- ✅ **Ownership**: changed by an admin (maria-ops)'],
      },
      {
        name: 'refuses an edit without --author (ownership cannot be checked)',
        author: [],
        status: 1,
        stderr: [`${ANA}: (file): edits a member file owned by Ana-GH: pass --author to check ownership`],
      },
    ])('$name', ({ author, ...verdict }) => {
      expectVerdict(editOwned().vet('--base', 'main', ...author), verdict);
    });

    it('refuses a non-owner handing it to themselves', () => {
      const repo = editOwned();
      repo.setOwner(ANA, 'github: dee');
      repo.commit('take it');
      expectVerdict(repo.vet('--base', 'main', '--author', 'dee'), {
        status: 1,
        stderr: [
          `${ANA}: (file): edits a member file owned by Ana-GH: only Ana-GH or an admin`,
          `${ANA}: github: changed from "Ana-GH" to "dee"; only an admin`,
        ],
      });
    });
  });

  it('refuses removing a member file, even by an admin', () => {
    repo = TempRepo.withFixtures();
    repo.remove(ANA);
    repo.commit('remove');
    for (const author of ['dee', 'maria-ops'])
      expectVerdict(repo.vet('--base', 'main', '--author', author), {
        status: 1,
        stderr: [`${ANA}: (file): member files are never deleted: a member leaves by status: suspended`],
        report: ['- Removed pages: `/shop/ana-cooks/`, `/shop/ana-cooks/pan-basics/`'],
      });
  });

  it('defaults to the merge-base with origin/main and counts uncommitted files', () => {
    repo = TempRepo.withFixtures();
    repo.git('update-ref', 'refs/remotes/origin/main', 'main');
    repo.write(DEE, application('dee-bakes'));
    expectVerdict(repo.vet('--author', 'dee'), {
      status: 0,
      report: [
        '(merge-base with origin/main (a preview: CI judges against origin/main',
        '### `dee-bakes` · new application',
      ],
    });
  });

  it('never follows a symbolic link out of the content folder', () => {
    repo = TempRepo.withFixtures();
    repo.write('secret.txt', 'name: runner-secret\n');
    symlinkSync(join(repo.dir, 'secret.txt'), join(repo.dir, DEE));
    const run = repo.vet('--base', 'main', '--author', 'dee');
    expectVerdict(run, {
      status: 1,
      stderr: [`${DEE}: (file): is a symbolic link`],
      report: ['could not be vetted'],
    });
    expect(run.report).not.toContain('runner-secret');
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
    expectVerdict(run, {
      status: 1,
      stderr: [
        `${RATES}: retailers.amazon-us[effective_from 2026-10-01]: edits a rate table in force since 2026-10-01`,
      ],
    });

    run = vetChange('maria-ops', 'remove the oldest table, add one dated in the past', () => {
      const text = repo.read(RATES);
      const older = text.slice(
        text.indexOf('    - effective_from: 2020-04-21'),
        text.indexOf('    - effective_from: 2026-10-01'),
      );
      repo.edit(RATES, (t) => t.replace(older, '') + older.replace('2020-04-21', '2026-11-15'));
    });
    expectVerdict(run, {
      status: 1,
      stderr: [
        '[effective_from 2020-04-21]: removes a rate table in force since 2020-04-21',
        '[effective_from 2026-11-15]: adds a rate table starting 2026-11-15, not in the future',
      ],
    });
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
    expectVerdict(run, {
      status: 1,
      stderr: [
        `${RATES}: retailers.amazon-us[effective_from 2026-10-01, program influencer]: adds a rate table starting 2026-10-01, not in the future`,
      ],
    });
  });
});

describe('npm run vet: associate applications', () => {
  const FERN = 'content/influencers/fern-reviews.yaml';

  it('scores the website instead of social reach, with the same policy checks, and names the program', () => {
    const run = applicant(FERN, associateApplication('fern-reviews')).vet(
      '--base',
      'main',
      '--author',
      'fern',
    );
    expectVerdict(run, {
      status: 0,
      stderr: ['0 error(s)'],
      report: [
        '### `fern-reviews` · new application · associate program',
        '· associate · status `applied`',
        '| Website | 5/5 |',
        '| Disclosure | 5/5 |',
        // kitchen is named by the niche; books is not.
        '| Relevancy | 3/5 | 50% of kitchen, books named by the niche or audience |',
        '- ✅ `kitchen` (Kitchen): named as `kitchen`',
        '- ⚠️ `books` (Books): not named by the niche or audience',
        '- ✅ **Program** (`program`): applies to the associate program',
        '- ✅ **Status** (`status`): new storefront starts as "applied"',
        // No storefront: approving it would add no page.
        '- New pages: none',
      ],
    });
    expect(run.report).not.toContain('#### Reach');
  });

  it('fails self-approval and a retailer site as the website, and flags an off-site disclosure page', () => {
    const text = associateApplication('fern-reviews', {
      status: 'approved',
      website: 'https://www.amazon.com/shop/fern',
      disclosure_url: 'https://elsewhere.example/disclosure',
    });
    expectVerdict(applicant(FERN, text).vet('--base', 'main', '--author', 'fern'), {
      status: 1,
      stderr: [
        `${FERN}: status: self-approval`,
        `${FERN}: website: www.amazon.com is Amazon.com's site, not a publisher's own`,
      ],
      report: [
        '- ⚠️ **Disclosure** (`disclosure_url`): elsewhere.example is not on www.amazon.com: the disclosure should be on the site itself',
      ],
    });
  });

  it('approving an associate adds no page', () => {
    const run = vetChange('maria-ops', 'approve fern', () => {
      repo.write(FERN, associateApplication('fern-reviews'));
      repo.commit('fern applies');
      repo.git('checkout', '-q', '-B', 'main');
      repo.git('checkout', '-q', '-b', 'approve');
      repo.edit(FERN, (t) => t.replace('status: applied', 'status: approved'));
    });
    expectVerdict(run, {
      status: 0,
      report: [
        '### `fern-reviews` · edited · associate program',
        '- ✅ **Status** (`status`): applied → approved, set by an admin',
        '- New pages: none',
      ],
    });
  });
});
