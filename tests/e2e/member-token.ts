/** Member tokens for the e2e system, made the way an admin makes them (`npm run token -- create`). */
import { spawnSync } from 'node:child_process';

/** A new token of `handle` in the D1 state under `persistTo`; throws with the script's output when it made none. */
export function createMemberToken(handle: string, persistTo: string): string {
  const made = spawnSync('node', ['scripts/token.ts', 'create', handle, '--persist-to', persistTo], {
    encoding: 'utf8',
  });
  const token = /sft_[A-Za-z0-9_-]{43}/.exec(made.stdout)?.[0];
  if (!token) throw new Error(`token script failed:\n${made.stdout}\n${made.stderr}`);
  return token;
}
