import type { Database } from 'better-sqlite3';
import { isPostgres } from './postgres/pg-database.ts';

/**
 * Sends the writes a PostgreSQL transaction still holds back (they go out with the next statement that needs an
 * answer), so that one of them failing is thrown here and not by whatever statement comes next. SQLite runs every
 * statement at once: nothing to send.
 */
export function sendPendingWrites(db: Database): void {
  if (isPostgres(db)) db.flush();
}
