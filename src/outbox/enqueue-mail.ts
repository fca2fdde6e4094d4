import type { Database } from 'better-sqlite3';
import { outgoingMailSchema, type OutgoingMail } from './outgoing-mail.ts';

export interface EnqueueMailOptions {
  /** Identity of the action (e.g. `ack:<ticket>:<reporter>`): queuing it again is a no-op. */
  dedupeKey: string;
  ticketId?: string | null;
  reportId?: number | null;
  now: Date;
}

export interface EnqueueResult {
  /** Outbox row id (the existing row's when the dedupe key was already queued). */
  id: number;
  created: boolean;
}

/**
 * Queues a mail in the durable outbox. Synchronous and transaction-neutral: call it inside the actions
 * stage's transaction so the mail is queued if and only if the report's actions commit. The mail is
 * validated here, so a malformed message fails the caller's transaction instead of the sender later.
 */
export function enqueueMail(db: Database, mail: OutgoingMail, options: EnqueueMailOptions): EnqueueResult {
  const checked = outgoingMailSchema.parse(mail);
  const at = options.now.toISOString();
  const inserted = db
    .prepare(
      `INSERT INTO outbox (kind, dedupe_key, payload, state, attempts, next_attempt_at, created_at, ticket_id, report_id)
       VALUES ('mail', @dedupeKey, @payload, 'pending', 0, @at, @at, @ticketId, @reportId)
       ON CONFLICT (dedupe_key) DO NOTHING`,
    )
    .run({ dedupeKey: options.dedupeKey, payload: JSON.stringify(checked), at, ticketId: options.ticketId ?? null, reportId: options.reportId ?? null });
  if (inserted.changes === 1) return { id: Number(inserted.lastInsertRowid), created: true };
  const existing = db.prepare('SELECT id FROM outbox WHERE dedupe_key = ?').get(options.dedupeKey) as { id: number };
  return { id: existing.id, created: false };
}
