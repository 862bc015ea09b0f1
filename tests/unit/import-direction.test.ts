/**
 * Imports flow one way (docs/architecture.md, "Layers"): the table in that document is read here,
 * so the test and the document cannot disagree. Every relative import (types too) of every source
 * file under the layers' folders is checked against it, with no list of exceptions; and the file
 * graph has no cycle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const SOURCE = /\.(ts|mjs|astro)$/;
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

/** Folder -> the folders it may import, from the "Layers" table of docs/architecture.md. */
function layerTable(): Map<string, Set<string>> {
  const doc = readFileSync('docs/architecture.md', 'utf8');
  const section = doc.slice(doc.indexOf('## Layers'));
  const table = new Map<string, Set<string>>();
  for (const [, folder, allowed] of section.matchAll(/^\|\s*`([a-z]+)\/`\s*\|\s*(.+?)\s*\|$/gm)) {
    const names = [...(allowed ?? '').matchAll(/`([a-z]+)\/`/g)].map((m) => m[1] ?? '');
    table.set(folder ?? '', new Set([folder ?? '', ...names]));
  }
  return table;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'generated') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(SPECIFIER)].map((m) => normalize(join(dirname(file), m[1] ?? '')));
}

const table = layerTable();
const files = [...table.keys()].flatMap(sourceFiles);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('imports flow one way', () => {
  it('reads a table that names every layer', () => {
    expect([...table.keys()].sort()).toEqual([
      'bench',
      'build',
      'domain',
      'scripts',
      'site',
      'tests',
      'worker',
    ]);
    expect(files.length).toBeGreaterThan(150);
  });

  it('no import crosses the table', () => {
    const broken = [...graph].flatMap(([file, targets]) => {
      const from = file.split('/')[0] ?? '';
      return targets
        .filter((target) => {
          const to = target.split('/')[0] ?? '';
          return table.has(to) && !table.get(from)?.has(to);
        })
        .map((target) => `${file} -> ${target}`);
    });
    expect(broken).toEqual([]);
  });

  it('no file imports itself through others (no cycle)', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
