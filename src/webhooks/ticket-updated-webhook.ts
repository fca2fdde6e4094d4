import type { Database } from 'better-sqlite3';
import { clientIdBySlug } from '../store/clients-store.ts';
import { getTicket } from '../store/tickets-store.ts';
import { emitWebhook, type WebhookEndpoint } from './emit-webhook.ts';

/**
 * `ticket.updated` for a change staff made to a ticket (a note, a status change, an assignment): to the ticket's
 * client's endpoint and every global one. Call it in the transaction that makes the change; `key` makes the event
 * unique (e.g. the ticket event or audit id), so emitting it again queues nothing.
 */
export function emitTicketUpdated(
  db: Database,
  o: {
    ticketId: string;
    change: 'note' | 'status' | 'assignee' | (string & {});
    actor: string;
    now: Date;
    endpoints: readonly WebhookEndpoint[];
    key: string | number;
    data?: Record<string, unknown>;
  },
): number[] {
  const t = getTicket(db, o.ticketId);
  if (!t) return [];
  return emitWebhook(
    db,
    'ticket.updated',
    { ticketId: t.id, change: o.change, status: t.status, by: o.actor, ...o.data },
    {
      endpoints: o.endpoints,
      clientId: t.client ? clientIdBySlug(db, t.client) : null,
      now: o.now,
      key: `ticket:${t.id}:${o.change}:${o.key}`,
      ticketId: t.id,
    },
  );
}
