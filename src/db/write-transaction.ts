import type { Database } from 'better-sqlite3';
import { withBusyTimeout } from './wal-checkpoint.ts';
import { isPostgres } from './postgres/pg-database.ts';

export interface WriteTransactionOptions {
  /** How long to wait between attempts to take the write lock. */
  retryMs: number;
  /** After this long without the lock, the transaction waits for it in SQLite's busy handler (blocking). */
  maxWaitMs: number;
  /**
   * false: the commit returns before it is on disk (SQLite synchronous=NORMAL for this commit, PostgreSQL
   * synchronous_commit off). For writes a crash may lose without harm, such as a worker's claim (lost, the
   * message is simply claimed again): one fsync less per batch. The next durable commit flushes it anyway.
   */
  durable?: boolean;
}

const isBusy = (e: unknown): boolean => (e as { code?: string }).code?.startsWith('SQLITE_BUSY') ?? false;

/**
 * Runs `fn` in one write transaction (BEGIN IMMEDIATE … COMMIT; ROLLBACK when it throws), begun only once the
 * write lock is free: while another connection holds it (the intake writer committing a large message), the
 * caller waits on timers, not in SQLite's busy handler, so the event loop keeps running. `fn` is synchronous;
 * transactions it opens itself become savepoints of this one.
 */
export async function writeTransaction<T>(db: Database, fn: () => T, o: WriteTransactionOptions): Promise<T> {
  const pg = isPostgres(db);
  // SQLite's safety level cannot change inside a transaction: it is set just before BEGIN and restored after
  // COMMIT, with nothing in between that could let other code commit on this connection.
  const relaxed = o.durable === false && !pg ? (db.pragma('synchronous', { simple: true }) as number) : null;
  /** BEGIN IMMEDIATE; `probe`: fail at once when the lock is taken instead of waiting in the busy handler. */
  const begin = (probe: boolean): void => {
    if (relaxed !== null) db.pragma('synchronous = NORMAL');
    try {
      if (probe) withBusyTimeout(db, 0, () => db.exec('BEGIN IMMEDIATE'));
      else db.exec('BEGIN IMMEDIATE');
    } catch (e) {
      if (relaxed !== null) db.pragma(`synchronous = ${relaxed}`);
      throw e;
    }
  };
  const deadline = Date.now() + o.maxWaitMs;
  for (;;) {
    try {
      begin(true);
      break;
    } catch (e) {
      if (!isBusy(e)) throw e;
      if (Date.now() >= deadline) {
        begin(false);
        break;
      }
      await new Promise((r) => setTimeout(r, o.retryMs));
    }
  }
  try {
    if (o.durable === false && pg) db.exec('SET LOCAL synchronous_commit = off');
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  } finally {
    if (relaxed !== null) db.pragma(`synchronous = ${relaxed}`);
  }
}
