/**
 * The shape of the source tree: no import cycles (type-only imports included, since a cycle of types is still a
 * tangle to read), no module over MAX_LINES lines except the commented allowlist, and a worker protocol of types
 * only (the messages' shapes; what builds or reads them lives with the worker and the page).
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { root, sources } from './sources';
const MAX_LINES = 400;

/**
 * Files allowed over MAX_LINES, each with its reason: a single algorithm that reads best as one, or data tables. An
 * entry goes once its file fits (the last test fails while a listed file is under the limit).
 */
const ALLOWED_OVER: Record<string, string> = {
  'src/core/data/samplers.ts': 'single algorithm: the seeded batch samplers, one family that reads well as one',
  'src/core/projection/pca.ts': 'single algorithm: PCA with a stable basis',
  'src/core/metrics/retrieval.ts': 'single algorithm: the bucketed ranking behind P@1, R-precision and MAP@R',
};

/** Every module specifier a file imports or re-exports (static and dynamic, type-only included). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  return [...text.matchAll(/(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2],
  );
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The source file a relative specifier names, or null (packages, assets, `?worker` / `?raw` imports). */
function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.') || spec.includes('?')) return null;
  const base = resolve(dirname(from), spec);
  return (
    [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((p) => /\.tsx?$/.test(p) && isFile(p)) ?? null
  );
}

/** The import graph of src: file → files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources('src')) {
    const targets = specifiers(file)
      .map((spec) => resolveImport(file, spec))
      .filter((t): t is string => t !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** Top-level statements of `text` that are not declarations of types (type-only imports and exports, interfaces, aliases). */
function nonTypeStatements(text: string): string[] {
  const file = ts.createSourceFile('protocol.ts', text, ts.ScriptTarget.Latest, true);
  const isType = (s: ts.Statement) =>
    ts.isInterfaceDeclaration(s) ||
    ts.isTypeAliasDeclaration(s) ||
    (ts.isImportDeclaration(s) && s.importClause?.isTypeOnly === true) ||
    (ts.isExportDeclaration(s) && s.isTypeOnly);
  return file.statements.filter((s) => !isType(s)).map((s) => s.getText(file).split('\n')[0]);
}

const lineCount = (file: string) => readFileSync(file, 'utf8').split('\n').length - 1;

describe('source structure', () => {
  it('the cycle finder finds a cycle (a → b → c → a) and a self-import, and nothing in a tree', () => {
    const cyclic = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(cyclesOf(cyclic)).toEqual([['a', 'b', 'c'], ['e']]);
    const tree = new Map([
      ['a', ['b', 'c']],
      ['b', ['c']],
      ['c', []],
    ]);
    expect(cyclesOf(tree)).toEqual([]);
  });

  it('src has no import cycles', () => {
    const graph = importGraph();
    // The graph is real: the session reaches the protocol, and the protocol's index reaches its feature files.
    const session = join(root, 'src/worker/session.ts');
    expect(graph.get(session)).toContain(join(root, 'src/worker/protocol/index.ts'));
    expect(graph.get(join(root, 'src/worker/protocol/index.ts'))).toContain(
      join(root, 'src/worker/protocol/inspect.ts'),
    );
    const cycles = cyclesOf(graph).map((c) => c.map((f) => relative(root, f)));
    expect(cycles).toEqual([]);
  });

  it('the type-only check finds a value among types', () => {
    expect(nonTypeStatements("import type { A } from './a';\nexport type B = A;\nexport interface C { a: A }")).toEqual(
      [],
    );
    expect(
      nonTypeStatements("import { a } from './a';\nexport const b = 1;\nexport function c() {}\nexport { a };"),
    ).toEqual(["import { a } from './a';", 'export const b = 1;', 'export function c() {}', 'export { a };']);
  });

  it('src/worker/protocol declares types only', () => {
    const files = sources('src/worker/protocol');
    expect(files.map((f) => relative(root, f))).toContain('src/worker/protocol/shared.ts');
    const found = files.flatMap((f) =>
      nonTypeStatements(readFileSync(f, 'utf8')).map((s) => `${relative(root, f)}: ${s}`),
    );
    expect(found).toEqual([]);
  });

  it(`no file in src is over ${MAX_LINES} lines, except the allowlist`, () => {
    const over = sources('src')
      .filter((f) => lineCount(f) > MAX_LINES)
      .map((f) => relative(root, f))
      .filter((f) => !(f in ALLOWED_OVER));
    expect(over).toEqual([]);
  });

  it('every allowlisted file still exists and is still over the limit (else its entry goes)', () => {
    const stale = Object.keys(ALLOWED_OVER).filter(
      (f) => !isFile(join(root, f)) || lineCount(join(root, f)) <= MAX_LINES,
    );
    expect(stale).toEqual([]);
  });
});
