/**
 * Read-only git plumbing for the vetting check. Runs git without a shell and
 * reads blobs with `cat-file --batch` (one process, no filters or textconv).
 */
import { execFileSync } from 'node:child_process';
import { isContentFile } from '../../../domain/vet/changes.ts';

/** A git failure worded for the person running the check. */
export class GitError extends Error {}

const SHALLOW_HINT = 'in a shallow clone, fetch the full history (actions/checkout with fetch-depth: 0)';

export function git(args: string[], input?: string): Buffer {
  try {
    return execFileSync('git', args, {
      input,
      maxBuffer: 1024 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = error instanceof Error && 'stderr' in error ? String(error.stderr).trim() : '';
    throw new GitError(`git ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`);
  }
}

function commitOf(ref: string): string | null {
  try {
    return (
      git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
        .toString()
        .trim() || null
    );
  } catch {
    return null;
  }
}

function mergeBase(a: string, b: string): string | null {
  try {
    return git(['merge-base', a, b]).toString().trim() || null;
  } catch {
    return null;
  }
}

export function repoRoot(): string {
  return git(['rev-parse', '--show-toplevel']).toString().trim();
}

export interface Base {
  sha: string;
  label: string;
}

/** The checked-out revision is not based on the target branch's current head. */
export class BehindBaseError extends GitError {}

function isAncestor(ancestor: string, of: string): boolean {
  try {
    git(['merge-base', '--is-ancestor', ancestor, of]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The revision to compare the working tree with (CONTRACT.md section 13: a pull request is judged
 * against the current head of its target branch, not the merge base its author chose).
 *
 * An explicit ref is taken as it is: its commit must be HEAD or an ancestor of HEAD (the branch
 * contains the target's head; the Vet workflow merges it in first), else BehindBaseError. Owners,
 * admins, tracking ids and the signing key are then read from that head, and the diff is exactly
 * what merging would change. Without one (a local preview): the merge-base with upstream/main or
 * origin/main, else HEAD~1.
 */
export function resolveBase(explicit: string | undefined): Base {
  if (!commitOf('HEAD'))
    throw new GitError('this repository has no commits yet; commit the base content first');
  if (explicit !== undefined) {
    const sha = commitOf(explicit);
    if (!sha) throw new GitError(`unknown --base "${explicit}" (${SHALLOW_HINT})`);
    if (!isAncestor(sha, 'HEAD'))
      throw new BehindBaseError(
        `HEAD does not contain the head of ${explicit} (${sha.slice(0, 12)}): a change is judged against the current head of its target branch; merge ${explicit} into the branch (git merge ${explicit}) and run again`,
      );
    return { sha, label: explicit };
  }
  for (const ref of ['upstream/main', 'origin/main']) {
    const sha = commitOf(ref);
    const base = sha && mergeBase(sha, 'HEAD');
    if (base)
      return { sha: base, label: `merge-base with ${ref} (a preview: CI judges against ${ref}'s head)` };
  }
  const parent = commitOf('HEAD~1');
  if (parent) return { sha: parent, label: 'HEAD~1 (no upstream/main or origin/main)' };
  throw new GitError(
    'no base revision: no upstream/main or origin/main, and HEAD has no parent; pass --base <git-ref>',
  );
}

/** The checked-out branch's short name, or null when HEAD is detached. */
export function currentBranch(): string | null {
  try {
    return git(['symbolic-ref', '--quiet', '--short', 'HEAD']).toString().trim() || null;
  } catch {
    return null;
  }
}

/** A commit's trailers (git's own parser), as key -> every value in order. */
export function commitTrailers(commit: string): Map<string, string[]> {
  const sha = commitOf(commit);
  if (!sha) throw new GitError(`unknown commit "${commit}"`);
  const message = git(['log', '-1', '--format=%B', sha]).toString('utf8');
  const parsed = git(['interpret-trailers', '--parse', '--no-divider'], message).toString('utf8');
  const out = new Map<string, string[]>();
  for (const line of parsed.split('\n')) {
    const match = /^([A-Za-z0-9-]+): ?(.*)$/.exec(line);
    if (match?.[1]) out.set(match[1], [...(out.get(match[1]) ?? []), (match[2] ?? '').trim()]);
  }
  return out;
}

/** Repository path -> text of every content file at a revision. */
export function readContentAt(sha: string, dir = 'content'): Map<string, string> {
  const listing = git(['ls-tree', '-r', '-z', '--full-tree', sha, '--', dir]).toString('utf8');
  const blobs: { path: string; sha: string }[] = [];
  for (const entry of listing.split('\0')) {
    const match = /^\d+ blob ([0-9a-f]+)\t(.+)$/s.exec(entry);
    if (match?.[1] && match[2] && isContentFile(match[2])) blobs.push({ sha: match[1], path: match[2] });
  }
  const files = new Map<string, string>();
  if (blobs.length === 0) return files;
  const out = git(['cat-file', '--batch'], blobs.map((b) => b.sha).join('\n') + '\n');
  let offset = 0;
  for (const blob of blobs) {
    const end = out.indexOf(0x0a, offset);
    const header = out.subarray(offset, end).toString('utf8');
    const size = Number(/^[0-9a-f]+ blob (\d+)$/.exec(header)?.[1]);
    if (end < 0 || !Number.isInteger(size))
      throw new GitError(`cannot read ${blob.path} at ${sha}: ${header}`);
    files.set(blob.path, out.subarray(end + 1, end + 1 + size).toString('utf8'));
    offset = end + 1 + size + 1;
  }
  return files;
}

/**
 * Every path that differs between a revision and the working tree: tracked
 * changes (committed or not) and new untracked files, whatever folder they are in.
 */
export function changedPathsSince(sha: string): { path: string; status: 'added' | 'modified' | 'removed' }[] {
  const out = new Map<string, 'added' | 'modified' | 'removed'>();
  const diff = git(['diff', '--name-status', '-z', '--no-renames', sha, '--']).toString('utf8').split('\0');
  for (let i = 0; i + 1 < diff.length; i += 2) {
    const letter = diff[i] ?? '';
    const path = diff[i + 1] ?? '';
    if (!path) continue;
    out.set(path, letter.startsWith('D') ? 'removed' : letter.startsWith('A') ? 'added' : 'modified');
  }
  for (const path of git(['ls-files', '--others', '--exclude-standard', '-z']).toString('utf8').split('\0'))
    if (path) out.set(path, 'added');
  return [...out].sort(([a], [b]) => a.localeCompare(b)).map(([path, status]) => ({ path, status }));
}
