import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildRouteTable } from '../../domain/links/route-table.ts';
import type { Content } from '../../domain/content/validate.ts';

export const ROUTE_TABLE_PATH = 'worker/generated/route-table.json';

export function writeRouteTable(content: Content, path = ROUTE_TABLE_PATH): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(buildRouteTable(content)));
  return path;
}
