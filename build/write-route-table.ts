import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildRouteTable, splitRouteTable } from '../domain/links/route-table.ts';
import { buildProgramTable } from '../domain/orders/program-table.ts';
import { buildSecurityTable } from '../domain/security/headers.ts';
import type { Content } from '../domain/content/validate.ts';
import { SHARDS } from '../domain/links/shards.ts';
import type { PagesConfig } from '../domain/pages/page-store.ts';
import { writeLinkShards } from './write-link-shards.ts';

export const ROUTE_TABLE_PATH = 'worker/generated/route-table.ts';

/**
 * Writes the worker's build-time data as typed modules (so the worker imports them with no
 * cast and tsc checks their shape): the link config for /go (retailer parameters and shard
 * counts; the handles and products go to shard files, see writeLinkData), and next to it the
 * program table (rates, payout settings, tracking ids) for orders and reports, and the
 * security table (image hosts for the pages' Content-Security-Policy) and the page store's
 * config (shard count, build id), always from the same
 * content. ROUTE_TABLE_OUT redirects them, so a test build of fixture content never replaces
 * the real ones.
 */
export function writeRouteTable(
  content: Content,
  path = process.env.ROUTE_TABLE_OUT ?? ROUTE_TABLE_PATH,
): string {
  writeTypedModule(
    path,
    'LinkConfig',
    '../../domain/links/route-table.ts',
    splitRouteTable(buildRouteTable(content)).config,
  );
  const program = join(dirname(path), 'program.ts');
  writeTypedModule(
    program,
    'ProgramTable',
    '../../domain/orders/program-table.ts',
    buildProgramTable(content),
  );
  writeTypedModule(join(dirname(path), 'pages.ts'), 'PagesConfig', '../../domain/pages/page-store.ts', {
    shards: SHARDS.pages,
    // A new build id per build: the Workers cache keys rendered pages by it, so a deploy
    // (new content or new templates) never serves a page rendered by the one before.
    build: process.env.SHOPFRONT_BUILD_ID ?? new Date().toISOString(),
  } satisfies PagesConfig);
  writeTypedModule(
    join(dirname(path), 'security.ts'),
    'SecurityTable',
    '../../domain/security/headers.ts',
    buildSecurityTable(content),
  );
  return path;
}

function writeTypedModule(path: string, type: string, typeModule: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    `// Generated from content/ by the build (build/write-route-table.ts). Do not edit.\n` +
      `import type { ${type} } from '${typeModule}';\n\n` +
      `const table: ${type} = ${JSON.stringify(value)};\nexport default table;\n`,
  );
}

/**
 * Writes the redirect's shard files (handles, products) under `assetsDir`, the folder the
 * static-assets binding serves; files whose content did not change are left alone.
 */
export function writeLinkData(content: Content, assetsDir: string): { files: number; written: number } {
  return writeLinkShards(assetsDir, splitRouteTable(buildRouteTable(content)));
}
