import { randomBytes } from 'node:crypto';
import type { MailAddress, OutgoingMail } from '../outbox/outgoing-mail.ts';
import { loadAckTemplates, fillTemplate, type AckTemplate } from './ack-template.ts';
import { LANGUAGES, type Language } from './detect-language.ts';
import { headerSafe } from './header-safe.ts';
import { replyThreading } from './reply-threading.ts';
import { isMailAddress } from '../mime/mail-address.ts';

export interface RenderAcknowledgementInput {
  language: string;
  ticketId: string;
  /** Where the acknowledgement goes (decideAcknowledgement's `to`). */
  reporter: string;
  /** Message-ID of the inbound report. */
  inReplyTo: string | null;
  /** References of the inbound report (header values or msg-ids). */
  references: string[];
  subjectOfReport: string | null;
  /** Whether the complained-about recipient was suppressed for the sender. */
  suppressed: boolean;
  from: MailAddress;
}

let cached: Record<Language, AckTemplate> | null = null;

/**
 * The acknowledgement mail for a human reporter, in their language (English when we have no template).
 * RFC 3834 §3.1.7 `Auto-Submitted: auto-replied` and `X-Auto-Response-Suppress: All` keep other
 * responders from answering it; In-Reply-To/References (RFC 5322 §3.6.4) thread it under the report and
 * the Message-ID carries the ticket id, so a reply finds the ticket even without the subject. The envelope
 * sender is null (RFC 3834 §3.3, RFC 5321 §4.5.5): a bounce of an acknowledgement must not come back
 * into the abuse mailbox. Every inbound value is flattened to one line before it reaches a header.
 */
export function renderAcknowledgement(
  input: RenderAcknowledgementInput,
  templates: Record<Language, AckTemplate> = (cached ??= loadAckTemplates()),
): OutgoingMail {
  const language: Language = (LANGUAGES as readonly string[]).includes(input.language)
    ? (input.language as Language)
    : 'en';
  const t = templates[language];
  if (!/^[A-Za-z0-9-]{1,40}$/.test(input.ticketId))
    throw new Error(`not a ticket id: ${JSON.stringify(input.ticketId)}`);
  const to = input.reporter.trim();
  if (!isMailAddress(to))
    throw new Error(`not one valid reporter address: ${JSON.stringify(to.slice(0, 80))}`);
  if (!isMailAddress(input.from.address))
    throw new Error(`not a valid From address: ${JSON.stringify(input.from.address)}`);

  const reportSubject = headerSafe(input.subjectOfReport ?? '', 150) || t.defaultSubject;
  const values = {
    ticketId: input.ticketId,
    reportSubject,
    senderName: headerSafe(input.from.name, 80) || input.from.address,
    suppressionSentence: input.suppressed ? t.suppressed : t.notSuppressed,
  };
  const { inReplyTo, references } = replyThreading(input.inReplyTo, input.references);
  const domain = input.from.address.slice(input.from.address.lastIndexOf('@') + 1).toLowerCase();

  return {
    from: { name: headerSafe(input.from.name, 80), address: input.from.address },
    to: { name: '', address: to },
    subject: headerSafe(fillTemplate(t.subject, values), 250),
    text: fillTemplate(t.text, values),
    messageId: `<ack.${input.ticketId}.${randomBytes(8).toString('hex')}@${domain}>`,
    inReplyTo,
    references,
    headers: {
      'Auto-Submitted': 'auto-replied',
      'X-Auto-Response-Suppress': 'All',
      'Content-Language': language,
    },
    envelopeFrom: '',
  };
}
