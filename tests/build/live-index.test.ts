/**
 * The build's live index (build/write-live-index.ts): the SHA-256 of each member and product
 * file's bytes, filed by the digest's first byte; written only where a shard changed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { liveIndexPath, liveIndexShardOf } from '../../domain/requests/live-index.ts';
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
