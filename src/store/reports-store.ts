import { prepared } from '../db/prepared.ts';
import { isPostgres } from '../db/postgres/pg-database.ts';
import type { Database } from 'better-sqlite3';
import type { ParsedReport } from '../report/parsed-report.ts';
import type { Attribution } from '../attribute/attribution.ts';
import type { Decision } from '../decisions/decision.ts';
import { reportKinds } from './vocabulary.ts';

/** A complaint report: FBL (not `not-spam`) or a human complaint; SQL over `reports r`. */
export const COMPLAINT_REPORT = `r.kind IN ('fbl', 'complaint') AND coalesce(r.feedback_type, '') <> 'not-spam'`;

export interface StoredReport {
  id: number;
  messageId: number;
  kind: ParsedReport['kind'];
  reason: string;
  trusted: boolean;
  createdAt: string;
  parsed: ParsedReport;
}

/** A message's report row ahead of its write: its id, and whether an earlier run acted on it. */
export interface ReportSlot {
  id: number;
  actedBefore: boolean;
}

/**
 * The report rows the given messages will have, read for a batch in one statement: on PostgreSQL, for each
 * message, its report's id (a message processed again) or an id taken from the table's sequence now, so that
 * storing the report needs no answer from the server: its row is written whole when the message's stages are done
 * (see storeReport), a write the pipeline does not wait for. On SQLite none: an answer costs no round trip there,
 * and the insert assigns the id.
 */
export function reportSlots(db: Database, messageIds: readonly number[]): Map<number, ReportSlot> {
  if (!isPostgres(db) || messageIds.length === 0) return new Map();
  const rows = prepared(
    db,
    // Ids taken in the order the messages are given (the order they are processed in), so that reports' ids
    // follow their messages as when each insert took the next.
    `SELECT message_id AS "messageId",
        CASE WHEN id IS NULL THEN nextval(pg_get_serial_sequence('reports', 'id')) ELSE id END AS id,
        CASE WHEN decisions IS NULL THEN 0 ELSE 1 END AS acted
      FROM (SELECT a.message_id, r.id, r.decisions
              FROM unnest(sqlite_list(?)::bigint[]) WITH ORDINALITY AS a (message_id, n)
              LEFT JOIN reports r ON r.message_id = a.message_id
             ORDER BY a.n OFFSET 0) ordered`,
  ).all(JSON.stringify(messageIds)) as Array<{ messageId: number; id: number; acted: number }>;
  return new Map(rows.map((r) => [r.messageId, { id: r.id, actedBefore: r.acted === 1 }]));
}

const reportColumns = `message_id, kind, reason, feedback_type, provider, trusted, reporter, complainants, redacted,
  original_message_id, parsed, created_at`;
const reportValues = `@messageId, @kind, @reason, @feedbackType, @provider, @trusted, @reporter, @complainants,
  @redacted, @originalMessageId, @parsed, @createdAt`;
const replaceReport = `ON CONFLICT (message_id) DO UPDATE SET kind = excluded.kind, reason = excluded.reason,
  feedback_type = excluded.feedback_type, provider = excluded.provider, trusted = excluded.trusted,
  reporter = excluded.reporter, complainants = excluded.complainants, redacted = excluded.redacted,
  original_message_id = excluded.original_message_id, parsed = excluded.parsed`;

/** A report row not written yet, under its slot's id: written once, with its outcome (writeReportOutcome). */
export interface UnwrittenReport {
  id: number;
  values: Record<string, unknown>;
}

/**
 * Records (or, when a message is processed again, replaces) the report of a message: its id, and whether its
 * decisions were already stored (it was acted on, and this run of the message must repeat nothing). The replaced
 * row keeps its decisions, so one statement answers both. Given the message's `slot` (reportSlots), nothing is
 * written yet: the row is `unwritten`, for writeReportOutcome to write whole once the outcome is known (one
 * statement instead of an insert then an update of a row with many indexes; the rows that name the report meanwhile
 * have their keys to it checked at COMMIT).
 */
export function storeReport(
  db: Database,
  messageId: number,
  report: ParsedReport,
  now: Date,
  slot?: ReportSlot,
): { id: number; actedBefore: boolean; unwritten?: UnwrittenReport } {
  const values = {
    messageId,
    kind: report.kind,
    reason: report.reason,
    feedbackType: report.feedbackType,
    provider: report.provider,
    trusted: report.auth?.trusted ? 1 : 0,
    reporter: report.reporter,
    complainants: JSON.stringify(report.complainants),
    redacted: report.redacted ? 1 : 0,
    originalMessageId: report.original?.messageId ?? null,
    parsed: JSON.stringify(report),
    createdAt: now.toISOString(),
  };
  if (slot) return { id: slot.id, actedBefore: slot.actedBefore, unwritten: { id: slot.id, values } };
  const row = prepared(
    db,
    `INSERT INTO reports (${reportColumns}) VALUES (${reportValues}) ${replaceReport}
       RETURNING id, CASE WHEN decisions IS NULL THEN 0 ELSE 1 END AS acted`,
  ).get(values) as { id: number; acted: number };
  return { id: row.id, actedBefore: row.acted === 1 };
}

export function reportForMessage(db: Database, messageId: number): StoredReport | null {
  const r = prepared(
    db,
    'SELECT id, message_id, kind, reason, trusted, created_at, parsed FROM reports WHERE message_id = ?',
  ).get(messageId) as
    | {
        id: number;
        message_id: number;
        kind: ParsedReport['kind'];
        reason: string;
        trusted: number;
        created_at: string;
        parsed: string;
      }
    | undefined;
  return r
    ? {
        id: r.id,
        messageId: r.message_id,
        kind: r.kind,
        reason: r.reason,
        trusted: r.trusted === 1,
        createdAt: r.created_at,
        parsed: JSON.parse(r.parsed) as ParsedReport,
      }
    : null;
}

/** The stored attribution of a report, or null. */
export function storedAttribution(db: Database, reportId: number): Attribution | null {
  const json = (
    prepared(db, 'SELECT attribution FROM reports WHERE id = ?').get(reportId) as
      { attribution: string | null } | undefined
  )?.attribution;
  return json ? (JSON.parse(json) as Attribution) : null;
}

/**
 * Of `messageIds` (top-level Message-IDs), those that some stored report was acted on for: one statement for a
 * batch, so that only its messages with a possible earlier twin ask earlierActedReport.
 */
export function actedMessageIds(db: Database, messageIds: readonly string[]): Set<string> {
  if (messageIds.length === 0) return new Set();
  const rows = prepared(
    db,
    `SELECT DISTINCT m.message_id AS messageId FROM messages m JOIN reports r ON r.message_id = m.id
      WHERE m.message_id IN (SELECT value FROM json_each(?)) AND r.decisions IS NOT NULL`,
  ).all(JSON.stringify([...new Set(messageIds)])) as Array<{ messageId: string }>;
  return new Set(rows.map((r) => r.messageId));
}

/** A report already acted on for the same top-level Message-ID from another stored message (a provider re-sending the same report). */
export function earlierActedReport(
  db: Database,
  messageId: string | null,
  selfMessageRow: number,
): number | null {
  if (!messageId) return null;
  const r = prepared(
    db,
    'SELECT r.id FROM reports r JOIN messages m ON m.id = r.message_id WHERE m.message_id = ? AND m.id <> ? AND r.decisions IS NOT NULL ORDER BY r.id LIMIT 1',
  ).get(messageId, selfMessageRow) as { id: number } | undefined;
  return r?.id ?? null;
}

/**
 * The outcome of acting on a report, in one write: its attribution (client, campaign and the whole attribution as
 * JSON), its decisions (JSON records) and the ticket it is charged to. Stored decisions mark the report as acted
 * on: a re-processing repeats nothing.
 */
export function saveReportOutcome(db: Database, reportId: number, o: ReportOutcome): void {
  prepared(
    db,
    'UPDATE reports SET client_id = ?, campaign_id = ?, attribution = ?, decisions = ?, ticket_id = ? WHERE id = ?',
  ).run(
    o.attribution.clientId,
    o.attribution.campaignId,
    JSON.stringify(o.attribution),
    JSON.stringify(o.decisions),
    o.ticketId,
    reportId,
  );
}

/** What acting on a report came to (saveReportOutcome). */
export interface ReportOutcome {
  attribution: Attribution;
  decisions: readonly Decision[];
  ticketId: string | null;
}

/**
 * Writes a report's outcome when its message's stages are done: an unwritten report's whole row in one statement
 * (with the outcome, or, with none, its content only: a report processed again keeps its decisions), else the
 * outcome onto its row.
 */
export function writeReportOutcome(
  db: Database,
  reportId: number,
  unwritten: UnwrittenReport | undefined,
  o: ReportOutcome | null,
): void {
  if (!unwritten) {
    if (o) saveReportOutcome(db, reportId, o);
    return;
  }
  if (!o) {
    prepared(
      db,
      `INSERT INTO reports (id, ${reportColumns}) VALUES (@id, ${reportValues}) ${replaceReport}`,
    ).run({ ...unwritten.values, id: unwritten.id });
    return;
  }
  prepared(
    db,
    `INSERT INTO reports (id, ${reportColumns}, client_id, campaign_id, attribution, decisions, ticket_id)
       VALUES (@id, ${reportValues}, @clientId, @campaignId, @attribution, @decisions, @ticketId)
       ${replaceReport}, client_id = excluded.client_id, campaign_id = excluded.campaign_id,
         attribution = excluded.attribution, decisions = excluded.decisions, ticket_id = excluded.ticket_id`,
  ).run({
    ...unwritten.values,
    id: unwritten.id,
    clientId: o.attribution.clientId,
    campaignId: o.attribution.campaignId,
    attribution: JSON.stringify(o.attribution),
    decisions: JSON.stringify(o.decisions),
    ticketId: o.ticketId,
  });
}

/** Stores the report's decisions (JSON records) and the ticket it is charged to. */
export function saveDecisions(
  db: Database,
  reportId: number,
  decisions: readonly Decision[],
  ticketId: string | null,
): void {
  prepared(db, 'UPDATE reports SET decisions = ?, ticket_id = ? WHERE id = ?').run(
    JSON.stringify(decisions),
    ticketId,
    reportId,
  );
}

/** Reports per kind among those made from the given messages. */
export function reportKindCounts(db: Database, messageIds: readonly number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  const rows = prepared(
    db,
    'SELECT kind, count(*) AS n FROM reports WHERE message_id IN (SELECT value FROM json_each(?)) GROUP BY kind',
  ).all(JSON.stringify(messageIds)) as Array<{ kind: string; n: number }>;
  for (const r of rows) counts[r.kind] = r.n;
  return counts;
}

/** Reports created since `since` that went through attribution, and how many of them were charged to no client. */
export function attributionOutcomesSince(db: Database, since: Date): { total: number; unmatched: number } {
  // Every kind named, so that the (kind, created_at) index bounds the read to the window: without a condition on
  // kind both engines read the whole table, every /metrics scrape.
  return prepared(
    db,
    `SELECT count(*) AS total, count(*) FILTER (WHERE client_id IS NULL) AS unmatched FROM reports
      WHERE kind IN (SELECT value FROM json_each(?)) AND created_at >= ? AND attribution IS NOT NULL`,
  ).get(JSON.stringify(reportKinds), since.toISOString()) as {
    total: number;
    unmatched: number;
  };
}

/** Every report acted on so far: the queue id and processing time of its message, and the attribution method (null: unattributed). */
export function actedReportTimings(
  db: Database,
): Array<{ queueId: string; processedAt: string; method: string | null }> {
  return prepared(
    db,
    `SELECT m.queue_id AS queueId, m.processed_at AS processedAt, json_extract(r.attribution, '$.method') AS method
     FROM messages m JOIN reports r ON r.message_id = m.id WHERE m.state = 'done' AND r.decisions IS NOT NULL`,
  ).all() as Array<{ queueId: string; processedAt: string; method: string | null }>;
}
