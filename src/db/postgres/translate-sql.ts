/**
 * The store's SQL is written once, in SQLite's dialect; this turns a statement into PostgreSQL's. It is a
 * token-level rewrite (string literals, quoted names and comments are never touched), cached per statement:
 *
 * - parameters: `?`, `@name`, `:name`, `$name` → `$1…$n` (a repeated name reuses its number);
 * - `INSERT OR IGNORE` → `INSERT … ON CONFLICT DO NOTHING`; `BEGIN IMMEDIATE` → `BEGIN`;
 * - `LIKE` → `ILIKE` (SQLite's LIKE ignores ASCII case);
 * - `x IS ?` / `x IS NOT ?` → `IS [NOT] DISTINCT FROM` (SQLite's IS compares any two values);
 * - `AS camelCase` → `AS "camelCase"` (PostgreSQL folds unquoted names to lower case);
 * - scalar `max(a, b)` / `min(a, b)` → `GREATEST` / `LEAST`; `ifnull` → `coalesce`; `instr` → `strpos`;
 *   `group_concat` → `string_agg`; `json_group_array` → `json_agg`; `json_object` → `json_build_object`;
 *   `json_each` → `sqlite_json_each` (see the compatibility functions in the PostgreSQL baseline migration);
 * - `x [NOT] IN (SELECT value FROM json_each(p))` → `x = ANY (sqlite_list(p)::type[])`, typed after the column
 *   x (`columnType`), so the comparison uses x's index;
 * - `LIMIT ?` → `LIMIT sqlite_limit(?)` (SQLite's negative limit means none);
 * - `? IS NULL` → `?::text IS NULL` (PostgreSQL cannot type a parameter only tested for NULL);
 * - `GLOB '[0-9]*'` → `~ '^[0-9]'`;
 * - `CROSS JOIN t ON …` (SQLite's inner join in a fixed order) → `JOIN t ON …`;
 * - a subquery in FROM or JOIN without an alias gets one (PostgreSQL before 16 requires it);
 * - in an upsert's `DO UPDATE SET … [WHERE …]`, a bare column of the target table is qualified with the table's
 *   name (SQLite reads it as the existing row's; PostgreSQL calls it ambiguous beside `excluded`).
 *
 * Anything else SQLite-only (user functions, PRAGMA, json_set on nested paths) is written per engine in the
 * store that needs it.
 */
export type ParamRef = { kind: 'index'; index: number } | { kind: 'name'; name: string };

export interface TranslatedSql {
  text: string;
  /** What `$1…$n` are bound from: the nth positional argument, or a named property. */
  params: ParamRef[];
}

interface Token {
  type: 'word' | 'string' | 'quoted' | 'comment' | 'space' | 'param' | 'number' | 'punct';
  text: string;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /\d+(\.\d+)?([eE][+-]?\d+)?/y;
const SPACE = /\s+/y;
const NAMED = /[@:$][A-Za-z_][A-Za-z0-9_]*/y;

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const take = (re: RegExp): string | null => {
    re.lastIndex = i;
    const m = re.exec(sql);
    return m ? m[0] : null;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    let t: Token;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      for (;;) {
        const k = sql.indexOf(c, j);
        if (k < 0) {
          j = sql.length;
          break;
        }
        if (sql[k + 1] === c) j = k + 2;
        else {
          j = k + 1;
          break;
        }
      }
      const text = sql.slice(i, j);
      t =
        c === "'"
          ? { type: 'string', text }
          : { type: 'quoted', text: c === '`' ? `"${text.slice(1, -1)}"` : text };
      i = j;
      out.push(t);
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const k = sql.indexOf('\n', i);
      const end = k < 0 ? sql.length : k;
      out.push({ type: 'comment', text: sql.slice(i, end) });
      i = end;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const k = sql.indexOf('*/', i + 2);
      const end = k < 0 ? sql.length : k + 2;
      out.push({ type: 'comment', text: sql.slice(i, end) });
      i = end;
      continue;
    }
    const space = take(SPACE);
    if (space) {
      out.push({ type: 'space', text: space });
      i += space.length;
      continue;
    }
    if (c === '?') {
      out.push({ type: 'param', text: '?' });
      i++;
      continue;
    }
    if ((c === '@' || c === ':' || c === '$') && sql[i + 1] !== ':') {
      const named = take(NAMED);
      if (named && !(c === ':' && sql[i - 1] === ':')) {
        out.push({ type: 'param', text: named });
        i += named.length;
        continue;
      }
    }
    const word = take(WORD);
    if (word) {
      out.push({ type: 'word', text: word });
      i += word.length;
      continue;
    }
    const num = take(NUMBER);
    if (num) {
      out.push({ type: 'number', text: num });
      i += num.length;
      continue;
    }
    // Two-character operators stay whole (`::` casts, `||`, `<=`, `>=`, `<>`, `!=`).
    const two = sql.slice(i, i + 2);
    if (['::', '||', '<=', '>=', '<>', '!=', '->'].includes(two)) {
      out.push({ type: 'punct', text: sql[i + 2] === '>' && two === '->' ? '->>' : two });
      i += sql[i + 2] === '>' && two === '->' ? 3 : 2;
      continue;
    }
    out.push({ type: 'punct', text: c });
    i++;
  }
  return out;
}

const upper = (t: Token | undefined): string => (t && t.type === 'word' ? t.text.toUpperCase() : '');

const RENAMED: Record<string, string> = {
  ifnull: 'coalesce',
  instr: 'strpos',
  group_concat: 'string_agg',
  json_group_array: 'json_agg',
  json_object: 'json_build_object',
  json_each: 'sqlite_json_each',
};

/** Index of the token after the `)` matching the `(` at `open`, and the top-level comma count inside. */
function closing(tokens: Token[], open: number): { end: number; commas: number } {
  let depth = 0;
  let commas = 0;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.type !== 'punct') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')') {
      depth--;
      if (depth === 0) return { end: k + 1, commas };
    } else if (t.text === ',' && depth === 1) commas++;
  }
  return { end: tokens.length, commas };
}

/** The next token index at or after k that is not whitespace or a comment. */
function next(tokens: Token[], k: number): number {
  while (k < tokens.length && (tokens[k]!.type === 'space' || tokens[k]!.type === 'comment')) k++;
  return k;
}

/** The previous token index at or before k that is not whitespace or a comment. */
function prev(tokens: Token[], k: number): number {
  while (k >= 0 && (tokens[k]!.type === 'space' || tokens[k]!.type === 'comment')) k--;
  return k;
}

/** Whether tokens[k] is directly inside `CAST(…)`, where `AS` names a type (`AS INTEGER`), never an alias. */
function inCast(tokens: Token[], k: number): boolean {
  let depth = 0;
  for (let j = k - 1; j >= 0; j--) {
    const t = tokens[j]!;
    if (t.type !== 'punct') continue;
    if (t.text === ')') depth++;
    else if (t.text === '(') {
      if (depth === 0) return upper(tokens[prev(tokens, j - 1)]) === 'CAST';
      depth--;
    }
  }
  return false;
}

/**
 * `x [NOT] IN (SELECT value FROM json_each(p))` at tokens[inAt] (the IN): returns the replacement span, or null.
 * x is a plain or qualified column name.
 */
function inListRewrite(
  tokens: Token[],
  inAt: number,
): {
  start: number;
  end: number;
  negate: boolean;
  operand: string;
  listStart: number;
  listEnd: number;
} | null {
  let k = prev(tokens, inAt - 1);
  let negate = false;
  if (upper(tokens[k]) === 'NOT') {
    negate = true;
    k = prev(tokens, k - 1);
  }
  if (tokens[k]?.type !== 'word' && tokens[k]?.type !== 'quoted') return null;
  let start = k;
  let operand = tokens[k]!.text;
  const dot = prev(tokens, k - 1);
  if (tokens[dot]?.text === '.' && (tokens[dot - 1]?.type === 'word' || tokens[dot - 1]?.type === 'quoted')) {
    start = dot - 1;
    operand = `${tokens[dot - 1]!.text}.${operand}`;
  }
  const open = next(tokens, inAt + 1);
  if (tokens[open]?.text !== '(') return null;
  const words = ['SELECT', 'VALUE', 'FROM', 'JSON_EACH'];
  let p = open;
  for (const w of words) {
    p = next(tokens, p + 1);
    if (upper(tokens[p]) !== w) return null;
  }
  const argOpen = next(tokens, p + 1);
  if (tokens[argOpen]?.text !== '(') return null;
  const arg = closing(tokens, argOpen);
  const close = next(tokens, arg.end);
  if (tokens[close]?.text !== ')') return null;
  return { start, end: close + 1, negate, operand, listStart: argOpen + 1, listEnd: arg.end - 1 };
}

/**
 * The SQL type of a column named in a statement (`operand` plain or qualified), or null when unknown: the
 * statement's tables resolve a name that several tables use with different types.
 */
export type ColumnTypeOf = (operand: string, tables: string[]) => string | null;
/** Whether `table` has a column `column` (the upsert rule needs to know which bare words are columns). */
export type HasColumn = (table: string, column: string) => boolean;

/** The tables a statement names after FROM, JOIN, UPDATE and INTO. */
function tablesOf(tokens: Token[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < tokens.length; k++) {
    if (!['FROM', 'JOIN', 'UPDATE', 'INTO'].includes(upper(tokens[k]))) continue;
    const n = next(tokens, k + 1);
    const t = tokens[n];
    if (t?.type === 'word' || t?.type === 'quoted') out.push(t.text.replaceAll('"', '').toLowerCase());
  }
  return out;
}

/** Words that may follow a subquery in FROM and are not its alias. */
const CLAUSE_WORDS = new Set([
  'WHERE',
  'GROUP',
  'ORDER',
  'LIMIT',
  'OFFSET',
  'JOIN',
  'LEFT',
  'RIGHT',
  'INNER',
  'CROSS',
  'FULL',
  'ON',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'HAVING',
  'WINDOW',
  'USING',
  'NATURAL',
  'RETURNING',
]);

/**
 * Token indexes of bare target-table columns read inside `DO UPDATE SET … [WHERE …]` (not the assigned names).
 */
function upsertReads(tokens: Token[], hasColumn: HasColumn): { table: string; at: Set<number> } | null {
  const into = tokens.findIndex((t) => upper(t) === 'INTO');
  const doAt = tokens.findIndex(
    (t, k) => upper(t) === 'DO' && upper(tokens[next(tokens, k + 1)]) === 'UPDATE',
  );
  if (into < 0 || doAt < 0) return null;
  const tableTok = tokens[next(tokens, into + 1)];
  if (tableTok?.type !== 'word') return null;
  const table = tableTok.text.toLowerCase();
  const at = new Set<number>();
  let depth = 0;
  let assigning = false;
  for (let k = next(tokens, doAt + 1) + 1; k < tokens.length; k++) {
    const t = tokens[k]!;
    const u = upper(t);
    if (u === 'RETURNING') break;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    if (u === 'SET' || (t.text === ',' && depth === 0 && assigning)) {
      // The next word is an assigned column: left as it is.
      const n = next(tokens, k + 1);
      k = n;
      assigning = true;
      continue;
    }
    if (u === 'WHERE' && depth === 0) assigning = false;
    if (t.type !== 'word') continue;
    const before = tokens[prev(tokens, k - 1)];
    const after = tokens[next(tokens, k + 1)];
    if (before?.text === '.' || after?.text === '(' || after?.text === '.') continue;
    if (hasColumn(table, t.text.toLowerCase())) at.add(k);
  }
  return { table, at };
}

export function translateSql(
  sql: string,
  columnType: ColumnTypeOf = () => null,
  hasColumn: HasColumn = () => false,
): TranslatedSql {
  const tokens = tokenize(sql);
  const upsert = upsertReads(tokens, hasColumn);
  const nameUses = new Map<string, number>();
  for (const t of tokens)
    if (t.type === 'param' && t.text !== '?') nameUses.set(t.text, (nameUses.get(t.text) ?? 0) + 1);
  /** Parameter tokens rendered with a cast, and its type. */
  const casts = new Map<number, string>();
  /**
   * A named parameter's type from a comparison with a column elsewhere in the statement (`id < @before`), for its
   * `@before IS NULL` test, which PostgreSQL reads first and cannot type alone.
   */
  const COMPARISONS = new Set(['=', '<', '>', '<=', '>=', '<>', '!=']);
  const partnerType = (name: string): string | null => {
    const tables = tablesOf(tokens);
    for (let k = 0; k < tokens.length; k++) {
      if (tokens[k]!.type !== 'param' || tokens[k]!.text !== name) continue;
      for (const [opAt, colAt] of [
        [prev(tokens, k - 1), prev(tokens, prev(tokens, k - 1) - 1)],
        [next(tokens, k + 1), next(tokens, next(tokens, k + 1) + 1)],
      ] as const) {
        if (!COMPARISONS.has(tokens[opAt]?.text ?? '')) continue;
        const col = tokens[colAt];
        if (col?.type !== 'word') continue;
        const qualified =
          tokens[colAt - 1]?.text === '.' ? `${tokens[colAt - 2]?.text}.${col.text}` : col.text;
        const type = columnType(qualified, tables);
        if (type) return type;
      }
    }
    return null;
  };
  let subqueries = 0;
  const params: ParamRef[] = [];
  const byName = new Map<string, number>();
  let positional = 0;
  const paramText = (t: Token): string => {
    if (t.text === '?') {
      params.push({ kind: 'index', index: positional++ });
      return `$${params.length}`;
    }
    const name = t.text.slice(1);
    let n = byName.get(name);
    if (n === undefined) {
      params.push({ kind: 'name', name });
      byName.set(name, (n = params.length));
    }
    return `$${n}`;
  };

  let insertOrIgnore = false;
  const emit = (from: number, to: number): string => {
    let s = '';
    for (let k = from; k < to; k++) s += render(k);
    return s;
  };
  // The rewritten spans: a token index → [end index, text].
  const spans = new Map<number, { end: number; text: () => string }>();

  const render = (k: number): string => {
    const t = tokens[k]!;
    if (t.type === 'param') return paramText(t) + (casts.has(k) ? `::${casts.get(k)}` : '');
    if (t.type !== 'word') return t.text;
    if (upsert?.at.has(k)) return `${upsert.table}.${t.text}`;
    const u = t.text.toUpperCase();
    const after = tokens[next(tokens, k + 1)];
    if (u === 'LIKE') return 'ILIKE';
    if (u === 'IMMEDIATE' || u === 'DEFERRED' || u === 'EXCLUSIVE') {
      if (upper(tokens[prev(tokens, k - 1)]) === 'BEGIN') return '';
    }
    if (after?.text === '(') {
      const lower = t.text.toLowerCase();
      if (RENAMED[lower]) return RENAMED[lower];
    }
    return t.text;
  };

  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.type !== 'word') continue;
    const u = t.text.toUpperCase();
    if (u === 'INSERT') {
      const o = next(tokens, k + 1);
      if (upper(tokens[o]) === 'OR') {
        const what = next(tokens, o + 1);
        if (upper(tokens[what]) === 'IGNORE') {
          insertOrIgnore = true;
          spans.set(o, { end: what + 1, text: () => '' });
        } else
          throw new Error(`INSERT OR ${tokens[what]?.text} has no PostgreSQL translation: write an upsert`);
      }
    } else if (u === 'AS') {
      const n = next(tokens, k + 1);
      const name = tokens[n];
      if (
        name?.type === 'word' &&
        // camelCase: an all-capitals word after AS is a keyword (`AS IDENTITY`, `AS MATERIALIZED`), not an alias.
        /[A-Z]/.test(name.text) &&
        /[a-z]/.test(name.text) &&
        tokens[next(tokens, n + 1)]?.text !== '(' &&
        !inCast(tokens, k)
      )
        spans.set(n, { end: n + 1, text: () => `"${name.text}"` });
    } else if (u === 'FROM' || u === 'JOIN') {
      const open = next(tokens, k + 1);
      if (tokens[open]?.text === '(' && upper(tokens[next(tokens, open + 1)]) === 'SELECT') {
        const { end } = closing(tokens, open);
        const after = tokens[next(tokens, end)];
        const aliased =
          after?.type === 'quoted' || (after?.type === 'word' && !CLAUSE_WORDS.has(upper(after)));
        if (!aliased) {
          const n = ++subqueries;
          spans.set(end - 1, { end, text: () => `) AS subquery_${n}` });
        }
      }
    } else if (u === 'LIMIT') {
      const n = next(tokens, k + 1);
      const p = tokens[n];
      if (p?.type === 'param') {
        spans.set(n, { end: n + 1, text: () => `sqlite_limit(${paramText(p)})` });
      }
    } else if (u === 'IS') {
      const before = prev(tokens, k - 1);
      const b = tokens[before];
      const nullAt = next(
        tokens,
        upper(tokens[next(tokens, k + 1)]) === 'NOT' ? next(tokens, k + 1) + 1 : k + 1,
      );
      if (b?.type === 'param' && upper(tokens[nullAt]) === 'NULL') {
        const single = b.text === '?' || nameUses.get(b.text) === 1;
        const type = single ? 'text' : partnerType(b.text);
        if (type) casts.set(before, type);
      }
      let n = next(tokens, k + 1);
      let not = false;
      if (upper(tokens[n]) === 'NOT') {
        not = true;
        n = next(tokens, n + 1);
      }
      if (tokens[n]?.type === 'param') {
        const p = tokens[n]!;
        spans.set(k, { end: n + 1, text: () => `IS ${not ? '' : 'NOT '}DISTINCT FROM ${paramText(p)}` });
      }
    } else if (u === 'CROSS' && upper(tokens[next(tokens, k + 1)]) === 'JOIN') {
      // SQLite's `CROSS JOIN t ON …` is an inner join whose order the planner keeps; PostgreSQL allows no ON
      // after CROSS JOIN, and plans the order itself.
      const join = next(tokens, k + 1);
      let depth = 0;
      for (let n = join + 1; n < tokens.length; n++) {
        const w = tokens[n]!;
        if (w.text === '(') depth++;
        else if (w.text === ')' && --depth < 0) break;
        if (depth > 0) continue;
        const uw = upper(w);
        if (uw === 'ON' || uw === 'USING') {
          spans.set(k, { end: join, text: () => '' });
          break;
        }
        if (w.text === ',' || w.text === ';' || (CLAUSE_WORDS.has(uw) && uw !== 'ON' && uw !== 'USING'))
          break;
      }
    } else if (u === 'GLOB') {
      const n = next(tokens, k + 1);
      if (tokens[n]?.text === "'[0-9]*'") spans.set(k, { end: n + 1, text: () => "~ '^[0-9]'" });
    } else if ((u === 'MAX' || u === 'MIN') && tokens[next(tokens, k + 1)]?.text === '(') {
      const open = next(tokens, k + 1);
      if (closing(tokens, open).commas > 0)
        spans.set(k, { end: k + 1, text: () => (u === 'MAX' ? 'GREATEST' : 'LEAST') });
    } else if (u === 'IN') {
      const r = inListRewrite(tokens, k);
      if (r) {
        const type = columnType(r.operand.replaceAll('"', ''), tablesOf(tokens));
        const operand = type ? r.operand : `${r.operand}::text`;
        spans.set(r.start, {
          end: r.end,
          text: () =>
            `${r.negate ? 'NOT (' : ''}${operand} = ANY (sqlite_list(${emit(r.listStart, r.listEnd)})${type ? `::${type}[]` : ''})${r.negate ? ')' : ''}`,
        });
      }
    }
  }

  let text = '';
  for (let k = 0; k < tokens.length;) {
    const span = spans.get(k);
    if (span) {
      text += span.text();
      k = span.end;
    } else {
      text += render(k);
      k++;
    }
  }
  if (insertOrIgnore) {
    // ON CONFLICT goes before RETURNING (if any) and before a trailing semicolon.
    const m = /\bRETURNING\b/i.exec(text);
    text = m
      ? `${text.slice(0, m.index)}ON CONFLICT DO NOTHING ${text.slice(m.index)}`
      : `${text.replace(/\s*;?\s*$/, '')} ON CONFLICT DO NOTHING`;
  }
  return { text, params };
}
