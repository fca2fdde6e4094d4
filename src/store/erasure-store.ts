import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import { isPostgres } from '../db/postgres/pg-database.ts';
import { quoteName, tableNames } from './table-names.ts';

/**
 * Erasure of a person's address from every table: the targeted steps (raw messages, sends, outbox copies,
 * unsubscribe requests, acknowledgement counts, enforcement signals, ticket reporters), a sweep that redacts the
 * address in every other text column, and the scan that proves nothing is left. Matching ignores case, so an
 * address stored as `Jane.Doe@Example.NET` is found by `jane.doe@example.net`.
 */

/** What the sweep writes where the address stood. */
export const ERASED = '[erased]';

/**
 * Tables the sweep leaves alone: the suppression list and its change log (erased to the keyed hash by the
 * suppressions store), this erasure log, staff identity (accounts, sessions, tokens, login limits: staff are
 * removed with `users`, never by a complaint-side erasure), the trap list (addresses that are not people) and
 * SQLite's and the migrator's own tables.
 */
const NOT_SWEPT = new Set([
  'suppressions',
  'suppression_changes',
  'erasures',
  'staff_users',
  'staff_sessions',
  'api_tokens',
  'login_failures',
  'spam_traps',
  'schema_migrations',
  'retention_totals',
]);

/**
 * Free-text columns of those tables that staff or rules may have written the address into (a suppression's
 * note, a change's why): redacted too, while the address and hash columns are left to the suppressions store.
 */
const FREE_TEXT_OF_UNSWEPT: Record<string, readonly string[]> = {
  suppressions: ['note'],
  suppression_changes: ['why'],
};

const functionsOn = new WeakSet<Database>();

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const asText = (v: unknown): string | null =>
  typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : null;

/** `lifecycle_has(value, needle)` and `lifecycle_redact(value, needle, replacement)`: case-insensitive, text or blob. */
function ensureFunctions(db: Database): void {
  // PostgreSQL has no user functions from JavaScript: matchSql writes the same in SQL there.
  if (functionsOn.has(db) || isPostgres(db)) return;
  db.function('lifecycle_has', { deterministic: true }, (value: unknown, needle: unknown) => {
    const s = asText(value);
    return s !== null && typeof needle === 'string' && s.toLowerCase().includes(needle) ? 1 : 0;
  });
  db.function(
    'lifecycle_redact',
    { deterministic: true },
    (value: unknown, needle: unknown, replacement: unknown) => {
      const s = asText(value);
      if (s === null || typeof needle !== 'string') return value as string | null;
      const out = s.replace(new RegExp(escapeRe(needle), 'gi'), String(replacement));
      return Buffer.isBuffer(value) ? Buffer.from(out, 'utf8') : out;
    },
  );
  functionsOn.add(db);
}

interface TableColumns {
  table: string;
  /** Columns that may hold text: declared TEXT, BLOB, JSON or without a type. */
  columns: string[];
  /** Those of them in a primary key or unique index (redacted to a per-address token so rows stay distinct). */
  unique: Set<string>;
  /** Those of them that hold bytes (PostgreSQL's bytea, matched through its escape form). */
  bytes: Set<string>;
}

const TEXT_TYPE = /TEXT|BLOB|CHAR|CLOB|JSON/i;

/** Every table of the database with the columns that may hold an address. */
function textColumns(db: Database): TableColumns[] {
  if (isPostgres(db)) return textColumnsPostgres(db);
  return tableNames(db).map((table) => {
    const info = db.pragma(`table_info(${quoteName(table)})`) as Array<{
      name: string;
      type: string;
      pk: number;
    }>;
    const columns = info.filter((c) => c.type === '' || TEXT_TYPE.test(c.type)).map((c) => c.name);
    const unique = new Set(info.filter((c) => c.pk > 0).map((c) => c.name));
    const indexes = db.pragma(`index_list(${quoteName(table)})`) as Array<{ name: string; unique: number }>;
    for (const ix of indexes.filter((i) => i.unique === 1))
      for (const c of db.pragma(`index_info(${quoteName(ix.name)})`) as Array<{ name: string | null }>)
        if (c.name) unique.add(c.name);
    return { table, columns, unique, bytes: new Set<string>() };
  });
}

/** The same from PostgreSQL's catalogs: the connection's schema, its text and bytea columns and unique indexes. */
function textColumnsPostgres(db: Database): TableColumns[] {
  const tables = new Map(
    tableNames(db).map((t): [string, TableColumns] => [
      t,
      { table: t, columns: [], unique: new Set(), bytes: new Set() },
    ]),
  );
  const columns = prepared(
    db,
    `SELECT CAST(table_name AS TEXT) AS tbl, CAST(column_name AS TEXT) AS col, CAST(data_type AS TEXT) AS type
     FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  ).all() as Array<{ tbl: string; col: string; type: string }>;
  for (const c of columns) {
    const t = tables.get(c.tbl);
    if (!t || !(c.type === 'bytea' || TEXT_TYPE.test(c.type))) continue;
    t.columns.push(c.col);
    if (c.type === 'bytea') t.bytes.add(c.col);
  }
  // Primary keys are unique indexes too; an expression's key (attnum 0) names no column.
  const unique = prepared(
    db,
    `SELECT CAST(t.relname AS TEXT) AS tbl, CAST(a.attname AS TEXT) AS col
     FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (i.indkey)
     WHERE n.nspname = current_schema() AND i.indisunique`,
  ).all() as Array<{ tbl: string; col: string }>;
  for (const u of unique) tables.get(u.tbl)?.unique.add(u.col);
  return [...tables.values()];
}

/**
 * The address matched and replaced case-insensitively in a column, as SQL with parameters @a (the lower-case
 * address), and on PostgreSQL @pattern (it as a regular expression) and @ea / @epattern (the same for a bytea
 * column's escape form, which keeps bytes that are not UTF-8 readable).
 */
function matchSql(
  db: Database,
  column: string,
  bytes: boolean,
): { has: string; redact: (rep: string) => string } {
  const c = quoteName(column);
  if (!isPostgres(db))
    return { has: `lifecycle_has(${c}, @a)`, redact: (rep) => `lifecycle_redact(${c}, @a, ${rep})` };
  if (bytes)
    return {
      has: `strpos(lower(encode(${c}, 'escape')), @ea) > 0`,
      redact: (rep) => `decode(regexp_replace(encode(${c}, 'escape'), @epattern, ${rep}, 'gi'), 'escape')`,
    };
  return {
    has: `strpos(lower(${c}), @a) > 0`,
    redact: (rep) => `regexp_replace(${c}, @pattern, ${rep}, 'gi')`,
  };
}

/**
 * Bytes as PostgreSQL's `encode(…, 'escape')` writes them: NUL and bytes with the high bit set as `\ooo`, a
 * backslash doubled, every other byte as itself.
 */
const escapeForm = (s: string): string =>
  [...Buffer.from(s, 'utf8')]
    .map((b) =>
      b === 0 || b >= 0x80
        ? `\\${b.toString(8).padStart(3, '0')}`
        : b === 0x5c
          ? '\\\\'
          : String.fromCharCode(b),
    )
    .join('');

/** The parameters of matchSql for an address (lower-cased already). */
function matchParams(db: Database, a: string): Record<string, string> {
  if (!isPostgres(db)) return { a };
  const ea = escapeForm(a);
  return { a, pattern: escapeRe(a), ea, epattern: escapeRe(ea) };
}

export interface AddressTrace {
  table: string;
  column: string;
  rows: number;
}

/**
 * Every table and column that still holds the address in plain text (any case), with how many rows: the proof an
 * erasure leaves nothing behind. `tables` limits the scan (default: every table).
 */
export function findAddressTraces(
  db: Database,
  address: string,
  o: { tables?: readonly string[] } = {},
): AddressTrace[] {
  ensureFunctions(db);
  const params = matchParams(db, address.trim().toLowerCase());
  const out: AddressTrace[] = [];
  for (const t of textColumns(db)) {
    if (o.tables && !o.tables.includes(t.table)) continue;
    for (const c of t.columns) {
      const { has } = matchSql(db, c, t.bytes.has(c));
      const rows = db
        .prepare(`SELECT count(*) FROM ${quoteName(t.table)} WHERE ${has}`)
        .pluck()
        .get(params) as number;
      if (rows > 0) out.push({ table: t.table, column: c, rows });
    }
  }
  return out;
}

/** Ids of messages after `afterId` (at most `limit` scanned) whose raw bytes name the address; and the last id scanned. */
export function messagesNamingAddress(
  db: Database,
  address: string,
  afterId: number,
  limit: number,
): { ids: number[]; lastId: number | null } {
  ensureFunctions(db);
  const rows = prepared(
    db,
    `SELECT message_id AS id, ${matchSql(db, 'raw', true).has} AS hit FROM message_raw
     WHERE message_id > @after ORDER BY message_id LIMIT @limit`,
  ).all({ ...matchParams(db, address.trim().toLowerCase()), after: afterId, limit }) as Array<{
    id: number;
    hit: number;
  }>;
  return { ids: rows.filter((r) => r.hit === 1).map((r) => r.id), lastId: rows.at(-1)?.id ?? null };
}

/** Rows touched per table (only tables with something to count). */
export type ErasureCounts = Record<string, number>;

/**
 * The targeted steps of an erasure (inside the caller's transaction): raw bytes of the given messages and of
 * messages sent from the address go (the row stays, marked), sends to it and outbox mail to it are deleted,
 * unsubscribe requests and acknowledgement counts of it are deleted, enforcement signals and ticket reporters
 * lose it. `hash` stands in for the address in unique keys (the signal dedupe key).
 */
export function eraseAddressRows(
  db: Database,
  o: { address: string; hash: string; messageIds: readonly number[]; now: Date },
): ErasureCounts {
  ensureFunctions(db);
  const a = o.address.trim().toLowerCase();
  const params = matchParams(db, a);
  const has = (column: string): string => matchSql(db, column, false).has;
  const at = o.now.toISOString();
  const counts: ErasureCounts = {};
  const add = (k: string, n: number): void => {
    if (n > 0) counts[k] = (counts[k] ?? 0) + n;
  };
  const fromAddress = prepared(db, `SELECT id FROM messages WHERE ${has('mail_from')}`)
    .pluck()
    .all(params) as number[];
  const ids = JSON.stringify([...new Set([...o.messageIds, ...fromAddress])]);
  add(
    'message_raw',
    prepared(db, 'DELETE FROM message_raw WHERE message_id IN (SELECT value FROM json_each(?))').run(ids)
      .changes,
  );
  add(
    'messages',
    prepared(
      db,
      `UPDATE messages SET raw_purged_at = coalesce(raw_purged_at, ?), raw_purge_reason = 'erasure', headers = NULL
       WHERE id IN (SELECT value FROM json_each(?))`,
    ).run(at, ids).changes,
  );
  add('sends', prepared(db, 'DELETE FROM sends WHERE lower(recipient) = ?').run(a).changes);
  add(
    'outbox',
    prepared(db, `DELETE FROM outbox WHERE kind = 'mail' AND ${has('payload')}`).run(params).changes,
  );
  add(
    'unsubscribe_requests',
    prepared(db, 'DELETE FROM unsubscribe_requests WHERE lower(address) = ?').run(a).changes,
  );
  add('ack_counts', prepared(db, 'DELETE FROM ack_counts WHERE lower(address) = ?').run(a).changes);
  add(
    'client_signals',
    prepared(
      db,
      `UPDATE client_signals SET recipient = NULL, dedupe = ${matchSql(db, 'dedupe', false).redact('@token')}
       WHERE lower(recipient) = @a OR ${has('dedupe')}`,
    ).run({ ...params, token: `erased-${o.hash.slice(0, 16)}` }).changes,
  );
  add(
    'tickets',
    prepared(db, `UPDATE tickets SET reporter = NULL WHERE ${has('reporter')}`).run(params).changes,
  );
  return counts;
}

/**
 * Redacts the address in every text column of every table but the ones above: `[erased]` in free text and JSON,
 * `erased-<hash prefix>` in unique keys (two erased rows must not collide). Returns rows changed per table.
 */
export function redactAddressEverywhere(db: Database, o: { address: string; hash: string }): ErasureCounts {
  ensureFunctions(db);
  const params = matchParams(db, o.address.trim().toLowerCase());
  const token = `erased-${o.hash.slice(0, 16)}`;
  const counts: ErasureCounts = {};
  for (const all of textColumns(db)) {
    const t = NOT_SWEPT.has(all.table)
      ? { ...all, columns: all.columns.filter((c) => FREE_TEXT_OF_UNSWEPT[all.table]?.includes(c)) }
      : all;
    if (t.columns.length === 0) continue;
    const match = (c: string) => matchSql(db, c, t.bytes.has(c));
    const sets = t.columns
      .map((c) => `${quoteName(c)} = ${match(c).redact(t.unique.has(c) ? '@token' : '@erased')}`)
      .join(', ');
    const where = t.columns.map((c) => match(c).has).join(' OR ');
    const n = db
      .prepare(`UPDATE ${quoteName(t.table)} SET ${sets} WHERE ${where}`)
      .run({ ...params, token, erased: ERASED }).changes;
    if (n > 0) counts[t.table] = n;
  }
  return counts;
}

/** Records an erasure by its hash (never the address); returns its id. */
export function insertErasure(
  db: Database,
  e: { hash: string; actor: string; counts: ErasureCounts; now: Date },
): number {
  return Number(
    prepared(db, 'INSERT INTO erasures (hash, at, actor, counts) VALUES (?, ?, ?, ?)').run(
      e.hash,
      e.now.toISOString(),
      e.actor,
      JSON.stringify(e.counts),
    ).lastInsertRowid,
  );
}

export interface ErasureRecord {
  id: number;
  hash: string;
  at: string;
  actor: string;
  counts: ErasureCounts;
}

/** Erasures, newest first. */
export function listErasures(db: Database, limit = 50): ErasureRecord[] {
  const rows = prepared(db, 'SELECT id, hash, at, actor, counts FROM erasures ORDER BY id DESC LIMIT ?').all(
    limit,
  ) as Array<Omit<ErasureRecord, 'counts'> & { counts: string }>;
  return rows.map((r) => ({ ...r, counts: JSON.parse(r.counts) as ErasureCounts }));
}

export function countErasures(db: Database): number {
  return prepared(db, 'SELECT count(*) FROM erasures').pluck().get() as number;
}

/**
 * Rewrites the database file (VACUUM) so no copy of erased text stays in free pages or in the free space inside
 * pages that earlier updates left. False when it could not run (another statement of this connection is still
 * reading, or another writer held the database past the busy timeout); the next erasure vacuums again.
 * On PostgreSQL, VACUUM of this schema's tables removes the dead row versions the erasure's updates and deletes
 * left (VACUUM cannot run inside a transaction, and VACUUM FULL would lock out intake while it rewrites).
 */
export function compactDatabase(db: Database): boolean {
  if (isPostgres(db) && db.inTransaction) return false;
  try {
    db.exec(isPostgres(db) ? `VACUUM ${tableNames(db).map(quoteName).join(', ')}` : 'VACUUM');
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` with secure_delete on (deleted content is overwritten with zeros), then restores the setting.
 * PostgreSQL has no such setting: its VACUUM (compactDatabase) is what removes the dead row versions.
 */
export function withSecureDelete<T>(db: Database, fn: () => T): T {
  if (isPostgres(db)) return fn();
  const before = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  try {
    return fn();
  } finally {
    db.pragma(`secure_delete = ${before}`);
  }
}
