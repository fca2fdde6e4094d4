import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { StaffRole, StaffUser } from './staff-users.ts';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface StaffSession {
  user: StaffUser;
  csrf: string;
  expiresAt: string;
}

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Opens a session; returns the cookie value (shown once, only its hash is stored). */
export function createStaffSession(db: Database, userId: number, now: Date): { token: string; csrf: string; expiresAt: Date } {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  prepared(db, 'DELETE FROM staff_sessions WHERE expires_at < ?').run(now.toISOString());
  prepared(db, 'INSERT INTO staff_sessions (id, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(digest(token), userId, csrf, now.toISOString(), expiresAt.toISOString());
  return { token, csrf, expiresAt };
}

/** The live session for a cookie value, or null (unknown, expired, or account disabled). */
export function findStaffSession(db: Database, token: string, now: Date): StaffSession | null {
  if (!token || token.length > 100) return null;
  const row = prepared(
    db,
    `SELECT s.csrf, s.expires_at AS expiresAt, u.id, u.email, u.name, u.role, u.created_at AS createdAt
     FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id WHERE s.id = ? AND s.expires_at > ? AND u.disabled_at IS NULL`,
  ).get(digest(token), now.toISOString()) as { csrf: string; expiresAt: string; id: number; email: string; name: string; role: StaffRole; createdAt: string } | undefined;
  if (!row) return null;
  const { csrf, expiresAt, ...user } = row;
  return { user, csrf, expiresAt };
}

export function deleteStaffSession(db: Database, token: string): void {
  prepared(db, 'DELETE FROM staff_sessions WHERE id = ?').run(digest(token));
}
