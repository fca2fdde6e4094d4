import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

/** Failures counted for one limiter key in its current window. */
export interface LoginFailureCount {
  count: number;
  /** When the window ends, ms since the Unix epoch. */
  resetAt: number;
}

/** The key's count in a window still open at `nowMs`, or null. */
export function loginFailureCount(db: Database, key: string, nowMs: number): LoginFailureCount | null {
  const row = prepared(
    db,
    'SELECT count, reset_at AS resetAt FROM login_failures WHERE key = ? AND reset_at > ?',
  ).get(key, nowMs) as LoginFailureCount | undefined;
  return row ?? null;
}

/** Counts one failure for each key: a key whose window has ended starts a new one of `windowMs`. */
export function recordLoginFailure(db: Database, keys: string[], nowMs: number, windowMs: number): void {
  const upsert = prepared(
    db,
    `INSERT INTO login_failures (key, count, reset_at) VALUES (?, 1, ?)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN reset_at <= ? THEN 1 ELSE count + 1 END,
       reset_at = CASE WHEN reset_at <= ? THEN excluded.reset_at ELSE reset_at END`,
  );
  db.transaction(() => {
    for (const key of keys) upsert.run(key, nowMs + windowMs, nowMs, nowMs);
    // Ended windows carry no information: drop them so the table stays small.
    prepared(db, 'DELETE FROM login_failures WHERE reset_at <= ?').run(nowMs);
  })();
}

export function clearLoginFailures(db: Database, keys: string[]): void {
  const del = prepared(db, 'DELETE FROM login_failures WHERE key = ?');
  db.transaction(() => {
    for (const key of keys) del.run(key);
  })();
}
