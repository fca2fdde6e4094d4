import type { Database } from 'better-sqlite3';
import { writeAudit } from '../store/audit-store.ts';
import { clientForEnforcement, updateClientStatus } from '../store/clients-store.ts';
import { insertStatusChange } from '../store/enforcement-store.ts';
import { clientStatuses, type StatusChangeMode } from '../store/vocabulary.ts';
import {
  addTicketEvent,
  createTicket,
  setTicketStatus,
  ticketByIncidentKey,
} from '../store/tickets-store.ts';
import { emitWebhook, type WebhookEndpoint } from '../webhooks/emit-webhook.ts';
import { queueClientNotice, type ClientNoticeOutcome } from '../answer/client-notice.ts';
import type { DeskMailSettings } from '../answer/desk-mail-settings.ts';
import type { ClientStatus } from './enforcement-types.ts';

export type { StatusChangeMode } from '../store/vocabulary.ts';

export interface StatusChangeInput {
  clientId: number;
  to: ClientStatus;
  /** `system:enforcement`, or the staff member (`user:…`, `token:…`, `cli:…`). */
  actor: string;
  reason: string;
  mode: StatusChangeMode;
  note?: string | null;
  evidence?: unknown;
  consent?: unknown;
  /** The global webhook endpoints (config `webhooks.endpoints`) the change is announced to. */
  webhookEndpoints: readonly WebhookEndpoint[];
  /** Who the desk writes as and which status changes notify the client (config `desk.clientNotices`); none: no notice. */
  desk?: DeskMailSettings | undefined;
  now: Date;
}

export interface StatusChangeResult {
  historyId: number;
  ticketId: string;
  from: ClientStatus;
  to: ClientStatus;
  /** The notice to the client's abuse contact: queued, or why not; null when off for this status (or not applied). */
  notice: ClientNoticeOutcome | null;
}

const ORDER: readonly ClientStatus[] = clientStatuses;

/**
 * One client status change, with everything it must leave behind: a history row with reason and evidence, an
 * audit entry, the client's enforcement ticket opened or updated, a `client.status_changed` webhook and, when
 * `desk.clientNotices` enables it for the new status, a notice to the client's abuse contact. A dry-run or
 * proposed change records the history row and a ticket entry only. A staff member lowering the
 * status restarts the enforcement window: the signals before it were answered. Call inside a transaction.
 */
export function changeClientStatus(db: Database, input: StatusChangeInput): StatusChangeResult {
  const c = clientForEnforcement(db, input.clientId);
  if (!c) throw new Error(`no client with id ${input.clientId}`);
  const at = input.now.toISOString();
  const applied = input.mode === 'applied';
  const staff = input.actor !== 'system:enforcement';
  const verb =
    input.to === 'suspended'
      ? 'suspend'
      : c.status === 'suspended' && input.to === 'active'
        ? 'reinstate'
        : 'status';
  let auditId: number | null = null;
  if (applied) {
    const lowered = ORDER.indexOf(input.to) < ORDER.indexOf(c.status);
    updateClientStatus(db, c.id, input.to, at, staff && lowered);
    auditId = writeAudit(db, {
      actor: input.actor,
      action: `client.${verb}`,
      target: c.slug,
      detail: {
        from: c.status,
        to: input.to,
        reason: input.reason,
        note: input.note ?? null,
        evidence: input.evidence ?? null,
        consent: input.consent ?? null,
      },
      now: input.now,
    });
  }

  const key = `enforcement:${c.id}`;
  let ticket = ticketByIncidentKey(db, key);
  const ticketId =
    ticket?.id ??
    createTicket(db, {
      type: 'incident',
      subject: `Enforcement: ${c.slug}`,
      clientId: c.id,
      incidentKey: key,
      trusted: true,
      now: input.now,
    });
  const label =
    input.mode === 'dry-run'
      ? 'dry run — would change'
      : input.mode === 'proposed'
        ? 'proposed (staff decide)'
        : 'status';
  addTicketEvent(db, ticketId, {
    type: 'action',
    actor: input.actor,
    text: `${label}: ${c.slug} ${c.status} → ${input.to}: ${input.reason}${input.note ? ` — note: ${input.note}` : ''}`,
    data: { evidence: input.evidence ?? null, consent: input.consent ?? null },
    now: input.now,
  });
  ticket = ticketByIncidentKey(db, key)!;
  if (applied && staff && input.to === 'active')
    setTicketStatus(db, ticketId, 'resolved', {
      actor: input.actor,
      note: 'client reinstated',
      now: input.now,
    });
  else if (ticket.status === 'resolved' && ORDER.indexOf(input.to) > ORDER.indexOf(c.status))
    setTicketStatus(db, ticketId, 'open', {
      actor: input.actor,
      note: 'enforcement escalated',
      now: input.now,
    });

  const historyId = insertStatusChange(db, {
    clientId: c.id,
    at,
    from: c.status,
    to: input.to,
    actor: input.actor,
    mode: input.mode,
    reason: input.reason,
    note: input.note ?? null,
    evidence: input.evidence === undefined ? null : JSON.stringify(input.evidence),
    consent: input.consent === undefined ? null : JSON.stringify(input.consent),
    ticketId,
    auditId,
  });
  if (applied) {
    emitWebhook(
      db,
      'client.status_changed',
      {
        client: c.slug,
        from: c.status,
        to: input.to,
        actor: input.actor,
        reason: input.reason,
        note: input.note ?? null,
        score: c.score,
        ticketId,
        historyId,
        evidence: input.evidence ?? null,
      },
      {
        clientId: c.id,
        now: input.now,
        key: `status:${historyId}`,
        ticketId,
        endpoints: input.webhookEndpoints,
      },
    );
  }
  const notice =
    applied && input.desk
      ? queueClientNotice(db, input.desk, {
          clientId: c.id,
          from: c.status,
          to: input.to,
          reason: input.reason,
          actor: input.actor,
          ticketId,
          historyId,
          now: input.now,
        })
      : null;
  return { historyId, ticketId, from: c.status, to: input.to, notice };
}
