import type { Database } from 'better-sqlite3';

export interface CheckpointResult {
  /** True when a reader or writer kept the checkpoint from finishing (it is retried next time). */
  busy: boolean;
  /** Pages in the WAL before the checkpoint. */
  walPages: number;
}

/**
 * Copies the WAL into the database file and truncates the WAL to zero bytes (`wal_checkpoint(TRUNCATE)`).
 * Waits at most `busyMs` for other connections (the intake writer, CLI commands) instead of the connection's
 * long busy timeout, so the caller's thread is never held for long; a busy checkpoint changes nothing.
 */
export function checkpointWal(db: Database, busyMs = 100): CheckpointResult {
  const [row] = withBusyTimeout(db, busyMs, () => db.pragma('wal_checkpoint(TRUNCATE)')) as Array<{
    busy: number;
    log: number;
  }>;
  return { busy: (row?.busy ?? 0) !== 0, walPages: row?.log ?? 0 };
}

/**
 * Runs `fn` with the connection's busy timeout set to `busyMs` (a probe that must answer quickly), then
 * restores it.
 */
export function withBusyTimeout<T>(db: Database, busyMs: number, fn: () => T): T {
  const before = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${busyMs}`);
  try {
    return fn();
  } finally {
    db.pragma(`busy_timeout = ${before}`);
  }
}
