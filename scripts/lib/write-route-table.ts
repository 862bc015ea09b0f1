import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildRouteTable } from '../../domain/links/route-table.ts';
import { buildProgramTable } from '../../domain/orders/program-table.ts';
import type { Content } from '../../domain/content/validate.ts';

export const ROUTE_TABLE_PATH = 'worker/generated/route-table.ts';
export const PROGRAM_TABLE_PATH = 'worker/generated/program.ts';

/** Writes the route table as a typed module, so the worker imports it with no cast and tsc checks its shape. */
/** ROUTE_TABLE_OUT redirects it, so a test build of fixture content never replaces the real one. */
export function writeRouteTable(
  content: Content,
  path = process.env.ROUTE_TABLE_OUT ?? ROUTE_TABLE_PATH,
): string {
  mkdirSync(dirname(path), { recursive: true });
  const body = JSON.stringify(buildRouteTable(content));
  writeFileSync(
    path,
    `// Generated from content/ by the build (scripts/lib/write-route-table.ts). Do not edit.\n` +
      `import type { RouteTable } from '../../domain/links/route-table.ts';\n\n` +
      `const routeTable: RouteTable = ${body};\nexport default routeTable;\n`,
  );
  // The program table goes next to it (worker/generated/program.ts), so both always come from the same content.
  writeProgramTable(content, join(dirname(path), 'program.ts'));
  return path;
}

/** Rates, payout settings and tracking ids for the order and reporting routes, the same way. */
export function writeProgramTable(content: Content, path = PROGRAM_TABLE_PATH): string {
  mkdirSync(dirname(path), { recursive: true });
  const body = JSON.stringify(buildProgramTable(content));
  writeFileSync(
    path,
    `// Generated from content/ by the build (scripts/lib/write-route-table.ts). Do not edit.\n` +
      `import type { ProgramTable } from '../../domain/orders/program-table.ts';\n\n` +
      `const programTable: ProgramTable = ${body};\nexport default programTable;\n`,
  );
  return path;
}
