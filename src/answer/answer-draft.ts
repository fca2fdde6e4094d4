import type { Language } from '../acknowledge/detect-language.ts';
import type { Ticket } from '../store/tickets-store.ts';
import { fillMailTemplate, loadReplyTemplates, type ReplyTemplates } from './answer-templates.ts';
import type { Audience } from './answer-target.ts';
import type { DeskMailSettings } from './desk-mail-settings.ts';

let cached: Record<Language, ReplyTemplates> | null = null;

/** A subject without our ticket tag and reply prefixes, so the template adds each once. */
export function bareSubject(subject: string, ticketId: string): string {
  return subject
    .replaceAll(`[${ticketId}]`, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^((re|aw|sv|r|antw|rif|rv|răsp)\s*:\s*)+/i, '')
    .trim();
}

/**
 * The template an answer starts from (data/templates/reply/<lang>.json, in the recipient's language):
 * staff edit it in the form before sending.
 */
export function answerDraft(
  ticket: Ticket,
  audience: Audience,
  o: {
    language: Language;
    settings: DeskMailSettings;
    /** Subject of the message answered (the reporter's), or null. */
    subjectOfReport: string | null;
    clientName: string | null;
  },
  templates: Record<Language, ReplyTemplates> = (cached ??= loadReplyTemplates()),
): { subject: string; text: string } {
  const subject = bareSubject(o.subjectOfReport ?? '', ticket.id) || ticket.subject;
  return fillMailTemplate(templates[o.language][audience], {
    ticketId: ticket.id,
    reportSubject: subject.slice(0, 150),
    reporter: ticket.reporter ?? '',
    client: ticket.client ?? '',
    clientName: o.clientName ?? ticket.client ?? '',
    campaign: ticket.campaign ?? 'unknown',
    reportCount: String(ticket.reportCount),
    senderName: o.settings.from.name || o.settings.from.address,
  });
}
