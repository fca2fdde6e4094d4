import type { Database } from 'better-sqlite3';
import type { Attribution, AttributionHit } from '../attribute/attribution.ts';
import { loadProviderRegistry } from '../authenticate/provider-registry.ts';
import { clientScope, type Decision } from '../decisions/decision.ts';
import { describeDecision } from '../decisions/describe-decision.ts';
import { enforceClient, type EnforcementOutcome } from '../enforcement/enforce-client.ts';
import type { EnforcementSettings } from '../enforcement/enforcement-settings.ts';
import { planSignals } from '../enforcement/plan-signals.ts';
import { recordSignals } from '../enforcement/record-signals.ts';
import { judgeSource } from '../enforcement/signal-source.ts';
import { trapChecker } from '../enforcement/spam-traps.ts';
import { writeAudit } from '../store/audit-store.ts';
import { campaignRefBySlug } from '../store/campaigns-store.ts';
import { clientForEnforcement, clientRefBySlug } from '../store/clients-store.ts';
import { getMessage, type StoredMessage } from '../store/messages-store.ts';
import { ticketReportDetails, type ReportDetail } from '../store/report-read-model.ts';
import { saveReportOutcome } from '../store/reports-store.ts';
import { moveTicketToClient } from '../store/ticket-workflow-store.ts';
import { addTicketEvent, getTicket, type Ticket, type TicketType } from '../store/tickets-store.ts';
import { emitReportWebhooks } from '../webhooks/report-webhooks.ts';
import { clientAndCampaign, type ApplyContext } from './apply-context.ts';
import { applySuppressions } from './apply-suppressions.ts';
import { applyTickets } from './apply-tickets.ts';
import { planActions } from './plan-actions.ts';
import { TicketActionError, type DeskActor } from './ticket-workflow.ts';

export interface StaffAttributionInput {
  ticketId: string;
  client: string;
  campaign?: string | null | undefined;
  /** Why staff tie it to this client (stored in the attribution's reason). */
  note: string;
}

export interface StaffAttributionResult {
  ticket: Ticket;
  /** Every decision taken for the ticket's reports (suppressions, incident, signals). */
  decisions: Decision[];
  /** Addresses newly suppressed or refreshed. */
  suppressed: string[];
  /** The (client, campaign) incident the ticket is now linked under, if any. */
  incidentId: string | null;
  /** The client's re-assessment (with any status change it made). */
  enforcement: EnforcementOutcome;
}

/** The attribution staff give a report: certain (a person decided), the earlier ladder kept for the record. */
function staffAttribution(
  before: Attribution | null,
  who: { clientId: number; client: string; campaignId: number | null; campaign: string | null },
  reason: string,
): Attribution {
  const hit: AttributionHit = {
    method: 'staff',
    confidence: 1,
    ...who,
    recipient: null,
    sendId: null,
    reason,
  };
  return {
    method: 'staff',
    confidence: 1,
    ...who,
    recipient: before?.recipient ?? null,
    sendId: null,
    reason,
    hits: [hit, ...(before?.hits ?? [])],
    rejectedToken: before?.rejectedToken ?? false,
  };
}

/**
 * The subject of an attributed ticket: the pipeline's "Unmatched …" subject would keep calling it unmatched in
 * the inbox and on its page once it belongs to a client, so that word gives way to the client it now has.
 */
export function attributedSubject(subject: string, who: { client: string; campaign: string | null }): string {
  const m = /^unmatched\s+(.+)$/is.exec(subject.trim());
  if (!m) return subject;
  const rest = m[1]!;
  return `${rest.charAt(0).toUpperCase()}${rest.slice(1)} (attributed to ${who.client}${who.campaign ? ` / ${who.campaign}` : ''})`;
}

/**
 * The ticket type a report's plan asks for once attributed: an FBL's plan is the (client, campaign) incident,
 * under which this ticket becomes one linked complaint; other kinds keep the planner's own type.
 */
const movedType = (incidentKey: string | null, planned: TicketType | undefined): TicketType =>
  incidentKey || !planned || planned === 'incident' || planned === 'unmatched' ? 'complaint' : planned;

/**
 * Staff attribute an unmatched ticket to a client (and campaign): each of its reports gets a `staff`
 * attribution and then the actions the pipeline would have taken had it matched — planned by planActions and
 * applied by the same appliers (suppressions, the incident ticket), with the webhooks they cause, the client's
 * signals (planSignals/recordSignals) and a re-assessment (enforceClient). The ticket moves to the client,
 * linked under its incident; timeline, report decisions and audit log record it. One transaction.
 */
export function attributeTicket(
  db: Database,
  input: StaffAttributionInput,
  settings: EnforcementSettings,
  by: DeskActor,
): StaffAttributionResult {
  const note = input.note.trim().slice(0, 500);
  if (!note)
    throw new TicketActionError(
      'invalid',
      'Say why this ticket belongs to that client (a note is required).',
    );
  const client = clientRefBySlug(db, input.client.trim());
  if (!client) throw new TicketActionError('invalid', `No client "${input.client}".`);
  const campaignSlug = input.campaign?.trim() || null;
  const campaign = campaignSlug ? campaignRefBySlug(db, campaignSlug) : null;
  if (campaignSlug && (!campaign || campaign.clientId !== client.id))
    throw new TicketActionError('invalid', `Campaign "${campaignSlug}" is not a campaign of ${client.slug}.`);
  const who = {
    clientId: client.id,
    client: client.slug,
    campaignId: campaign?.id ?? null,
    campaign: campaign?.slug ?? null,
  };
  const reason = `attributed by ${by.actor}: ${note}`;
  return db.transaction((): StaffAttributionResult => {
    const t = getTicket(db, input.ticketId);
    if (!t) throw new TicketActionError('not-found', `no ticket ${input.ticketId}`);
    if (t.type !== 'unmatched')
      throw new TicketActionError(
        'conflict',
        `Ticket ${t.id} is a ${t.type} ticket${t.client ? ` of ${t.client}` : ''}: only unmatched tickets are attributed by hand.`,
      );
    const reports = ticketReportDetails(db, t.id, 1000).filter((r) => r.ticketId === t.id);
    if (reports.length === 0)
      throw new TicketActionError('conflict', `Ticket ${t.id} has no report to attribute.`);
    const all: Decision[] = [];
    const suppressed: string[] = [];
    let incidentId: string | null = null;
    let type: TicketType = 'complaint';
    for (const r of reports.reverse()) {
      const a = staffAttribution(r.attribution, who, reason);
      const applied = actOnReport(db, r, a, settings, by.now);
      all.push(...applied.decisions);
      incidentId ??= applied.incidentId;
      type = applied.type;
      for (const d of applied.decisions) {
        if (d.kind === 'suppress') suppressed.push(d.target);
        // Like the pipeline, the report's own ticket says what was (not) suppressed, one line each.
        if (d.kind === 'suppress' || d.kind === 'skip-suppress' || d.kind.startsWith('signal-'))
          addTicketEvent(db, t.id, {
            type: 'action',
            actor: by.actor,
            text: describeDecision(d),
            data: d,
            reportId: r.id,
            now: by.now,
          });
      }
    }
    moveTicketToClient(db, t.id, {
      ...who,
      type,
      parentId: incidentId,
      subject: attributedSubject(t.subject, who),
    });
    addTicketEvent(db, t.id, {
      type: 'action',
      actor: by.actor,
      text: `attributed to ${who.client}${who.campaign ? ` / ${who.campaign}` : ''} by staff${incidentId ? `, linked to incident ${incidentId}` : ''}: ${note}`,
      data: { kind: 'staff-attribution', ...who, incidentId, reports: reports.map((r) => r.id) },
      now: by.now,
    });
    const enforcement = enforceClient(db, client.id, settings, by.now);
    writeAudit(db, {
      actor: by.actor,
      action: 'ticket.attribute',
      target: t.id,
      detail: {
        client: who.client,
        campaign: who.campaign,
        note,
        reports: reports.map((r) => r.id),
        suppressed,
        incidentId,
        statusChange: enforcement.change
          ? { from: enforcement.change.from, to: enforcement.change.to }
          : null,
      },
      now: by.now,
    });
    return { ticket: getTicket(db, t.id)!, decisions: all, suppressed, incidentId, enforcement };
  })();
}

/** One report: the new attribution, the planned actions applied, its webhooks and signals; decisions appended to the report's own. */
function actOnReport(
  db: Database,
  r: ReportDetail,
  a: Attribution,
  settings: EnforcementSettings,
  now: Date,
): { decisions: Decision[]; incidentId: string | null; type: TicketType } {
  const message = getMessage(db, String(r.messageId));
  if (!message) throw new TicketActionError('conflict', `the message of report #${r.id} is gone`);
  const c: ApplyContext = {
    db,
    reportId: r.id,
    report: r.parsed,
    attribution: a,
    message,
    headerBlock: new Map(),
    subject: null,
    now,
  };
  const isTrap = trapChecker(db);
  // No reply ticket and no acknowledgement: the report was answered (or not) when it first arrived.
  const plan = planActions(r.parsed, a, settings.actions, null, isTrap);
  const decisions: Decision[] = [...applySuppressions(c, plan.suppressions), ...plan.skippedSuppressions];
  let incidentId: string | null = null;
  const planned = plan.ticket;
  if (planned && (planned.incidentKey || planned.alsoIncident)) {
    // The pipeline's incident applier, asked for the (client, campaign) incident alone: this ticket stays the report's own.
    const incident = applyTickets(
      c,
      {
        ...plan,
        ticket: {
          type: 'incident',
          subject: `Complaints and bounces: ${clientAndCampaign(a)}`,
          incidentKey: `${a.clientId}:${a.campaignId ?? 0}`,
          alsoIncident: false,
          why: `the incident of ${clientAndCampaign(a)} (report attributed by staff)`,
        },
      },
      decisions,
    );
    decisions.push(...incident.decisions);
    incidentId = incident.incidentId;
  }
  emitReportWebhooks(db, decisions, {
    reportId: r.id,
    report: r.parsed,
    attribution: a,
    duplicateOf: null,
    now,
    endpoints: settings.webhookEndpoints,
  });
  decisions.push(...signals(db, r, a, { clientId: a.clientId!, message, now }, settings, isTrap));
  // The new attribution and the appended decisions in one write of the report row, as the pipeline writes it.
  saveReportOutcome(db, r.id, {
    attribution: a,
    decisions: [...(r.decisions ?? []), ...decisions],
    ticketId: r.ticketId,
  });
  return { decisions, incidentId, type: movedType(planned?.incidentKey ?? null, planned?.type) };
}

/** The report's enforcement signals for the client, as the enforcement stage records them. */
function signals(
  db: Database,
  r: ReportDetail,
  a: Attribution,
  { clientId, message, now }: { clientId: number; message: StoredMessage; now: Date },
  settings: EnforcementSettings,
  isTrap: (address: string) => boolean,
): Decision[] {
  const source = judgeSource({
    kind: r.parsed.kind,
    from: r.parsed.reporter,
    auth: r.parsed.auth,
    envelope: { mailFrom: message.mailFrom, helo: message.helo, clientIp: message.clientIp },
    registry: loadProviderRegistry(),
  });
  const planned = planSignals(r.parsed, a, {
    countTokenProven: settings.countTokenProvenSignals,
    providers: settings.providers,
    isTrap,
    source,
  });
  if (planned.length === 0) return [];
  const rolling = new Date(now.getTime() - settings.policy.windowDays * 86_400_000).toISOString();
  const since = clientForEnforcement(db, clientId)?.since ?? null;
  const { signals: stored } = recordSignals(db, planned, {
    clientId,
    campaignId: a.campaignId,
    reportId: r.id,
    now,
    source,
    corroboration: {
      sources: settings.policy.corroborationSources,
      since: since && since > rolling ? since : rolling,
    },
  });
  return stored.map((s): Decision => ({
    kind: s.counts ? 'signal-counted' : 'signal-recorded',
    target: s.recipient,
    scope: clientScope(a.client),
    rule: s.rule,
    reason: s.reason,
    signal: s.signal,
  }));
}
