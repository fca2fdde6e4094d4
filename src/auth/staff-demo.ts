import type { Database } from 'better-sqlite3';
import { generatePassword } from './staff-password.ts';
import { countStaffUsers, createStaffUser } from './staff-users.ts';

export const DEMO_STAFF_EMAIL = 'staff@esp.example';

/**
 * The demo's staff login: on a database without any staff account, creates `staff@esp.example` (admin)
 * with a generated password and returns it — the only time it is ever shown. Null when accounts exist.
 */
export function ensureDemoStaff(db: Database, now: Date): { email: string; password: string } | null {
  if (countStaffUsers(db) > 0) return null;
  const password = generatePassword();
  createStaffUser(db, { email: DEMO_STAFF_EMAIL, name: 'Demo staff', role: 'admin', password, now });
  return { email: DEMO_STAFF_EMAIL, password };
}
