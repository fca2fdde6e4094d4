import type { Database } from 'better-sqlite3';
import { isPostgres } from './postgres/pg-database.ts';

/**
 * After a bulk load into fresh tables (the benchmark's 100k sends), PostgreSQL's planner has no statistics
 * until autovacuum's next ANALYZE, up to a minute later; meanwhile it may guess `message_id = $1` matches
 * hundreds of rows and walk a whole table in id order for `ORDER BY id LIMIT 1`. ANALYZE gives it the figures
 * now. SQLite's planner needs no statistics for the store's indexed lookups: nothing to do there.
 */
export function refreshStatistics(db: Database, tables: readonly string[] = []): void {
  if (isPostgres(db)) db.exec(tables.length ? `ANALYZE ${tables.join(', ')}` : 'ANALYZE');
}
