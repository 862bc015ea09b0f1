/** `npm run apply` end to end, in a temp copy of the fixture content. */
import { afterEach, describe, expect, it } from 'vitest';
import { TempRepo, type Run } from './temp-repo.ts';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

/** `npm run apply -- <args>`, which must succeed; its output. */
function applied(args: string[]): string {
  const apply = repo.run('scripts/apply.ts', args);
  expect(apply.stderr).toBe('');
  expect(apply.status).toBe(0);
  return apply.stdout;
}

/** The scaffolded content passes check:content, and `npm run vet` by `author` passes. */
function checkedAndVetted(author: string): Run & { report: string } {
  const check = repo.run('scripts/check-content.ts', []);
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
  const vet = repo.vet('--base', 'main', '--author', author);
  expect(vet.status).toBe(0);
  return vet;
}

describe('npm run apply', () => {
  it('scaffolds an application that passes check:content and shows its TODOs in the vetting report', () => {
    repo = TempRepo.withFixtures();
    const stdout = applied(['jane-cooks', '--github', 'jane']);
    expect(stdout).toContain('Created content/influencers/jane-cooks.yaml');
    // A raster placeholder at the applicant's own avatar path, which vet accepts as a PNG.
    expect(repo.read('content/influencers/jane-cooks.yaml')).toContain(
      '\navatar: /images/avatars/jane-cooks.png\n',
    );
    expect(stdout).toContain('placeholder avatar site/public/images/avatars/jane-cooks.png');
    expect(repo.read('content/influencers/jane-cooks.yaml')).toContain(
      `applied_on: ${new Date().toISOString().slice(0, 10)}`,
    );

    const vet = checkedAndVetted('jane');
    expect(vet.report).toContain('### `jane-cooks` · new application');
    expect(vet.report).toContain(
      '**Member images** `site/public/images/avatars/jane-cooks.png`: PNG, 192×192',
    );
    expect(vet.report).toContain(
      '- ⚠️ Placeholders still to fill in: `name`, `bio`, `tracking_id`, `history[1].tracking_id`, `socials[0].url`',
    );
  });

  it.each([
    ['ana-cooks', 'content/influencers/ana-cooks.yaml already exists'],
    ['ana-c00ks', 'cannot use this handle: "ana-c00ks" looks like the existing handle "ana-cooks"'],
    ['amazon', 'cannot use this handle: "amazon" is reserved'],
    ['dashboard', 'cannot use this handle: "dashboard" is reserved'],
    [
      'Jane_Cooks',
      'cannot use this handle: "Jane_Cooks" must be lowercase letters, digits and inner hyphens',
    ],
  ])('refuses %s', (handle, message) => {
    repo = TempRepo.withFixtures(false);
    const apply = repo.run('scripts/apply.ts', [handle]);
    expect(apply.status).toBe(1);
    expect(apply.stderr).toContain(`apply: ${message}`);
  });

  it('scaffolds an associate application with --program associate that passes and is scored on its website', () => {
    repo = TempRepo.withFixtures();
    expect(applied(['fern-reviews', '--program', 'associate', '--github', 'fern'])).toContain(
      'Created content/influencers/fern-reviews.yaml (associate program',
    );
    const text = repo.read('content/influencers/fern-reviews.yaml');
    expect(text).toContain('\nprogram: associate\n');
    expect(text).toContain('\nwebsite: https://TODO.example/\n');
    expect(text).not.toContain('socials');

    const vet = checkedAndVetted('fern');
    expect(vet.report).toContain('### `fern-reviews` · new application · associate program');
    expect(vet.report).toContain('| Website |');
    expect(vet.report).not.toContain('#### Reach');
    expect(vet.report).toContain(
      '- ⚠️ Placeholders still to fill in: `name`, `bio`, `tracking_id`, `history[1].tracking_id`, `website`, `audience`, `niche`, `disclosure_url`',
    );
  });

  it('refuses an unknown program', () => {
    repo = TempRepo.withFixtures(false);
    const apply = repo.run('scripts/apply.ts', ['fern-reviews', '--program', 'partner']);
    expect(apply.status).toBe(2);
    expect(apply.stderr).toContain('apply: --program partner must be influencer or associate');
  });

  it('explains its usage', () => {
    repo = TempRepo.withFixtures(false);
    const apply = repo.run('scripts/apply.ts', []);
    expect(apply.status).toBe(2);
    expect(apply.stderr).toContain('usage: npm run apply -- <handle>');
  });
});
