import type { Database } from 'better-sqlite3';
import {
  enabledStaffByEmail,
  insertStaffUser,
  staffEmailTaken,
  type StaffUser,
  type StaffUserWithHash,
} from '../store/staff-store.ts';
import { staffRoles, type StaffRole } from '../store/vocabulary.ts';
import { hashPassword } from './staff-password.ts';

export { staffRoles, type StaffRole };
export {
  countStaffUsers,
  listStaffUsers,
  type StaffUser,
  type StaffUserWithHash,
} from '../store/staff-store.ts';

/** Creates a staff account; throws when the email is taken. */
export function createStaffUser(
  db: Database,
  u: { email: string; name?: string; role: StaffRole; password: string; now: Date },
): StaffUser {
  const email = u.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error(`not an email address: ${u.email}`);
  if (!staffRoles.includes(u.role)) throw new Error(`role must be one of ${staffRoles.join(', ')}`);
  if (u.password.length < 10) throw new Error('password must be at least 10 characters');
  if (staffEmailTaken(db, email)) throw new Error(`a staff account ${email} already exists`);
  const user = { email, name: u.name ?? email.split('@')[0]!, role: u.role, createdAt: u.now.toISOString() };
  return { id: insertStaffUser(db, { ...user, passwordHash: hashPassword(u.password) }), ...user };
}

/** An enabled account by login (case-insensitive), with its password hash. */
export function findStaffByEmail(db: Database, email: string): StaffUserWithHash | null {
  return enabledStaffByEmail(db, email.trim().toLowerCase());
}

/** Role order: viewer < agent < admin. */
export const roleAtLeast = (role: StaffRole, needed: StaffRole): boolean =>
  staffRoles.indexOf(role) >= staffRoles.indexOf(needed);
