import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { AuditRecord } from './audit-store.ts';

export interface AuditSearch {
  /** Part of the actor (`user:jane@…`, `cli:root`, `token:3`). */
  actor?: string | undefined;
  /** An action (`suppression.remove`) or a family (`suppression`: every `suppression.*`). */
  action?: string | undefined;
  /** Part of the target (an address, a ticket id, a client slug). */
  target?: string | undefined;
  /** On or after this instant (ISO). */
  since?: string | undefined;
  /** Before this instant (ISO). */
  until?: string | undefined;
  /** Only entries with an id below this: the cursor of the next page (newest first). */
  before?: number | undefined;
  limit: number;
}

const like = (s: string | undefined): string | null => {
  const t = s?.trim();
  return t ? `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
};

/** The audit log filtered for the admin page, newest first. */
export function searchAudit(db: Database, o: AuditSearch): AuditRecord[] {
  const action = o.action?.trim() || null;
  const rows = prepared(
    db,
    `SELECT id, at, actor, action, target, detail FROM audit_log
     WHERE (@actor IS NULL OR actor LIKE @actor ESCAPE '\\')
       AND (@action IS NULL OR action = @action OR action LIKE @action || '.%')
       AND (@target IS NULL OR target LIKE @target ESCAPE '\\')
       AND (@since IS NULL OR at >= @since) AND (@until IS NULL OR at < @until)
       AND (@before IS NULL OR id < @before)
     ORDER BY id DESC LIMIT @limit`,
  ).all({
    actor: like(o.actor),
    action,
    target: like(o.target),
    since: o.since ?? null,
    until: o.until ?? null,
    before: o.before ?? null,
    limit: o.limit,
  }) as Array<Omit<AuditRecord, 'detail'> & { detail: string | null }>;
  return rows.map((r) => ({ ...r, detail: r.detail ? (JSON.parse(r.detail) as unknown) : null }));
}

/** Every action name the log holds, for the filter's suggestions. */
export function auditActions(db: Database): string[] {
  return prepared(db, 'SELECT DISTINCT action FROM audit_log ORDER BY action').pluck().all() as string[];
}
