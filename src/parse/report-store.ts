import { prepared } from '../db/prepared.ts';
import type { Database } from 'better-sqlite3';
import type { ParsedReport } from './parsed-report.ts';

export interface StoredReport {
  id: number;
  messageId: number;
  kind: ParsedReport['kind'];
  reason: string;
  trusted: boolean;
  createdAt: string;
  parsed: ParsedReport;
}

/** Records (or, when a message is processed again, replaces) the report of a message. */
export function saveReport(db: Database, messageId: number, report: ParsedReport, now: Date): number {
  const row = prepared(db, 
      `INSERT INTO reports (message_id, kind, reason, feedback_type, provider, trusted, reporter, complainants, redacted, original_message_id, parsed, created_at)
       VALUES (@messageId, @kind, @reason, @feedbackType, @provider, @trusted, @reporter, @complainants, @redacted, @originalMessageId, @parsed, @createdAt)
       ON CONFLICT (message_id) DO UPDATE SET kind = excluded.kind, reason = excluded.reason, feedback_type = excluded.feedback_type,
         provider = excluded.provider, trusted = excluded.trusted, reporter = excluded.reporter, complainants = excluded.complainants,
         redacted = excluded.redacted, original_message_id = excluded.original_message_id, parsed = excluded.parsed
       RETURNING id`,
    )
    .get({
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
    }) as { id: number };
  return row.id;
}

export function reportForMessage(db: Database, messageId: number): StoredReport | null {
  const r = prepared(db, 'SELECT id, message_id, kind, reason, trusted, created_at, parsed FROM reports WHERE message_id = ?').get(messageId) as
    | { id: number; message_id: number; kind: ParsedReport['kind']; reason: string; trusted: number; created_at: string; parsed: string }
    | undefined;
  return r ? { id: r.id, messageId: r.message_id, kind: r.kind, reason: r.reason, trusted: r.trusted === 1, createdAt: r.created_at, parsed: JSON.parse(r.parsed) as ParsedReport } : null;
}
