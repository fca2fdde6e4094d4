import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import { isPostgres } from '../db/postgres/pg-database.ts';

/**
 * Every table of the database (on PostgreSQL, of the connection's schema), SQLite's own excluded, by name: sweeps that must reach tables added by later
 * migrations too (client deletion, erasure) list them here rather than by hand.
 */
export function tableNames(db: Database): string[] {
  return prepared(
    db,
    isPostgres(db)
      ? // This connection's schema only (a database may hold several); COLLATE "C" sorts as SQLite's ORDER BY does.
        `SELECT CAST(table_name AS TEXT) FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name COLLATE "C"`
      : `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
  )
    .pluck()
    .all() as string[];
}

/** A table, column or index name quoted as an SQL identifier (a `"` inside is doubled). */
export const quoteName = (name: string): string => `"${name.replace(/"/g, '""')}"`;
