import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import {
  deleteStoredStaffSession,
  insertStaffSession,
  liveStaffSession,
  type StaffUser,
} from '../store/staff-store.ts';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface StaffSession {
  user: StaffUser;
  csrf: string;
  expiresAt: string;
}

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Opens a session; returns the cookie value (shown once, only its hash is stored). */
export function createStaffSession(
  db: Database,
  userId: number,
  now: Date,
): { token: string; csrf: string; expiresAt: Date } {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  insertStaffSession(db, { id: digest(token), userId, csrf, now, expiresAt });
  return { token, csrf, expiresAt };
}

/** The live session for a cookie value, or null (unknown, expired, or account disabled). */
export function findStaffSession(db: Database, token: string, now: Date): StaffSession | null {
  if (!token || token.length > 100) return null;
  return liveStaffSession(db, digest(token), now);
}

export function deleteStaffSession(db: Database, token: string): void {
  deleteStoredStaffSession(db, digest(token));
}
