import type { Database } from 'better-sqlite3';
import { prepared } from '../../db/prepared.ts';
import type { Decision } from '../../decisions/decision.ts';
import { readDecisions } from '../../decisions/read-decisions.ts';

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
  attribution: unknown;
  /** Every decision, as records (kind, target, scope, rule, reason); null before the actions stage ran. */
  decisions: Decision[] | null;
  createdAt: string;
}

export interface ReportRow {
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

export const reportSelect = `SELECT r.id, m.queue_id, r.kind, r.reason, r.feedback_type, r.provider, r.trusted, r.reporter, r.complainants,
  r.redacted, r.original_message_id, c.slug AS client, k.slug AS campaign, r.ticket_id, r.attribution, r.decisions, r.created_at
  FROM reports r JOIN messages m ON m.id = r.message_id LEFT JOIN clients c ON c.id = r.client_id LEFT JOIN campaigns k ON k.id = r.campaign_id`;

const json = <T>(s: string | null): T | null => (s ? (JSON.parse(s) as T) : null);

export const toReportSummary = (r: ReportRow): ReportSummary => ({
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
  attribution: json(r.attribution),
  decisions: r.decisions === null ? null : readDecisions(r.decisions),
  createdAt: r.created_at,
});

/** Reports charged to a ticket, and those its timeline names (an incident's reports), oldest first. */
export function reportsOfTicket(db: Database, ticketId: string): ReportSummary[] {
  const rows = prepared(
    db,
    `${reportSelect} WHERE r.ticket_id = @id OR r.id IN (SELECT report_id FROM ticket_events WHERE ticket_id = @id AND report_id IS NOT NULL) ORDER BY r.id`,
  ).all({ id: ticketId }) as ReportRow[];
  return rows.map(toReportSummary);
}
