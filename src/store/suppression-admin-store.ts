import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { Suppression } from './suppressions-store.ts';

// What the staff suppressions page reads besides the plain list: a search with a date range that also names
// each row's evidence ticket, and the removal history kept in the audit log.

export interface SuppressionSearch {
  /** Part of the address (case-insensitive); `*` is a wildcard. */
  address?: string | undefined;
  /** A client slug, or `*` for global suppressions only. */
  client?: string | undefined;
  reason?: string | undefined;
  /** First seen at or after this instant (ISO). */
  since?: string | undefined;
  /** First seen before this instant (ISO). */
  until?: string | undefined;
  limit: number;
}

/** A suppression as the staff list shows it (erased rows: show `addressHash`, the address is gone). */
export interface SuppressionRow extends Omit<Suppression, 'evidence' | 'timeToSuppressionMs'> {
  /** The ticket the evidence report is on, when it has one. */
  ticketId: string | null;
}

const rowColumns = `s.id, s.address, s.address_hash AS addressHash, c.slug AS client, s.reason, s.stream, s.evidence_report_id AS evidenceReportId, r.ticket_id AS ticketId,
  s.first_seen AS firstSeen, s.last_seen AS lastSeen, s.expires_at AS expiresAt, s.count, s.note, s.created_by AS createdBy`;

const searchWhere = `FROM suppressions s LEFT JOIN clients c ON c.id = s.client_id LEFT JOIN reports r ON r.id = s.evidence_report_id
  WHERE (@address IS NULL OR s.address LIKE @address ESCAPE '\\')
    AND (@client IS NULL OR c.slug = @client OR (@client = '*' AND s.client_id IS NULL))
    AND (@reason IS NULL OR s.reason = @reason)
    AND (@from IS NULL OR s.first_seen >= @from) AND (@to IS NULL OR s.first_seen < @to)`;

const searchParams = (o: Omit<SuppressionSearch, 'limit'>): Record<string, string | null> => {
  const a = o.address?.trim().toLowerCase();
  return {
    address: a ? `%${a.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%')}%` : null,
    client: o.client || null,
    reason: o.reason || null,
    from: o.since || null,
    to: o.until || null,
  };
};

/** Suppressions matching the filters, most recently seen first, with the ticket of each one's evidence. */
export function searchSuppressions(db: Database, o: SuppressionSearch): SuppressionRow[] {
  return prepared(
    db,
    `SELECT ${rowColumns} ${searchWhere} ORDER BY s.last_seen DESC, s.id DESC LIMIT @limit`,
  ).all({ ...searchParams(o), limit: o.limit }) as SuppressionRow[];
}

/** One suppression as the list shows it (note, who, since, evidence ticket), for its removal page; null if gone. */
export function suppressionRowById(db: Database, id: number): SuppressionRow | null {
  return (
    (prepared(
      db,
      `SELECT ${rowColumns}
       FROM suppressions s LEFT JOIN clients c ON c.id = s.client_id LEFT JOIN reports r ON r.id = s.evidence_report_id WHERE s.id = ?`,
    ).get(id) as SuppressionRow | undefined) ?? null
  );
}

/** How many suppressions match the filters. */
export function countSearchSuppressions(db: Database, o: Omit<SuppressionSearch, 'limit'>): number {
  return prepared(db, `SELECT count(*) ${searchWhere}`).pluck().get(searchParams(o)) as number;
}

/** One removal as the audit log recorded it (`suppression.remove`: from this page, a ticket page or the API). */
export interface SuppressionRemoval {
  id: number;
  at: string;
  actor: string;
  address: string;
  detail: {
    client?: string | null;
    reason?: string | null;
    /** Staff's reason for the removal (UI removals; older entries may lack it). */
    why?: string | null;
    ticket?: string | null;
    removed?: number;
  } | null;
}

/** Removals, newest first; `before` is the audit id of the last row of the previous page. */
export function suppressionRemovals(
  db: Database,
  o: { address?: string | undefined; before?: number | undefined; limit: number },
): SuppressionRemoval[] {
  const a = o.address?.trim().toLowerCase();
  const rows = prepared(
    db,
    `SELECT id, at, actor, target AS address, detail FROM audit_log
     WHERE action = 'suppression.remove' AND (@address IS NULL OR target LIKE @address ESCAPE '\\') AND (@before IS NULL OR id < @before)
     ORDER BY id DESC LIMIT @limit`,
  ).all({
    address: a ? `%${a.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null,
    before: o.before ?? null,
    limit: o.limit,
  }) as Array<Omit<SuppressionRemoval, 'detail'> & { detail: string | null }>;
  return rows.map((r) => ({
    ...r,
    detail: r.detail ? (JSON.parse(r.detail) as SuppressionRemoval['detail']) : null,
  }));
}
