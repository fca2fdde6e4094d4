import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { Config } from '../config/config-schema.ts';
import { migrate } from './migrate.ts';

export type { Database };

export function databasePath(config: Config): string {
  return resolve(config.dataDir, config.database.file);
}

export interface OpenDatabaseOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  readonly?: boolean;
}

/**
 * Opens the SQLite database in WAL mode with synchronous=FULL: a commit is on disk (fsync'd WAL)
 * before it returns, which is what lets intake answer 250 only after a durable write.
 */
export function openDatabase(config: Config, options: OpenDatabaseOptions = {}): Database {
  const file = databasePath(config);
  mkdirSync(dirname(file), { recursive: true });
  const db = new BetterSqlite3(file, { readonly: options.readonly ?? false });
  db.pragma(`busy_timeout = ${config.database.busyTimeoutMs}`);
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    if (options.migrate ?? true) migrate(db);
  }
  return db;
}

/**
 * A read-only connection to an existing database file (a parse thread reading raw messages): it never writes,
 * migrates or changes the journal mode, and waits up to `busyTimeoutMs` for a lock.
 */
export function openReadOnlyDatabase(file: string, busyTimeoutMs: number): Database {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  return db;
}
