import { randomBytes } from 'node:crypto';
import { headerSafe } from '../acknowledge/header-safe.ts';
import { replyThreading } from '../acknowledge/reply-threading.ts';
import { isMailAddress } from '../mime/mail-address.ts';
import type { MailAddress, OutgoingMail } from '../outbox/outgoing-mail.ts';

export interface DeskMailInput {
  /** `answer` (staff wrote it) or `notice` (sent automatically on a client status change). */
  kind: 'answer' | 'notice';
  ticketId: string;
  from: MailAddress;
  to: string;
  subject: string;
  text: string;
  language: string;
  /** Message-ID of the message answered, or null. */
  inReplyTo: string | null;
  /** References of the message answered (values or msg-ids). */
  references: string[];
}

/**
 * A mail the desk writes, threaded like an acknowledgement: the Message-ID carries the ticket id and
 * In-Reply-To/References (RFC 5322 §3.6.4) point to the message answered, so an answer to it finds the
 * ticket even when the subject is rewritten. `X-Auto-Response-Suppress: All` keeps out-of-office robots
 * from answering; a notice is marked `Auto-Submitted: auto-generated` (RFC 3834 §5), a staff answer is
 * written by a person and is not. The envelope sender is null (RFC 5321 §4.5.5), as for acknowledgements:
 * a bounce of our own mail must not come back into the abuse mailbox as a report.
 */
export function composeDeskMail(input: DeskMailInput): OutgoingMail {
  if (!/^[A-Za-z0-9-]{1,40}$/.test(input.ticketId))
    throw new Error(`not a ticket id: ${JSON.stringify(input.ticketId)}`);
  const to = input.to.trim();
  if (!isMailAddress(to)) throw new Error(`not one valid address: ${JSON.stringify(to.slice(0, 80))}`);
  const { inReplyTo, references } = replyThreading(input.inReplyTo, input.references);
  const domain = input.from.address.slice(input.from.address.lastIndexOf('@') + 1).toLowerCase();
  return {
    from: { name: headerSafe(input.from.name, 80), address: input.from.address },
    to: { name: '', address: to },
    subject: headerSafe(input.subject, 250),
    text: input.text.replace(/\r\n?/g, '\n'),
    messageId: `<${input.kind}.${input.ticketId}.${randomBytes(8).toString('hex')}@${domain}>`,
    inReplyTo,
    references,
    headers: {
      ...(input.kind === 'notice' ? { 'Auto-Submitted': 'auto-generated' } : {}),
      'X-Auto-Response-Suppress': 'All',
      'Content-Language': input.language,
    },
    envelopeFrom: '',
  };
}
