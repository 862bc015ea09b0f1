/**
 * The GitHub workflows' security rules, read from the YAML (security review, issue 24; each
 * rule fails on the workflows of commit 53ca318):
 * - every action is pinned by a full commit SHA;
 * - the Cloudflare token is in the environment of the deploying step only (never the job's,
 *   so `npm ci`'s install scripts never see it);
 * - the parse cache is restored by its exact key only, keyed by the content's hash; the share
 *   card cache alone by its own prefix, over its own files only;
 * - only the head of the main branch deploys: never a run on a tag named "main".
 * And the owner rules' part (CONTRACT.md section 13): vet judges a pull request against its
 * target branch's current head, merged in, and runs again when that head moves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const DIR = '.github/workflows';

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  name?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Job {
  if?: string;
  'timeout-minutes'?: number;
  env?: Record<string, string>;
  needs?: string | string[];
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const read = (name: string) => parse(readFileSync(join(DIR, name), 'utf8')) as Workflow;
const workflows = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((name) => ({ name, workflow: read(name) }));
const deploy = read('deploy.yml');
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const mentions = (value: unknown, needle: string) => JSON.stringify(value ?? {}).includes(needle);

describe('workflows', () => {
  it('pin every action by a full commit SHA', () => {
    const unpinned = workflows.flatMap(({ name, workflow }) =>
      steps(workflow)
        .filter((s) => s.uses !== undefined && !/^[^@\s]+@[0-9a-f]{40}$/.test(s.uses))
        .map((s) => `${name}: ${s.uses}`),
    );
    expect(unpinned).toEqual([]);
    expect(steps(deploy).some((s) => s.uses?.startsWith('actions/cache'))).toBe(true);
  });

  it('give the Cloudflare token to the deploying step only, after npm ci', () => {
    expect(mentions(deploy.env, 'CLOUDFLARE_API_TOKEN')).toBe(false);
    for (const job of Object.values(deploy.jobs))
      expect(mentions(job.env, 'CLOUDFLARE_API_TOKEN')).toBe(false);
    const all = steps(deploy);
    const holders = all.filter((s) => mentions(s, 'CLOUDFLARE_API_TOKEN'));
    expect(holders).toHaveLength(1);
    expect(holders[0]?.run).toBe('npm run deploy');
    const install = all.findIndex((s) => s.run?.startsWith('npm ci'));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(all.indexOf(holders[0]!)).toBeGreaterThan(install);
    expect(mentions(all[install], 'secrets.')).toBe(false);
  });

  it('leave no push token on disk for npm ci in the requests workflow (security review, round 3)', () => {
    const all = steps(read('requests.yml'));
    const install = all.findIndex((s) => s.run?.includes('npm ci'));
    expect(install).toBeGreaterThan(0);
    for (const step of all.slice(0, install))
      if (step.uses?.startsWith('actions/checkout'))
        expect(String(step.with?.['persist-credentials'])).toBe('false');
    expect(mentions(all[install], 'TOKEN')).toBe(false);
    const sync = all.find((s) => s.run?.includes('npm run requests -- sync'));
    expect(sync?.run).toContain('extraheader');
  });

  /**
   * The parse cache by its exact key only (a hit is the parse of exactly this content); the share
   * card cache by its own prefix (each card is looked up by the hash of its own inputs), over
   * the card files only, saved under a key of its own run; their paths never overlap, so neither
   * restore puts older files over the other's. No combined restore-and-save action.
   */
  it('restore the parse cache by its exact key only, and the share card cache alone by its prefix', () => {
    const caches = steps(deploy).filter((s) => s.uses?.startsWith('actions/cache'));
    // A combined restore-and-save action would also write entries under prefix keys; none is used.
    expect(caches.filter((s) => !/^actions\/cache\/(restore|save)@/.test(s.uses ?? ''))).toEqual([]);
    const paths = (s: Step) => (s.with?.path ?? '').split('\n').filter((p) => p.trim() !== '');
    const CARD_FILES = [
      'node_modules/.cache/shopfront/share-cards.bin',
      'node_modules/.cache/shopfront/share-cards.bin.paths.json',
    ];
    const isCards = (s: Step) => paths(s).some((p) => p.includes('share-cards'));
    const [parse, cards] = [caches.filter((s) => !isCards(s)), caches.filter(isCards)];

    const restore = parse.filter((s) => s.uses?.startsWith('actions/cache/restore@'));
    expect(restore).toHaveLength(1);
    expect(restore[0]?.with?.key).toMatch(/^shopfront-content-v\d+-\$\{\{ hashFiles\('content\/\*\*'/);
    for (const step of parse) expect(step.with?.['restore-keys']).toBeUndefined();
    const save = parse.filter((s) => s.uses?.startsWith('actions/cache/save@'));
    expect(save.map((s) => s.with?.key)).toEqual(['${{ steps.parse-cache.outputs.cache-primary-key }}']);

    // The card cache: its two files exactly, its own prefix, a new key per run.
    expect(cards.map((s) => s.uses?.split('@')[0])).toEqual(['actions/cache/restore', 'actions/cache/save']);
    for (const step of cards) expect(paths(step)).toEqual(CARD_FILES);
    const [cardRestore, cardSave] = cards;
    expect(cardRestore?.with?.['restore-keys']).toBe('shopfront-cards-v1-');
    expect(cardRestore?.with?.key).toBe('shopfront-cards-v1-${{ github.run_id }}-${{ github.run_attempt }}');
    expect(cardSave?.with?.key).toBe(`\${{ steps.${cardRestore?.id}.outputs.cache-primary-key }}`);
    expect(cardSave?.if).toMatch(/^success\(\) && /);
    // A run by hand may render longer, a bounded choice that fits in the job's time limit.
    const input = (deploy.on.workflow_dispatch as { inputs: Record<string, { options: string[] }> }).inputs
      .cards_budget_s;
    const longest_s = Math.max(...(input?.options ?? []).map(Number));
    expect(longest_s).toBeGreaterThan(10);
    expect(deploy.jobs.deploy?.['timeout-minutes']).toBeGreaterThanOrEqual(20 + longest_s / 60);
    const budget = steps(deploy).find((s) => s.run === 'npm run deploy')?.env?.SHARE_CARD_BUDGET_S;
    expect(budget).toBe("${{ inputs.cards_budget_s || '10' }}");

    // No path of one cache is in, or holds, a path of the other (a folder would hold the files).
    const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
    const parsePaths = parse.flatMap(paths);
    expect(parsePaths.length).toBeGreaterThan(0);
    // Plain paths only, so the check below is exact (a glob or an exclusion could reach the cards).
    expect(parsePaths.filter((p) => /[*?[\]!{]/.test(p))).toEqual([]);
    for (const p of parsePaths)
      for (const c of CARD_FILES) expect(overlaps(p.replace(/\/$/, ''), c)).toBe(false);
  });

  it('deploy only the head of refs/heads/main, never a tag named main', () => {
    const jobs = Object.values(deploy.jobs);
    const gates = jobs.filter((j) => j.needs === undefined);
    // Every job either checks the ref itself or needs one that does.
    for (const job of gates) expect(job.if).toContain("github.ref == 'refs/heads/main'");
    for (const job of jobs.filter((j) => j.needs !== undefined))
      expect(job.if).toMatch(/needs\.\w+\.outputs\.sha/);
    const guard = gates.flatMap((j) => j.steps).find((s) => s.run?.includes('refs/heads/main'));
    expect(guard?.run).toContain('git/ref/heads/main');
    // CI (whose completion starts a deploy) runs for branch pushes only, never tags.
    const ci = read('ci.yml').on.push as { branches?: string[]; tags?: string[] } | null;
    expect(ci?.branches).toEqual(['**']);
    expect(ci?.tags).toBeUndefined();
  });

  it('vet a pull request against its target branch head, merged in, and again when it moves', () => {
    const vet = read('vet.yml');
    expect(Object.keys(vet.on)).toEqual(['pull_request_target']);
    const all = steps(vet);
    const merge = all.findIndex(
      (s) => s.run?.includes('merge --no-edit') && s.run.includes('refs/remotes/origin/$BASE_REF'),
    );
    const run = all.findIndex((s) => s.run?.includes('npm run vet'));
    expect(merge).toBeGreaterThan(0);
    expect(run).toBeGreaterThan(merge);
    const command = all[run]?.run ?? '';
    expect(command).toContain('--base "refs/remotes/origin/$BASE_REF"');
    expect(command).toContain('--head-commit "$HEAD_SHA"');
    expect(command).toContain('--branch "$HEAD_BRANCH"');
    // A fork's branch is never taken for a request branch.
    expect(all[run]?.env?.HEAD_BRANCH).toContain(
      'github.event.pull_request.head.repo.full_name == github.repository',
    );
    // The pull request's checkout has the target branch fetched (full history, at run time).
    const checkout = all.find((s) => s.with?.path === 'pr');
    expect(String(checkout?.with?.['fetch-depth'])).toBe('0');

    const revet = read('revet.yml');
    expect(revet.on.push).toEqual({ branches: ['main'] });
    const rerun = steps(revet).find((s) => s.run?.includes('gh run rerun'));
    expect(rerun?.run).toContain('--workflow vet.yml');
    expect(rerun?.run).toContain('gh pr list');
  });

  /**
   * Security review (round 3): a pull request opened against another branch and then retargeted at
   * main was judged against the old branch: `edited` did not start the check, and a re-run replays
   * the event, whose base_ref is the old branch. And revet.yml looked runs up by the pull request's
   * head commit, which is not a pull_request_target run's commit (the target branch's is).
   */
  it('judge against the target branch GitHub reports when the job runs, and find runs by name', () => {
    const vet = read('vet.yml') as Workflow & { 'run-name'?: string };
    const trigger = vet.on.pull_request_target as { types: string[] };
    expect(trigger.types).toContain('edited');
    const all = steps(vet);
    // No step takes the target branch from the event.
    expect(all.filter((s) => mentions(s, 'github.base_ref')).map((s) => s.name)).toEqual([]);
    const target = all.findIndex((s) => s.run?.includes('gh api') && s.run.includes('.base.ref'));
    const merge = all.findIndex((s) => s.run?.includes('merge --no-edit'));
    const run = all.findIndex((s) => s.run?.includes('npm run vet'));
    expect(target).toBeGreaterThan(0);
    expect(target).toBeLessThan(merge);
    for (const i of [merge, run]) expect(all[i]?.env?.BASE_REF).toBe('${{ steps.target.outputs.base }}');

    expect(vet['run-name']).toBe('Vet #${{ github.event.pull_request.number }}');
    const rerun = steps(read('revet.yml')).find((s) => s.run?.includes('gh run rerun'));
    expect(rerun?.run).not.toContain('--commit');
    expect(rerun?.run).toContain('"Vet #$number"');
  });
});
