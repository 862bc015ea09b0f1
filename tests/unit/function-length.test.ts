/**
 * House style: functions under ~70 lines. No function, method or arrow function in domain/,
 * worker/ or scripts/ spans more than 70 lines of body (tests/lib/function-length.ts measures with
 * the TypeScript parser).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { longFunctions } from '../lib/function-length.ts';
import { sourceFilesUnder } from '../lib/source-files.ts';

const LIMIT = 70;

describe('function length', () => {
  const dir = mkdtempSync(join(tmpdir(), 'function-length-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures every kind of function by its body', () => {
    const body = (n: number) => Array.from({ length: n - 3 }, (_, i) => `  x += ${i};`).join('\n');
    const file = join(dir, 'sample.ts');
    writeFileSync(
      file,
      [
        `export function declared() {\n  let x = 0;\n${body(LIMIT)}\n}`,
        `export function long() {\n  let x = 0;\n${body(LIMIT + 1)}\n}`,
        `export const arrow = () => {\n  let x = 0;\n${body(LIMIT + 1)}\n};`,
        `export class C {\n  method() {\n    let x = 0;\n${body(LIMIT + 1)}\n  }\n}`,
      ].join('\n'),
    );
    expect(longFunctions(file, LIMIT).map((f) => [f.name, f.lines])).toEqual([
      ['long', LIMIT + 1],
      ['arrow', LIMIT + 1],
      ['method', LIMIT + 1],
    ]);
  });

  it.each([
    ['domain', 50],
    ['worker', 50],
    ['scripts', 20],
  ])(`no function in %s/ is over ${LIMIT} lines`, (dir, atLeast) => {
    const files = sourceFilesUnder(dir);
    expect(files.length).toBeGreaterThan(atLeast);
    const long = files
      .flatMap((file) => longFunctions(file, LIMIT))
      .map((f) => `${f.file}:${f.line} ${f.name} (${f.lines} lines)`);
    expect(long).toEqual([]);
  });
});
