import { describe, expect, it } from 'vitest';
import { translateSql } from '../../src/db/postgres/translate-sql.ts';

const types: Record<string, string> = {
  id: 'bigint',
  message_id: 'bigint',
  ticket_id: 'text',
  domain: 'text',
};
const columnType = (operand: string): string | null => types[operand.split('.').pop()!] ?? null;
const hasColumn = (table: string, column: string): boolean =>
  table === 'clients' && ['name', 'webhook_url', 'updated_at'].includes(column);
const pg = (sql: string): string => translateSql(sql, columnType, hasColumn).text.replace(/\s+/g, ' ').trim();

describe('SQLite statements in PostgreSQL', () => {
  it('numbers positional and named parameters, a repeated name keeping its number', () => {
    const t = translateSql('SELECT * FROM t WHERE a = ? AND b = @x AND c = :y AND d = @x AND e = ?');
    expect(t.text).toBe('SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3 AND d = $2 AND e = $4');
    expect(t.params).toEqual([
      { kind: 'index', index: 0 },
      { kind: 'name', name: 'x' },
      { kind: 'name', name: 'y' },
      { kind: 'index', index: 1 },
    ]);
  });

  it('leaves string literals, quoted names, comments and casts alone', () => {
    expect(pg(`SELECT 'a ? @b LIKE' AS "x?", c::text FROM t -- why? @z\nWHERE d = ?`)).toBe(
      `SELECT 'a ? @b LIKE' AS "x?", c::text FROM t -- why? @z WHERE d = $1`,
    );
  });

  it('turns INSERT OR IGNORE into ON CONFLICT DO NOTHING, before RETURNING', () => {
    expect(pg('INSERT OR IGNORE INTO t (a) VALUES (?)')).toBe(
      'INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING',
    );
    expect(pg('INSERT OR IGNORE INTO t (a) VALUES (?) RETURNING id')).toBe(
      'INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id',
    );
    expect(() => translateSql('INSERT OR REPLACE INTO t (a) VALUES (1)')).toThrow(/upsert/);
  });

  it('reads LIKE case-insensitively, quotes camelCase aliases, and maps SQLite functions', () => {
    expect(pg("SELECT created_at AS createdAt FROM t WHERE s LIKE ? ESCAPE '\\'")).toBe(
      'SELECT created_at AS "createdAt" FROM t WHERE s ILIKE $1 ESCAPE \'\\\'',
    );
    expect(pg('SELECT CAST(? AS INTEGER) AS n, CAST(a AS TEXT) AS aText FROM t')).toBe(
      'SELECT CAST($1 AS INTEGER) AS n, CAST(a AS TEXT) AS "aText" FROM t',
    );
    expect(pg("SELECT max(a, b), min(1, c), max(d), ifnull(e, 0), instr(f, '@') FROM t")).toBe(
      "SELECT GREATEST(a, b), LEAST(1, c), max(d), coalesce(e, 0), strpos(f, '@') FROM t",
    );
    expect(pg("SELECT json_group_array(x), json_object('a', 1) FROM json_each(?)")).toBe(
      "SELECT json_agg(x), json_build_object('a', 1) FROM sqlite_json_each($1)",
    );
  });

  it('compares an IN-list from a JSON array in the column’s own type, so its index serves', () => {
    expect(pg('DELETE FROM t WHERE id IN (SELECT value FROM json_each(?))')).toBe(
      'DELETE FROM t WHERE id = ANY (sqlite_list($1)::bigint[])',
    );
    expect(pg('SELECT 1 FROM d WHERE d.domain NOT IN (SELECT value FROM json_each(@list))')).toBe(
      'SELECT 1 FROM d WHERE NOT (d.domain = ANY (sqlite_list($1)::text[]))',
    );
    expect(pg('SELECT 1 FROM t WHERE other IN (SELECT value FROM json_each(?))')).toBe(
      'SELECT 1 FROM t WHERE other::text = ANY (sqlite_list($1))',
    );
  });

  it('types a parameter tested for NULL: as text alone, or after the column it is compared with', () => {
    expect(pg('SELECT 1 FROM t WHERE (? IS NULL OR a = ?)')).toBe(
      'SELECT 1 FROM t WHERE ($1::text IS NULL OR a = $2)',
    );
    expect(pg('SELECT 1 FROM t WHERE (@before IS NULL OR id < @before)')).toBe(
      'SELECT 1 FROM t WHERE ($1::bigint IS NULL OR id < $1)',
    );
    expect(pg('SELECT 1 FROM t WHERE a IS ? AND b IS NOT ?')).toBe(
      'SELECT 1 FROM t WHERE a IS NOT DISTINCT FROM $1 AND b IS DISTINCT FROM $2',
    );
  });

  it('gives FROM subqueries an alias, reads a negative LIMIT as none, and drops BEGIN IMMEDIATE', () => {
    expect(pg('SELECT a FROM (SELECT a FROM t) ORDER BY a LIMIT ?')).toBe(
      'SELECT a FROM (SELECT a FROM t) AS subquery_1 ORDER BY a LIMIT sqlite_limit($1)',
    );
    expect(pg('SELECT a FROM (SELECT a FROM t) x')).toBe('SELECT a FROM (SELECT a FROM t) x');
    expect(pg('BEGIN IMMEDIATE')).toBe('BEGIN');
  });

  it('reads SQLite’s CROSS JOIN … ON as an inner join, and leaves a plain CROSS JOIN alone', () => {
    expect(pg('SELECT r.id FROM r CROSS JOIN m ON m.id = r.m_id WHERE m.a = ?')).toBe(
      'SELECT r.id FROM r JOIN m ON m.id = r.m_id WHERE m.a = $1',
    );
    expect(pg('SELECT 1 FROM json_each(?) j CROSS JOIN s ON s.a = j.value')).toBe(
      'SELECT 1 FROM sqlite_json_each($1) j JOIN s ON s.a = j.value',
    );
    expect(pg('SELECT 1 FROM a CROSS JOIN b JOIN c ON c.id = b.id')).toBe(
      'SELECT 1 FROM a CROSS JOIN b JOIN c ON c.id = b.id',
    );
  });

  it('qualifies the existing row’s columns in an upsert’s DO UPDATE, not the assigned names', () => {
    expect(
      pg(`INSERT INTO clients (slug, name, webhook_url) VALUES (?, ?, ?) ON CONFLICT (slug) DO UPDATE SET
          name = excluded.name, webhook_url = coalesce(excluded.webhook_url, webhook_url) WHERE updated_at < ?`),
    ).toBe(
      'INSERT INTO clients (slug, name, webhook_url) VALUES ($1, $2, $3) ON CONFLICT (slug) DO UPDATE SET name = excluded.name, webhook_url = coalesce(excluded.webhook_url, clients.webhook_url) WHERE clients.updated_at < $4',
    );
  });
});
