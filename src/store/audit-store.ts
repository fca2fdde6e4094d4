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
  const r = prepared(
    db,
    'INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)',
  ).run(
    (e.now ?? new Date()).toISOString(),
    e.actor,
    e.action,
    e.target ?? null,
    e.detail === undefined ? null : JSON.stringify(e.detail),
  );
  return Number(r.lastInsertRowid);
}

export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: unknown;
}

export interface ListAuditOptions {
  actor?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
  /** Only entries with id below this (cursor pagination, newest first). */
  before?: number | undefined;
  limit?: number;
}

export function listAudit(db: Database, o: ListAuditOptions = {}): AuditRecord[] {
  const rows = prepared(
    db,
    `SELECT id, at, actor, action, target, detail FROM audit_log
     WHERE (@actor IS NULL OR actor = @actor) AND (@action IS NULL OR action = @action) AND (@target IS NULL OR target = @target)
       AND (@before IS NULL OR id < @before)
     ORDER BY id DESC LIMIT @limit`,
  ).all({
    actor: o.actor ?? null,
    action: o.action ?? null,
    target: o.target ?? null,
    before: o.before ?? null,
    limit: o.limit ?? 100,
  }) as Array<Omit<AuditRecord, 'detail'> & { detail: string | null }>;
  return rows.map((r) => ({ ...r, detail: r.detail ? (JSON.parse(r.detail) as unknown) : null }));
}
