import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';

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
  ).all({ actor: o.actor ?? null, action: o.action ?? null, target: o.target ?? null, before: o.before ?? null, limit: o.limit ?? 100 }) as Array<Omit<AuditRecord, 'detail'> & { detail: string | null }>;
  return rows.map((r) => ({ ...r, detail: r.detail ? (JSON.parse(r.detail) as unknown) : null }));
}
