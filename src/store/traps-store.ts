import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { TrapSource } from './vocabulary.ts';

/** A managed spam-trap entry: an address, or `@domain` for every address of a trap domain. */
export interface SpamTrap {
  address: string;
  note: string | null;
  source: TrapSource;
  createdBy: string;
  createdAt: string;
}

export function listTraps(db: Database): SpamTrap[] {
  return prepared(
    db,
    'SELECT address, note, source, created_by AS createdBy, created_at AS createdAt FROM spam_traps ORDER BY address',
  ).all() as SpamTrap[];
}

/** Entries after `after` (an address, exclusive) in address order, at most `limit` (null: all), streamed. */
export function iterateTraps(
  db: Database,
  o: { after?: string | null; limit: number | null },
): IterableIterator<SpamTrap> {
  return prepared(
    db,
    'SELECT address, note, source, created_by AS createdBy, created_at AS createdAt FROM spam_traps WHERE (@after IS NULL OR address > @after) ORDER BY address LIMIT @limit',
  ).iterate({ after: o.after ?? null, limit: o.limit ?? -1 }) as IterableIterator<SpamTrap>;
}

export function countTraps(db: Database): number {
  return prepared(db, 'SELECT count(*) FROM spam_traps').pluck().get() as number;
}

export function trapExists(db: Database, address: string): boolean {
  return prepared(db, 'SELECT 1 FROM spam_traps WHERE address = ?').get(address) !== undefined;
}

export function setTrapNote(db: Database, address: string, note: string): void {
  prepared(db, 'UPDATE spam_traps SET note = ? WHERE address = ?').run(note, address);
}

export function insertTrap(
  db: Database,
  t: { address: string; note: string | null; source: TrapSource; createdBy: string; at: string },
): void {
  prepared(
    db,
    'INSERT INTO spam_traps (address, note, source, created_by, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run(t.address, t.note, t.source, t.createdBy, t.at);
}

/** Deletes an entry (already normalized); true when there was one. */
export function deleteTrap(db: Database, address: string): boolean {
  return prepared(db, 'DELETE FROM spam_traps WHERE address = ?').run(address).changes === 1;
}

/** The whole list (addresses and `@domain`s) when it has at most `max` entries, else null (ask trapListed). */
export function trapListUpTo(db: Database, max: number): Set<string> | null {
  const rows = prepared(db, 'SELECT address FROM spam_traps LIMIT ?')
    .pluck()
    .all(max + 1) as string[];
  return rows.length > max ? null : new Set(rows);
}

/** Whether the address or its `@domain` is listed (both lower case). */
export function trapListed(db: Database, address: string, atDomain: string): boolean {
  return (
    prepared(db, 'SELECT 1 FROM spam_traps WHERE address IN (?, ?)').get(address, atDomain) !== undefined
  );
}
