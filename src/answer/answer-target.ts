import type { Database } from 'better-sqlite3';
import { decideAcknowledgement } from '../acknowledge/decide-acknowledgement.ts';
import { detectLanguage, type Language } from '../acknowledge/detect-language.ts';
import { reporterAuthentication } from '../acknowledge/reporter-authentication.ts';
import { addressDomain, isMailAddress } from '../mime/mail-address.ts';
import { readHeaderBlock } from '../mime/read-header-block.ts';
import { getRaw } from '../store/messages-store.ts';
import {
  clientContactBySlug,
  ticketMessages,
  type ClientContact,
  type TicketMessageRow,
} from '../store/ticket-conversation-store.ts';
import type { Ticket } from '../store/tickets-store.ts';
import { templateLanguage } from './answer-templates.ts';
import type { DeskMailSettings } from './desk-mail-settings.ts';

/** Who a staff answer goes to: the person who reported, or the client's abuse contact. */
export const audiences = ['reporter', 'client'] as const;
export type Audience = (typeof audiences)[number];

export type AnswerTarget =
  | {
      audience: Audience;
      allowed: true;
      to: string;
      language: Language;
      /** The message answered (threading), or null. */
      inReplyTo: string | null;
      references: string[];
      /** Something staff should know before writing (e.g. an unauthenticated From), or null. */
      warning: string | null;
      client: ClientContact | null;
    }
  | { audience: Audience; allowed: false; to: string | null; reason: string; client: ClientContact | null };

/** Reports written by people; anything else (feedback loops, DSNs, DMARC reports, robots) is a machine report. */
export const PERSON_KINDS = ['complaint', 'reply', 'other', 'unsubscribe'];
export const isPersonMessage = (m: Pick<TicketMessageRow, 'kind' | 'provider'>): boolean =>
  !m.provider && PERSON_KINDS.includes(m.kind);

const same = (a: string | null, b: string | null): boolean =>
  a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();

const idsIn = (v: string | undefined): string[] => (v ?? '').match(/<[^<>\s]+>/g) ?? [];

/** Whether an address is one of ours (a mailbox or any address at one of our domains): writing to it loops. */
export function isOurAddress(settings: DeskMailSettings, address: string): boolean {
  const a = address.trim().toLowerCase();
  const d = addressDomain(a);
  return (
    settings.ourAddresses.includes(a) ||
    (d !== null &&
      settings.ourDomains.some((o) => {
        const ours = o.toLowerCase().replace(/\.$/, '');
        return d === ours || d.endsWith(`.${ours}`);
      }))
  );
}

/**
 * Whether staff may write to the reporter of a ticket, and where the answer threads. Never to a feedback
 * loop (provider agreements forbid contacting the complainant) nor to any machine sender; otherwise the
 * acknowledger's loop guards (decideAcknowledgement) decide on the reporter's latest message: null sender,
 * MAILER-DAEMON and no-reply senders, Auto-Submitted, list and bulk mail, our own addresses, a From that
 * fails DMARC. Caps and "already acknowledged" are for automatic mail and do not apply to a person's answer;
 * an unauthenticated reporter is a warning shown to staff, not a refusal.
 */
function reporterTarget(
  db: Database,
  settings: DeskMailSettings,
  ticket: Ticket,
  messages: TicketMessageRow[],
): AnswerTarget {
  const base = { audience: 'reporter' as const, to: ticket.reporter, client: null };
  const theirs = messages.filter((m) => same(m.reporter, ticket.reporter));
  const machine = theirs.find((m) => !isPersonMessage(m));
  const fbl = machine?.kind === 'fbl' || (theirs.length === 0 && messages.some((m) => m.kind === 'fbl'));
  if (fbl)
    return {
      ...base,
      allowed: false,
      reason:
        'the reporter is a feedback loop: provider agreements forbid contacting the complainant, so we never write to it',
    };
  if (!ticket.reporter) return { ...base, allowed: false, reason: 'this ticket has no reporter address' };
  if (machine)
    return {
      ...base,
      allowed: false,
      reason: `the reporter sent a machine report (${machine.kind}${machine.provider ? ` from ${machine.provider}` : ''}): nobody reads that mailbox`,
    };
  const last = theirs.at(-1);
  if (!last) return { ...base, allowed: false, reason: 'no message from the reporter on this ticket' };
  const raw = getRaw(db, last.messageRowId);
  const headers = raw ? readHeaderBlock(raw) : new Map<string, string[]>();
  const authenticated = reporterAuthentication({
    reporter: last.reporter,
    auth: last.auth,
    mailFrom: last.mailFrom,
  });
  const words = theirs.map((m) => m.reporterText ?? '').join('\n');
  const decision = decideAcknowledgement({
    kind: 'complaint',
    reporter: last.reporter,
    reporterIssue: last.reporterIssue,
    mailFrom: last.mailFrom,
    headers,
    fromDmarc: last.auth?.dmarc ?? 'none',
    reporterAuthenticated: authenticated,
    requireAuthentication: false,
    ourAddresses: settings.ourAddresses,
    ourDomains: settings.ourDomains,
    alreadyAcknowledged: false,
    sentTodayToAddress: 0,
    dailyCap: Number.POSITIVE_INFINITY,
    sentThisHour: { total: 0, network: 0, domain: 0 },
    hourlyCaps: {
      total: Number.POSITIVE_INFINITY,
      network: Number.POSITIVE_INFINITY,
      domain: Number.POSITIVE_INFINITY,
    },
    sourceNetwork: null,
    language: detectLanguage(words),
  });
  if (!decision.send) return { ...base, allowed: false, reason: `${decision.rule}: ${decision.reason}` };
  return {
    ...base,
    allowed: true,
    to: decision.to,
    language: templateLanguage(decision.language),
    inReplyTo: last.messageId,
    references: [...idsIn(headers.get('references')?.join(' ')), ...(last.messageId ? [last.messageId] : [])],
    warning: authenticated
      ? null
      : `${decision.to} did not authenticate its mail (no DKIM signature or SPF pass aligned with its domain): the From may be forged.`,
  };
}

/** The client's abuse contact (clients.contact_email): refused when there is none or it is one of ours. */
function clientTarget(
  db: Database,
  settings: DeskMailSettings,
  ticket: Ticket,
  messages: TicketMessageRow[],
): AnswerTarget {
  const client = ticket.client ? clientContactBySlug(db, ticket.client) : null;
  const base = { audience: 'client' as const, client };
  if (!client)
    return { ...base, to: null, allowed: false, reason: 'this ticket is not attributed to a client' };
  const to = client.contactEmail?.trim() || null;
  if (!to) return { ...base, to, allowed: false, reason: `no abuse contact on file for ${client.slug}` };
  if (!isMailAddress(to))
    return {
      ...base,
      to,
      allowed: false,
      reason: `the abuse contact ${to} of ${client.slug} is not a valid address`,
    };
  if (isOurAddress(settings, to))
    return { ...base, to, allowed: false, reason: `${to} is our own address: writing to it would loop` };
  // An answer to the contact threads under their latest message on the ticket, if they wrote.
  const last = messages.filter((m) => same(m.reporter, to)).at(-1);
  return {
    ...base,
    to,
    allowed: true,
    language: templateLanguage(client.language),
    inReplyTo: last?.messageId ?? null,
    references: last?.messageId ? [last.messageId] : [],
    warning: null,
  };
}

/** Where a staff answer to `audience` would go, or why it cannot be written. */
export function answerTarget(
  db: Database,
  settings: DeskMailSettings,
  ticket: Ticket,
  audience: Audience,
  messages: TicketMessageRow[] = ticketMessages(db, ticket.id),
): AnswerTarget {
  return audience === 'reporter'
    ? reporterTarget(db, settings, ticket, messages)
    : clientTarget(db, settings, ticket, messages);
}
