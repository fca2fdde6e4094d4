import type { Database } from 'better-sqlite3';
import { withBusyTimeout } from './wal-checkpoint.ts';

export interface WriteTransactionOptions {
  /** How long to wait between attempts to take the write lock. */
  retryMs: number;
  /** After this long without the lock, the transaction waits for it in SQLite's busy handler (blocking). */
  maxWaitMs: number;
}

const isBusy = (e: unknown): boolean => (e as { code?: string }).code?.startsWith('SQLITE_BUSY') ?? false;

/**
 * Runs `fn` in one write transaction (BEGIN IMMEDIATE … COMMIT; ROLLBACK when it throws), begun only once the
 * write lock is free: while another connection holds it (the intake writer committing a large message), the
 * caller waits on timers, not in SQLite's busy handler, so the event loop keeps running. `fn` is synchronous;
 * transactions it opens itself become savepoints of this one.
 */
export async function writeTransaction<T>(db: Database, fn: () => T, o: WriteTransactionOptions): Promise<T> {
  const deadline = Date.now() + o.maxWaitMs;
  for (;;) {
    try {
      withBusyTimeout(db, 0, () => db.exec('BEGIN IMMEDIATE'));
      break;
    } catch (e) {
      if (!isBusy(e)) throw e;
      if (Date.now() >= deadline) {
        db.exec('BEGIN IMMEDIATE');
        break;
      }
      await new Promise((r) => setTimeout(r, o.retryMs));
    }
  }
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}
