import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import { hashPassword } from './staff-password.ts';

import { staffRoles, type StaffRole } from '../store/vocabulary.ts';

export { staffRoles, type StaffRole };

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

const columns = 'id, email, name, role, created_at AS createdAt, password_hash AS passwordHash';

/** Creates a staff account; throws when the email is taken. */
export function createStaffUser(db: Database, u: { email: string; name?: string; role: StaffRole; password: string; now: Date }): StaffUser {
  const email = u.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error(`not an email address: ${u.email}`);
  if (!staffRoles.includes(u.role)) throw new Error(`role must be one of ${staffRoles.join(', ')}`);
  if (u.password.length < 10) throw new Error('password must be at least 10 characters');
  const exists = prepared(db, 'SELECT 1 FROM staff_users WHERE email = ?').get(email);
  if (exists) throw new Error(`a staff account ${email} already exists`);
  const at = u.now.toISOString();
  const r = prepared(db, 'INSERT INTO staff_users (email, name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)').run(email, u.name ?? email.split('@')[0]!, hashPassword(u.password), u.role, at);
  return { id: Number(r.lastInsertRowid), email, name: u.name ?? email.split('@')[0]!, role: u.role, createdAt: at };
}

/** An enabled account by login (case-insensitive), with its password hash. */
export function findStaffByEmail(db: Database, email: string): StaffUserWithHash | null {
  const row = prepared(db, `SELECT ${columns} FROM staff_users WHERE email = ? AND disabled_at IS NULL`).get(email.trim().toLowerCase()) as StaffUserWithHash | undefined;
  return row ?? null;
}

export function countStaffUsers(db: Database): number {
  return (prepared(db, 'SELECT count(*) AS n FROM staff_users').get() as { n: number }).n;
}

export function listStaffUsers(db: Database): StaffUser[] {
  return prepared(db, 'SELECT id, email, name, role, created_at AS createdAt FROM staff_users ORDER BY email').all() as StaffUser[];
}

/** Role order: viewer < agent < admin. */
export const roleAtLeast = (role: StaffRole, needed: StaffRole): boolean => staffRoles.indexOf(role) >= staffRoles.indexOf(needed);
