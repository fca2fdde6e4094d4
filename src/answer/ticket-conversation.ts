import type { Database } from 'better-sqlite3';
import { DEFAULT_LIMITS, type ParseLimits } from '../parse/parse-options.ts';
import { getRaw } from '../store/messages-store.ts';
import {
  ticketMessages,
  ticketOutbox,
  type TicketMessageRow,
  type TicketOutboxRow,
} from '../store/ticket-conversation-store.ts';
import { ticketEvents, type TicketEvent } from '../store/tickets-store.ts';
import type { OutboxState } from '../store/vocabulary.ts';
import { isPersonMessage } from './answer-target.ts';
import { isClientNotice } from './client-notice.ts';
import { messageWords } from './message-words.ts';
import { isStaffAnswer } from './send-answer.ts';

/** Delivery of one mail we queued, from the outbox. */
export interface Delivery {
  outboxId: number;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
}

/**
 * One entry of a ticket's conversation: a message a person sent (their own words, the quoted rest apart), a
 * machine report (a feedback-loop report, a DSN…: a one-line card), or what we wrote — an acknowledgement,
 * a staff answer, a client notice — or an internal staff note.
 */
export interface ConversationEntry {
  kind: 'message' | 'machine-report' | 'acknowledgement' | 'answer' | 'notice' | 'note';
  /** `in` from outside, `out` mail we sent, `internal` for staff eyes only. */
  direction: 'in' | 'out' | 'internal';
  at: string;
  /** Sender: an address, or the staff actor (`user:…`) for answers and notes. */
  from: string;
  to: string | null;
  subject: string | null;
  /** The words themselves (for a machine report, its one-line summary). */
  text: string;
  /** Quoted or forwarded earlier text, folded away by the page; null when none. */
  quoted: string | null;
  reportId: number | null;
  /** The report's kind (complaint, reply, fbl…) for incoming entries; null otherwise. */
  reportKind: string | null;
  eventId: number | null;
  /** For our outgoing mail, its delivery state; null otherwise (or when the outbox row is gone). */
  delivery: Delivery | null;
}

/** Person messages whose stored text is read (newest first); older ones show the words extraction kept. */
const MAX_READ_MESSAGES = 100;

const delivery = (row: TicketOutboxRow | undefined): Delivery | null =>
  row
    ? {
        outboxId: row.id,
        state: row.state,
        attempts: row.attempts,
        lastError: row.lastError,
        sentAt: row.sentAt,
      }
    : null;

function machineSummary(m: TicketMessageRow): string {
  const who = m.complainants.length
    ? ` about ${m.complainants.join(', ')}`
    : m.redacted
      ? ' (complainant redacted)'
      : '';
  return `${m.kind}${m.feedbackType ? ` (${m.feedbackType})` : ''}${m.provider ? ` from ${m.provider}` : ''}${who}${m.trusted ? ', trusted' : ''}`;
}

function messageEntry(
  db: Database,
  m: TicketMessageRow,
  read: boolean,
  limits: ParseLimits,
): ConversationEntry {
  const base = {
    at: m.receivedAt,
    from: m.reporter ?? (m.mailFrom || 'unknown sender'),
    to: null,
    reportId: m.reportId,
    reportKind: m.kind,
    eventId: null,
    delivery: null,
  };
  if (!isPersonMessage(m))
    return {
      ...base,
      kind: 'machine-report',
      direction: 'in',
      subject: null,
      text: machineSummary(m),
      quoted: null,
    };
  let words: { own: string; quoted: string | null; subject: string | null } = {
    own: m.reporterText ?? '',
    quoted: null,
    subject: null,
  };
  const raw = read ? getRaw(db, m.messageRowId) : null;
  if (raw) {
    try {
      words = messageWords(raw, limits);
    } catch {
      // A message the walker cannot read shows the words extraction kept; the message view says why.
    }
  }
  return {
    ...base,
    kind: 'message',
    direction: 'in',
    subject: words.subject,
    text: words.own || m.reporterText || '',
    quoted: words.quoted,
  };
}

interface QueuedMail {
  to?: { address?: string };
  subject?: string;
  text?: string;
}

function eventEntry(e: TicketEvent, outbox: Map<number, TicketOutboxRow>): ConversationEntry | null {
  const base = { at: e.at, reportId: null, reportKind: null, eventId: e.id, quoted: null };
  if (e.type === 'note')
    return {
      ...base,
      kind: 'note',
      direction: 'internal',
      from: e.actor,
      to: null,
      subject: null,
      text: e.text,
      delivery: null,
    };
  if (e.type !== 'mail') return null;
  if (isStaffAnswer(e.data))
    return {
      ...base,
      kind: 'answer',
      direction: 'out',
      from: e.actor,
      to: e.data.to,
      subject: e.data.subject,
      text: e.text,
      delivery: delivery(outbox.get(e.data.outboxId)),
    };
  const d = e.data as { kind?: unknown; outboxId?: unknown; target?: unknown } | null;
  const outboxId = typeof d?.outboxId === 'number' ? d.outboxId : null;
  const row = outboxId === null ? undefined : outbox.get(outboxId);
  let mail: QueuedMail = {};
  try {
    mail = row?.payload ? (JSON.parse(row.payload) as QueuedMail) : {};
  } catch {
    mail = {};
  }
  const kind = isClientNotice(e.data) ? 'notice' : d?.kind === 'ack-queued' ? 'acknowledgement' : null;
  if (!kind) return null;
  return {
    ...base,
    kind,
    direction: 'out',
    from: e.actor,
    to: mail.to?.address ?? (typeof d?.target === 'string' ? d.target : null),
    subject: mail.subject ?? null,
    text: mail.text ?? e.text,
    delivery: delivery(row),
  };
}

/**
 * A ticket's conversation in time order: the reporter's messages and replies as their own words, machine
 * reports as cards, our acknowledgements, answers and notices with their delivery, and staff notes.
 */
export function ticketConversation(
  db: Database,
  ticketId: string,
  o: { limits?: ParseLimits; messages?: TicketMessageRow[] } = {},
): ConversationEntry[] {
  const limits = o.limits ?? DEFAULT_LIMITS;
  const messages = o.messages ?? ticketMessages(db, ticketId);
  const people = messages.filter(isPersonMessage);
  const readFrom =
    people.length > MAX_READ_MESSAGES ? people[people.length - MAX_READ_MESSAGES]!.reportId : 0;
  const outbox = new Map(ticketOutbox(db, ticketId).map((r) => [r.id, r]));
  const entries = [
    ...messages.map((m) => messageEntry(db, m, m.reportId >= readFrom, limits)),
    ...ticketEvents(db, ticketId).flatMap((e) => eventEntry(e, outbox) ?? []),
  ];
  // Stable: at equal times a message comes before what we did about it.
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.at < b.e.at ? -1 : a.e.at > b.e.at ? 1 : a.i - b.i))
    .map(({ e }) => e);
}
