/**
 * The build's live index (build/write-live-index.ts): the SHA-256 of each member and product
 * file's bytes, filed by the digest's first byte; written only where a shard changed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fileVersionKey,
  gitBlobId,
  liveIndexPath,
  liveIndexShardOf,
} from '../../domain/requests/live-index.ts';
import { writeLiveIndex } from '../../build/write-live-index.ts';

const dir = mkdtempSync(join(tmpdir(), 'shopfront-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeLiveIndex', () => {
  it('files the digest of every member and product file, and nothing else', () => {
    const content = join(dir, 'content');
    const out = join(dir, 'out');
    mkdirSync(join(content, 'influencers'), { recursive: true });
    mkdirSync(join(content, 'products'), { recursive: true });
    const files = {
      'influencers/a.yaml': 'id: a\n',
      'products/B000000001.yaml': 'id: B000000001\n',
      'influencers/notes.txt': 'not content\n',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(content, name), text);
    expect(writeLiveIndex(content, out)).toEqual({ files: 256, written: 256 });
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    const shard = (d: string) =>
      JSON.parse(readFileSync(join(out, liveIndexPath(liveIndexShardOf(d))), 'utf8')) as string[];
    expect(shard(sha('id: a\n'))).toContain(sha('id: a\n'));
    expect(shard(sha('id: B000000001\n'))).toContain(sha('id: B000000001\n'));
    expect(shard(sha('not content\n'))).not.toContain(sha('not content\n'));
    // A changed byte moves the file to another digest; only the shards that changed are written.
    writeFileSync(join(content, 'influencers/a.yaml'), 'id: a \n');
    expect(writeLiveIndex(content, out).written).toBeLessThanOrEqual(2);
    expect(shard(sha('id: a \n'))).toContain(sha('id: a \n'));
    expect(() => liveIndexShardOf('not-a-digest')).toThrow(/SHA-256/);
  });
});

describe('writeLiveIndex in a git work tree: a request is live at or after its merge', () => {
  it('holds the version a request branch proposed once merged, even after an admin fix-up; not a branch never merged', async () => {
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, 'content', 'influencers'), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: repo,
        encoding: 'utf8',
      });
    const file = join(repo, 'content', 'influencers', 'ann.yaml');
    git('init', '-q', '-b', 'main');
    writeFileSync(file, 'handle: ann\nbio: old\n');
    git('add', '.');
    git('commit', '-qm', 'ann');
    // request/<id>: the member's file as the request proposed it, then an admin's fix-up.
    const proposed = 'handle: ann\nbio: proposed by the request\n';
    git('checkout', '-qb', 'request/0123456789abcdef');
    writeFileSync(file, proposed);
    git('commit', '-qam', 'request');
    writeFileSync(file, 'handle: ann\nbio: proposed, fixed up by an admin\n');
    git('commit', '-qam', 'admin fix-up');
    // Another request's branch, never merged.
    git('checkout', '-qb', 'request/fedcba9876543210', 'main');
    const unmerged = 'handle: ann\nbio: declined\n';
    writeFileSync(file, unmerged);
    git('commit', '-qam', 'declined request');
    git('checkout', '-q', 'main');
    git('merge', '-q', '--no-ff', '-m', 'merge', 'request/0123456789abcdef');

    const out = join(dir, 'repo-out');
    writeLiveIndex(join(repo, 'content'), out);
    // What the worker computes from a request's file_path and file_text (worker/requests/live.ts).
    const entry = async (text: string) =>
      createHash('sha256')
        .update(
          fileVersionKey('content/influencers/ann.yaml', await gitBlobId(new TextEncoder().encode(text))),
        )
        .digest('hex');
    const indexed = (d: string) =>
      (JSON.parse(readFileSync(join(out, liveIndexPath(liveIndexShardOf(d))), 'utf8')) as string[]).includes(
        d,
      );
    // git's own blob id is the worker's.
    expect(git('hash-object', file).trim()).toBe(await gitBlobId(new Uint8Array(readFileSync(file))));
    expect(indexed(await entry(proposed))).toBe(true);
    expect(indexed(createHash('sha256').update(proposed).digest('hex'))).toBe(false); // not the built file
    expect(indexed(await entry(unmerged))).toBe(false);
    // Another path with the same bytes is another entry.
    expect(
      indexed(
        createHash('sha256')
          .update(
            fileVersionKey(
              'content/influencers/bob.yaml',
              await gitBlobId(new TextEncoder().encode(proposed)),
            ),
          )
          .digest('hex'),
      ),
    ).toBe(false);
  });
});
