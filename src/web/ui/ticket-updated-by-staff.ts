import { listAudit } from '../../store/audit-store.ts';
import { getTicket, type TicketStatus } from '../../store/tickets-store.ts';
import { emitTicketUpdated } from '../../webhooks/ticket-updated-webhook.ts';
import type { UiContext } from './ui-context.ts';

/**
 * Queues `ticket.updated` for a change staff made on a page, as the API does: call it inside the change's
 * transaction, after the change and its audit entry. A status change is sent only when the status really moved
 * (`from` is the status before). The event's key is that audit entry's id, the same key space as the API's, so a
 * change is never sent twice and two changes never share one event.
 */
export function ticketUpdatedByStaff(
  ctx: UiContext,
  o: { ticketId: string; actor: string; now: Date } & (
    { change: 'note' } | { change: 'status'; from: TicketStatus }
  ),
): void {
  const t = getTicket(ctx.db, o.ticketId);
  if (!t) return;
  if (o.change === 'status' && t.status === o.from) return;
  const audit = listAudit(ctx.db, { target: t.id, limit: 1 })[0];
  emitTicketUpdated(ctx.db, {
    ticketId: t.id,
    change: o.change,
    actor: o.actor,
    now: o.now,
    endpoints: ctx.enforcement.webhookEndpoints,
    key: audit?.id ?? `ui-${o.now.getTime()}`,
    ...(o.change === 'status' ? { data: { from: o.from } } : {}),
  });
}
