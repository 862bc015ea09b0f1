/**
 * One home for each job (COMMON.md): a hex SHA-256 is `sha256Hex` of domain/requests/signature.ts
 * (it takes bytes or a string). Every other module of domain/ and worker/ imports it rather than
 * calling WebCrypto's digest itself; worker/auth/tokens.ts keeps its own call because it wants the
 * digest's bytes (compared in constant time), not hex, and domain/requests/live-index.ts because
 * it computes git's SHA-1 blob id. The private copies this test was written
 * against: worker/orders/statement-import.ts and domain/orders/shopfront-report.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../domain/requests/signature.ts';

const DIGEST_HOMES = [
  join('domain', 'requests', 'live-index.ts'),
  join('domain', 'requests', 'signature.ts'),
  join('worker', 'auth', 'tokens.ts'),
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || path === join('worker', 'generated')) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) ? [path] : [];
  });
}

describe('SHA-256 digests', () => {
  it('only the three homes call crypto.subtle.digest', () => {
    const callers = ['domain', 'worker']
      .flatMap(sourceFiles)
      .filter((file) => /crypto\.subtle\.digest\(/.test(readFileSync(file, 'utf8')));
    expect(callers.sort()).toEqual([...DIGEST_HOMES].sort());
  });

  it('sha256Hex gives the same digest for a string and its bytes', async () => {
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(await sha256Hex('abc')).toBe(abc);
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(abc);
  });
});
