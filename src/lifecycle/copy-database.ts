import type { Database } from 'better-sqlite3';
import {
  appliedMigrationVersions,
  countRows,
  danglingReferences,
  FILLED_BY_TRIGGERS,
  iterateDeferredColumn,
  iterateSourceRows,
  MAX_PARAMETERS,
  resetIdentity,
  rowWriter,
  sourceTables,
  sqliteSequences,
  tablesWithRows,
  targetSchema,
  updateColumn,
  type SourceTable,
  type TargetColumn,
} from '../store/database-copy-store.ts';
import { listMigrations } from '../db/migrate.ts';

/** The copy cannot start: the target is not empty, or the two schemas or the source's data do not fit. */
export class CopyRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyRefusedError';
  }
}

export interface CopyProgress {
  table: string;
  /** 1-based position of the table in the copy order, of `tables`. */
  index: number;
  tables: number;
  copied: number;
  total: number;
  /** The table is complete. */
  done: boolean;
}

export interface CopyOptions {
  /** Rows per INSERT (fewer when a table's columns would pass PostgreSQL's parameter limit). */
  batchRows?: number;
  /** An INSERT is sent once its values reach this many bytes, however few rows (raw messages are large). */
  batchBytes?: number;
  /** Called after every batch and when a table is complete. */
  onProgress?: (p: CopyProgress) => void;
}

export interface TableCount {
  table: string;
  sqliteRows: number;
  postgresRows: number;
  ok: boolean;
}

export interface CopyResult {
  /** Every copied table in copy order, with its rows on each side counted after the copy. */
  tables: TableCount[];
  rows: number;
  ok: boolean;
}

/** A foreign key column written as NULL first and set once every table is in: self-references and cycles. */
interface Deferred {
  table: SourceTable;
  column: string;
}

/**
 * The order tables are copied in so every foreign key points at rows already there (parents first), from the
 * schema's own foreign keys. A table's reference to itself (tickets.parent_id), or a cycle between tables, is
 * broken by filling that column in after all rows are copied; a cycle of NOT NULL keys cannot be, and is refused.
 */
export function copyOrder(tables: SourceTable[]): { order: SourceTable[]; deferred: Deferred[] } {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const deferred: Deferred[] = [];
  const edges = new Map<string, Array<{ column: string; parent: string }>>();
  for (const t of tables) {
    const own: Array<{ column: string; parent: string }> = [];
    for (const r of t.references) {
      if (r.table === t.name) deferred.push({ table: t, column: r.column });
      else if (byName.has(r.table)) own.push({ column: r.column, parent: r.table });
    }
    edges.set(t.name, own);
  }
  const remaining = new Set(tables.map((t) => t.name));
  const order: SourceTable[] = [];
  while (remaining.size) {
    const ready = [...remaining].filter((n) => edges.get(n)!.every((e) => !remaining.has(e.parent)));
    if (ready.length) {
      // One at a time, alphabetically: a stable order whatever order the schema lists the tables in.
      const next = ready.sort()[0]!;
      order.push(byName.get(next)!);
      remaining.delete(next);
      continue;
    }
    const cut = [...remaining]
      .sort()
      .flatMap((n) => edges.get(n)!.map((e) => ({ n, e })))
      .find(({ n, e }) => remaining.has(e.parent) && !byName.get(n)!.notNull.has(e.column));
    if (!cut)
      throw new CopyRefusedError(
        `the foreign keys of ${[...remaining].sort().join(', ')} form a cycle that no copy order satisfies`,
      );
    deferred.push({ table: byName.get(cut.n)!, column: cut.e.column });
    edges.set(
      cut.n,
      edges.get(cut.n)!.filter((e) => e !== cut.e),
    );
  }
  return { order, deferred };
}

/** Every migration this abusedesk has for SQLite must be in the source: its tables are what the target has. */
function checkSourceSchema(source: Database): void {
  const applied = new Set(appliedMigrationVersions(source));
  const known = new Set(listMigrations('sqlite').map((m) => m.version));
  const missing = [...known].filter((v) => !applied.has(v));
  if (missing.length)
    throw new CopyRefusedError(
      `the SQLite database lacks migration${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: run \`abusedesk db migrate\` on it first`,
    );
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length)
    throw new CopyRefusedError(
      `the SQLite database has migrations this abusedesk does not know (${unknown.join(', ')}): copy it with the abusedesk that wrote it`,
    );
}

function columnsInTarget(tables: SourceTable[], schema: Map<string, Map<string, TargetColumn>>): void {
  for (const t of tables) {
    const cols = schema.get(t.name);
    if (!cols) throw new CopyRefusedError(`the PostgreSQL schema has no table ${t.name}`);
    const missing = t.columns.filter((c) => !cols.has(c));
    if (missing.length)
      throw new CopyRefusedError(`the PostgreSQL table ${t.name} has no column ${missing.join(', ')}`);
  }
}

/** Roughly what a value weighs in a statement (bytes go as hex: twice their size). */
function weight(v: unknown): number {
  if (Buffer.isBuffer(v)) return v.length * 2;
  if (typeof v === 'string') return v.length;
  return 8;
}

/** Runs `fn` with the error's message prefixed by what was being copied (the statement itself says no table). */
function naming<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Error) e.message = `copying ${what}: ${e.message}`;
    throw e;
  }
}

function copyTable(
  source: Database,
  target: Database,
  table: SourceTable,
  types: TargetColumn[],
  deferred: Set<string>,
  total: number,
  report: (copied: number, done: boolean) => void,
  options: CopyOptions,
): void {
  const batchRows = Math.max(
    1,
    Math.min(options.batchRows ?? 1000, Math.floor(MAX_PARAMETERS / table.columns.length)),
  );
  const batchBytes = options.batchBytes ?? 16 * 1024 * 1024;
  const nulled = table.columns.flatMap((c, i) => (deferred.has(c) ? [i] : []));
  let batch: unknown[][] = [];
  let bytes = 0;
  let copied = 0;
  const write = rowWriter(target, table.name, table.columns, types, batchRows);
  const flush = (): void => {
    naming(table.name, () => write(batch));
    copied += batch.length;
    batch = [];
    bytes = 0;
  };
  for (const row of iterateSourceRows(source, table, table.columns)) {
    for (const i of nulled) row[i] = null;
    batch.push(row);
    for (const v of row) bytes += weight(v);
    if (batch.length >= batchRows || bytes >= batchBytes) {
      flush();
      if (copied < total) report(copied, false);
    }
  }
  if (batch.length) flush();
  report(copied, true);
}

function fillDeferred(
  source: Database,
  target: Database,
  d: Deferred,
  types: Map<string, TargetColumn>,
): void {
  const names = [...d.table.primaryKey, d.column];
  const colTypes = names.map((n) => types.get(n)!);
  const batchRows = Math.min(1000, Math.floor(MAX_PARAMETERS / names.length));
  let batch: unknown[][] = [];
  const flush = (): void => {
    naming(`${d.table.name}.${d.column}`, () =>
      updateColumn(target, d.table.name, d.table.primaryKey, d.column, colTypes, batch),
    );
    batch = [];
  };
  for (const row of iterateDeferredColumn(source, d.table, d.column)) {
    batch.push(row);
    if (batch.length >= batchRows) flush();
  }
  if (batch.length) flush();
}

/**
 * Copies every table of a SQLite database (but its migration log) into an empty PostgreSQL database of the same
 * schema: all or nothing, in one PostgreSQL transaction, read from one SQLite snapshot (consistent even while
 * the SQLite file is in use), rows streamed in multi-row INSERTs with their ids, parents before children. Then
 * moves each identity sequence past the copied ids and counts the rows on both sides.
 */
export function copyDatabase(source: Database, target: Database, options: CopyOptions = {}): CopyResult {
  checkSourceSchema(source);
  const tables = sourceTables(source);
  const schema = targetSchema(target);
  columnsInTarget(tables, schema);
  const holding = tablesWithRows(
    target,
    [...schema.keys()].filter((t) => t !== 'schema_migrations'),
  );
  if (holding.length)
    throw new CopyRefusedError(
      `the PostgreSQL database is not empty: table ${holding[0]} holds rows${
        holding.length > 1 ? ` (and ${holding.length - 1} other table${holding.length > 2 ? 's' : ''})` : ''
      }; copy only into an empty database or schema`,
    );
  const { order, deferred } = copyOrder(tables);
  for (const d of deferred)
    if (d.table.primaryKey.length === 0)
      throw new CopyRefusedError(
        `${d.table.name}.${d.column} must be set after the copy, but ${d.table.name} has no primary key`,
      );
  const counts = new Map<string, number>();

  source.transaction(() => {
    const dangling = danglingReferences(source);
    if (dangling.length)
      throw new CopyRefusedError(
        `the SQLite database has rows whose foreign key points at no row (PostgreSQL would refuse them): ${dangling
          .map((d) => `${d.table} → ${d.parent} (${d.rows})`)
          .join(', ')}`,
      );
    const sequences = sqliteSequences(source);
    target.transaction(() => {
      order.forEach((table, i) => {
        const total = countRows(source, table.name);
        counts.set(table.name, total);
        const progress = (copied: number, done: boolean): void =>
          options.onProgress?.({
            table: table.name,
            index: i + 1,
            tables: order.length,
            copied,
            total,
            done,
          });
        if (FILLED_BY_TRIGGERS.has(table.name)) return progress(total, true);
        const cols = schema.get(table.name)!;
        const later = new Set(deferred.filter((d) => d.table === table).map((d) => d.column));
        copyTable(
          source,
          target,
          table,
          table.columns.map((c) => cols.get(c)!),
          later,
          total,
          progress,
          options,
        );
      });
      for (const d of deferred) fillDeferred(source, target, d, schema.get(d.table.name)!);
      for (const table of order)
        for (const [column, c] of schema.get(table.name)!)
          if (c.identity)
            naming(`${table.name}.${column}'s sequence`, () =>
              resetIdentity(target, table.name, column, sequences.get(table.name) ?? 0),
            );
    })();
  })();

  const result = order.map((t) => {
    const sqliteRows = counts.get(t.name)!;
    const postgresRows = countRows(target, t.name);
    return { table: t.name, sqliteRows, postgresRows, ok: sqliteRows === postgresRows };
  });
  return {
    tables: result,
    rows: result.reduce((n, t) => n + t.postgresRows, 0),
    ok: result.every((t) => t.ok),
  };
}
