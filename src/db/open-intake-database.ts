import BetterSqlite3, { type Database } from 'better-sqlite3';

export interface IntakeDatabaseOptions {
  busyTimeoutMs: number;
  walAutocheckpointPages: number;
}

/**
 * The intake writer's own connection to an already migrated database: WAL, synchronous=FULL (a commit is
 * fsync'd before it returns), and a WAL allowed to grow to `walAutocheckpointPages` pages between checkpoints.
 */
export function openIntakeDatabase(file: string, o: IntakeDatabaseOptions): Database {
  const db = new BetterSqlite3(file);
  db.pragma(`busy_timeout = ${o.busyTimeoutMs}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // Checkpointing copies WAL pages into the database file and fsyncs it; doing that every 1,000 pages
  // (SQLite's default, ~500 reports) stalls intake. Let the WAL grow to ~40 MB between checkpoints.
  db.pragma(`wal_autocheckpoint = ${o.walAutocheckpointPages}`);
  // Statement journals (message_raw's foreign key makes every insert one that may abort) in memory, not in
  // temporary files: see OpenDatabaseOptions.tempStore.
  db.pragma('temp_store = MEMORY');
  return db;
}
