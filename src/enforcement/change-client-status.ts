import type { Database } from 'better-sqlite3';
import { writeAudit } from '../audit/write-audit.ts';
import { prepared } from '../db/prepared.ts';
import { addTicketEvent, createTicket, setTicketStatus, ticketByIncidentKey } from '../tickets/ticket-store.ts';
import { emitWebhook } from '../webhooks/emit-webhook.ts';
import type { ClientStatus } from './enforcement-types.ts';

export type StatusChangeMode = 'applied' | 'dry-run' | 'proposed';

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
  now: Date;
}

export interface StatusChangeResult {
  historyId: number;
  ticketId: string;
  from: ClientStatus;
  to: ClientStatus;
}

const ORDER: ClientStatus[] = ['active', 'watch', 'warned', 'suspended'];

/**
 * One client status change, with everything PRODUCT.md asks of it: a history row with reason and evidence, an
 * audit entry, the client's enforcement ticket opened or updated, and a `client.status_changed` webhook. A
 * dry-run or proposed change records the history row and a ticket entry only. A staff member lowering the
 * status restarts the enforcement window: the signals before it were answered. Call inside a transaction.
 */
export function changeClientStatus(db: Database, input: StatusChangeInput): StatusChangeResult {
  const c = prepared(db, 'SELECT id, slug, status, score FROM clients WHERE id = ?').get(input.clientId) as { id: number; slug: string; status: ClientStatus; score: number | null } | undefined;
  if (!c) throw new Error(`no client with id ${input.clientId}`);
  const at = input.now.toISOString();
  const applied = input.mode === 'applied';
  const staff = input.actor !== 'system:enforcement';
  const verb = input.to === 'suspended' ? 'suspend' : c.status === 'suspended' && input.to === 'active' ? 'reinstate' : 'status';
  let auditId: number | null = null;
  if (applied) {
    const lowered = ORDER.indexOf(input.to) < ORDER.indexOf(c.status);
    prepared(db, `UPDATE clients SET status = ?, status_changed_at = ?, updated_at = ?, enforcement_since = CASE WHEN ? THEN ? ELSE enforcement_since END WHERE id = ?`)
      .run(input.to, at, at, staff && lowered ? 1 : 0, at, c.id);
    auditId = writeAudit(db, { actor: input.actor, action: `client.${verb}`, target: c.slug, detail: { from: c.status, to: input.to, reason: input.reason, note: input.note ?? null, evidence: input.evidence ?? null, consent: input.consent ?? null }, now: input.now });
  }

  const key = `enforcement:${c.id}`;
  let ticket = ticketByIncidentKey(db, key);
  const ticketId = ticket?.id ?? createTicket(db, { type: 'incident', subject: `Enforcement: ${c.slug}`, clientId: c.id, incidentKey: key, trusted: true, now: input.now });
  const label = input.mode === 'dry-run' ? 'dry run — would change' : input.mode === 'proposed' ? 'proposed (staff decide)' : 'status';
  addTicketEvent(db, ticketId, { type: 'action', actor: input.actor, text: `${label}: ${c.slug} ${c.status} → ${input.to}: ${input.reason}${input.note ? ` — note: ${input.note}` : ''}`, data: { evidence: input.evidence ?? null, consent: input.consent ?? null }, now: input.now });
  ticket = ticketByIncidentKey(db, key)!;
  if (applied && staff && input.to === 'active') setTicketStatus(db, ticketId, 'resolved', { actor: input.actor, note: 'client reinstated', now: input.now });
  else if (ticket.status === 'resolved' && ORDER.indexOf(input.to) > ORDER.indexOf(c.status)) setTicketStatus(db, ticketId, 'open', { actor: input.actor, note: 'enforcement escalated', now: input.now });

  const history = prepared(db, `INSERT INTO client_status_changes (client_id, at, from_status, to_status, actor, mode, reason, note, evidence, consent, ticket_id, audit_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    c.id, at, c.status, input.to, input.actor, input.mode, input.reason, input.note ?? null,
    input.evidence === undefined ? null : JSON.stringify(input.evidence), input.consent === undefined ? null : JSON.stringify(input.consent), ticketId, auditId,
  );
  const historyId = Number(history.lastInsertRowid);
  if (applied) {
    emitWebhook(db, 'client.status_changed', { client: c.slug, from: c.status, to: input.to, actor: input.actor, reason: input.reason, note: input.note ?? null, score: c.score, ticketId, historyId, evidence: input.evidence ?? null }, { clientId: c.id, now: input.now, key: `status:${historyId}`, ticketId });
  }
  return { historyId, ticketId, from: c.status, to: input.to };
}

export interface StatusHistoryEntry {
  id: number;
  at: string;
  from: ClientStatus;
  to: ClientStatus;
  actor: string;
  mode: StatusChangeMode;
  reason: string;
  note: string | null;
  evidence: unknown;
  consent: unknown;
  ticketId: string | null;
}

/** A client's status history, newest first. */
export function clientStatusHistory(db: Database, clientId: number, limit = 100): StatusHistoryEntry[] {
  const rows = prepared(db, `SELECT id, at, from_status AS "from", to_status AS "to", actor, mode, reason, note, evidence, consent, ticket_id AS ticketId
    FROM client_status_changes WHERE client_id = ? ORDER BY id DESC LIMIT ?`).all(clientId, limit) as Array<Omit<StatusHistoryEntry, 'evidence' | 'consent'> & { evidence: string | null; consent: string | null }>;
  return rows.map((r) => ({ ...r, evidence: r.evidence ? (JSON.parse(r.evidence) as unknown) : null, consent: r.consent ? (JSON.parse(r.consent) as unknown) : null }));
}
