import { emitTicketUpdated } from '../../../webhooks/ticket-updated-webhook.ts';
import { z } from 'zod';
import { ticketStatuses, ticketTypes } from '../../../store/vocabulary.ts';
import { ticketConversation } from '../../../answer/ticket-conversation.ts';
import { writeAudit } from '../../../store/audit-store.ts';
import { ticketReportSummaries } from '../../../store/report-read-model.ts';
import {
  addTicketEvent,
  childTicketIds,
  getTicket,
  searchTickets,
  setTicketStatus,
  ticketEvents,
} from '../../../store/tickets-store.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { ticketWorkflowApiRoutes } from './ticket-workflow-routes.ts';
import { decodeCursor, page } from '../cursor.ts';
import { notFound } from '../http-error.ts';
import { booleanField, cursorField, isoDateField, limitField, slugField } from '../query-fields.ts';

const statuses = ticketStatuses;
const types = ticketTypes;
const idParams = z.object({ id: z.string().min(1).max(40) });

const listQuery = z.object({
  status: z.enum(statuses).optional(),
  type: z.enum(types).optional(),
  client: slugField.optional(),
  campaign: slugField.optional(),
  trusted: booleanField,
  from: isoDateField.optional().describe('created at or after (ISO 8601)'),
  to: isoDateField.optional().describe('created before (ISO 8601)'),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe(
      "the inbox's search: a ticket id; an identifier a report names (complainant or reporter address, original Message-ID, queue id, source IP, sending domain); else text in the subject, sender, reporter, client, campaign or notes",
    ),
  limit: limitField(),
  cursor: cursorField,
});

const iso = (v: string | undefined): string | undefined =>
  v === undefined ? undefined : new Date(v).toISOString();

export const ticketRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/tickets',
    role: 'viewer',
    summary: 'Tickets, most recently active first, with filters and cursor pagination',
    query: listQuery,
    handle: ({ query: q, deps }) => {
      const after = decodeCursor<[string, string]>(q.cursor, ['string', 'string']);
      const rows = searchTickets(deps.db, {
        ...q,
        from: iso(q.from),
        to: iso(q.to),
        after: after ? { updatedAt: after[0], id: after[1] } : undefined,
        limit: q.limit + 1,
      });
      return page(rows, q.limit, (t) => [t.updatedAt, t.id]);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/tickets/:id',
    role: 'viewer',
    summary:
      "A ticket with its reports (attribution and decisions), linked tickets, timeline and conversation (each message's own words and quoted text, our acknowledgements, staff answers and notices with their delivery state, staff notes)",
    params: idParams,
    handle: ({ params, deps }) => {
      const ticket = getTicket(deps.db, params.id);
      if (!ticket) throw notFound(`ticket ${params.id}`);
      return {
        ...ticket,
        linkedTickets: childTicketIds(deps.db, ticket.id),
        reports: ticketReportSummaries(deps.db, ticket.id),
        timeline: ticketEvents(deps.db, ticket.id),
        conversation: ticketConversation(deps.db, ticket.id),
      };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/tickets/:id',
    role: 'agent',
    summary: 'Change the status of a ticket (resolve, reopen, pending), with an optional note',
    params: idParams,
    body: z.strictObject({ status: z.enum(statuses), note: z.string().trim().min(1).max(5000).optional() }),
    handle: ({ params, body, deps, actor, now }) => {
      const ticket = deps.db.transaction(() => {
        const before = getTicket(deps.db, params.id);
        if (!before || !setTicketStatus(deps.db, before.id, body.status, { actor, note: body.note, now }))
          throw notFound(`ticket ${params.id}`);
        const auditId = writeAudit(deps.db, {
          actor,
          action: 'ticket.status',
          target: before.id,
          detail: { from: before.status, to: body.status, note: body.note ?? null },
          now,
        });
        if (before.status !== body.status)
          emitTicketUpdated(deps.db, {
            ticketId: before.id,
            change: 'status',
            actor,
            now,
            endpoints: deps.enforcement.webhookEndpoints,
            key: auditId,
            data: { from: before.status },
          });
        return getTicket(deps.db, before.id)!;
      })();
      return ticket;
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/tickets/:id/notes',
    role: 'agent',
    summary: 'Add a staff note to the timeline of a ticket',
    params: idParams,
    body: z.strictObject({ text: z.string().trim().min(1).max(20_000) }),
    handle: ({ params, body, deps, actor, now, reply }) => {
      deps.db.transaction(() => {
        const ticket = getTicket(deps.db, params.id);
        if (!ticket) throw notFound(`ticket ${params.id}`);
        addTicketEvent(deps.db, ticket.id, { type: 'note', text: body.text, actor, now });
        const auditId = writeAudit(deps.db, {
          actor,
          action: 'ticket.note',
          target: ticket.id,
          detail: { length: body.text.length },
          now,
        });
        emitTicketUpdated(deps.db, {
          ticketId: ticket.id,
          change: 'note',
          actor,
          now,
          endpoints: deps.enforcement.webhookEndpoints,
          key: auditId,
        });
      })();
      reply.code(201);
      return ticketEvents(deps.db, params.id.toUpperCase()).at(-1);
    },
  }),
  ...ticketWorkflowApiRoutes,
];
