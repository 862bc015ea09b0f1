/**
 * The one place the sync talks to GitHub: the `gh` CLI, run with arguments this module builds
 * (tests check the arguments; nothing fakes `gh`). In the scheduled workflow `gh` reads
 * GH_TOKEN: a GitHub App installation token or a fine-grained token, never the workflow's own
 * GITHUB_TOKEN, because pull requests opened with that token start no workflows, and vet would
 * never run on them (docs/requests.md).
 *
 *   find:   gh pr list --head <branch> --state all --json url --jq '.[0].url // ""'
 *   create: gh pr create --base <base> --head <branch> --title <title> --body <body>
 *   follow: gh pr view <url> --json state,statusCheckRollup
 *
 * A request's state follows its pull request (stateOfPullRequest):
 *   MERGED -> merged;  CLOSED -> declined;  OPEN with a failed vet check -> changes_needed;  else pending
 */
import { execFileSync } from 'node:child_process';
import { titleOf, type RequestToSync } from './git-sync.ts';

/** Whether a remote URL is on GitHub, where pull requests can be opened. */
export function isGitHubRemote(url: string): boolean {
  return /^(https:\/\/github\.com\/|git@github\.com:|ssh:\/\/git@github\.com\/)/.test(url);
}

export function findPullRequestArgs(branch: string): string[] {
  return ['pr', 'list', '--head', branch, '--state', 'all', '--json', 'url', '--jq', '.[0].url // ""'];
}

export function createPullRequestArgs(base: string, branch: string, request: RequestToSync): string[] {
  const what = titleOf(request.kind);
  const body = [
    `Change request \`${request.id}\` from **${request.handle}**, saved on the web (CONTRACT.md section 15).`,
    '',
    `It changes only \`${request.file_path}\`${request.image_files.length > 0 ? ` and ${request.image_files.map((i) => `\`${i.path}\``).join(', ')}` : ''}.`,
    "The commit carries the worker's signature over the request id and the file's digest; vet checks it.",
    request.kind === 'application'
      ? 'To approve: add `{ on: <today>, status: approved }` to `history`, set `status: approved` and the real `tracking_id` (with its history entry), then merge. To decline: close this pull request.'
      : request.kind === 'product'
        ? 'A product proposed by its retailer URL: only an admin merges product files. Check it at the retailer, set `price`, `prime` and `image` as the retailer shows them (or let the catalog sync fill them in), set `available: true`, then merge; or close.'
        : 'Review the vetting report, then merge or close.',
  ].join('\n');
  return [
    'pr',
    'create',
    '--base',
    base,
    '--head',
    branch,
    '--title',
    `${what}: ${request.handle} (request ${request.id})`,
    '--body',
    body,
  ];
}

export function viewPullRequestArgs(url: string): string[] {
  return ['pr', 'view', url, '--json', 'state,statusCheckRollup'];
}

export type FollowedState = 'pending' | 'changes_needed' | 'merged' | 'declined';

/** The request's state from `gh pr view --json state,statusCheckRollup` output; null when unreadable. */
export function stateOfPullRequest(json: string): FollowedState | null {
  let view: unknown;
  try {
    view = JSON.parse(json);
  } catch {
    return null;
  }
  if (view === null || typeof view !== 'object') return null;
  const { state, statusCheckRollup } = view as { state?: unknown; statusCheckRollup?: unknown };
  if (state === 'MERGED') return 'merged';
  if (state === 'CLOSED') return 'declined';
  if (state !== 'OPEN') return null;
  const checks = Array.isArray(statusCheckRollup) ? (statusCheckRollup as Record<string, unknown>[]) : [];
  const vetFailed = checks.some(
    (c) =>
      /vet/i.test(String(c.name ?? c.context ?? '')) &&
      ['FAILURE', 'ERROR'].includes(String(c.conclusion ?? c.state ?? '')),
  );
  return vetFailed ? 'changes_needed' : 'pending';
}

export interface GitHub {
  /** The pull request of `branch` (any state), or null. */
  find(branch: string): string | null;
  /** Opens a pull request and returns its URL. */
  create(base: string, branch: string, request: RequestToSync): string;
  /** What became of a pull request, or null when gh's answer is unreadable. */
  follow(url: string): FollowedState | null;
}

/** `gh` in `repo`'s folder. */
export function ghCli(repo: string): GitHub {
  const gh = (args: string[]) =>
    execFileSync('gh', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  return {
    find: (branch) => gh(findPullRequestArgs(branch)) || null,
    create: (base, branch, request) => {
      const out = gh(createPullRequestArgs(base, branch, request));
      const url = out.split('\n').find((line) => /^https:\/\//.test(line));
      if (!url) throw new Error(`gh pr create printed no pull request URL: ${out}`);
      return url;
    },
    follow: (url) => stateOfPullRequest(gh(viewPullRequestArgs(url))),
  };
}
