import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildRouteTable } from '../../domain/links/route-table.ts';
import type { Content } from '../../domain/content/validate.ts';

export const ROUTE_TABLE_PATH = 'worker/generated/route-table.ts';

/** Writes the route table as a typed module, so the worker imports it with no cast and tsc checks its shape. */
export function writeRouteTable(content: Content, path = ROUTE_TABLE_PATH): string {
  mkdirSync(dirname(path), { recursive: true });
  const body = JSON.stringify(buildRouteTable(content));
  writeFileSync(
    path,
    `// Generated from content/ by the build (scripts/lib/write-route-table.ts). Do not edit.\n` +
      `import type { RouteTable } from '../../domain/links/route-table.ts';\n\n` +
      `const routeTable: RouteTable = ${body};\nexport default routeTable;\n`,
  );
  return path;
}
