/**
 * `npm run payouts` names where it acts (CONTRACT.md section 13): without
 * --local, --remote or --url it refuses before sending anything; with one it
 * prints the target first. (Against the real worker: tests/e2e/payouts.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';

function cli(...args: string[]) {
  return spawnSync('node', ['scripts/payouts.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ADMIN_TOKEN: 'test-admin-token', SHOPFRONT_URL: '' },
  });
}

/** A port on which nothing listens (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('npm run payouts: the target', () => {
  it.each([['owed'], ['paid', '2026-09', 'mila-cooks', 'BANK-1'], ['close', '2026-09'], ['show', '2026-09']])(
    'refuses %s without --local, --remote or --url, before sending anything',
    (...args) => {
      const run = cli(...args);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('name where to act: --local');
      expect(run.stdout).toBe('');
    },
  );

  it('refuses --local with --remote, and --remote without SHOPFRONT_URL or --url', () => {
    const both = cli('owed', '--local', '--remote');
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('not both');
    const remote = cli('owed', '--remote');
    expect(remote.status).toBe(1);
    expect(remote.stderr).toContain('--remote needs SHOPFRONT_URL');
  });

  it('prints the target before acting, and where it failed', async () => {
    const port = await closedPort();
    const run = cli('paid', '2026-09', 'mila-cooks', 'BANK-1', '--url', `http://127.0.0.1:${port}`);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      `payouts: paid on http://127.0.0.1:${port} (local)`,
      `payouts: paid refused on http://127.0.0.1:${port} (local)`,
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`cannot reach http://127.0.0.1:${port}`);
  });

  it('refuses a bad currency or a currency on another command', () => {
    expect(cli('paid', '2026-09', 'mila-cooks', 'B', '--currency', 'XYZ', '--local').status).toBe(2);
    expect(cli('owed', '--currency', 'GBP', '--local').status).toBe(2);
  });
});
