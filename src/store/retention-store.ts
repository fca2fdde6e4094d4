import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import { isPostgres } from '../db/postgres/pg-database.ts';

/** The data types retention purges, in the order a purge takes them. Suppressions are never among them. */
export const retentionTypes = [
  'raw-messages',
  'reports',
  'resolved-tickets',
  'audit-log',
  'outbox',
  'sessions',
  'login-failures',
  'nodes',
] as const;
export type RetentionType = (typeof retentionTypes)[number];

/** What one batch needs besides the cutoff: the clock, and the retention in days (for the ticket's purge note). */
export interface PurgeBatchContext {
  /** Rows older than this (ISO 8601) go; for login failures, windows ended before it. */
  cutoff: string;
  now: Date;
  days: number;
  limit: number;
  /**
   * Raw messages: the last message id the previous batch of this purge took, moved on by each batch. A batch
   * starts after it instead of walking again past every message purged before: PostgreSQL, its statistics not
   * yet caught up with a bulk of new messages, walks the messages side first, and each batch took longer than
   * the one before (100k messages: 24 ms → 137 ms a batch).
   */
  position?: { after: number };
}

const ids = (rows: unknown[]): string => JSON.stringify(rows);

/**
 * Raw bytes of processed messages received before the cutoff. The message row stays with a purge marker, and the
 * ticket of each message's report records the purge (an event that does not bump the ticket in the inbox).
 */
function purgeRawMessages(db: Database, c: PurgeBatchContext): number {
  const batch = prepared(
    db,
    // CROSS JOIN keeps message_raw the outer loop: purged messages have no raw row, so each batch starts at the
    // oldest unpurged message instead of walking every purged one again.
    `SELECT r.message_id FROM message_raw r CROSS JOIN messages m ON m.id = r.message_id
     WHERE r.message_id > @after AND m.id > @after AND m.state = 'done' AND m.received_at < @cutoff
     ORDER BY r.message_id LIMIT @limit`,
  )
    .pluck()
    .all({ after: c.position?.after ?? 0, cutoff: c.cutoff, limit: c.limit }) as number[];
  if (batch.length === 0) return 0;
  const list = ids(batch);
  const at = c.now.toISOString();
  prepared(db, 'DELETE FROM message_raw WHERE message_id IN (SELECT value FROM json_each(?))').run(list);
  prepared(
    db,
    `UPDATE messages SET raw_purged_at = ?, raw_purge_reason = 'retention' WHERE id IN (SELECT value FROM json_each(?))`,
  ).run(at, list);
  prepared(
    db,
    `INSERT INTO ticket_events (ticket_id, at, type, actor, text, data, report_id)
     SELECT rp.ticket_id, @at, 'action', 'system:retention',
       'raw message of report #' || rp.id || ' purged on ' || @day || ' (retention ' || CAST(@days AS INTEGER) || ' d)',
       json_object('purged', 'raw-messages', 'messageId', rp.message_id, 'retentionDays', CAST(@days AS INTEGER)), rp.id
     FROM reports rp JOIN tickets t ON t.id = rp.ticket_id
     WHERE rp.message_id IN (SELECT value FROM json_each(@list))`,
  ).run({ at, day: at.slice(0, 10), days: c.days, list });
  if (c.position) c.position.after = batch[batch.length - 1]!;
  return batch.length;
}

/**
 * Parsed detail of reports created before the cutoff: the addresses, the original's headers, identifiers and
 * decision targets go; kind, reason, client, campaign, trust and time stay (rates and history still count them).
 * The message's stage trail and header summary go with it.
 */
function purgeReports(db: Database, c: PurgeBatchContext): number {
  const batch = prepared(
    db,
    'SELECT id FROM reports WHERE purged_at IS NULL AND created_at < ? ORDER BY created_at, id LIMIT ?',
  )
    .pluck()
    .all(c.cutoff, c.limit) as number[];
  if (batch.length === 0) return 0;
  const list = ids(batch);
  prepared(db, isPostgres(db) ? purgeReportsPostgres : purgeReportsSqlite).run({
    at: c.now.toISOString(),
    list,
  });
  prepared(
    db,
    `UPDATE messages SET stages = NULL, headers = NULL
     WHERE id IN (SELECT message_id FROM reports WHERE id IN (SELECT value FROM json_each(?)))`,
  ).run(list);
  return batch.length;
}

const purgeReportsSqlite = `UPDATE reports SET purged_at = @at, reporter = NULL, complainants = '[]', original_message_id = NULL,
       parsed = json_set(parsed, '$.reporter', NULL, '$.complainants', json('[]'), '$.redactedComplainants', json('[]'),
         '$.bounces', json('[]'), '$.original', NULL, '$.sourceIp', NULL, '$.userAgent', NULL,
         '$.identifiers', json_object('traceToken', NULL, 'feedbackId', NULL, 'cfblFeedbackId', NULL, 'verp', NULL,
           'listUnsubscribe', json('[]'), 'headers', json('{}')),
         '$.purged', @at),
       attribution = CASE WHEN json_valid(attribution) THEN json_set(attribution, '$.hits', json('[]')) ELSE attribution END,
       decisions = CASE WHEN json_valid(decisions) AND json_type(decisions) = 'array'
         THEN (SELECT json_group_array(CASE WHEN j.type = 'object' THEN json_set(j.value, '$.target', NULL) ELSE j.value END)
               FROM json_each(reports.decisions) j)
         ELSE decisions END
     WHERE id IN (SELECT value FROM json_each(@list))`;

/**
 * The same on PostgreSQL, which has no json_set: the top-level keys are replaced with jsonb's `||` (the JSON
 * columns are text, so cast to jsonb and back). CASE rather than AND guards the casts: PostgreSQL does not
 * promise to test json_valid first.
 */
const purgeReportsPostgres = `UPDATE reports SET purged_at = @at, reporter = NULL, complainants = '[]', original_message_id = NULL,
       parsed = (parsed::jsonb || jsonb_build_object('reporter', NULL, 'complainants', '[]'::jsonb,
         'redactedComplainants', '[]'::jsonb, 'bounces', '[]'::jsonb, 'original', NULL, 'sourceIp', NULL, 'userAgent', NULL,
         'identifiers', jsonb_build_object('traceToken', NULL, 'feedbackId', NULL, 'cfblFeedbackId', NULL, 'verp', NULL,
           'listUnsubscribe', '[]'::jsonb, 'headers', '{}'::jsonb),
         'purged', CAST(@at AS TEXT)))::text,
       attribution = CASE WHEN NOT json_valid(attribution) THEN attribution
         WHEN jsonb_typeof(attribution::jsonb) = 'object' THEN (attribution::jsonb || '{"hits": []}'::jsonb)::text
         ELSE attribution END,
       decisions = CASE WHEN NOT json_valid(decisions) THEN decisions
         WHEN jsonb_typeof(decisions::jsonb) = 'array'
         THEN (SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(j.e) = 'object' THEN j.e || '{"target": null}'::jsonb
                 ELSE j.e END ORDER BY j.n), '[]'::jsonb)::text
               FROM jsonb_array_elements(reports.decisions::jsonb) WITH ORDINALITY AS j(e, n))
         ELSE decisions END
     WHERE id IN (SELECT value FROM json_each(@list))`;

const deleteBatch: Record<
  Exclude<RetentionType, 'raw-messages' | 'reports'>,
  (db: Database, c: PurgeBatchContext) => number
> = {
  'resolved-tickets': (db, c) =>
    prepared(
      db,
      `DELETE FROM tickets WHERE id IN (SELECT id FROM tickets WHERE status = 'resolved' AND resolved_at < ? LIMIT ?)`,
    ).run(c.cutoff, c.limit).changes,
  'audit-log': (db, c) =>
    prepared(db, 'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? LIMIT ?)').run(
      c.cutoff,
      c.limit,
    ).changes,
  outbox: (db, c) =>
    prepared(
      db,
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE state IN ('sent', 'failed') AND created_at < ? LIMIT ?)`,
    ).run(c.cutoff, c.limit).changes,
  sessions: (db, c) =>
    prepared(
      db,
      'DELETE FROM staff_sessions WHERE id IN (SELECT id FROM staff_sessions WHERE expires_at < ? LIMIT ?)',
    ).run(c.cutoff, c.limit).changes,
  'login-failures': (db, c) =>
    prepared(
      db,
      'DELETE FROM login_failures WHERE key IN (SELECT key FROM login_failures WHERE reset_at < ? LIMIT ?)',
    ).run(Date.parse(c.cutoff), c.limit).changes,
  nodes: purgeGoneNodes,
};

/**
 * Nodes whose last report is older than the cutoff leave the node list, and any message claim still in their name
 * is let go (long expired by then: other nodes could take the message anyway). A node still running reports
 * itself every third of cluster.leaseMs, far inside the shortest retention (a day).
 */
function purgeGoneNodes(db: Database, c: PurgeBatchContext): number {
  const gone = prepared(db, 'SELECT id FROM cluster_nodes WHERE seen_at < ? ORDER BY seen_at, id LIMIT ?')
    .pluck()
    .all(c.cutoff, c.limit) as string[];
  if (gone.length === 0) return 0;
  const list = ids(gone);
  prepared(
    db,
    `UPDATE messages SET claimed_by = NULL, claim_expires_at = NULL
     WHERE claimed_by IN (SELECT value FROM json_each(?))`,
  ).run(list);
  return prepared(db, 'DELETE FROM cluster_nodes WHERE id IN (SELECT value FROM json_each(?))').run(list)
    .changes;
}

/** Removes up to `limit` rows of one type past the cutoff, in one transaction; returns how many. */
export function purgeBatch(db: Database, type: RetentionType, c: PurgeBatchContext): number {
  return db
    .transaction(() => {
      const n =
        type === 'raw-messages'
          ? purgeRawMessages(db, c)
          : type === 'reports'
            ? purgeReports(db, c)
            : deleteBatch[type](db, c);
      if (n > 0)
        prepared(
          db,
          `INSERT INTO retention_totals (type, purged, last_run_at) VALUES (?, ?, ?)
         ON CONFLICT (type) DO UPDATE SET purged = purged + excluded.purged, last_run_at = excluded.last_run_at`,
        ).run(type, n, c.now.toISOString());
      return n;
      // IMMEDIATE: take the write lock first (waiting for intake's writer), never upgrade a read mid-way (SQLITE_BUSY_SNAPSHOT).
    })
    .immediate();
}

const countSql: Record<RetentionType, string> = {
  'raw-messages': `SELECT count(*) FROM message_raw r JOIN messages m ON m.id = r.message_id WHERE m.state = 'done' AND m.received_at < ?`,
  reports: 'SELECT count(*) FROM reports WHERE purged_at IS NULL AND created_at < ?',
  'resolved-tickets': `SELECT count(*) FROM tickets WHERE status = 'resolved' AND resolved_at < ?`,
  'audit-log': 'SELECT count(*) FROM audit_log WHERE at < ?',
  outbox: `SELECT count(*) FROM outbox WHERE state IN ('sent', 'failed') AND created_at < ?`,
  sessions: 'SELECT count(*) FROM staff_sessions WHERE expires_at < ?',
  'login-failures': 'SELECT count(*) FROM login_failures WHERE reset_at < ?',
  nodes: 'SELECT count(*) FROM cluster_nodes WHERE seen_at < ?',
};

/** How many rows of one type a purge with this cutoff would remove (the dry run). */
export function countPurgeable(db: Database, type: RetentionType, cutoff: string): number {
  return prepared(db, countSql[type])
    .pluck()
    .get(type === 'login-failures' ? Date.parse(cutoff) : cutoff) as number;
}

/** Rows removed by retention per type, all time (for the metrics). */
export function retentionTotals(db: Database): Array<{ type: RetentionType; purged: number }> {
  return prepared(db, 'SELECT type, purged FROM retention_totals ORDER BY type').all() as Array<{
    type: RetentionType;
    purged: number;
  }>;
}
