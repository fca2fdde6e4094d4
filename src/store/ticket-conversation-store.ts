import type { Database } from 'better-sqlite3';
import { prepared } from '../db/prepared.ts';
import type { AuthSummary } from '../report/parsed-report.ts';
import type { OutboxState } from './vocabulary.ts';

// What a ticket's conversation is made of: the messages its reports came in, and the mail we queued for it.

/** One report of a ticket with the message it came in (no parsed detail: the conversation reads the raw text). */
export interface TicketMessageRow {
  reportId: number;
  kind: string;
  provider: string | null;
  feedbackType: string | null;
  reporter: string | null;
  trusted: boolean;
  complainants: string[];
  redacted: boolean;
  /** The reporter's own words as extraction kept them (complaints, replies, unsubscribes), else null. */
  reporterText: string | null;
  /** Why From named no single reporter, or null. */
  reporterIssue: string | null;
  /** The report's DKIM/SPF/DMARC results, or null. */
  auth: AuthSummary | null;
  /** The stored message (message_raw key). */
  messageRowId: number;
  /** The message's own Message-ID header (with angle brackets), or null. */
  messageId: string | null;
  mailFrom: string;
  receivedAt: string;
}

interface MessageDbRow {
  reportId: number;
  kind: string;
  provider: string | null;
  feedbackType: string | null;
  reporter: string | null;
  trusted: number;
  complainants: string;
  redacted: number;
  reporterText: string | null;
  reporterIssue: string | null;
  auth: string | null;
  messageRowId: number;
  messageId: string | null;
  mailFrom: string;
  receivedAt: string;
}

/**
 * A ticket's reports with their messages (the reports charged to it and those its timeline names): the
 * newest `limit`, oldest first.
 */
export function ticketMessages(db: Database, ticketId: string, limit = 500): TicketMessageRow[] {
  const rows = prepared(
    db,
    `SELECT r.id AS reportId, r.kind, r.provider, r.feedback_type AS feedbackType, r.reporter, r.trusted, r.complainants,
       r.redacted, json_extract(r.parsed, '$.reporterText') AS reporterText,
       json_extract(r.parsed, '$.reporterIssue') AS reporterIssue, json_extract(r.parsed, '$.auth') AS auth, r.message_id AS messageRowId,
       m.message_id AS messageId, m.mail_from AS mailFrom, m.received_at AS receivedAt
     FROM reports r JOIN messages m ON m.id = r.message_id
     WHERE r.ticket_id = @id OR r.id IN (SELECT report_id FROM ticket_events WHERE ticket_id = @id AND report_id IS NOT NULL)
     ORDER BY r.id DESC LIMIT @limit`,
  ).all({ id: ticketId, limit }) as MessageDbRow[];
  return rows.reverse().map((r) => ({
    ...r,
    trusted: r.trusted === 1,
    redacted: r.redacted === 1,
    complainants: JSON.parse(r.complainants) as string[],
    auth: r.auth ? (JSON.parse(r.auth) as AuthSummary) : null,
  }));
}

/** One outbox row of a ticket: its delivery state and, for mail, the queued message (JSON). */
export interface TicketOutboxRow {
  id: number;
  kind: 'mail' | 'webhook';
  dedupeKey: string | null;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  /** The OutgoingMail JSON for kind mail; null for webhooks (their bodies are not conversation). */
  payload: string | null;
}

/** Every outbox row queued for a ticket, oldest first. */
export function ticketOutbox(db: Database, ticketId: string): TicketOutboxRow[] {
  return prepared(
    db,
    `SELECT id, kind, dedupe_key AS dedupeKey, state, attempts, last_error AS lastError, created_at AS createdAt,
       sent_at AS sentAt, CASE WHEN kind = 'mail' THEN payload END AS payload
     FROM outbox WHERE ticket_id = ? ORDER BY id`,
  ).all(ticketId) as TicketOutboxRow[];
}

/** A client's abuse contact (clients.contact_email) and the language to write to it in. */
export interface ClientContact {
  id: number;
  slug: string;
  name: string;
  contactEmail: string | null;
  language: string;
}

const contactSelect = 'SELECT id, slug, name, contact_email AS contactEmail, language FROM clients';

export function clientContactBySlug(db: Database, slug: string): ClientContact | null {
  return (prepared(db, `${contactSelect} WHERE slug = ?`).get(slug) as ClientContact | undefined) ?? null;
}

export function clientContactById(db: Database, id: number): ClientContact | null {
  return (prepared(db, `${contactSelect} WHERE id = ?`).get(id) as ClientContact | undefined) ?? null;
}
