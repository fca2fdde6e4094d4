import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

/**
 * Every table of the database, SQLite's own excluded, by name: sweeps that must reach tables added by later
 * migrations too (client deletion, erasure) list them here rather than by hand.
 */
export function tableNames(db: Database): string[] {
  return prepared(
    db,
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
  )
    .pluck()
    .all() as string[];
}

/** A table, column or index name quoted as an SQL identifier (a `"` inside is doubled). */
export const quoteName = (name: string): string => `"${name.replace(/"/g, '""')}"`;
