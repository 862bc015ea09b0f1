/**
 * One name, one meaning (issue 26 item 6): no two modules under domain/, worker/, site/, scripts/
 * and build/ export a declaration of the same name. A thing shared by two modules lives in one and
 * is imported by the other; two different things get names that say how they differ. No list of
 * exceptions. Out of scope by rule, not by name: generated code (worker/generated/,
 * worker/worker-configuration.d.ts), .astro components, and the route modules under site/pages/,
 * whose exports (GET, prerender, getStaticPaths) are names Astro fixes for every route.
 *
 * Counted: `export function|class|interface|type|enum|const|let|var` and local `export { a as b }`;
 * re-exports (`export { a } from './x.ts'`, or `export { a }` of an imported `a`) are the same thing
 * again and are not counted.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOTS = ['domain', 'worker', 'site', 'scripts', 'build'];
const SKIPPED = [/^worker\/generated\//, /^worker\/worker-configuration\.d\.ts$/, /^site\/pages\//];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.m?ts$/.test(name) && !SKIPPED.some((s) => s.test(path)) ? [path] : [];
  });
}

function exported(node: ts.Node): boolean {
  return (
    (ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined)?.some(
      (m) => m.kind === ts.SyntaxKind.ExportKeyword,
    ) === true
  );
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));
}

/** The names a module declares and exports itself. */
function exportedNames(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const imported = new Set(
    source.statements.flatMap((st) => {
      const bindings = ts.isImportDeclaration(st) ? st.importClause : undefined;
      const named = bindings?.namedBindings;
      return [
        ...(bindings?.name ? [bindings.name.text] : []),
        ...(named && ts.isNamedImports(named) ? named.elements.map((e) => e.name.text) : []),
        ...(named && ts.isNamespaceImport(named) ? [named.name.text] : []),
      ];
    }),
  );
  return source.statements.flatMap((st) => {
    if (ts.isExportDeclaration(st))
      return st.moduleSpecifier === undefined && st.exportClause && ts.isNamedExports(st.exportClause)
        ? st.exportClause.elements
            .filter((e) => !imported.has((e.propertyName ?? e.name).text))
            .map((e) => e.name.text)
        : [];
    if (!exported(st)) return [];
    if (ts.isVariableStatement(st))
      return st.declarationList.declarations.flatMap((d) => bindingNames(d.name));
    if (
      ts.isFunctionDeclaration(st) ||
      ts.isClassDeclaration(st) ||
      ts.isInterfaceDeclaration(st) ||
      ts.isTypeAliasDeclaration(st) ||
      ts.isEnumDeclaration(st)
    )
      return st.name ? [st.name.text] : [];
    return [];
  });
}

function modulesByName(): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const file of ROOTS.flatMap(sourceFiles))
    for (const name of new Set(exportedNames(file, readFileSync(file, 'utf8'))))
      where.set(name, [...(where.get(name) ?? []), file]);
  return where;
}

describe('export names', () => {
  it('finds exports of every kind, and not re-exports', () => {
    const names = exportedNames(
      'x.ts',
      `export function f() {}\nexport const a = 1, { b } = { b: 2 };\nexport type T = 1;\nexport interface I {}\n` +
        `import { y } from './y.ts';\nexport class C {}\nexport enum E { A }\nconst d = 1;\nexport { d as D, y };\nexport { z } from './z.ts';\nfunction g() {}`,
    );
    expect(names).toEqual(['f', 'a', 'b', 'T', 'I', 'C', 'E', 'D']);
  });

  it('finds the modules to check', () => {
    expect(modulesByName().get('programFromTable')).toEqual([join('domain', 'orders', 'program-table.ts')]);
  });

  it('no two modules export the same name', () => {
    const shared = [...modulesByName()]
      .filter(([, files]) => files.length > 1)
      .map(([n, f]) => `${n}: ${f.join(', ')}`);
    expect(shared).toEqual([]);
  });
});
