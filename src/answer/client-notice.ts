import type { Database } from 'better-sqlite3';
import type { Language } from '../acknowledge/detect-language.ts';
import { isMailAddress } from '../mime/mail-address.ts';
import { enqueueMail } from '../outbox/enqueue-mail.ts';
import { writeAudit } from '../store/audit-store.ts';
import { clientContactById } from '../store/ticket-conversation-store.ts';
import { addTicketEvent } from '../store/tickets-store.ts';
import type { ClientStatus } from '../store/vocabulary.ts';
import {
  fillMailTemplate,
  loadNoticeTemplates,
  templateLanguage,
  type NoticeTemplates,
} from './answer-templates.ts';
import { isOurAddress } from './answer-target.ts';
import { composeDeskMail } from './desk-mail.ts';
import type { DeskMailSettings } from './desk-mail-settings.ts';

/** What a queued client notice's ticket event carries (ticket_events.data, type `mail`). */
export interface ClientNoticeData {
  kind: 'client-notice';
  status: ClientStatus;
  to: string;
  subject: string;
  messageId: string;
  outboxId: number;
  language: string;
  historyId: number;
}

export const isClientNotice = (d: unknown): d is ClientNoticeData =>
  typeof d === 'object' && d !== null && (d as { kind?: unknown }).kind === 'client-notice';

export interface ClientNoticeInput {
  clientId: number;
  from: ClientStatus;
  to: ClientStatus;
  reason: string;
  /** Who made the change (the audit actor of the notice). */
  actor: string;
  /** The client's enforcement ticket: the notice's subject carries it, so the client's answer lands there. */
  ticketId: string;
  /** The client_status_changes row: one notice per change. */
  historyId: number;
  now: Date;
}

export type ClientNoticeOutcome =
  { queued: true; to: string; outboxId: number } | { queued: false; reason: string };

let cached: Record<Language, NoticeTemplates> | null = null;

/**
 * Tells a client's abuse contact (clients.contact_email) that its status changed, when `desk.clientNotices`
 * enables it for the new status: a template in the client's language (data/templates/client-notice/),
 * queued in the outbox in the caller's transaction, with an entry on the enforcement ticket and an audit
 * entry. A notice that cannot go (no contact on file, an address of ours) is recorded on the ticket with why.
 * Returns null when notices for this status are off.
 */
export function queueClientNotice(
  db: Database,
  settings: DeskMailSettings,
  n: ClientNoticeInput,
  templates: Record<Language, NoticeTemplates> = (cached ??= loadNoticeTemplates()),
): ClientNoticeOutcome | null {
  if (!settings.clientNotices[n.to]) return null;
  const client = clientContactById(db, n.clientId);
  if (!client) return null;
  const to = client.contactEmail?.trim() ?? '';
  const refusal = !to
    ? 'no abuse contact on file'
    : !isMailAddress(to)
      ? `the abuse contact ${to} is not a valid address`
      : isOurAddress(settings, to)
        ? `${to} is our own address: writing to it would loop`
        : null;
  if (refusal) {
    addTicketEvent(db, n.ticketId, {
      type: 'action',
      actor: n.actor,
      text: `client notice (${n.to}) to ${client.slug} not sent: ${refusal}`,
      now: n.now,
    });
    return { queued: false, reason: refusal };
  }
  const language = templateLanguage(client.language);
  const filled = fillMailTemplate(templates[language][n.to], {
    ticketId: n.ticketId,
    client: client.slug,
    clientName: client.name,
    from: n.from,
    to: n.to,
    reason: n.reason,
    senderName: settings.from.name || settings.from.address,
  });
  const mail = composeDeskMail({
    kind: 'notice',
    ticketId: n.ticketId,
    from: settings.from,
    to,
    subject: filled.subject,
    text: filled.text,
    language,
    inReplyTo: null,
    references: [],
  });
  const queued = enqueueMail(db, mail, {
    dedupeKey: `client-notice:${n.historyId}`,
    ticketId: n.ticketId,
    now: n.now,
  });
  const data: ClientNoticeData = {
    kind: 'client-notice',
    status: n.to,
    to,
    subject: mail.subject,
    messageId: mail.messageId,
    outboxId: queued.id,
    language,
    historyId: n.historyId,
  };
  addTicketEvent(db, n.ticketId, {
    type: 'mail',
    actor: n.actor,
    text: `client notice (${n.to}) queued to ${to}: "${mail.subject}"`,
    data,
    now: n.now,
  });
  writeAudit(db, {
    actor: n.actor,
    action: 'client.notice',
    target: client.slug,
    detail: {
      status: n.to,
      to,
      subject: mail.subject,
      outboxId: queued.id,
      historyId: n.historyId,
      ticketId: n.ticketId,
    },
    now: n.now,
  });
  return { queued: true, to, outboxId: queued.id };
}
