import type { Database } from 'better-sqlite3';
import { isPostgres } from '../db/postgres/pg-database.ts';
import { prepared } from '../db/prepared.ts';
import type { SuppressionChangeKind, SuppressionReason } from './vocabulary.ts';

export { suppressionChangeKinds, type SuppressionChangeKind } from './vocabulary.ts';

/** One entry of the suppression change log: what the sync API pages through and the webhook relay sends. */
export interface SuppressionChange {
  /** Position in the log (ascending, never reused). */
  id: number;
  change: SuppressionChangeKind;
  suppressionId: number;
  /** The address or `@domain` pattern; null once the address is erased (then `hash` is set). */
  address: string | null;
  hash: string | null;
  client: string | null;
  stream: string | null;
  reason: SuppressionReason;
  why: string | null;
  actor: string;
  at: string;
}

export interface SuppressionChangeInput {
  change: SuppressionChangeKind;
  /**
   * The suppression's id, or `inserted`: the row this connection's previous statement inserted into suppressions
   * (its id is then never read back, which on PostgreSQL would cost a round trip of its own).
   */
  suppressionId: number | 'inserted';
  address: string | null;
  hash?: string | null;
  clientId: number | null;
  stream: string | null;
  reason: SuppressionReason;
  why?: string | null;
  actor: string;
  at: string;
  /** The same transaction queues the webhook events that announce it: the relay must not send it again. */
  webhookQueued?: boolean;
}

/**
 * Appends one change; call it in the transaction that makes the change. Nothing reads its id back: on
 * PostgreSQL the insert then travels with the transaction's next statement instead of costing a round trip.
 */
export function recordSuppressionChange(db: Database, c: SuppressionChangeInput): void {
  const inserted = c.suppressionId === 'inserted';
  // SQLite: the connection's last inserted rowid (a trigger's inserts do not change it once the statement ends);
  // PostgreSQL: the session's last value of the suppressions' identity sequence.
  const id = !inserted
    ? '@suppressionId'
    : isPostgres(db)
      ? `currval(pg_get_serial_sequence('suppressions', 'id'))`
      : 'last_insert_rowid()';
  prepared(
    db,
    `INSERT INTO suppression_changes (change, suppression_id, address, address_hash, client, stream, reason, why, actor, at, webhook_queued)
     VALUES (@change, ${id}, @address, @hash, (SELECT slug FROM clients WHERE id = @clientId), @stream, @reason, @why, @actor, @at, @webhookQueued)`,
  ).run({
    change: c.change,
    ...(inserted ? {} : { suppressionId: c.suppressionId }),
    address: c.address,
    hash: c.hash ?? null,
    clientId: c.clientId,
    stream: c.stream,
    reason: c.reason,
    why: c.why ?? null,
    actor: c.actor,
    at: c.at,
    webhookQueued: c.webhookQueued ? 1 : 0,
  });
}

const changeColumns = `id, change, suppression_id AS suppressionId, address, address_hash AS hash, client, stream, reason,
  why, actor, at`;

/** The changes after `afterId` in log order, at most `limit`, optionally of one client (and the global ones). */
export function suppressionChangesSince(
  db: Database,
  o: { afterId: number; limit: number; client?: string | null },
): SuppressionChange[] {
  if (o.client)
    return prepared(
      db,
      `SELECT ${changeColumns} FROM suppression_changes WHERE id > ? AND (client = ? OR client IS NULL) ORDER BY id LIMIT ?`,
    ).all(o.afterId, o.client, o.limit) as SuppressionChange[];
  return prepared(
    db,
    `SELECT ${changeColumns} FROM suppression_changes WHERE id > ? ORDER BY id LIMIT ?`,
  ).all(o.afterId, o.limit) as SuppressionChange[];
}

/**
 * One change of a sync page: its log id (the cursor) and the rest of the change as a JSON object text
 * (`change, id, address | hash, client, stream, reason, at`), written by SQLite: a mirror pages through millions
 * of rows, and building each object in JS only to stringify it again costs several times the query.
 */
export type SyncChangeRow = [id: number, json: string];

const syncJson = (fields: string): string =>
  `json_object('change', change, 'id', suppression_id, ${fields}, 'client', client, 'stream', stream, 'reason', reason, 'at', at)`;
// An erased entry carries the hash and never an address key (the change log holds no address for it either).
const syncColumns = `id, CASE WHEN address_hash IS NULL THEN ${syncJson("'address', address")}
  ELSE ${syncJson("'hash', address_hash")} END`;
const syncAllSql = `SELECT ${syncColumns} FROM suppression_changes WHERE id > ? ORDER BY id LIMIT ?`;
const syncClientSql = `SELECT ${syncColumns} FROM suppression_changes WHERE id > ? AND (client = ? OR client IS NULL) ORDER BY id LIMIT ?`;

/** The sync API's page: the changes after `afterId` in log order, at most `limit`, optionally of one client (and the global ones). */
export function syncChangesSince(
  db: Database,
  o: { afterId: number; limit: number; client?: string | null },
): SyncChangeRow[] {
  // Statements of their own (raw mode is a property of the prepared statement, shared through the cache).
  if (o.client)
    return prepared(db, syncClientSql).raw(true).all(o.afterId, o.client, o.limit) as SyncChangeRow[];
  return prepared(db, syncAllSql).raw(true).all(o.afterId, o.limit) as SyncChangeRow[];
}

/** The newest change id (0 for an empty log): a cursor that starts a mirror at "now". */
export function lastSuppressionChangeId(db: Database): number {
  return (prepared(db, 'SELECT coalesce(max(id), 0) FROM suppression_changes').pluck().get() as number) ?? 0;
}

/** Changes not yet turned into webhook events, oldest first, with the client id their event goes to. */
export function changesAwaitingWebhook(
  db: Database,
  limit: number,
): Array<SuppressionChange & { clientId: number | null }> {
  return prepared(
    db,
    `SELECT sc.id, sc.change, sc.suppression_id AS suppressionId, sc.address, sc.address_hash AS hash, sc.client,
            sc.stream, sc.reason, sc.why, sc.actor, sc.at, c.id AS clientId
       FROM suppression_changes sc LEFT JOIN clients c ON c.slug = sc.client
      WHERE sc.webhook_queued = 0 ORDER BY sc.id LIMIT ?`,
  ).all(limit) as Array<SuppressionChange & { clientId: number | null }>;
}

export function markChangeWebhookQueued(db: Database, id: number): void {
  prepared(db, 'UPDATE suppression_changes SET webhook_queued = 1 WHERE id = ?').run(id);
}

/** Erasure: earlier log entries of the address keep only its hash (the log must not hold it either). */
export function scrubChangeAddress(db: Database, address: string, hash: string): number {
  return prepared(
    db,
    'UPDATE suppression_changes SET address = NULL, address_hash = ? WHERE address = ?',
  ).run(hash, address).changes;
}

/**
 * Additions after `afterId` (oldest first, at most `limit`) with the arrival time of the report that caused each
 * (messages.received_at; null for additions without a report, or whose row is gone): for the metrics.
 */
export function suppressionAdditionsAfter(
  db: Database,
  afterId: number,
  limit: number,
): Array<{
  id: number;
  reason: string;
  scope: 'client' | 'global' | 'stream';
  at: string;
  receivedAt: string | null;
}> {
  return prepared(
    db,
    `SELECT sc.id, sc.reason, CASE WHEN sc.client IS NULL THEN 'global' WHEN sc.stream IS NULL THEN 'client' ELSE 'stream' END AS scope,
            sc.at, m.received_at AS receivedAt
       FROM suppression_changes sc
       LEFT JOIN suppressions s ON s.id = sc.suppression_id
       LEFT JOIN reports r ON r.id = s.evidence_report_id
       LEFT JOIN messages m ON m.id = r.message_id
      WHERE sc.id > ? AND sc.change = 'added' ORDER BY sc.id LIMIT ?`,
  ).all(afterId, limit) as Array<{
    id: number;
    reason: string;
    scope: 'client' | 'global' | 'stream';
    at: string;
    receivedAt: string | null;
  }>;
}
