import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** Folders that may hold SQL: the data layer, and the connection, migrations and statement cache. */
const SQL_HOMES = ['src/store/', 'src/db/'];

/** SQL statements as they appear in string and template literals (keywords upper case, as the code writes them). */
const SQL_TEXT = [
  /\bSELECT\b[\s\S]*\bFROM\b/,
  /\bINSERT\s+(OR\s+\w+\s+)?INTO\b/,
  /\bUPDATE\s+\w+\s+SET\b/,
  /\bDELETE\s+FROM\b/,
  /\b(CREATE|DROP|ALTER)\s+(TABLE|INDEX|VIEW|TRIGGER)\b/,
];
/** Receivers that are a database handle: `db.exec(…)`, `this.db.pragma(…)`. */
const DB_RECEIVER = /^(this\.)?(db|database|conn|connection|sqlite)$/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const looksLikeSql = (text: string): boolean => SQL_TEXT.some((re) => re.test(text));

function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return node.head.text + node.templateSpans.map((s) => ' x ' + s.literal.text).join('');
  return null;
}

/** Every place in one file that prepares or runs SQL, or spells a statement; comments and regexes are not code here. */
function sqlFindings(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (n: ts.Node, what: string): void => {
    found.push(
      `${relative(root, file)}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1} ${what}`,
    );
  };
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const callee = n.expression;
      if (ts.isIdentifier(callee) && callee.text === 'prepared') at(n, 'prepared(…)');
      if (ts.isPropertyAccessExpression(callee)) {
        const name = callee.name.text;
        const receiver = callee.expression.getText(sf);
        if (name === 'prepare') at(n, '.prepare(…)');
        if ((name === 'exec' || name === 'pragma') && DB_RECEIVER.test(receiver))
          at(n, `${receiver}.${name}(…)`);
      }
    }
    const lit = literalText(n);
    if (lit !== null && looksLikeSql(lit)) at(n, `SQL text: ${lit.replace(/\s+/g, ' ').slice(0, 60)}`);
    if (lit === null) ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

describe('SQL lives only in src/store/ and src/db/', () => {
  const files = sourceFiles(join(root, 'src')).map((f) => ({
    path: f,
    rel: relative(root, f).split('\\').join('/'),
  }));

  it('finds SQL the way the check reads it (and ignores comments and regexes)', () => {
    const sample = [
      '// SELECT id FROM clients',
      '/* DELETE FROM x */',
      'const re = /SELECT a FROM b/;',
      're.exec(line);',
      "const s = 'Select a client from the list';",
      "db.prepare('SELECT 1 FROM t');",
      'prepared(db, q);',
      'const q = `UPDATE clients SET status = ${s}`;',
      "db.exec('VACUUM');",
    ].join('\n');
    const lines = sqlFindings(join(root, 'src', 'sample.ts'), sample).map((f) => f.split(' ')[0]);
    expect(lines).toEqual([
      'src/sample.ts:6',
      'src/sample.ts:6',
      'src/sample.ts:7',
      'src/sample.ts:8',
      'src/sample.ts:9',
    ]);
  });

  it('no file outside them prepares, runs or spells SQL', () => {
    const offenders = files
      .filter((f) => !SQL_HOMES.some((home) => f.rel.startsWith(home)))
      .flatMap((f) => sqlFindings(f.path, readFileSync(f.path, 'utf8')));
    expect(offenders, 'move these queries into the owning src/store/<table>-store.ts module').toEqual([]);
  });
});
