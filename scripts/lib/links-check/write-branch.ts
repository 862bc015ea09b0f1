/**
 * `--write`: a git branch, made from HEAD without touching the working tree or the index, whose
 * one commit marks each dead product `available: false` in its file (comments and layout kept).
 * Plumbing only: a throwaway index (GIT_INDEX_FILE) <- HEAD's tree, each changed file's blob
 * written with hash-object, write-tree, commit-tree, then `git branch` (refuses a name in use).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

function git(repo: string, args: string[], input?: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync('git', ['-C', repo, ...args], { input, env, stdio: ['pipe', 'pipe', 'pipe'] })
      .toString()
      .trim();
  } catch (error) {
    const stderr = error instanceof Error && 'stderr' in error ? String(error.stderr).trim() : '';
    throw new Error(`git ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`);
  }
}

export interface DeadFile {
  /** Path inside the repository, e.g. content/products/B0X.yaml. */
  path: string;
  product: string;
}

/** The file text with `available: false` (null when it says so already). */
export function markedUnavailable(text: string): string | null {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(doc.errors[0]?.message ?? 'YAML error');
  if (doc.get('available') === false) return null;
  doc.set('available', false);
  return doc.toString();
}

export function writeDeadBranch(
  repo: string,
  files: readonly DeadFile[],
  branch: string,
  message: string,
): { commit: string; changed: string[] } {
  git(repo, ['check-ref-format', '--branch', branch]);
  if (git(repo, ['branch', '--list', branch]) !== '') throw new Error(`branch ${branch} exists already`);
  const dir = mkdtempSync(join(tmpdir(), 'links-check-'));
  const env = { ...process.env, GIT_INDEX_FILE: join(dir, 'index') };
  try {
    git(repo, ['read-tree', 'HEAD'], undefined, env);
    const changed: string[] = [];
    for (const f of files) {
      const next = markedUnavailable(git(repo, ['show', `HEAD:${f.path}`]) + '\n');
      if (next === null) continue;
      const blob = git(repo, ['hash-object', '-w', '--stdin'], next);
      git(repo, ['update-index', '--cacheinfo', `100644,${blob},${f.path}`], undefined, env);
      changed.push(f.path);
    }
    if (changed.length === 0) return { commit: '', changed };
    const tree = git(repo, ['write-tree'], undefined, env);
    const commit = git(repo, ['commit-tree', tree, '-p', 'HEAD', '-F', '-'], message);
    git(repo, ['branch', branch, commit]);
    return { commit, changed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
