import { clientScope, type Decision, type DecisionScope } from '../decisions/decision.ts';
import type { InboxFacts } from '../store/inbox-facts-store.ts';
import { indexTicketTerms, type InboxTerm } from '../store/inbox-terms-store.ts';
import { createTicket, type NewTicket, type TicketState } from '../store/tickets-store.ts';
import { clientAndCampaign, reportSummary, type ApplyContext } from './apply-context.ts';
import { BatchTickets } from './batch-tickets.ts';
import type { ActionPlan, PlannedTicket } from './plan-actions.ts';

export interface TicketsApplied {
  decisions: Decision[];
  /** The ticket that aggregates reports (a (client, campaign) incident or an unmatched FBL group), if any. */
  incidentId: string | null;
  /** The ticket the report is charged to. */
  ticketId: string | null;
}

/** What a report event on a ticket carries: how it was attributed and what was decided before the ticket. */
const eventData = (c: ApplyContext, decisions: readonly Decision[]): unknown => ({
  attribution: {
    method: c.attribution.method,
    confidence: c.attribution.confidence,
    reason: c.attribution.reason,
  },
  decisions,
});

/** The domain of an address (`Name <a@b.example>` or `a@b.example`), lower case, or null. */
const domainOf = (address: string | null | undefined): string | null => {
  const m = /@([^\s>@]+)>?\s*$/.exec(address ?? '');
  return m ? m[1]!.toLowerCase().replace(/\.$/, '') : null;
};

/** The domain the reported original was sent from: its From, else its Return-Path. */
const sendingDomain = (c: ApplyContext): string | null =>
  domainOf(c.report.original?.from) ?? domainOf(c.report.original?.returnPath);

/**
 * What the inbox shows of the report: the reported original's subject (a message that reports nothing — kind
 * `other`, or a reply naming no ticket — is itself the subject), who sent it, the provider and where the
 * original came from.
 */
function inboxFacts(c: ApplyContext): InboxFacts {
  const r = c.report;
  const own = r.kind === 'other' || r.kind === 'reply';
  return {
    originalSubject: own ? c.subject : (r.original?.subject ?? c.subject),
    sender: r.reporter ?? (c.message.mailFrom || null),
    provider: r.provider,
    sendingDomain: sendingDomain(c),
    sourceIp: r.sourceIp,
  };
}

/** The identifiers staff search by that this report names. */
function inboxTerms(c: ApplyContext, facts: InboxFacts): InboxTerm[] {
  const r = c.report;
  return [
    ...r.complainants.map((value) => ({ kind: 'address' as const, value })),
    { kind: 'address', value: c.attribution.recipient },
    { kind: 'reporter', value: facts.sender },
    { kind: 'message-id', value: r.original?.messageId },
    { kind: 'queue-id', value: c.message.queueId },
    { kind: 'source-ip', value: r.sourceIp },
    { kind: 'sending-domain', value: facts.sendingDomain },
  ];
}

/** Records the report on a ticket: counted, on the timeline, its identifiers searchable, the inbox columns set. */
function record(
  c: ApplyContext,
  ticket: TicketState,
  flags: string[],
  before: readonly Decision[],
): { reopened: boolean } {
  const facts = inboxFacts(c);
  indexTicketTerms(c.db, ticket.id, c.reportId, inboxTerms(c, facts));
  const r = {
    reportId: c.reportId,
    text: reportSummary(c.report),
    flags,
    now: c.now,
    data: eventData(c, before),
  };
  return ticketsOf(c).record(ticket, r, facts);
}

/** The tickets of the report's batch, or (a report on its own) a recorder that counts each report at once. */
const ticketsOf = (c: ApplyContext): BatchTickets => c.tickets ?? new BatchTickets(c.db, false);

/** A ticket that aggregates reports under one key: found or opened, the report recorded (a resolved one reopens). */
interface Aggregate {
  key: string;
  ticket: Omit<NewTicket, 'incidentKey' | 'now'>;
  rule: string;
  scope: DecisionScope;
  opened: string;
  appended: string;
}

function applyAggregate(
  c: ApplyContext,
  g: Aggregate,
  flags: string[],
  before: readonly Decision[],
): { id: string; decisions: Decision[] } {
  const decisions: Decision[] = [];
  const tickets = ticketsOf(c);
  let ticket = tickets.byIncidentKey(g.key);
  if (!ticket) {
    const id = createTicket(c.db, { ...g.ticket, incidentKey: g.key, now: c.now });
    ticket = tickets.opened(id, g.key);
    decisions.push({
      kind: 'open-ticket',
      target: id,
      scope: g.scope,
      rule: g.rule,
      reason: g.opened,
      ticketType: g.ticket.type,
      parentId: null,
    });
  } else
    decisions.push({
      kind: 'append-ticket',
      target: ticket.id,
      scope: g.scope,
      rule: g.rule,
      reason: g.appended,
      change: 'report',
    });
  const { id } = ticket;
  const { reopened } = record(c, ticket, flags, before);
  if (reopened)
    decisions.push({
      kind: 'reopen-ticket',
      target: id,
      scope: g.scope,
      rule: `${g.rule}-reopens`,
      reason: 'new report after it was resolved',
    });
  return { id, decisions };
}

/** The incident ticket of a (client, campaign), or of the plan's own key. */
function applyIncident(
  c: ApplyContext,
  t: PlannedTicket,
  flags: string[],
  before: readonly Decision[],
): { id: string; decisions: Decision[] } {
  const a = c.attribution;
  return applyAggregate(
    c,
    {
      key: t.incidentKey ?? `${a.clientId}:${a.campaignId ?? 0}`,
      ticket: {
        type: 'incident',
        subject: t.incidentKey ? t.subject : `Complaints and bounces: ${clientAndCampaign(a)}`,
        clientId: a.clientId,
        campaignId: a.campaignId,
        trusted: c.report.auth?.trusted ?? false,
      },
      rule: 'incident',
      scope: clientScope(a.client),
      opened: t.incidentKey ? t.why : `the incident of ${clientAndCampaign(a)}`,
      appended: `a report on the incident of ${clientAndCampaign(a)}`,
    },
    flags,
    before,
  );
}

/** The UTC day (YYYY-MM-DD) the message reached us. */
function receivedDay(c: ApplyContext): string {
  const t = Date.parse(c.message.receivedAt);
  return new Date(Number.isNaN(t) ? c.now.getTime() : t).toISOString().slice(0, 10);
}

/**
 * Unmatched feedback-loop reports: one ticket per provider, sending domain (the source IP when the original
 * names no domain) and UTC day. A provider sends them by the hundred for one bad sender, and one ticket a report
 * buries everything else; they are never acknowledged, so nobody needs a ticket id of their own.
 */
function applyUnmatchedFblGroup(
  c: ApplyContext,
  t: PlannedTicket,
  flags: string[],
  before: readonly Decision[],
): { id: string; decisions: Decision[] } {
  const provider = c.report.provider ?? 'unknown';
  const origin = sendingDomain(c) ?? c.report.sourceIp ?? null;
  const day = receivedDay(c);
  const what = `${provider} for ${origin ?? 'an unknown sender'} on ${day}`;
  return applyAggregate(
    c,
    {
      key: `unmatched-fbl:${provider}:${origin ?? 'unknown'}:${day}`,
      ticket: {
        type: 'unmatched',
        subject: `Unmatched FBL reports from ${what}`,
        trusted: c.report.auth?.trusted ?? false,
        reporter: c.report.reporter,
      },
      rule: 'unmatched-fbl-group',
      scope: null,
      opened: `${t.why}; unmatched FBL reports are grouped by provider, sending domain and day`,
      appended: `another unmatched FBL report from ${what}`,
    },
    flags,
    before,
  );
}

/**
 * The subject of a ticket of its own: a message for staff triage is titled with its own Subject (every such
 * ticket read "Message for staff triage" before), a reply naming an unknown ticket says so and what it said.
 */
function ownSubject(c: ApplyContext, t: PlannedTicket): string {
  const own = c.subject?.trim();
  if (c.report.kind === 'other') return own || c.report.original?.subject?.trim() || '(no subject)';
  if (c.report.kind === 'reply') return own ? `${t.subject}: ${own}` : t.subject;
  return t.subject;
}

/**
 * The planned ticket: an incident ticket aggregates per (client, campaign) or key; unmatched FBL reports per
 * provider, sending domain and day; a human complaint gets its own ticket linked to its incident; other kinds
 * get one ticket per report.
 */
export function applyTickets(c: ApplyContext, plan: ActionPlan, before: readonly Decision[]): TicketsApplied {
  const t = plan.ticket;
  if (!t) return { decisions: [], incidentId: null, ticketId: null };
  if (t.type === 'unmatched' && c.report.kind === 'fbl') {
    const group = applyUnmatchedFblGroup(c, t, plan.flags, before);
    return { decisions: group.decisions, incidentId: group.id, ticketId: group.id };
  }
  const incident = t.incidentKey || t.alsoIncident ? applyIncident(c, t, plan.flags, before) : null;
  const incidentId = incident?.id ?? null;
  const decisions = incident?.decisions ?? [];
  if (t.incidentKey) return { decisions, incidentId, ticketId: incidentId };
  const a = c.attribution;
  const ticketId = createTicket(c.db, {
    type: t.type,
    subject: ownSubject(c, t),
    clientId: a.clientId,
    campaignId: a.campaignId,
    parentId: incidentId,
    reporter: c.report.reporter,
    trusted: c.report.auth?.trusted ?? false,
    now: c.now,
  });
  record(c, ticketsOf(c).opened(ticketId), plan.flags, before);
  decisions.push({
    kind: 'open-ticket',
    target: ticketId,
    scope: clientScope(a.client),
    rule: `${t.type}-ticket`,
    reason: t.why,
    ticketType: t.type,
    parentId: incidentId,
  });
  return { decisions, incidentId, ticketId };
}
