import type { Database } from 'better-sqlite3';
import { enqueueMail } from '../outbox/enqueue-mail.ts';
import { writeAudit } from '../store/audit-store.ts';
import { ticketMessages } from '../store/ticket-conversation-store.ts';
import { addTicketEvent, getTicket } from '../store/tickets-store.ts';
import { answerTarget, type Audience } from './answer-target.ts';
import { composeDeskMail } from './desk-mail.ts';
import type { DeskMailSettings } from './desk-mail-settings.ts';

/** Longest answer text staff may send. */
export const MAX_ANSWER_TEXT = 20_000;

/** An answer that cannot be sent: `field` names the form field at fault, when there is one. */
export class AnswerError extends Error {
  constructor(
    readonly code: 'not-found' | 'refused' | 'invalid',
    message: string,
    readonly field: 'subject' | 'text' | null = null,
  ) {
    super(message);
    this.name = 'AnswerError';
  }
}

export interface AnswerRequest {
  ticketId: string;
  audience: Audience;
  subject: string;
  text: string;
  /** `user:<email>`, `token:<name>`, `cli:<user>`. */
  actor: string;
  /** The form's one-time value: submitting the same form twice queues one mail. */
  nonce: string;
  now: Date;
}

export interface AnswerResult {
  ticketId: string;
  audience: Audience;
  to: string;
  outboxId: number;
  messageId: string;
  /** False when this form was already sent (the first mail stands). */
  created: boolean;
}

/** What a staff answer's ticket event carries (ticket_events.data, type `mail`); its text is the full answer. */
export interface StaffAnswerData {
  kind: 'staff-answer';
  audience: Audience;
  to: string;
  subject: string;
  messageId: string;
  outboxId: number;
  language: string;
}

export const isStaffAnswer = (d: unknown): d is StaffAnswerData =>
  typeof d === 'object' && d !== null && (d as { kind?: unknown }).kind === 'staff-answer';

/**
 * Sends a staff answer from a ticket through the durable outbox, in one transaction with its ticket event
 * (the full text and the actor) and its audit entry. Refused — nothing queued — when the target may not be
 * written to (feedback loops, loop guards, no abuse contact), when the subject lost the `[ticket id]` that
 * threads the answer back, or when the text is empty.
 */
export function sendAnswer(db: Database, settings: DeskMailSettings, r: AnswerRequest): AnswerResult {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(r.nonce))
    throw new AnswerError('invalid', 'the form is incomplete: reload the ticket and write the answer again');
  return db.transaction(() => {
    const ticket = getTicket(db, r.ticketId);
    if (!ticket) throw new AnswerError('not-found', `no ticket ${r.ticketId}`);
    const subject = r.subject.replace(/[\r\n]+/g, ' ').trim();
    const text = r.text.replace(/\r\n?/g, '\n').trim();
    if (!subject.includes(`[${ticket.id}]`))
      throw new AnswerError(
        'invalid',
        `the subject must keep [${ticket.id}]: answers to it come back into this ticket by it`,
        'subject',
      );
    if (!text) throw new AnswerError('invalid', 'the answer has no text', 'text');
    if (text.length > MAX_ANSWER_TEXT)
      throw new AnswerError('invalid', `the answer is longer than ${MAX_ANSWER_TEXT} characters`, 'text');
    const target = answerTarget(db, settings, ticket, r.audience, ticketMessages(db, ticket.id));
    if (!target.allowed) throw new AnswerError('refused', `not sent: ${target.reason}`);
    const mail = composeDeskMail({
      kind: 'answer',
      ticketId: ticket.id,
      from: settings.from,
      to: target.to,
      subject,
      text: `${text}\n`,
      language: target.language,
      inReplyTo: target.inReplyTo,
      references: target.references,
    });
    const queued = enqueueMail(db, mail, {
      dedupeKey: `answer:${ticket.id}:${r.nonce}`,
      ticketId: ticket.id,
      now: r.now,
    });
    const result = {
      ticketId: ticket.id,
      audience: r.audience,
      to: target.to,
      outboxId: queued.id,
      messageId: mail.messageId,
      created: queued.created,
    };
    if (!queued.created) return result;
    const data: StaffAnswerData = {
      kind: 'staff-answer',
      audience: r.audience,
      to: target.to,
      subject: mail.subject,
      messageId: mail.messageId,
      outboxId: queued.id,
      language: target.language,
    };
    addTicketEvent(db, ticket.id, { type: 'mail', actor: r.actor, text: mail.text, data, now: r.now });
    writeAudit(db, {
      actor: r.actor,
      action: 'ticket.answer',
      target: ticket.id,
      detail: { audience: r.audience, to: target.to, subject: mail.subject, outboxId: queued.id },
      now: r.now,
    });
    return result;
  })();
}
