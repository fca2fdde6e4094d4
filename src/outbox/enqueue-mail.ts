import type { Database } from 'better-sqlite3';
import { queueMail } from '../store/outbox-store.ts';
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
  return queueMail(db, {
    dedupeKey: options.dedupeKey,
    payload: JSON.stringify(checked),
    at,
    ticketId: options.ticketId ?? null,
    reportId: options.reportId ?? null,
  });
}
