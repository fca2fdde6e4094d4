import { clientScope, type Decision } from '../decisions/decision.ts';
import { createTicket, recordReportOnTicket, ticketByIncidentKey } from '../store/tickets-store.ts';
import { clientAndCampaign, reportSummary, type ApplyContext } from './apply-context.ts';
import type { ActionPlan, PlannedTicket } from './plan-actions.ts';

export interface TicketsApplied {
  decisions: Decision[];
  /** The (client, campaign) incident the report landed on, if any. */
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

/** The incident ticket: found by its key or opened; the report recorded on it (a resolved incident reopens). */
function applyIncident(
  c: ApplyContext,
  t: PlannedTicket,
  flags: string[],
  before: readonly Decision[],
): { id: string; decisions: Decision[] } {
  const a = c.attribution;
  const key = t.incidentKey ?? `${a.clientId}:${a.campaignId ?? 0}`;
  const scope = clientScope(a.client);
  const decisions: Decision[] = [];
  let id = ticketByIncidentKey(c.db, key)?.id ?? null;
  if (!id) {
    const subject = t.incidentKey ? t.subject : `Complaints and bounces: ${clientAndCampaign(a)}`;
    id = createTicket(c.db, {
      type: 'incident',
      subject,
      clientId: a.clientId,
      campaignId: a.campaignId,
      incidentKey: key,
      trusted: c.report.auth?.trusted ?? false,
      now: c.now,
    });
    decisions.push({
      kind: 'open-ticket',
      target: id,
      scope,
      rule: 'incident',
      reason: t.incidentKey ? t.why : `the incident of ${clientAndCampaign(a)}`,
      ticketType: 'incident',
      parentId: null,
    });
  } else
    decisions.push({
      kind: 'append-ticket',
      target: id,
      scope,
      rule: 'incident',
      reason: `a report on the incident of ${clientAndCampaign(a)}`,
      change: 'report',
    });
  const { reopened } = recordReportOnTicket(c.db, id, {
    reportId: c.reportId,
    text: reportSummary(c.report),
    flags,
    now: c.now,
    data: eventData(c, before),
  });
  if (reopened)
    decisions.push({
      kind: 'reopen-ticket',
      target: id,
      scope,
      rule: 'incident-reopens',
      reason: 'new report after it was resolved',
    });
  return { id, decisions };
}

/**
 * The planned ticket: an incident ticket aggregates per (client, campaign) or key; a human complaint gets its
 * own ticket linked to its incident; other kinds get one ticket per report.
 */
export function applyTickets(c: ApplyContext, plan: ActionPlan, before: readonly Decision[]): TicketsApplied {
  const t = plan.ticket;
  if (!t) return { decisions: [], incidentId: null, ticketId: null };
  const incident = t.incidentKey || t.alsoIncident ? applyIncident(c, t, plan.flags, before) : null;
  const incidentId = incident?.id ?? null;
  const decisions = incident?.decisions ?? [];
  if (t.incidentKey) return { decisions, incidentId, ticketId: incidentId };
  const a = c.attribution;
  const ticketId = createTicket(c.db, {
    type: t.type,
    subject: t.subject,
    clientId: a.clientId,
    campaignId: a.campaignId,
    parentId: incidentId,
    reporter: c.report.reporter,
    trusted: c.report.auth?.trusted ?? false,
    now: c.now,
  });
  recordReportOnTicket(c.db, ticketId, {
    reportId: c.reportId,
    text: reportSummary(c.report),
    flags: plan.flags,
    now: c.now,
    data: eventData(c, before),
  });
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
