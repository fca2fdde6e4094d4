import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

export interface AuditEntry {
  /** Who: `token:<name>`, `user:<login>`, `cli:<user>`. */
  actor: string;
  /** What, as `noun.verb`: ticket.status, suppression.add, client.suspend, token.create… */
  action: string;
  /** What it acted on: a ticket id, an address, a client slug (null when nothing in particular). */
  target?: string | null;
  detail?: unknown;
  now?: Date;
}

/** Records one staff action. Call it inside the same transaction as the change it describes. */
export function writeAudit(db: Database, e: AuditEntry): number {
  const r = prepared(db, 'INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)').run(
    (e.now ?? new Date()).toISOString(),
    e.actor,
    e.action,
    e.target ?? null,
    e.detail === undefined ? null : JSON.stringify(e.detail),
  );
  return Number(r.lastInsertRowid);
}
