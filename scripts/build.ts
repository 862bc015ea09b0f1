/**
 * `npm run build`: `astro build` (the one on PATH, as npm puts node_modules/.bin there) with the
 * build's heap budget (build/astro-build.ts). start, deploy and the tests' local system run
 * this, so every build has the same budget.
 */
import { spawnSync } from 'node:child_process';
import { buildNodeOptions } from '../build/astro-build.ts';

const result = spawnSync('astro', ['build', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: buildNodeOptions() },
});
if (result.error) console.error(`astro build could not start: ${result.error.message}`);
process.exit(result.status ?? 1);
