/**
 * How every caller runs `astro build` (npm run build, start, deploy, the local system of the
 * tests, the benchmarks): Node with the build's heap budget. Without one V8 lets the heap grow
 * toward its default limit (about 4 GiB here) before collecting hard, and a 100,000-creator
 * build peaked at 3.9 GiB; with it the same build stays under 3 GiB (bench:build, docs/scale.md).
 * The live data of that build is far below the budget: the validated program is let go once
 * the content gate has written what derives from it.
 */
import { join } from 'node:path';

/** Old-space heap of the build, MiB. */
export const BUILD_HEAP_MIB = 2048;

/** NODE_OPTIONS for `astro build` from PATH: the caller's own, plus the heap budget. */
export function buildNodeOptions(env: NodeJS.ProcessEnv = process.env): string {
  return [env['NODE_OPTIONS'], `--max-old-space-size=${BUILD_HEAP_MIB}`].filter(Boolean).join(' ');
}

/** Node's arguments for `astro build` in `root` (the project folder), extra args appended (the benches). */
export function astroBuildArgs(root = '.', extra: string[] = []): string[] {
  return [
    `--max-old-space-size=${BUILD_HEAP_MIB}`,
    join(root, 'node_modules', 'astro', 'bin', 'astro.mjs'),
    'build',
    ...extra,
  ];
}
