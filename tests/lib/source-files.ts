/** The source files of a folder, for tests that read the code itself (no generated code, declarations or node_modules). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` whose name matches `ending` (TypeScript and JavaScript by default). */
export function sourceFilesUnder(dir: string, ending: RegExp = /\.(ts|mts|mjs|js)$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'generated' || name.endsWith('.d.ts')) return [];
    if (statSync(path).isDirectory()) return sourceFilesUnder(path, ending);
    return ending.test(name) ? [path] : [];
  });
}
