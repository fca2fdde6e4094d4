import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { StaffRole } from './vocabulary.ts';

// staff_users and staff_sessions: UI accounts and their login sessions.

export interface StaffUser {
  id: number;
  email: string;
  name: string;
  role: StaffRole;
  createdAt: string;
}

export interface StaffUserWithHash extends StaffUser {
  passwordHash: string;
}

/** Whether an account (enabled or not) has this login, already normalized. */
export function staffEmailTaken(db: Database, email: string): boolean {
  return prepared(db, 'SELECT 1 FROM staff_users WHERE email = ?').get(email) !== undefined;
}

/** Stores an account (email already normalized and free); returns its id. */
export function insertStaffUser(
  db: Database,
  u: { email: string; name: string; role: StaffRole; passwordHash: string; createdAt: string },
): number {
  return Number(
    prepared(
      db,
      'INSERT INTO staff_users (email, name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(u.email, u.name, u.passwordHash, u.role, u.createdAt).lastInsertRowid,
  );
}

/** An enabled account by login (already normalized), with its password hash. */
export function enabledStaffByEmail(db: Database, email: string): StaffUserWithHash | null {
  return (
    (prepared(
      db,
      'SELECT id, email, name, role, created_at AS createdAt, password_hash AS passwordHash FROM staff_users WHERE email = ? AND disabled_at IS NULL',
    ).get(email) as StaffUserWithHash | undefined) ?? null
  );
}

export function countStaffUsers(db: Database): number {
  return prepared(db, 'SELECT count(*) FROM staff_users').pluck().get() as number;
}

export function listStaffUsers(db: Database): StaffUser[] {
  return prepared(
    db,
    'SELECT id, email, name, role, created_at AS createdAt FROM staff_users ORDER BY email',
  ).all() as StaffUser[];
}

/** Accounts after `after` (an email, exclusive) in email order, at most `limit` (null: all), streamed. */
export function iterateStaffUsers(
  db: Database,
  o: { after?: string | null; limit: number | null },
): IterableIterator<StaffUser & { disabledAt: string | null }> {
  return prepared(
    db,
    'SELECT id, email, name, role, created_at AS createdAt, disabled_at AS disabledAt FROM staff_users WHERE (@after IS NULL OR email > @after) ORDER BY email LIMIT @limit',
  ).iterate({ after: o.after ?? null, limit: o.limit ?? -1 }) as IterableIterator<
    StaffUser & { disabledAt: string | null }
  >;
}

/** Stores a session under the digest of its cookie value, and drops the sessions expired at `now`. */
export function insertStaffSession(
  db: Database,
  s: { id: string; userId: number; csrf: string; now: Date; expiresAt: Date },
): void {
  prepared(db, 'DELETE FROM staff_sessions WHERE expires_at < ?').run(s.now.toISOString());
  prepared(
    db,
    'INSERT INTO staff_sessions (id, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
  ).run(s.id, s.userId, s.csrf, s.now.toISOString(), s.expiresAt.toISOString());
}

/** The session stored under a digest, live at `now`, of an enabled account; or null. */
export function liveStaffSession(
  db: Database,
  id: string,
  now: Date,
): { user: StaffUser; csrf: string; expiresAt: string } | null {
  const row = prepared(
    db,
    `SELECT s.csrf, s.expires_at AS expiresAt, u.id, u.email, u.name, u.role, u.created_at AS createdAt
     FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id WHERE s.id = ? AND s.expires_at > ? AND u.disabled_at IS NULL`,
  ).get(id, now.toISOString()) as ({ csrf: string; expiresAt: string } & StaffUser) | undefined;
  if (!row) return null;
  const { csrf, expiresAt, ...user } = row;
  return { user, csrf, expiresAt };
}

export function deleteStoredStaffSession(db: Database, id: string): void {
  prepared(db, 'DELETE FROM staff_sessions WHERE id = ?').run(id);
}

/** An account as the admin pages list it: with when it was disabled (null: enabled) and its live sessions. */
export interface StaffAccount extends StaffUser {
  disabledAt: string | null;
  sessions: number;
}

/** Every account, enabled ones first, then by login; `sessions` counts those live at `now`. */
export function listStaffAccounts(db: Database, now: Date): StaffAccount[] {
  return prepared(
    db,
    `SELECT u.id, u.email, u.name, u.role, u.created_at AS createdAt, u.disabled_at AS disabledAt,
       (SELECT count(*) FROM staff_sessions s WHERE s.user_id = u.id AND s.expires_at > @now) AS sessions
     FROM staff_users u ORDER BY u.disabled_at IS NOT NULL, u.email`,
  ).all({ now: now.toISOString() }) as StaffAccount[];
}

/** One account by login (already normalized), enabled or not; null when there is none. */
export function staffAccountByEmail(db: Database, email: string): StaffAccount | null {
  return (
    (prepared(
      db,
      `SELECT u.id, u.email, u.name, u.role, u.created_at AS createdAt, u.disabled_at AS disabledAt, 0 AS sessions
       FROM staff_users u WHERE u.email = ?`,
    ).get(email) as StaffAccount | undefined) ?? null
  );
}

/** Marks an account disabled at `at` (null: enabled again); false when nothing changed. */
export function setStaffDisabled(db: Database, id: number, at: string | null): boolean {
  return (
    prepared(
      db,
      'UPDATE staff_users SET disabled_at = @at WHERE id = @id AND (disabled_at IS NULL) = (@at IS NOT NULL)',
    ).run({ id, at }).changes === 1
  );
}

export function setStaffPasswordHash(db: Database, id: number, passwordHash: string): void {
  prepared(db, 'UPDATE staff_users SET password_hash = ? WHERE id = ?').run(passwordHash, id);
}

/** Ends every session of an account; returns how many there were. */
export function deleteStaffSessionsOf(db: Database, userId: number): number {
  return prepared(db, 'DELETE FROM staff_sessions WHERE user_id = ?').run(userId).changes;
}

/** Enabled accounts with this role (the last admin must not lock everyone out). */
export function countEnabledStaffWithRole(db: Database, role: StaffRole): number {
  return prepared(db, 'SELECT count(*) FROM staff_users WHERE role = ? AND disabled_at IS NULL')
    .pluck()
    .get(role) as number;
}
