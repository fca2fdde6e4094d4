import type { Database } from 'better-sqlite3';
import type { Attribution } from '../attribute/attribution.ts';
import type { Decision } from '../decisions/decision.ts';
import type { ParsedReport } from '../report/parsed-report.ts';
import { emitWebhook, type WebhookEndpoint, type WebhookEventType } from './emit-webhook.ts';

export interface ReportWebhookContext {
  reportId: number;
  report: ParsedReport;
  attribution: Attribution;
  duplicateOf: number | null;
  now: Date;
  /** The global endpoints (config `webhooks.endpoints`). */
  endpoints: readonly WebhookEndpoint[];
}

interface DecisionEvent {
  type: WebhookEventType;
  data: Record<string, unknown>;
  /** Identity of the event: emitting it again queues nothing. */
  key: string;
  ticketId?: string;
}

const scopeClient = (d: Decision): string | null =>
  d.scope && d.scope !== 'global' ? d.scope.slice('client:'.length) : null;

/** The webhook event a decision causes, if any: a new suppression, a new ticket, a report or reply added to a ticket. */
function eventOf(d: Decision, all: readonly Decision[], c: ReportWebhookContext): DecisionEvent | null {
  const reportId = c.reportId;
  switch (d.kind) {
    case 'suppress':
      if (d.refreshed) return null;
      return {
        type: 'suppression.created',
        key: `suppression:${reportId}:${d.target}`,
        data: {
          address: d.target,
          reason: d.suppression,
          scope: d.scope === 'global' ? 'global' : 'client',
          client: c.attribution.client,
          reportId,
        },
      };
    case 'open-ticket': {
      const client = scopeClient(d);
      const data = {
        ticketId: d.target,
        type: d.ticketType,
        client,
        campaign: client ? c.attribution.campaign : null,
        parentId: d.parentId,
        reportId,
      };
      return { type: 'ticket.created', key: `ticket:${d.target}`, ticketId: d.target, data };
    }
    case 'append-ticket': {
      const reopened = all.some((x) => x.kind === 'reopen-ticket' && x.target === d.target);
      const data =
        d.change === 'reply'
          ? { ticketId: d.target, change: 'reply', reopened, reportId }
          : { ticketId: d.target, change: 'report', reportId };
      return {
        type: 'ticket.updated',
        key: `ticket:${d.target}:${d.change}:${reportId}`,
        ticketId: d.target,
        data,
      };
    }
    default:
      return null;
  }
}

/**
 * The one place decisions become webhook events: `report.received` for every report acted on (duplicates
 * included), then one event per decision that changed a suppression list or a ticket, in decision order. Queued
 * in the caller's transaction, so an event exists if and only if its change commits.
 */
export function emitReportWebhooks(
  db: Database,
  decisions: readonly Decision[],
  c: ReportWebhookContext,
): void {
  const a = c.attribution;
  const hook = { clientId: a.clientId, now: c.now, reportId: c.reportId, endpoints: c.endpoints };
  const received = {
    reportId: c.reportId,
    kind: c.report.kind,
    reason: c.report.reason,
    client: a.client,
    campaign: a.campaign,
    trusted: c.report.auth?.trusted ?? false,
    duplicateOf: c.duplicateOf,
  };
  emitWebhook(db, 'report.received', received, { ...hook, key: `report:${c.reportId}` });
  for (const d of decisions) {
    const e = eventOf(d, decisions, c);
    if (e)
      emitWebhook(db, e.type, e.data, {
        ...hook,
        key: e.key,
        ...(e.ticketId ? { ticketId: e.ticketId } : {}),
      });
  }
}
