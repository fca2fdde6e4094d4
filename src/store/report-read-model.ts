import type { Database } from 'better-sqlite3';
import type { Attribution } from '../attribute/attribution.ts';
import { prepared } from '../db/prepared.ts';
import type { Decision } from '../decisions/decision.ts';
import { readDecisions } from '../decisions/read-decisions.ts';
import type { ParsedReport } from '../report/parsed-report.ts';
import type { StageRecord } from '../worker/stage.ts';

// One read model of a report for the API and the UI: the summary lists show, and the detail a ticket page explains.

/** A report as lists show it: the facts, the attribution and every decision with its reason. */
export interface ReportSummary {
  id: number;
  queueId: string;
  kind: string;
  reason: string;
  feedbackType: string | null;
  provider: string | null;
  trusted: boolean;
  reporter: string | null;
  complainants: string[];
  redacted: boolean;
  originalMessageId: string | null;
  client: string | null;
  campaign: string | null;
  ticketId: string | null;
  attribution: Attribution | null;
  /** Every decision, as records (kind, target, scope, rule, reason); null before the actions stage ran. */
  decisions: Decision[] | null;
  createdAt: string;
}

/** A report with the parsed report and the message it came in: envelope facts and the stage trail. */
export interface ReportDetail extends ReportSummary {
  parsed: ParsedReport;
  messageId: number;
  receivedAt: string;
  mailFrom: string;
  clientIp: string | null;
  stages: StageRecord[];
}

interface SummaryRow {
  id: number;
  queue_id: string;
  kind: string;
  reason: string;
  feedback_type: string | null;
  provider: string | null;
  trusted: number;
  reporter: string | null;
  complainants: string;
  redacted: number;
  original_message_id: string | null;
  client: string | null;
  campaign: string | null;
  ticket_id: string | null;
  attribution: string | null;
  decisions: string | null;
  created_at: string;
}

interface DetailRow extends SummaryRow {
  parsed: string;
  message_id: number;
  received_at: string;
  mail_from: string;
  client_ip: string | null;
  stages: string | null;
}

const summaryColumns = `r.id, m.queue_id, r.kind, r.reason, r.feedback_type, r.provider, r.trusted, r.reporter, r.complainants,
  r.redacted, r.original_message_id, c.slug AS client, k.slug AS campaign, r.ticket_id, r.attribution, r.decisions, r.created_at`;
const detailColumns = `${summaryColumns}, r.parsed, r.message_id, m.received_at, m.mail_from, m.client_ip, m.stages`;
const reportsJoined =
  'reports r JOIN messages m ON m.id = r.message_id LEFT JOIN clients c ON c.id = r.client_id LEFT JOIN campaigns k ON k.id = r.campaign_id';
/** A ticket's reports: those charged to it, and those its timeline names (an incident's reports). */
const ofTicket =
  'r.ticket_id = @id OR r.id IN (SELECT report_id FROM ticket_events WHERE ticket_id = @id AND report_id IS NOT NULL)';

const json = <T>(s: string | null): T | null => (s ? (JSON.parse(s) as T) : null);

const toSummary = (r: SummaryRow): ReportSummary => ({
  id: r.id,
  queueId: r.queue_id,
  kind: r.kind,
  reason: r.reason,
  feedbackType: r.feedback_type,
  provider: r.provider,
  trusted: r.trusted === 1,
  reporter: r.reporter,
  complainants: json<string[]>(r.complainants) ?? [],
  redacted: r.redacted === 1,
  originalMessageId: r.original_message_id,
  client: r.client,
  campaign: r.campaign,
  ticketId: r.ticket_id,
  attribution: json<Attribution>(r.attribution),
  decisions: r.decisions === null ? null : readDecisions(r.decisions),
  createdAt: r.created_at,
});

const toDetail = (r: DetailRow): ReportDetail => ({
  ...toSummary(r),
  parsed: JSON.parse(r.parsed) as ParsedReport,
  messageId: r.message_id,
  receivedAt: r.received_at,
  mailFrom: r.mail_from,
  clientIp: r.client_ip,
  stages: json<StageRecord[]>(r.stages) ?? [],
});

export interface ReportFilter {
  kind?: string | undefined;
  provider?: string | undefined;
  client?: string | undefined;
  campaign?: string | undefined;
  trusted?: boolean | undefined;
  /** true: only reports charged to no client; false: only those charged to one. */
  unmatched?: boolean | undefined;
  /** A ticket id (any case). */
  ticket?: string | undefined;
  /** Only reports with id below this (cursor pagination, newest first). */
  before?: number | undefined;
  limit: number;
}

const flag = (b: boolean | undefined): number | null => (b === undefined ? null : b ? 1 : 0);

/** Reports matching the filter, newest first. */
export function listReports(db: Database, f: ReportFilter): ReportSummary[] {
  const rows = prepared(
    db,
    `SELECT ${summaryColumns} FROM ${reportsJoined}
     WHERE (@kind IS NULL OR r.kind = @kind) AND (@provider IS NULL OR r.provider = @provider) AND (@client IS NULL OR c.slug = @client)
       AND (@campaign IS NULL OR k.slug = @campaign) AND (@trusted IS NULL OR r.trusted = @trusted) AND (@ticket IS NULL OR r.ticket_id = upper(@ticket))
       AND (CAST(@unmatched AS INTEGER) IS NULL
         OR CASE WHEN r.client_id IS NULL THEN 1 ELSE 0 END = CAST(@unmatched AS INTEGER)) AND (@before IS NULL OR r.id < @before)
     ORDER BY r.id DESC LIMIT @limit`,
  ).all({
    kind: f.kind ?? null,
    provider: f.provider ?? null,
    client: f.client ?? null,
    campaign: f.campaign ?? null,
    trusted: flag(f.trusted),
    unmatched: flag(f.unmatched),
    ticket: f.ticket ?? null,
    before: f.before ?? null,
    limit: f.limit,
  }) as SummaryRow[];
  return rows.map(toSummary);
}

export function reportDetail(db: Database, id: number): ReportDetail | null {
  const row = prepared(db, `SELECT ${detailColumns} FROM ${reportsJoined} WHERE r.id = ?`).get(id) as
    DetailRow | undefined;
  return row ? toDetail(row) : null;
}

/** A ticket's reports, oldest first. */
export function ticketReportSummaries(db: Database, ticketId: string): ReportSummary[] {
  const rows = prepared(
    db,
    `SELECT ${summaryColumns} FROM ${reportsJoined} WHERE ${ofTicket} ORDER BY r.id`,
  ).all({ id: ticketId }) as SummaryRow[];
  return rows.map(toSummary);
}

/** A ticket's reports with their detail, newest first, at most `limit`. */
export function ticketReportDetails(db: Database, ticketId: string, limit = 20): ReportDetail[] {
  const rows = prepared(
    db,
    `SELECT ${detailColumns} FROM ${reportsJoined} WHERE ${ofTicket} ORDER BY r.id DESC LIMIT @limit`,
  ).all({ id: ticketId, limit }) as DetailRow[];
  return rows.map(toDetail);
}

/** The ticket a report is charged to; null when the report is unknown or on no ticket. */
export function reportTicketId(db: Database, id: number): string | null {
  return (
    (prepared(db, 'SELECT ticket_id FROM reports WHERE id = ?').pluck().get(id) as
      string | null | undefined) ?? null
  );
}
