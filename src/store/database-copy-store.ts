import type { Database } from 'better-sqlite3';
import { isPostgres, type PgDatabase } from '../db/postgres/pg-database.ts';
import { quoteName } from './table-names.ts';

/**
 * The statements of `abusedesk db copy`: reading a SQLite database's schema and rows, and writing them into
 * an empty PostgreSQL schema of the same tables and columns. The target side runs PostgreSQL's own SQL on the
 * raw connection (it is never the SQLite engine), so nothing here goes through the dialect translation.
 */

/** A table of the SQLite source, as its schema declares it. */
export interface SourceTable {
  name: string;
  columns: string[];
  /** Columns declared NOT NULL (a foreign key there cannot be filled in later). */
  notNull: Set<string>;
  /** Primary key columns in key order (empty for a table without one). */
  primaryKey: string[];
  /** Foreign keys: this table's column → the referenced table. */
  references: Array<{ column: string; table: string }>;
}

/** Tables never copied: SQLite's own, and the migration log (the target keeps its own). */
const NOT_COPIED = new Set(['schema_migrations']);

/**
 * Tables the target's triggers fill from the rows copied into other tables (daily signal totals, messages per
 * state, acknowledgements per outcome): copied too, their rows would count twice. Their row counts are still
 * compared.
 */
export const FILLED_BY_TRIGGERS: ReadonlySet<string> = new Set([
  'client_signal_days',
  'message_state_counts',
  'acknowledgement_counts',
]);

/** Every table a copy moves, by name; virtual tables (none today) would have no PostgreSQL twin. */
export function sourceTables(src: Database): SourceTable[] {
  const names = src
    .prepare(
      `SELECT name FROM sqlite_master
        WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL%'
        ORDER BY name`,
    )
    .pluck()
    .all() as string[];
  const info = src.prepare('SELECT name, "notnull" AS required, pk FROM pragma_table_info(?) ORDER BY cid');
  const fks = src.prepare('SELECT "from" AS col, "table" AS parent FROM pragma_foreign_key_list(?)');
  return names
    .filter((name) => !NOT_COPIED.has(name))
    .map((name) => {
      const cols = info.all(name) as Array<{ name: string; required: number; pk: number }>;
      return {
        name,
        columns: cols.map((c) => c.name),
        notNull: new Set(cols.filter((c) => c.required).map((c) => c.name)),
        primaryKey: cols
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name),
        references: (fks.all(name) as Array<{ col: string; parent: string }>).map((f) => ({
          column: f.col,
          table: f.parent,
        })),
      };
    });
}

/** The migrations a database has applied (either engine). */
export function appliedMigrationVersions(db: Database): number[] {
  return db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[];
}

/**
 * The highest id each AUTOINCREMENT table ever handed out (sqlite_sequence): rows deleted at the top must not
 * have their ids handed out again by PostgreSQL (suppression_changes' id is a sync cursor).
 */
export function sqliteSequences(src: Database): Map<string, number> {
  const exists = src
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'`)
    .get();
  if (!exists) return new Map();
  const rows = src.prepare('SELECT name, seq FROM sqlite_sequence').all() as Array<{
    name: string;
    seq: number;
  }>;
  return new Map(rows.map((r) => [r.name, Number(r.seq)]));
}

/** Rows whose foreign key points at no row (PostgreSQL would refuse them): per table and referenced table. */
export function danglingReferences(src: Database): Array<{ table: string; parent: string; rows: number }> {
  const counts = new Map<string, { table: string; parent: string; rows: number }>();
  for (const r of src.prepare('SELECT "table" AS t, parent FROM pragma_foreign_key_check').all() as Array<{
    t: string;
    parent: string;
  }>) {
    const key = `${r.t}\u0000${r.parent}`;
    const entry = counts.get(key) ?? { table: r.t, parent: r.parent, rows: 0 };
    entry.rows++;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

/** A table's row count (either engine). */
export function countRows(db: Database, table: string): number {
  const sql = `SELECT count(*) AS n FROM ${quoteName(table)}`;
  if (isPostgres(db)) return (db.connection.query(sql).rows[0] as { n: number }).n;
  return Number(db.prepare(sql).pluck().get());
}

/**
 * A source table's rows as arrays in `columns` order, read one at a time (memory stays flat for any size),
 * in primary key order; integers as BigInt so ids past 2^53 survive.
 */
export function iterateSourceRows(
  src: Database,
  table: SourceTable,
  columns: string[],
): IterableIterator<unknown[]> {
  const order = table.primaryKey.length ? ` ORDER BY ${table.primaryKey.map(quoteName).join(', ')}` : '';
  return src
    .prepare(`SELECT ${columns.map(quoteName).join(', ')} FROM ${quoteName(table.name)}${order}`)
    .raw(true)
    .safeIntegers(true)
    .iterate() as IterableIterator<unknown[]>;
}

/** The key and value of a column filled in after the copy, for the rows where it is set. */
export function iterateDeferredColumn(
  src: Database,
  table: SourceTable,
  column: string,
): IterableIterator<unknown[]> {
  const cols = [...table.primaryKey, column].map(quoteName).join(', ');
  return src
    .prepare(`SELECT ${cols} FROM ${quoteName(table.name)} WHERE ${quoteName(column)} IS NOT NULL`)
    .raw(true)
    .safeIntegers(true)
    .iterate() as IterableIterator<unknown[]>;
}

/** A target column: its PostgreSQL type, and whether PostgreSQL assigns it (an identity key). */
export interface TargetColumn {
  type: string;
  identity: boolean;
}

function postgres(db: Database): PgDatabase {
  if (!isPostgres(db)) throw new Error('the copy target must be a PostgreSQL database');
  return db;
}

/** The target schema's tables and their columns (the connection's current schema). */
export function targetSchema(target: Database): Map<string, Map<string, TargetColumn>> {
  const rows = postgres(target).connection.query(
    `SELECT c.table_name, c.column_name, c.data_type, c.is_identity = 'YES' AS ident
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`,
  ).rows as Array<{ table_name: string; column_name: string; data_type: string; ident: number }>;
  const tables = new Map<string, Map<string, TargetColumn>>();
  for (const r of rows) {
    let cols = tables.get(r.table_name);
    if (!cols) tables.set(r.table_name, (cols = new Map<string, TargetColumn>()));
    cols.set(r.column_name, { type: r.data_type, identity: r.ident === 1 });
  }
  return tables;
}

/** Which of `tables` hold at least one row (the copy goes only into an empty database). */
export function tablesWithRows(target: Database, tables: string[]): string[] {
  const conn = postgres(target).connection;
  return tables.filter(
    (t) =>
      (conn.query(`SELECT EXISTS (SELECT 1 FROM ${quoteName(t)}) AS has`).rows[0] as { has: number }).has ===
      1,
  );
}

/**
 * A SQLite value as a PostgreSQL text-format parameter: bytea as `\x` hex (libpq passes parameters as C
 * strings, so raw bytes would stop at the first NUL), numbers exactly as SQLite held them.
 */
function pgValue(v: unknown, column: TargetColumn, where: () => string): string | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) {
    if (column.type === 'bytea') return `\\x${v.toString('hex')}`;
    throw new Error(`${where()} holds bytes, but its PostgreSQL type is ${column.type}`);
  }
  const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : null;
  if (text === null) throw new Error(`${where()} holds a value of type ${typeof v}`);
  if (column.type === 'bytea') return `\\x${Buffer.from(text, 'utf8').toString('hex')}`;
  if (text.includes('\u0000'))
    throw new Error(`${where()} holds a NUL character, which PostgreSQL text cannot store`);
  return text;
}

/** PostgreSQL's limit on a statement's parameters. */
export const MAX_PARAMETERS = 65535;

let statementSeq = 0;

/**
 * A writer of rows (arrays in `columns` order) into a target table, ids as given: one multi-row INSERT per
 * call. The full-size batch is a statement prepared once (parsing and planning thousands of parameters again
 * for every batch costs as much as the insert itself); a shorter batch runs as a one-off statement.
 */
export function rowWriter(
  target: Database,
  table: string,
  columns: string[],
  types: TargetColumn[],
  batchRows: number,
): (rows: unknown[][]) => void {
  const conn = postgres(target).connection;
  // OVERRIDING SYSTEM VALUE: ids are copied as they are, whatever kind of identity the column is.
  const head = `INSERT INTO ${quoteName(table)} (${columns.map(quoteName).join(', ')})${
    types.some((t) => t.identity) ? ' OVERRIDING SYSTEM VALUE' : ''
  } VALUES `;
  const statement = (rows: number): string => {
    const tuples: string[] = [];
    for (let r = 0, n = 0; r < rows; r++) tuples.push(`(${columns.map(() => `$${++n}`).join(', ')})`);
    return head + tuples.join(', ');
  };
  let prepared: { name: string; generation: number } | null = null;
  return (rows) => {
    if (rows.length === 0) return;
    const values: Array<string | null> = [];
    for (const row of rows)
      columns.forEach((c, i) => values.push(pgValue(row[i], types[i]!, () => `${table}.${c}`)));
    if (rows.length !== batchRows) {
      conn.query(statement(rows.length), values);
      return;
    }
    if (prepared?.generation !== conn.generation) {
      prepared = { name: `copy_rows_${++statementSeq}`, generation: conn.generation };
      conn.prepare(prepared.name, statement(batchRows), values.length);
    }
    conn.execute(prepared.name, values, true);
  };
}

/**
 * Sets one column of rows already copied, by primary key (rows are arrays: the key columns, then the value):
 * a foreign key into rows copied later, e.g. tickets.parent_id.
 */
export function updateColumn(
  target: Database,
  table: string,
  key: string[],
  column: string,
  types: TargetColumn[],
  rows: unknown[][],
): void {
  if (rows.length === 0) return;
  const names = [...key, column];
  const values: Array<string | null> = [];
  const tuples = rows.map(
    (row) =>
      `(${names
        .map((c, i) => {
          values.push(pgValue(row[i], types[i]!, () => `${table}.${c}`));
          return `$${values.length}::${types[i]!.type}`;
        })
        .join(', ')})`,
  );
  const alias = names.map((_, i) => `c${i}`);
  postgres(target).connection.query(
    `UPDATE ${quoteName(table)} AS t SET ${quoteName(column)} = v.c${key.length}
       FROM (VALUES ${tuples.join(', ')}) AS v (${alias.join(', ')})
      WHERE ${key.map((k, i) => `t.${quoteName(k)} = v.c${i}`).join(' AND ')}`,
    values,
  );
}

/**
 * Moves an identity column's sequence past the ids copied in (and past `floor`, the highest id SQLite ever
 * handed out), so the next row PostgreSQL inserts gets a fresh id. Returns the sequence's value, or null when
 * the table is empty and nothing needed moving.
 */
export function resetIdentity(target: Database, table: string, column: string, floor = 0): number | null {
  const conn = postgres(target).connection;
  const top = conn.query(`SELECT max(${quoteName(column)}) AS top FROM ${quoteName(table)}`).rows[0] as {
    top: number | null;
  };
  const value = Math.max(top.top ?? 0, floor);
  if (value < 1) return null;
  conn.query('SELECT setval(pg_get_serial_sequence($1, $2), $3)', [quoteName(table), column, String(value)]);
  return value;
}
