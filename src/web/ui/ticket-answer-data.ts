import { randomBytes } from 'node:crypto';
import { answerDraft } from '../../answer/answer-draft.ts';
import { answerTarget, audiences, type AnswerTarget, type Audience } from '../../answer/answer-target.ts';
import { ticketConversation, type ConversationEntry } from '../../answer/ticket-conversation.ts';
import { roleAtLeast } from '../../auth/staff-users.ts';
import type { StaffSession } from '../../auth/staff-sessions.ts';
import type { ReportSummary } from '../../store/report-read-model.ts';
import { findSendByMessageId, getSend, type Send } from '../../store/sends-store.ts';
import { ticketMessages } from '../../store/ticket-conversation-store.ts';
import type { Ticket } from '../../store/tickets-store.ts';
import type { TicketFormError } from './ticket-workflow-form.ts';
import type { UiContext } from './ui-context.ts';

/** The ticket-page form name of the answer form to `audience` (refused forms come back under it). */
export const answerFormName = (audience: Audience): string => `answer:${audience}`;

/** One answer form of the ticket page: where it would go (or why not), the text it starts with, its one-time value. */
export interface AnswerForm {
  audience: Audience;
  target: AnswerTarget;
  subject: string;
  text: string;
  nonce: string;
  error: string | null;
}

/** Consent evidence of the send a report was attributed to (sends table), or why there is none. */
export interface ConsentEvidence {
  reportId: number;
  send: Send | null;
  /** How the send was found (attribution's send id, or the original's Message-ID), or why it was not. */
  how: string;
}

/** Everything the conversation part of the ticket page shows. */
export interface ConversationView {
  entries: ConversationEntry[];
  /** Answer forms (agents only; empty for viewers). */
  forms: AnswerForm[];
  /** Per report, the consent evidence of its matched send (reports with a client only). */
  consent: ConsentEvidence[];
  now: Date;
}

function consentEvidence(ctx: UiContext, reports: readonly ReportSummary[]): ConsentEvidence[] {
  return reports.flatMap((r) => {
    const a = r.attribution;
    if (!a?.client) return [];
    if (a.sendId !== null) {
      const send = getSend(ctx.db, a.sendId);
      return [
        {
          reportId: r.id,
          send,
          how: send ? `send #${a.sendId} (${a.method})` : `send #${a.sendId} is no longer stored`,
        },
      ];
    }
    if (r.originalMessageId) {
      const send = findSendByMessageId(ctx.db, r.originalMessageId, a.recipient ?? undefined);
      return [
        {
          reportId: r.id,
          send,
          how: send
            ? `send log, by the original's Message-ID`
            : `no send in the send log for ${r.originalMessageId}`,
        },
      ];
    }
    return [{ reportId: r.id, send: null, how: 'the original had no Message-ID to look up in the send log' }];
  });
}

/** The conversation, the answer forms (with a refused form's typed values) and the consent evidence of a ticket. */
export function conversationView(
  ctx: UiContext,
  ticket: Ticket,
  session: StaffSession,
  /** The reports the page shows (their consent evidence is looked up). */
  reports: readonly ReportSummary[],
  /** A refused form of the page: when it is an answer form, its error and typed values are kept. */
  refused?: TicketFormError,
): ConversationView {
  const messages = ticketMessages(ctx.db, ticket.id);
  const entries = ticketConversation(ctx.db, ticket.id, { limits: ctx.parseLimits, messages });
  const forms = roleAtLeast(session.user.role, 'agent')
    ? audiences.map((audience): AnswerForm => {
        const target = answerTarget(ctx.db, ctx.enforcement.desk, ticket, audience, messages);
        const answered = entries
          .filter(
            (e) => e.kind === 'message' && target.to && e.from.toLowerCase() === target.to.toLowerCase(),
          )
          .at(-1);
        const draft = target.allowed
          ? answerDraft(ticket, audience, {
              language: target.language,
              settings: ctx.enforcement.desk,
              subjectOfReport: answered?.subject ?? null,
              clientName: target.client?.name ?? null,
            })
          : { subject: '', text: '' };
        const mine = refused?.form === answerFormName(audience) ? refused : undefined;
        return {
          audience,
          target,
          subject: mine?.values.subject ?? draft.subject,
          text: mine?.values.text ?? draft.text,
          // A refused form keeps its one-time value: fixing it and sending still queues one mail.
          nonce: mine?.values.nonce ?? randomBytes(12).toString('base64url'),
          error: mine?.message ?? null,
        };
      })
    : [];
  return { entries, forms, consent: consentEvidence(ctx, reports), now: ctx.now() };
}
