import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The folders under src/ are layers: the runtime import graph between them has no cycle. Runtime imports are
// value imports, re-exports and dynamic import(); `import type` / `export type` are erased and do not count.

const SRC = resolve(import.meta.dirname, '../../src');
/** Folders that import nothing from other src folders except each other, not even types. */
const BOTTOM = ['mime', 'report'];

interface Edge {
  from: string;
  to: string;
  /** The importing file and the imported one, relative to src/. */
  file: string;
  target: string;
  typeOnly: boolean;
}

const folderOf = (abs: string): string => {
  const parts = relative(SRC, abs).split(sep);
  return parts.length > 1 ? parts[0]! : '(src)';
};

function importsOf(file: string): { spec: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    false,
    file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS,
  );
  const found: { spec: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ spec: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly === true });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteralLike(arg)) found.push({ spec: arg.text, typeOnly: false });
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal))
        found.push({ spec: arg.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function folderEdges(): Edge[] {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(?:ts|mts|mjs|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(SRC, f));
  const edges: Edge[] = [];
  for (const file of files) {
    for (const { spec, typeOnly } of importsOf(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (relative(SRC, target).startsWith('..')) continue;
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to)
        edges.push({ from, to, file: relative(SRC, file), target: relative(SRC, target), typeOnly });
    }
  }
  return edges;
}

/** Strongly connected components with more than one folder (Tarjan). */
function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)!.add(e.to);
  }
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of [...(next.get(v) ?? [])].sort()) {
      if (!index.has(w)) {
        connect(w);
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
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) connect(n);
  return found;
}

/** One line per edge inside the cycle, with the first file import that makes it. */
function describeCycle(component: readonly string[], edges: readonly Edge[]): string {
  const inside = edges.filter((e) => component.includes(e.from) && component.includes(e.to));
  const lines = new Map<string, string>();
  for (const e of inside) {
    const key = `${e.from} -> ${e.to}`;
    if (!lines.has(key)) lines.set(key, `  ${key}  (${e.file} imports ${e.target})`);
  }
  return `cycle between ${component.join(', ')}:\n${[...lines.keys()]
    .sort()
    .map((k) => lines.get(k))
    .join('\n')}`;
}

describe('folder import graph of src/', () => {
  const edges = folderEdges();
  const runtime = edges.filter((e) => !e.typeOnly);

  it('has no cycle among runtime imports', () => {
    const found = cycles(runtime);
    expect(
      found.map((c) => describeCycle(c, runtime)),
      'folders that import each other at runtime',
    ).toEqual([]);
  });

  it(`keeps ${BOTTOM.map((f) => `src/${f}`).join(' and ')} at the bottom: they import no other src folder (types included)`, () => {
    const upward = edges
      .filter((e) => BOTTOM.includes(e.from) && !BOTTOM.includes(e.to))
      .map((e) => `${e.file} imports ${e.target}`);
    expect(upward).toEqual([]);
  });

  it('sees the folders it checks (the scan is not empty)', () => {
    const folders = new Set(edges.flatMap((e) => [e.from, e.to]));
    for (const f of [...BOTTOM, 'parse', 'worker', 'store']) expect(folders).toContain(f);
  });
});
