import type { Database } from 'better-sqlite3';
import { writeAudit } from '../audit/write-audit.ts';
import { prepared } from '../db/prepared.ts';

/** A managed spam-trap entry: an address, or `@domain` for every address of a trap domain. */
export interface SpamTrap {
  address: string;
  note: string | null;
  source: 'config' | 'staff';
  createdBy: string;
  createdAt: string;
}

const TRAP = /^([^@\s]+@|@)[a-z0-9.-]+\.[a-z]{2,}$/;

/** Lower-cases and checks an entry; throws with the rule when it is neither an address nor @domain. */
export function normalizeTrap(entry: string): string {
  const t = entry.trim().toLowerCase();
  if (!TRAP.test(t)) throw new Error(`"${entry}" is neither an address nor @domain`);
  return t;
}

export function listTraps(db: Database): SpamTrap[] {
  return prepared(db, 'SELECT address, note, source, created_by AS createdBy, created_at AS createdAt FROM spam_traps ORDER BY address').all() as SpamTrap[];
}

/** Adds a trap (a known one keeps its source, and takes the new note if given); returns true when it was new. */
export function addTrap(db: Database, t: { address: string; note?: string | null; source: 'config' | 'staff'; createdBy: string; now: Date }): boolean {
  const address = normalizeTrap(t.address);
  if (prepared(db, 'SELECT 1 FROM spam_traps WHERE address = ?').get(address) !== undefined) {
    if (t.note) prepared(db, 'UPDATE spam_traps SET note = ? WHERE address = ?').run(t.note, address);
    return false;
  }
  prepared(db, 'INSERT INTO spam_traps (address, note, source, created_by, created_at) VALUES (?, ?, ?, ?, ?)').run(address, t.note ?? null, t.source, t.createdBy, t.now.toISOString());
  return true;
}

export function removeTrap(db: Database, address: string): boolean {
  return prepared(db, 'DELETE FROM spam_traps WHERE address = ?').run(address.trim().toLowerCase()).changes === 1;
}

/** A staff member adds a trap: the entry and its audit entry, in one transaction. Returns true when it was new. */
export function addTrapByStaff(db: Database, t: { address: string; note?: string | null; actor: string; now: Date }): boolean {
  return db.transaction(() => {
    const isNew = addTrap(db, { address: t.address, note: t.note ?? null, source: 'staff', createdBy: t.actor, now: t.now });
    writeAudit(db, { actor: t.actor, action: 'trap.add', target: normalizeTrap(t.address), detail: { note: t.note ?? null }, now: t.now });
    return isNew;
  })();
}

/**
 * A staff member removes a trap, audited. Entries from config are refused (they would come back at the next
 * start): the caller says so. Returns 'removed', 'unknown' or 'config'.
 */
export function removeTrapByStaff(db: Database, t: { address: string; actor: string; now: Date }): 'removed' | 'unknown' | 'config' {
  const address = t.address.trim().toLowerCase();
  const entry = listTraps(db).find((x) => x.address === address);
  if (!entry) return 'unknown';
  if (entry.source === 'config') return 'config';
  db.transaction(() => {
    removeTrap(db, address);
    writeAudit(db, { actor: t.actor, action: 'trap.remove', target: address, now: t.now });
  })();
  return 'removed';
}

/** Makes the config's trap list present (source config); config entries no longer listed are removed, staff entries kept. */
export function syncConfigTraps(db: Database, addresses: readonly string[], now: Date): void {
  const wanted = new Set(addresses.map(normalizeTrap));
  db.transaction(() => {
    for (const a of wanted) addTrap(db, { address: a, note: 'from config enforcement.trapAddresses', source: 'config', createdBy: 'config', now });
    for (const t of listTraps(db)) if (t.source === 'config' && !wanted.has(t.address)) removeTrap(db, t.address);
  })();
}

/** A lookup for the actions stage: an exact address or its domain listed as @domain. */
export function trapChecker(db: Database): (address: string) => boolean {
  const stmt = prepared(db, 'SELECT 1 FROM spam_traps WHERE address IN (?, ?)');
  return (address) => {
    const a = address.toLowerCase();
    return stmt.get(a, a.slice(a.lastIndexOf('@'))) !== undefined;
  };
}
