import { prepared } from '../db/prepared.ts';
import type { Database } from 'better-sqlite3';
import { attributeReport } from '../attribute/attribute-report.ts';
import type { OpenedToken } from '../attribute/attribution-lookups.ts';
import type { Attribution } from '../attribute/attribution.ts';
import { databaseLookups } from '../attribute/database-lookups.ts';
import { headerValue } from '../intake/header-value.ts';
import type { ParsedReport } from '../parse/parsed-report.ts';
import { suppress } from '../suppressions/suppression-store.ts';
import { addTicketEvent, createTicket, getTicket, recordReportOnTicket, setTicketStatus, ticketByIncidentKey } from '../tickets/ticket-store.ts';
import type { Stage, StageContext } from '../worker/stage.ts';
import { emitWebhook } from '../webhooks/emit-webhook.ts';
import type { Acknowledger } from './acknowledger.ts';
import { enforceClient, type EnforcementContext } from '../enforcement/enforce-client.ts';
import { logEvent } from '../log/logger.ts';
import { planSignals, type PlannedSignal, type SignalOptions } from '../enforcement/plan-signals.ts';
import { recordSignals } from '../enforcement/record-signals.ts';
import { trapChecker } from '../enforcement/spam-traps.ts';
import { planActions, type ActionPlan, type ActionPolicy } from './plan-actions.ts';

/** Counters and enforcement (issue 6): how signals are judged, and the policy that moves client status. */
export interface ActionsEnforcement {
  ctx: EnforcementContext;
  signals: Omit<SignalOptions, 'isTrap' | 'providers'>;
}

export interface ActionsStageOptions {
  policy: ActionPolicy;
  enforcement?: ActionsEnforcement | undefined;
  ticketIdPattern: RegExp;
  openToken: (token: string) => OpenedToken | null;
  acknowledge?: Acknowledger | undefined;
}

export interface ActionsResult {
  attribution: Attribution;
  plan: ActionPlan;
  ticketId: string | null;
  decisions: string[];
  duplicateOf: number | null;
}

/** The ticket id a reply names: Subject first, then In-Reply-To and References (our acknowledgement's Message-ID carries it). */
function replyTicketId(raw: Buffer, pattern: RegExp): string | null {
  for (const name of ['subject', 'in-reply-to', 'references']) {
    const m = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(headerValue(raw, name) ?? '');
    if (m) return m[0].toUpperCase();
  }
  return null;
}

/** The trail entry of the enforcement step: the report's signals and whether they count. */
function enforcementTrail(client: string, signals: PlannedSignal[]): { stage: string; outcome: string; reason: string } {
  const counted = signals.filter((s) => s.counts).length;
  const list = signals.map((s) => `${s.signal}${s.recipient ? ` ${s.recipient}` : ''}: ${s.counts ? 'counts' : 'not counted'} (${s.reason})`).join('; ');
  return { stage: 'enforcement', outcome: counted ? 'counted' : 'recorded', reason: `${list}; ${client} is re-assessed when this batch commits (see the client's history)` };
}

/** A report already acted on for the same top-level Message-ID (a provider re-sending the same report). */
function earlierTwin(db: Database, messageId: string | null, selfMessageRow: number): number | null {
  if (!messageId) return null;
  const r = prepared(db, `SELECT r.id FROM reports r JOIN messages m ON m.id = r.message_id WHERE m.message_id = ? AND m.id <> ? AND r.decisions IS NOT NULL ORDER BY r.id LIMIT 1`)
    .get(messageId, selfMessageRow) as { id: number } | undefined;
  return r?.id ?? null;
}

/**
 * attribute + actions: find the client and campaign, then — in one transaction — suppress, open or
 * update tickets, queue the acknowledgement, and store every decision with its reason on the report.
 * Idempotent: a report whose decisions are stored is never acted on again, nor is a second copy of
 * the same report (same Message-ID).
 */
export function actionsStage(options: ActionsStageOptions): Stage {
  let lookups: ReturnType<typeof databaseLookups> | null = null;
  // Clients whose signals changed in the current batch.
  const touched = new Set<number>();
  return {
    name: 'actions',
    finishBatch({ db, now, logger }) {
      const ids = [...touched];
      touched.clear();
      if (!options.enforcement) return;
      for (const id of ids) {
        const e = enforceClient(db, id, options.enforcement.ctx, now);
        if (e.change) logEvent(logger, 'info', 'enforcement.changed', { client: e.facts.client, from: e.change.from, to: e.change.to, mode: e.change.mode });
      }
    },
    commit(ctx: StageContext) {
      const { db } = ctx;
      lookups ??= databaseLookups(db, options.openToken);
      const parsed = ctx.results.parse as { reportId: number; report: ParsedReport };
      const { reportId, report } = parsed;
      const done = prepared(db, 'SELECT decisions, ticket_id AS ticketId FROM reports WHERE id = ?').get(reportId) as { decisions: string | null; ticketId: string | null };
      if (done.decisions) {
        return { outcome: 'already-done', reason: 'actions were taken when this message was first processed; nothing repeated', trail: [{ stage: 'actions', outcome: 'already-done', reason: 'processed before: no second effect' }] };
      }
      const twin = earlierTwin(db, ctx.message.messageId, ctx.message.id);
      const attribution = attributeReport(report, lookups);
      const now = ctx.now();
      const plan = planActions(report, attribution, options.policy, report.kind === 'reply' ? replyTicketId(ctx.raw, options.ticketIdPattern) : null);
      const decisions: string[] = [];
      let ticketId: string | null = null;
      let signals: PlannedSignal[] = [];

      // Runs inside the worker's per-message savepoint: all of it or none of it.
      const hook = { clientId: attribution.clientId, now, reportId };
      const apply = (): void => {
        prepared(db, 'UPDATE reports SET client_id = ?, campaign_id = ?, attribution = ? WHERE id = ?').run(attribution.clientId, attribution.campaignId, JSON.stringify(attribution), reportId);
        emitWebhook(db, 'report.received', { reportId, kind: report.kind, reason: report.reason, client: attribution.client, campaign: attribution.campaign, trusted: report.auth?.trusted ?? false, duplicateOf: twin }, { ...hook, key: `report:${reportId}` });
        if (twin !== null) {
          decisions.push(`duplicate of report #${twin} (same Message-ID ${ctx.message.messageId}): no second effect`);
          prepared(db, 'UPDATE reports SET decisions = ? WHERE id = ?').run(JSON.stringify(decisions), reportId);
          return;
        }
        if (options.enforcement && attribution.clientId !== null) {
          signals = planSignals(report, attribution, { ...options.enforcement.signals, providers: options.enforcement.ctx.providers, isTrap: trapChecker(db) });
          recordSignals(db, signals, { clientId: attribution.clientId, campaignId: attribution.campaignId, reportId, now });
          // A trap address is never mailed again by anyone: suppressed with reason trap (global by default).
          for (const t of signals.filter((x) => x.signal === 'trap-hit' && x.recipient)) {
            if (!plan.suppressions.some((p) => p.address === t.recipient && p.reason === 'trap')) {
              plan.suppressions.push({ address: t.recipient!, reason: 'trap', global: options.policy.globalReasons.includes('trap'), why: 'the address is a listed spam trap' });
            }
          }
        }
        const suppressed: string[] = [];
        for (const s of plan.suppressions) {
          const r = suppress(db, { address: s.address, clientId: s.global ? null : attribution.clientId, reason: s.reason, reportId, now });
          suppressed.push(s.address);
          if (r.created) emitWebhook(db, 'suppression.created', { address: s.address, reason: s.reason, scope: s.global ? 'global' : 'client', client: attribution.client, reportId }, { ...hook, key: `suppression:${reportId}:${s.address}` });
          decisions.push(`suppress ${s.address} (${s.reason}, ${s.global ? 'global' : `client ${attribution.client}`})${r.created ? '' : ' — already suppressed, refreshed'}: ${s.why}`);
        }
        for (const s of plan.skippedSuppressions) decisions.push(`not suppressed: ${s}`);
        decisions.push(...plan.notes);
        const summary = `${report.kind}${report.feedbackType && report.kind === 'fbl' ? ` (${report.feedbackType})` : ''}${report.provider ? ` from ${report.provider}` : ''}${report.reporter ? ` reported by ${report.reporter}` : ''}: ${report.reason}`;
        const eventData = { attribution: { method: attribution.method, confidence: attribution.confidence, reason: attribution.reason }, decisions };
        const flags = plan.flags;

        // Incident (client, campaign) ticket: aggregates FBL complaints and bounces; a human complaint also lands here.
        let incidentId: string | null = null;
        if (plan.ticket && (plan.ticket.incidentKey || plan.ticket.alsoIncident)) {
          const key = plan.ticket.incidentKey ?? `${attribution.clientId}:${attribution.campaignId ?? 0}`;
          incidentId = ticketByIncidentKey(db, key)?.id ?? null;
          if (!incidentId) {
            incidentId = createTicket(db, { type: 'incident', subject: plan.ticket.incidentKey ? plan.ticket.subject : `Complaints and bounces: ${attribution.client}${attribution.campaign ? ` / ${attribution.campaign}` : ''}`, clientId: attribution.clientId, campaignId: attribution.campaignId, incidentKey: key, trusted: report.auth?.trusted ?? false, now });
            decisions.push(`opened incident ticket ${incidentId}`);
            emitWebhook(db, 'ticket.created', { ticketId: incidentId, type: 'incident', client: attribution.client, campaign: attribution.campaign, reportId }, { ...hook, key: `ticket:${incidentId}`, ticketId: incidentId });
          } else emitWebhook(db, 'ticket.updated', { ticketId: incidentId, change: 'report', reportId }, { ...hook, key: `ticket:${incidentId}:report:${reportId}`, ticketId: incidentId });
          const { reopened } = recordReportOnTicket(db, incidentId, { reportId, text: summary, flags, now, data: eventData });
          if (reopened) decisions.push(`reopened incident ticket ${incidentId}: new report after it was resolved`);
        }
        if (plan.ticket && !plan.ticket.incidentKey) {
          ticketId = createTicket(db, { type: plan.ticket.type, subject: plan.ticket.subject, clientId: attribution.clientId, campaignId: attribution.campaignId, parentId: incidentId, reporter: report.reporter, trusted: report.auth?.trusted ?? false, now });
          recordReportOnTicket(db, ticketId, { reportId, text: summary, flags, now, data: eventData });
          emitWebhook(db, 'ticket.created', { ticketId, type: plan.ticket.type, client: attribution.client, campaign: attribution.campaign, parentId: incidentId, reportId }, { ...hook, key: `ticket:${ticketId}`, ticketId });
          decisions.push(`opened ${plan.ticket.type} ticket ${ticketId}${incidentId ? ` (linked to incident ${incidentId})` : ''}: ${plan.ticket.why}`);
        } else ticketId = incidentId;
        if (plan.replyTo) {
          const t = getTicket(db, plan.replyTo);
          if (t) {
            addTicketEvent(db, t.id, { type: 'reply', text: `reply from ${report.reporter ?? ctx.message.mailFrom}: ${String(ctx.results.headers && (ctx.results.headers as { subject?: string }).subject)}`, reportId, now });
            if (t.status !== 'open') setTicketStatus(db, t.id, 'open', { actor: 'system', note: 'the reporter replied', now });
            ticketId = t.id;
            emitWebhook(db, 'ticket.updated', { ticketId: t.id, change: 'reply', reopened: t.status !== 'open', reportId }, { ...hook, key: `ticket:${t.id}:reply:${reportId}`, ticketId: t.id });
            decisions.push(`appended reply to ticket ${t.id}`);
          } else {
            ticketId = createTicket(db, { type: 'other', subject: `Reply naming unknown ticket ${plan.replyTo}`, reporter: report.reporter, now });
            recordReportOnTicket(db, ticketId, { reportId, text: summary, flags: [], now });
            emitWebhook(db, 'ticket.created', { ticketId, type: 'other', reportId }, { ...hook, key: `ticket:${ticketId}`, ticketId });
            decisions.push(`ticket ${plan.replyTo} does not exist: opened ${ticketId} for triage`);
          }
        }
        // Acknowledge human reporters only; when not sent, the ticket says which rule stopped it.
        if (ticketId && plan.ticket?.type !== 'incident') {
          if (plan.acknowledge && options.acknowledge) {
            const ack = options.acknowledge({ db, ticketId, report, reportId, message: ctx.message, raw: ctx.raw, suppressed: suppressed.length > 0, now });
            addTicketEvent(db, ticketId, { type: ack.sent ? 'mail' : 'action', text: ack.text, data: ack.data, reportId, now });
            decisions.push(ack.text);
          } else if (report.kind !== 'reply') {
            const why = report.kind === 'complaint' ? 'no acknowledgement: acknowledgements are not configured' : `no acknowledgement: kind ${report.kind} is never acknowledged`;
            addTicketEvent(db, ticketId, { type: 'action', text: why, reportId, now });
            decisions.push(why);
          }
        }
        if (ticketId && ticketId !== incidentId) {
          for (const d of decisions.filter((x) => x.startsWith('suppress ') || x.startsWith('not suppressed'))) addTicketEvent(db, ticketId, { type: 'action', text: d, reportId, now });
        }
        for (const sig of signals) decisions.push(`signal ${sig.signal}${sig.recipient ? ` (${sig.recipient})` : ''}: ${sig.counts ? 'counts toward enforcement' : 'recorded'} — ${sig.reason}`);
        // Re-assessed once per batch (finishBatch), not per report: a burst of reports costs one assessment per client.
        if (attribution.clientId !== null && signals.length > 0) touched.add(attribution.clientId);
        prepared(db, 'UPDATE reports SET decisions = ?, ticket_id = ? WHERE id = ?').run(JSON.stringify(decisions), ticketId, reportId);
      };
      apply();

      const result: ActionsResult = { attribution, plan, ticketId, decisions, duplicateOf: twin };
      return {
        outcome: twin !== null ? 'duplicate' : 'acted',
        reason: decisions.join('; ') || 'nothing to do',
        data: result,
        trail: [
          { stage: 'attribute', outcome: attribution.method, reason: `${attribution.reason} (confidence ${attribution.confidence})` },
          { stage: 'actions', outcome: twin !== null ? 'duplicate' : plan.suppressions.length ? 'suppressed' : ticketId ? 'ticketed' : 'recorded', reason: decisions.join('; ') || 'nothing to do' },
          ...(signals.length ? [enforcementTrail(attribution.client ?? '', signals)] : []),
        ],
      };
    },
  };
}
