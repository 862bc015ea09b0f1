/**
 * Writes the live index (domain/requests/live-index.ts): the SHA-256 of the bytes of every
 * file under content/influencers/ and content/products/ this build is made from, and of every
 * version of those files in the git history of the commit it is built from (path and blob id,
 * from `git log --raw`: every ancestor, merged branches included), so the deployed worker knows
 * which change requests it contains. Outside a git work tree only the files as built count.
 * CI checks out the whole history for the build (fetch-depth: 0): a shallow clone holds only its
 * own commit's versions.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLiveIndex, fileVersionKey, liveIndexPath } from '../domain/requests/live-index.ts';
import { writeIfChanged } from './write-if-changed.ts';

function* digestsOf(contentRoot: string): Generator<string> {
  for (const folder of ['influencers', 'products']) {
    const dir = join(contentRoot, folder);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir))
      if (/\.ya?ml$/.test(name))
        yield createHash('sha256')
          .update(readFileSync(join(dir, name)))
          .digest('hex');
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
// ":<mode> <mode> <old blob> <new blob> <status>\t<path>" (--no-abbrev, --no-renames)
const RAW_LINE = /^:\d+ \d+ [0-9a-f]{40} ([0-9a-f]{40}) [AMT]\t(.+)$/;

/** Every version of the member and product files in the history of HEAD, as live index entries. */
function* historyDigestsOf(contentRoot: string): Generator<string> {
  const git = (args: string[]) =>
    execFileSync('git', args, {
      cwd: contentRoot,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  try {
    git(['rev-parse', '--verify', 'HEAD']);
  } catch {
    return; // not a git work tree, or no commit yet: the files as built are all there is
  }
  // Pathspecs are relative to contentRoot; --raw prints paths from the top of the repository,
  // as a request's file_path is (content/influencers/<handle>.yaml).
  const log = git([
    'log',
    '--format=',
    '--raw',
    '--no-abbrev',
    '--no-renames',
    'HEAD',
    '--',
    'influencers',
    'products',
  ]);
  for (const line of log.split('\n')) {
    const m = RAW_LINE.exec(line);
    if (m && /\.ya?ml$/.test(m[2]!)) yield sha256(fileVersionKey(m[2]!, m[1]!));
  }
}

export function writeLiveIndex(contentRoot: string, root: string): { files: number; written: number } {
  const shards = buildLiveIndex([...digestsOf(contentRoot), ...historyDigestsOf(contentRoot)]);
  let written = 0;
  shards.forEach((shard, i) => {
    if (writeIfChanged(root, liveIndexPath(i), JSON.stringify(shard))) written++;
  });
  return { files: shards.length, written };
}
