/**
 * `npm run requests -- sync --local|--remote|--url <base> [--base main] [--git-remote origin]`
 * (CONTRACT.md section 15): each pending change request without a pull request becomes a branch
 * `request/<id>` with one signed commit (scripts/lib/requests/git-sync.ts); with a git remote it
 * is pushed, and where that remote is on GitHub a pull request is opened through `gh`
 * (scripts/lib/requests/github.ts) and recorded on the request. Idempotent: a request whose
 * branch or pull request exists makes none again. It always names where it acts, before and after.
 *
 * The worker's API: GET /api/admin/requests?state=pending (paged), GET /api/admin/requests/<id>,
 * POST /api/admin/requests/<id>/state, with ADMIN_TOKEN (.dev.vars locally, the environment remotely).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { post, resolveTarget, type Target } from './lib/orders/target.ts';
import { syncRequest, type RequestToSync } from './lib/requests/git-sync.ts';
import { ghCli, isGitHubRemote } from './lib/requests/github.ts';

const USAGE =
  'usage: npm run requests -- sync --local|--remote|--url <base> [--base main] [--git-remote origin]';

interface Listed {
  id: string;
  kind: string;
  handle: string;
  pull_request_url: string | null;
}

async function api<T>(target: Target, path: string, init: RequestInit = {}): Promise<T> {
  const res = await post(`${target.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${target.secret('ADMIN_TOKEN')}`, 'content-type': 'application/json' },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function listed(target: Target, state: string): Promise<Listed[]> {
  const out: Listed[] = [];
  for (let offset: number | null = 0; offset !== null;) {
    const page: { requests: Listed[]; next_offset: number | null } = await api(
      target,
      `/api/admin/requests?state=${state}&limit=500&offset=${offset}`,
    );
    out.push(...page.requests);
    offset = page.next_offset;
  }
  return out;
}

function gitRemote(name: string | undefined): { name: string; url: string } | null {
  const wanted = name ?? 'origin';
  try {
    const url = execFileSync('git', ['remote', 'get-url', wanted], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return { name: wanted, url };
  } catch {
    if (name !== undefined) throw new Error(`no git remote "${name}" here`);
    return null;
  }
}

type Options = { local?: boolean; remote?: boolean; url?: string; base?: string; 'git-remote'?: string };
type GitHub = ReturnType<typeof ghCli>;

/** The command line, or the exit code of a usage error (printed). */
function readArgs(): Options | number {
  let values: Options;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      allowPositionals: true,
      options: {
        local: { type: 'boolean' },
        remote: { type: 'boolean' },
        url: { type: 'string' },
        base: { type: 'string' },
        'git-remote': { type: 'string' },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const chosen = [values.local, values.remote, values.url !== undefined].filter(Boolean).length;
  if (positionals.join(' ') !== 'sync' || chosen === 0 || (values.local && values.remote)) {
    console.error(USAGE);
    return 2;
  }
  return values;
}

async function main(): Promise<number> {
  const values = readArgs();
  if (typeof values === 'number') return values;
  const target = resolveTarget({
    remote: values.remote === true,
    ...(values.url ? { url: values.url } : {}),
  });
  const base = values.base ?? 'main';
  const remote = gitRemote(values['git-remote']);
  const github = remote && isGitHubRemote(remote.url) ? ghCli(process.cwd()) : null;
  const where = `${target.url}${target.remote ? ' (remote)' : ''}`;
  console.log(
    `requests: syncing pending requests of ${where} onto ${base}${remote ? `, pushing to ${remote.name} (${remote.url})` : ', local branches only'} ...`,
  );

  const pending = (await listed(target, 'pending')).filter(
    (r) => r.kind === 'application' || r.kind === 'edit' || r.kind === 'product',
  );
  const made = await syncPending(target, pending, { base, remote: remote?.name ?? null, github });
  // Each request's state follows its pull request: vet failed, merged, closed.
  const followed = github ? await followPullRequests(target, github, pending) : 0;
  console.log(
    `requests: ${pending.length} pending request(s) on ${where}; ${made} new branch(es); ${followed} state(s) updated from pull requests.`,
  );
  return 0;
}

/** Each pending request as its branch (pushed, with a pull request where GitHub is the remote); how many were new. */
async function syncPending(
  target: Target,
  pending: readonly Listed[],
  { base, remote, github }: { base: string; remote: string | null; github: GitHub | null },
): Promise<number> {
  let made = 0;
  for (const r of pending) {
    const full = await api<RequestToSync & { pull_request_url: string | null }>(
      target,
      `/api/admin/requests/${r.id}`,
    );
    const synced = syncRequest({ repo: process.cwd(), base, remote }, full);
    if (synced.created) made++;
    let url = full.pull_request_url;
    if (github && url === null) {
      url = github.find(synced.branch) ?? github.create(base, synced.branch, full);
      await api(target, `/api/admin/requests/${r.id}/state`, {
        method: 'POST',
        body: JSON.stringify({ state: 'pending', pull_request_url: url }),
      });
    }
    console.log(
      `  ${r.id} ${r.kind} ${r.handle}: ${synced.branch} ${synced.created ? 'made' : 'already there'}${synced.pushed ? ', pushed' : ''}${url ? `, ${url}` : ''}`,
    );
  }
  return made;
}

/** Pending and changes-needed requests take their pull request's state; how many changed. */
async function followPullRequests(
  target: Target,
  github: GitHub,
  pending: readonly Listed[],
): Promise<number> {
  let followed = 0;
  const open = [...pending, ...(await listed(target, 'changes_needed'))];
  for (const r of open) {
    const url = r.pull_request_url ?? github.find(`request/${r.id}`);
    const state = url ? github.follow(url) : null;
    if (state === null || (state === 'pending' && r.pull_request_url !== null)) continue;
    await api(target, `/api/admin/requests/${r.id}/state`, {
      method: 'POST',
      body: JSON.stringify({ state, ...(url ? { pull_request_url: url } : {}) }),
    });
    followed++;
    console.log(`  ${r.id} ${r.handle}: ${state} (${url})`);
  }
  return followed;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`requests: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
