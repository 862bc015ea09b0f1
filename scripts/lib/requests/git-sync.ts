/**
 * One change request as one git branch (CONTRACT.md section 15, docs/decisions.md):
 *
 *   branch  = request/<id>
 *   parent  = the head of the target branch (on the remote when there is one: vet judges a
 *             pull request against the target's current head)
 *   commit  = the parent's tree + exactly the request's member file and images, nothing else
 *   message = "<kind> for <handle> (request <id>)" ... then the trailers
 *               Shopfront-Request: <id>
 *               Shopfront-Signature: ed25519:<base64>
 *
 * The commit is made with git's plumbing in a temporary index, so the working tree and the
 * checked-out branch are never touched. Idempotent: a branch that exists (here or on the
 * remote) is left as it is, and a second sync makes no second branch.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REQUEST_TRAILER, SIGNATURE_TRAILER } from '../../../domain/requests/signature.ts';

export interface RequestToSync {
  id: string;
  kind: string;
  handle: string;
  file_path: string;
  file_text: string;
  signature: string;
  image_files: { path: string; base64: string }[];
}

export interface SyncPlace {
  /** The repository (a clone of the project). */
  repo: string;
  /** The branch pull requests target (e.g. main). */
  base: string;
  /** The git remote to push to, or null for local branches only. */
  remote: string | null;
}

export interface Synced {
  branch: string;
  commit: string;
  /** False when the branch already existed (nothing was made). */
  created: boolean;
  pushed: boolean;
}

/** Only paths a request may write: its member file and the member's image paths. */
const ALLOWED =
  /^(content\/influencers\/[a-z0-9-]+\.yaml|site\/public\/images\/(avatars\/[a-z0-9-]+\.[a-z]+|members\/[a-z0-9-]+\/[A-Za-z0-9._/-]+))$/;

const IDENTITY = {
  GIT_AUTHOR_NAME: 'shopfront requests',
  GIT_AUTHOR_EMAIL: 'requests@shopfront.invalid',
  GIT_COMMITTER_NAME: 'shopfront requests',
  GIT_COMMITTER_EMAIL: 'requests@shopfront.invalid',
};

function git(
  place: SyncPlace,
  args: string[],
  input?: string | Buffer,
  env: Record<string, string> = {},
): string {
  return execFileSync('git', args, {
    cwd: place.repo,
    input,
    encoding: 'utf8',
    env: { ...process.env, ...IDENTITY, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  }).trim();
}

function tryGit(place: SyncPlace, args: string[]): string | null {
  try {
    return git(place, args);
  } catch {
    return null;
  }
}

export function branchOf(id: string): string {
  return `request/${id}`;
}

export function commitMessage(request: RequestToSync): string {
  const what = titleOf(request.kind);
  return [
    `${what} for ${request.handle} (request ${request.id})`,
    '',
    `Made by \`npm run requests -- sync\` from change request ${request.id}, saved on the web by`,
    `${request.handle}. It holds only ${request.file_path}${request.image_files.length > 0 ? ' and its images' : ''}.`,
    '',
    `${REQUEST_TRAILER}: ${request.id}`,
    `${SIGNATURE_TRAILER}: ${request.signature}`,
  ].join('\n');
}

/** A product proposed by URL writes only its product file (and no images). */
const PRODUCT_FILE = /^content\/products\/[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.yaml$/;

/** The first path the request may not write, or null (a product writes only its product file). */
function refusedPath(request: RequestToSync): string | null {
  const paths = [request.file_path, ...request.image_files.map((i) => i.path)];
  if (request.kind === 'product') return paths.find((p, i) => i > 0 || !PRODUCT_FILE.test(p)) ?? null;
  return paths.find((p) => !ALLOWED.test(p)) ?? null;
}

/** What the commit and the pull request are titled by (request kind). */
export function titleOf(kind: string): string {
  return kind === 'application' ? 'Application' : kind === 'product' ? 'Product proposal' : 'Storefront edit';
}

export function syncRequest(place: SyncPlace, request: RequestToSync): Synced {
  if (!/^[0-9a-f]{16}$/.test(request.id)) throw new Error(`request id "${request.id}" is malformed`);
  const path = refusedPath(request);
  if (path !== null)
    throw new Error(
      `request ${request.id}: refusing to write ${path} (not ${request.kind === 'product' ? 'a product file' : 'a member file or image path'})`,
    );
  const branch = branchOf(request.id);
  const ref = `refs/heads/${branch}`;
  const local = tryGit(place, ['rev-parse', '--verify', '--quiet', ref]);
  const remoteHas =
    place.remote !== null && git(place, ['ls-remote', '--heads', place.remote, ref]).length > 0;
  if (local !== null || remoteHas) {
    if (local === null && place.remote !== null)
      git(place, ['fetch', '--quiet', place.remote, `${ref}:${ref}`]);
    return { branch, commit: git(place, ['rev-parse', ref]), created: false, pushed: false };
  }
  if (place.remote !== null) git(place, ['fetch', '--quiet', place.remote, place.base]);
  const parent = git(place, ['rev-parse', place.remote !== null ? 'FETCH_HEAD' : `refs/heads/${place.base}`]);
  const commit = commitOnto(place, parent, request);
  git(place, ['update-ref', ref, commit, '']);
  let pushed = false;
  if (place.remote !== null) {
    git(place, ['push', '--quiet', place.remote, `${ref}:${ref}`]);
    pushed = true;
  }
  return { branch, commit, created: true, pushed };
}

/** The parent's tree with the request's files written in, committed with the trailers. */
function commitOnto(place: SyncPlace, parent: string, request: RequestToSync): string {
  const dir = mkdtempSync(join(tmpdir(), 'shopfront-request-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    git(place, ['read-tree', parent], undefined, env);
    const files: [string, Buffer][] = [
      [request.file_path, Buffer.from(request.file_text, 'utf8')],
      ...request.image_files.map((i): [string, Buffer] => [i.path, Buffer.from(i.base64, 'base64')]),
    ];
    for (const [path, bytes] of files) {
      const blob = git(place, ['hash-object', '-w', '--stdin'], bytes);
      git(place, ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], undefined, env);
    }
    const tree = git(place, ['write-tree'], undefined, env);
    return git(place, ['commit-tree', tree, '-p', parent, '-F', '-'], commitMessage(request));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
