/**
 * `npm run requests -- sync`'s git side and its GitHub adapter: one branch request/<id> per
 * request, one commit on the target's head holding only the member's file and images, with
 * trailers whose signature verifies over the committed bytes; pushed to a bare repository
 * standing in for the remote; a second sync makes nothing new. `gh`'s arguments are checked
 * as built (nothing fakes gh).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { git } from '../lib/git.ts';
import { newSigningKeyPair, signRequest, verifyRequest } from '../../domain/requests/signature.ts';
import { placeholderAvatar } from '../../domain/vet/png.ts';
import { syncRequest, type RequestToSync } from '../../scripts/lib/requests/git-sync.ts';
import {
  createPullRequestArgs,
  findPullRequestArgs,
  isGitHubRemote,
  stateOfPullRequest,
  viewPullRequestArgs,
} from '../../scripts/lib/requests/github.ts';

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopfront-sync-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A clone of a repository with one commit on main, and the bare repository it pushes to. */
function repos() {
  const bare = temp();
  git(bare, 'init', '-q', '--bare', '-b', 'main');
  const seed = temp();
  git(seed, 'init', '-q', '-b', 'main');
  mkdirSync(join(seed, 'content/influencers'), { recursive: true });
  writeFileSync(join(seed, 'content/program.yaml'), 'site: x\n');
  writeFileSync(join(seed, 'README.md'), 'hello\n');
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', 'base');
  git(seed, 'push', '-q', bare, 'main');
  const clone = temp();
  git(clone, 'clone', '-q', bare, '.');
  return { bare, clone, seed };
}

async function request(id: string, privateKey: string): Promise<RequestToSync> {
  const file_text = 'id: rosa-bakes\nhandle: rosa-bakes\nstatus: applied\n';
  const signature = await signRequest(privateKey, {
    id,
    handle: 'rosa-bakes',
    file: new TextEncoder().encode(file_text),
  });
  return {
    id,
    kind: 'application',
    handle: 'rosa-bakes',
    file_path: 'content/influencers/rosa-bakes.yaml',
    file_text,
    signature,
    image_files: [
      {
        path: 'site/public/images/avatars/rosa-bakes.png',
        base64: Buffer.from(placeholderAvatar(8)).toString('base64'),
      },
    ],
  };
}

describe('requests sync (git)', () => {
  it('pushes one signed commit with only the member file and image onto the target head, once', async () => {
    const { bare, clone, seed } = repos();
    // The target moved after the clone: the request is based on the remote's current head.
    writeFileSync(join(seed, 'README.md'), 'moved\n');
    git(seed, 'commit', '-q', '-am', 'moved');
    git(seed, 'push', '-q', bare, 'main');
    const head = git(bare, 'rev-parse', 'main');

    const keys = await newSigningKeyPair();
    const req = await request('0123456789abcdef', keys.privateKey);
    const place = { repo: clone, base: 'main', remote: 'origin' };
    const first = syncRequest(place, req);
    expect(first).toMatchObject({ branch: 'request/0123456789abcdef', created: true, pushed: true });
    expect(git(bare, 'rev-parse', 'request/0123456789abcdef')).toBe(first.commit);
    expect(git(bare, 'rev-parse', `${first.commit}^`)).toBe(head);
    expect(git(bare, 'diff', '--name-only', head, first.commit).split('\n')).toEqual([
      'content/influencers/rosa-bakes.yaml',
      'site/public/images/avatars/rosa-bakes.png',
    ]);
    const committed = execFileSync('git', ['show', `${first.commit}:content/influencers/rosa-bakes.yaml`], {
      cwd: bare,
    });
    const image = execFileSync('git', ['show', `${first.commit}:site/public/images/avatars/rosa-bakes.png`], {
      cwd: bare,
    });
    expect(new Uint8Array(image)).toEqual(placeholderAvatar(8));
    const trailers = git(bare, 'log', '-1', '--format=%(trailers:only,unfold)', first.commit);
    const signature = /Shopfront-Signature: (\S+)/.exec(trailers)?.[1] ?? '';
    expect(trailers).toContain('Shopfront-Request: 0123456789abcdef');
    expect(
      await verifyRequest(keys.publicKey, signature, {
        id: '0123456789abcdef',
        handle: 'rosa-bakes',
        file: new Uint8Array(committed),
      }),
    ).toBe(true);
    // The working tree and the checked-out branch were never touched.
    expect(git(clone, 'status', '--porcelain')).toBe('');
    expect(git(clone, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');

    // Idempotent: again from this clone, and from a fresh clone that only the remote knows it from.
    expect(syncRequest(place, req)).toMatchObject({ created: false, pushed: false, commit: first.commit });
    const other = temp();
    git(other, 'clone', '-q', bare, '.');
    expect(syncRequest({ repo: other, base: 'main', remote: 'origin' }, req)).toMatchObject({
      created: false,
      commit: first.commit,
    });
    expect(git(bare, 'for-each-ref', '--format=%(refname)', 'refs/heads/request/')).toBe(
      'refs/heads/request/0123456789abcdef',
    );
  });

  it("makes local branches without a remote, and refuses paths outside the member's own", async () => {
    const { clone } = repos();
    const keys = await newSigningKeyPair();
    const req = await request('fedcba9876543210', keys.privateKey);
    expect(syncRequest({ repo: clone, base: 'main', remote: null }, req)).toMatchObject({
      created: true,
      pushed: false,
    });
    expect(() =>
      syncRequest(
        { repo: clone, base: 'main', remote: null },
        { ...req, id: '1111111111111111', file_path: '.github/workflows/x.yml' },
      ),
    ).toThrow(/refusing to write/);
    expect(() =>
      syncRequest({ repo: clone, base: 'main', remote: null }, { ...req, id: '../../etc' }),
    ).toThrow(/malformed/);
  });
});

describe('requests sync (a product proposed by URL)', () => {
  it('writes only the product file, titled for an admin; a product request cannot write a member file or images', async () => {
    const { clone } = repos();
    const keys = await newSigningKeyPair();
    const file_text = 'id: B0009JKG9M\nretailer: amazon-us\navailable: false\n';
    const product: RequestToSync = {
      id: '2222222222222222',
      kind: 'product',
      handle: 'rosa-bakes',
      file_path: 'content/products/B0009JKG9M.yaml',
      file_text,
      signature: await signRequest(keys.privateKey, {
        id: '2222222222222222',
        handle: 'rosa-bakes',
        file: new TextEncoder().encode(file_text),
      }),
      image_files: [],
    };
    const place = { repo: clone, base: 'main', remote: null };
    const made = syncRequest(place, product);
    expect(made.created).toBe(true);
    expect(git(clone, 'diff', '--name-only', 'main', made.commit)).toBe('content/products/B0009JKG9M.yaml');
    expect(git(clone, 'log', '-1', '--format=%s', made.commit)).toBe(
      'Product proposal for rosa-bakes (request 2222222222222222)',
    );
    const args = createPullRequestArgs('main', made.branch, product);
    expect(args[args.indexOf('--title') + 1]).toBe('Product proposal: rosa-bakes (request 2222222222222222)');
    expect(args[args.indexOf('--body') + 1]).toContain('only an admin merges product files');
    for (const bad of [
      { file_path: 'content/influencers/rosa-bakes.yaml' },
      { file_path: 'content/products/../program.yaml' },
      { image_files: [{ path: 'site/public/images/avatars/rosa-bakes.png', base64: '' }] },
    ])
      expect(() => syncRequest(place, { ...product, id: '3333333333333333', ...bad })).toThrow(
        /refusing to write .*not a product file/,
      );
    // And an edit cannot write a product file.
    const edit = await request('4444444444444444', keys.privateKey);
    expect(() =>
      syncRequest(place, { ...edit, kind: 'edit', file_path: 'content/products/B0009JKG9M.yaml' }),
    ).toThrow(/refusing to write/);
  });
});

describe('the gh adapter', () => {
  it('builds the exact gh arguments', async () => {
    const req = await request('0123456789abcdef', (await newSigningKeyPair()).privateKey);
    expect(findPullRequestArgs('request/0123456789abcdef')).toEqual([
      'pr',
      'list',
      '--head',
      'request/0123456789abcdef',
      '--state',
      'all',
      '--json',
      'url',
      '--jq',
      '.[0].url // ""',
    ]);
    const args = createPullRequestArgs('main', 'request/0123456789abcdef', req);
    expect(args.slice(0, 8)).toEqual([
      'pr',
      'create',
      '--base',
      'main',
      '--head',
      'request/0123456789abcdef',
      '--title',
      'Application: rosa-bakes (request 0123456789abcdef)',
    ]);
    expect(args[8]).toBe('--body');
    expect(args[9]).toContain(
      '`content/influencers/rosa-bakes.yaml` and `site/public/images/avatars/rosa-bakes.png`',
    );
    expect(args).toHaveLength(10);
    expect(isGitHubRemote('https://github.com/o/r.git')).toBe(true);
    expect(isGitHubRemote('git@github.com:o/r.git')).toBe(true);
    expect(isGitHubRemote('/tmp/bare')).toBe(false);
  });

  it('follows a pull request: merged, closed, vet failed, open', () => {
    expect(viewPullRequestArgs('https://github.com/o/r/pull/7')).toEqual([
      'pr',
      'view',
      'https://github.com/o/r/pull/7',
      '--json',
      'state,statusCheckRollup',
    ]);
    const view = (state: string, checks: object[] = []) =>
      JSON.stringify({ state, statusCheckRollup: checks });
    expect(stateOfPullRequest(view('MERGED'))).toBe('merged');
    expect(stateOfPullRequest(view('CLOSED'))).toBe('declined');
    expect(stateOfPullRequest(view('OPEN', [{ name: 'Vet content', conclusion: 'FAILURE' }]))).toBe(
      'changes_needed',
    );
    expect(
      stateOfPullRequest(
        view('OPEN', [
          { name: 'CI', conclusion: 'FAILURE' },
          { name: 'Vet content', conclusion: 'SUCCESS' },
        ]),
      ),
    ).toBe('pending');
    expect(stateOfPullRequest('not json')).toBeNull();
    expect(stateOfPullRequest(view('DRAFTY'))).toBeNull();
  });
});
