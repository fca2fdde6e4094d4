import type { Database } from 'better-sqlite3';
import { writeAudit } from '../store/audit-store.ts';
import {
  deleteTrap,
  insertTrap,
  listTraps,
  setTrapNote,
  trapExists,
  trapListed,
  trapListUpTo,
} from '../store/traps-store.ts';
import type { StageContext } from '../worker/stage.ts';
import type { TrapSource } from '../store/vocabulary.ts';

export { listTraps, type SpamTrap } from '../store/traps-store.ts';

const TRAP = /^([^@\s]+@|@)[a-z0-9.-]+\.[a-z]{2,}$/;

/** Lower-cases and checks an entry; throws with the rule when it is neither an address nor @domain. */
export function normalizeTrap(entry: string): string {
  const t = entry.trim().toLowerCase();
  if (!TRAP.test(t)) throw new Error(`"${entry}" is neither an address nor @domain`);
  return t;
}

/** Adds a trap (a known one keeps its source, and takes the new note if given); returns true when it was new. */
export function addTrap(
  db: Database,
  t: { address: string; note?: string | null; source: TrapSource; createdBy: string; now: Date },
): boolean {
  const address = normalizeTrap(t.address);
  if (trapExists(db, address)) {
    if (t.note) setTrapNote(db, address, t.note);
    return false;
  }
  insertTrap(db, {
    address,
    note: t.note ?? null,
    source: t.source,
    createdBy: t.createdBy,
    at: t.now.toISOString(),
  });
  return true;
}

export function removeTrap(db: Database, address: string): boolean {
  return deleteTrap(db, address.trim().toLowerCase());
}

/** A staff member adds a trap: the entry and its audit entry, in one transaction. Returns true when it was new. */
export function addTrapByStaff(
  db: Database,
  t: { address: string; note?: string | null; actor: string; now: Date },
): boolean {
  return db.transaction(() => {
    const isNew = addTrap(db, {
      address: t.address,
      note: t.note ?? null,
      source: 'staff',
      createdBy: t.actor,
      now: t.now,
    });
    writeAudit(db, {
      actor: t.actor,
      action: 'trap.add',
      target: normalizeTrap(t.address),
      detail: { note: t.note ?? null },
      now: t.now,
    });
    return isNew;
  })();
}

/**
 * A staff member removes a trap, audited. Entries from config are refused (they would come back at the next
 * start): the caller says so. Returns 'removed', 'unknown' or 'config'.
 */
export function removeTrapByStaff(
  db: Database,
  t: { address: string; actor: string; now: Date },
): 'removed' | 'unknown' | 'config' {
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
    for (const a of wanted)
      addTrap(db, {
        address: a,
        note: 'from config enforcement.trapAddresses',
        source: 'config',
        createdBy: 'config',
        now,
      });
    for (const t of listTraps(db))
      if (t.source === 'config' && !wanted.has(t.address)) removeTrap(db, t.address);
  })();
}

/** A lookup: an exact address or its domain listed as @domain. */
export function trapChecker(db: Database): (address: string) => boolean {
  return listedBy((a, atDomain) => trapListed(db, a, atDomain));
}

/** Up to this many entries, a batch reads the whole trap list once; a longer list is asked address by address. */
const WHOLE_LIST_MAX = 1000;

/** trapChecker for a stage of the pipeline: the list is read once for the message's batch, on first use. */
export function batchTrapChecker(ctx: StageContext): (address: string) => boolean {
  return listedBy((a, atDomain) => {
    const list = ctx.batch.once('spam-traps', () => trapListUpTo(ctx.db, WHOLE_LIST_MAX));
    return list ? list.has(a) || list.has(atDomain) : trapListed(ctx.db, a, atDomain);
  });
}

const listedBy =
  (listed: (address: string, atDomain: string) => boolean) =>
  (address: string): boolean => {
    const a = address.toLowerCase();
    return listed(a, a.slice(a.lastIndexOf('@')));
  };
