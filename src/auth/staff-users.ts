import type { Database } from 'better-sqlite3';
import { writeAudit } from '../store/audit-store.ts';
import {
  countEnabledStaffWithRole,
  deleteStaffSessionsOf,
  enabledStaffByEmail,
  insertStaffUser,
  setStaffDisabled,
  setStaffPasswordHash,
  staffAccountByEmail,
  staffEmailTaken,
  type StaffAccount,
  type StaffUser,
  type StaffUserWithHash,
} from '../store/staff-store.ts';
import { staffRoles, type StaffRole } from '../store/vocabulary.ts';
import { generatePassword, hashPassword } from './staff-password.ts';

export { staffRoles, type StaffRole };
export {
  countStaffUsers,
  listStaffAccounts,
  listStaffUsers,
  type StaffAccount,
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
  checkPassword(u.password);
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

export const MIN_PASSWORD_LENGTH = 10;

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new StaffAccountError('invalid', `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
}

/** Why an account change was refused: no such account, a rule (the last admin), or a bad value. */
export class StaffAccountError extends Error {
  constructor(
    readonly kind: 'not-found' | 'refused' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'StaffAccountError';
  }
}

function accountOf(db: Database, email: string): StaffAccount {
  const login = email.trim().toLowerCase();
  const a = staffAccountByEmail(db, login);
  if (!a) throw new StaffAccountError('not-found', `no staff account ${login}`);
  return a;
}

/**
 * Disables (`enabled` false) or enables an account, audited as `staff.disable` / `staff.enable` with the reason.
 * Disabling ends every session of the account at once; the last enabled admin cannot be disabled, so someone can
 * always manage accounts. Returns the account and whether anything changed.
 */
export function setStaffEnabled(
  db: Database,
  o: { email: string; enabled: boolean; actor: string; reason?: string | null; now: Date },
): { account: StaffAccount; changed: boolean; sessionsEnded: number } {
  return db.transaction(() => {
    const account = accountOf(db, o.email);
    if (!o.enabled && account.role === 'admin' && account.disabledAt === null)
      if (countEnabledStaffWithRole(db, 'admin') <= 1)
        throw new StaffAccountError('refused', `${account.email} is the last enabled admin`);
    const changed = setStaffDisabled(db, account.id, o.enabled ? null : o.now.toISOString());
    const sessionsEnded = o.enabled ? 0 : deleteStaffSessionsOf(db, account.id);
    if (changed)
      writeAudit(db, {
        actor: o.actor,
        action: o.enabled ? 'staff.enable' : 'staff.disable',
        target: account.email,
        detail: { reason: o.reason ?? null, sessionsEnded },
        now: o.now,
      });
    return {
      account: { ...account, disabledAt: o.enabled ? null : (account.disabledAt ?? o.now.toISOString()) },
      changed,
      sessionsEnded,
    };
  })();
}

/**
 * Sets a new password (the given one, or a generated one returned to show once), ends the account's sessions
 * (whoever held the old password is logged out) and audits `staff.reset`. Never stores or logs the password.
 */
export function resetStaffPassword(
  db: Database,
  o: { email: string; password?: string | null; actor: string; reason?: string | null; now: Date },
): { account: StaffAccount; password: string; generated: boolean; sessionsEnded: number } {
  const generated = !o.password;
  const password = o.password || generatePassword();
  checkPassword(password);
  const hash = hashPassword(password);
  return db.transaction(() => {
    const account = accountOf(db, o.email);
    setStaffPasswordHash(db, account.id, hash);
    const sessionsEnded = deleteStaffSessionsOf(db, account.id);
    writeAudit(db, {
      actor: o.actor,
      action: 'staff.reset',
      target: account.email,
      detail: { reason: o.reason ?? null, generated, sessionsEnded },
      now: o.now,
    });
    return { account, password, generated, sessionsEnded };
  })();
}
