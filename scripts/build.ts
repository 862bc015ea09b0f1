/** `npm run build`: `astro build` with the build's heap budget (scripts/lib/astro-build.ts). */
import { spawnSync } from 'node:child_process';
import { astroBuildArgs } from './lib/astro-build.ts';

const result = spawnSync(process.execPath, astroBuildArgs('.', process.argv.slice(2)), { stdio: 'inherit' });
process.exit(result.status ?? 1);
