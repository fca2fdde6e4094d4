import type { Database } from 'better-sqlite3';
import { prepared } from '../../db/prepared.ts';
import type { Attribution } from '../../attribute/attribution.ts';
import type { ParsedReport } from '../../parse/parsed-report.ts';
import type { StageRecord } from '../../worker/stage.ts';
import type { Decision } from '../../decisions/decision.ts';
import { readDecisions } from '../../decisions/read-decisions.ts';

/** One report on a ticket, with everything the ticket page explains: the message's stage trail, attribution and decisions. */
export interface TicketReport {
  id: number;
  messageId: number;
  queueId: string;
  receivedAt: string;
  mailFrom: string;
  clientIp: string | null;
  kind: string;
  reason: string;
  trusted: boolean;
  parsed: ParsedReport;
  attribution: Attribution | null;
  decisions: Decision[];
  stages: StageRecord[];
  client: string | null;
  campaign: string | null;
}

interface Row {
  id: number;
  message_id: number;
  queue_id: string;
  received_at: string;
  mail_from: string;
  client_ip: string | null;
  kind: string;
  reason: string;
  trusted: number;
  parsed: string;
  attribution: string | null;
  decisions: string | null;
  stages: string | null;
  client: string | null;
  campaign: string | null;
}

/** Reports on a ticket (its own, and those its timeline names), newest first, at most `limit`. */
export function ticketReports(db: Database, ticketId: string, limit = 20): TicketReport[] {
  const rows = prepared(
    db,
    `SELECT r.id, r.message_id, m.queue_id, m.received_at, m.mail_from, m.client_ip, r.kind, r.reason, r.trusted, r.parsed, r.attribution, r.decisions, m.stages,
            c.slug AS client, k.slug AS campaign
     FROM reports r JOIN messages m ON m.id = r.message_id LEFT JOIN clients c ON c.id = r.client_id LEFT JOIN campaigns k ON k.id = r.campaign_id
     WHERE r.ticket_id = @id OR r.id IN (SELECT report_id FROM ticket_events WHERE ticket_id = @id AND report_id IS NOT NULL)
     ORDER BY r.id DESC LIMIT @limit`,
  ).all({ id: ticketId, limit }) as Row[];
  return rows.map((r) => ({
    id: r.id,
    messageId: r.message_id,
    queueId: r.queue_id,
    receivedAt: r.received_at,
    mailFrom: r.mail_from,
    clientIp: r.client_ip,
    kind: r.kind,
    reason: r.reason,
    trusted: r.trusted === 1,
    parsed: JSON.parse(r.parsed) as ParsedReport,
    attribution: r.attribution ? (JSON.parse(r.attribution) as Attribution) : null,
    decisions: readDecisions(r.decisions),
    stages: r.stages ? (JSON.parse(r.stages) as StageRecord[]) : [],
    client: r.client,
    campaign: r.campaign,
  }));
}
