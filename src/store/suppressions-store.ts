import { prepared } from '../db/prepared.ts';
import type { Database } from 'better-sqlite3';

import type { SuppressionReason } from './vocabulary.ts';
import { domainPatternOf, storedSuppressionAddress } from './suppression-target.ts';

export { suppressionReasons, type SuppressionReason } from './vocabulary.ts';

export interface Suppression {
  id: number;
  address: string;
  client: string | null;
  reason: SuppressionReason;
  evidenceReportId: number | null;
  firstSeen: string;
  lastSeen: string;
  count: number;
  note: string | null;
  createdBy: string;
  /** One-click unsubscribes: ms from request received to suppression committed (null otherwise). */
  timeToSuppressionMs: number | null;
}

export interface SuppressInput {
  address: string;
  clientId: number | null;
  reason: SuppressionReason;
  reportId?: number | null;
  note?: string | null;
  createdBy?: string;
  now: Date;
}

/** Adds (or refreshes) a suppression; `created` is false when the address was already suppressed for that scope and reason. */
export function suppress(db: Database, s: SuppressInput): { id: number; created: boolean } {
  const address = storedSuppressionAddress(s.address);
  const at = s.now.toISOString();
  const existing = prepared(
    db,
    'SELECT id FROM suppressions WHERE address = ? AND coalesce(client_id, 0) = coalesce(?, 0) AND reason = ?',
  ).get(address, s.clientId, s.reason) as { id: number } | undefined;
  if (existing) {
    prepared(db, 'UPDATE suppressions SET last_seen = ?, count = count + 1 WHERE id = ?').run(
      at,
      existing.id,
    );
    return { id: existing.id, created: false };
  }
  const r = prepared(
    db,
    `INSERT INTO suppressions (address, client_id, reason, evidence_report_id, first_seen, last_seen, note, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(address, s.clientId, s.reason, s.reportId ?? null, at, at, s.note ?? null, s.createdBy ?? 'system');
  return { id: Number(r.lastInsertRowid), created: true };
}

const columns = `s.id, s.address, c.slug AS client, s.reason, s.evidence_report_id AS evidenceReportId, s.first_seen AS firstSeen,
  s.last_seen AS lastSeen, s.count, s.note, s.created_by AS createdBy,
  (SELECT min(u.time_to_suppression_ms) FROM unsubscribe_requests u WHERE u.suppression_id = s.id) AS timeToSuppressionMs`;

export interface ListSuppressionsOptions {
  address?: string | undefined;
  client?: string | undefined;
  reason?: string | undefined;
  limit?: number;
}

const listFrom = `FROM suppressions s LEFT JOIN clients c ON c.id = s.client_id
       WHERE (@address IS NULL OR s.address LIKE @address) AND (@client IS NULL OR c.slug = @client OR (@client = '*' AND s.client_id IS NULL))
         AND (@reason IS NULL OR s.reason = @reason)`;
const listSql = `SELECT ${columns} ${listFrom}
         AND (@afterSeen IS NULL OR s.last_seen < @afterSeen OR (s.last_seen = @afterSeen AND s.id < @afterId))
       ORDER BY s.last_seen DESC, s.id DESC LIMIT @limit`;

const listParams = (
  o: ListSuppressionsOptions,
  after: { lastSeen: string; id: number } | null = null,
): Record<string, string | number | null> => ({
  address: o.address ? o.address.toLowerCase().replace(/\*/g, '%') : null,
  client: o.client ?? null,
  reason: o.reason ?? null,
  afterSeen: after?.lastSeen ?? null,
  afterId: after?.id ?? null,
  limit: o.limit ?? 1000,
});

export function listSuppressions(db: Database, o: ListSuppressionsOptions = {}): Suppression[] {
  return prepared(db, listSql).all(listParams(o)) as Suppression[];
}

/**
 * The same list, most recent first, read one row at a time from the database: the rows after `after` (the last
 * row of the previous page), at most `limit` (null: every row).
 */
export function iterateSuppressions(
  db: Database,
  o: Omit<ListSuppressionsOptions, 'limit'> & {
    after?: { lastSeen: string; id: number } | null;
    limit: number | null;
  },
): IterableIterator<Suppression> {
  return prepared(db, listSql).iterate(
    listParams({ ...o, limit: o.limit ?? -1 }, o.after),
  ) as IterableIterator<Suppression>;
}

/** How many suppressions match the filters. */
export function countSuppressions(db: Database, o: Omit<ListSuppressionsOptions, 'limit'> = {}): number {
  return prepared(db, `SELECT count(*) ${listFrom}`).pluck().get(listParams(o)) as number;
}

/**
 * Is this address suppressed for this client (client scope or global)? The fast path the ESP checks before
 * sending: rows for the address itself and whole-domain rows (`@domain`) for its domain, both by index.
 */
export function isSuppressed(db: Database, address: string, clientId: number | null): Suppression[] {
  const a = address.trim().toLowerCase();
  return prepared(
    db,
    `SELECT ${columns} FROM suppressions s LEFT JOIN clients c ON c.id = s.client_id WHERE s.address IN (?, ?) AND (s.client_id IS NULL OR s.client_id = ?)`,
  ).all(a, domainPatternOf(a) ?? a, clientId) as Suppression[];
}

/** Removes suppressions of an address (one client, or every scope with `clientId` undefined); returns how many. */
export function removeSuppression(
  db: Database,
  address: string,
  clientId: number | null | undefined,
  reason?: string,
): number {
  return prepared(
    db,
    `DELETE FROM suppressions WHERE address = @address AND (@all = 1 OR coalesce(client_id, 0) = coalesce(@clientId, 0)) AND (@reason IS NULL OR reason = @reason)`,
  ).run({
    address: storedSuppressionAddress(address),
    all: clientId === undefined ? 1 : 0,
    clientId: clientId ?? null,
    reason: reason ?? null,
  }).changes;
}

/** Suppressions whose evidence is one of the given reports, oldest first. */
export function suppressionsByEvidence(db: Database, reportIds: readonly number[]): Suppression[] {
  if (reportIds.length === 0) return [];
  return prepared(
    db,
    `SELECT ${columns} FROM suppressions s LEFT JOIN clients c ON c.id = s.client_id WHERE s.evidence_report_id IN (SELECT value FROM json_each(?)) ORDER BY s.id`,
  ).all(JSON.stringify(reportIds)) as Suppression[];
}

/** One suppression's address, reason and client slug (null: global), or null when it does not exist. */
export function suppressionById(
  db: Database,
  id: number,
): { address: string; reason: SuppressionReason; client: string | null } | null {
  return (
    (prepared(
      db,
      'SELECT s.address, s.reason, c.slug AS client FROM suppressions s LEFT JOIN clients c ON c.id = s.client_id WHERE s.id = ?',
    ).get(id) as { address: string; reason: SuppressionReason; client: string | null } | undefined) ?? null
  );
}

export function deleteSuppression(db: Database, id: number): boolean {
  return prepared(db, 'DELETE FROM suppressions WHERE id = ?').run(id).changes === 1;
}

/** Whether the address (already normalized) is suppressed for exactly this client and reason. */
export function hasClientSuppression(
  db: Database,
  address: string,
  clientId: number,
  reason: SuppressionReason,
): boolean {
  return (
    prepared(db, 'SELECT 1 FROM suppressions WHERE address = ? AND client_id = ? AND reason = ?').get(
      address,
      clientId,
      reason,
    ) !== undefined
  );
}

export interface SuppressionExportRow {
  id: number;
  address: string;
  client: string | null;
  reason: SuppressionReason;
  firstSeen: string;
  lastSeen: string;
  count: number;
  evidenceReportId: number | null;
  createdBy: string;
  note: string | null;
}

/** Suppressions (of one client, when given) in id order after `afterId`, at most `limit`: one chunk of an export. */
export function suppressionsAfter(
  db: Database,
  o: { client: string | null; afterId: number; limit: number },
): SuppressionExportRow[] {
  return prepared(
    db,
    `SELECT s.id, s.address, c.slug AS client, s.reason, s.first_seen AS firstSeen, s.last_seen AS lastSeen, s.count,
       s.evidence_report_id AS evidenceReportId, s.created_by AS createdBy, s.note
     FROM suppressions s LEFT JOIN clients c ON c.id = s.client_id WHERE (@client IS NULL OR c.slug = @client) AND s.id > @after ORDER BY s.id LIMIT @limit`,
  ).all({ client: o.client, after: o.afterId, limit: o.limit }) as SuppressionExportRow[];
}
