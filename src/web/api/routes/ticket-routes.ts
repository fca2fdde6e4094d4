import { z } from 'zod';
import { ticketStatuses, ticketTypes } from '../../../store/vocabulary.ts';
import { writeAudit } from '../../../store/audit-store.ts';
import { prepared } from '../../../db/prepared.ts';
import { addTicketEvent, getTicket, setTicketStatus, ticketEvents, type Ticket } from '../../../store/tickets-store.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { decodeCursor, page } from '../cursor.ts';
import { notFound } from '../http-error.ts';
import { booleanField, cursorField, isoDateField, limitField, slugField } from '../query-fields.ts';
import { reportsOfTicket } from '../report-view.ts';

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
  q: z.string().trim().min(1).max(200).optional().describe('ticket id, or text in the subject or reporter'),
  limit: limitField(),
  cursor: cursorField,
});

// One statement for every filter combination (unset filters are NULL), newest activity first; the cursor
// is the (updated_at, id) of the last row seen.
const listSql = `SELECT t.id, t.updated_at FROM tickets t LEFT JOIN clients c ON c.id = t.client_id LEFT JOIN campaigns k ON k.id = t.campaign_id
  WHERE (@status IS NULL OR t.status = @status) AND (@type IS NULL OR t.type = @type)
    AND (@client IS NULL OR c.slug = @client) AND (@campaign IS NULL OR k.slug = @campaign)
    AND (@trusted IS NULL OR t.trusted = @trusted)
    AND (@from IS NULL OR t.created_at >= @from) AND (@to IS NULL OR t.created_at < @to)
    AND (@q IS NULL OR t.id = upper(@q) OR t.subject LIKE @like ESCAPE '\\' OR t.reporter LIKE @like ESCAPE '\\')
    AND (@cu IS NULL OR t.updated_at < @cu OR (t.updated_at = @cu AND t.id < @cid))
  ORDER BY t.updated_at DESC, t.id DESC LIMIT @limit`;

const iso = (v: string | undefined): string | null => (v === undefined ? null : new Date(v).toISOString());

export const ticketRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/tickets',
    role: 'viewer',
    summary: 'Tickets, most recently active first, with filters and cursor pagination',
    query: listQuery,
    handle: ({ query: q, deps }) => {
      const after = decodeCursor<[string, string]>(q.cursor, ['string', 'string']);
      const rows = prepared(deps.db, listSql).all({
        status: q.status ?? null,
        type: q.type ?? null,
        client: q.client ?? null,
        campaign: q.campaign ?? null,
        trusted: q.trusted === undefined ? null : q.trusted ? 1 : 0,
        from: iso(q.from),
        to: iso(q.to),
        q: q.q ?? null,
        like: q.q ? `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null,
        cu: after?.[0] ?? null,
        cid: after?.[1] ?? null,
        limit: q.limit + 1,
      }) as Array<{ id: string; updated_at: string }>;
      const p = page(rows, q.limit, (r) => [r.updated_at, r.id]);
      return { items: p.items.map((r) => getTicket(deps.db, r.id)).filter((t): t is Ticket => t !== null), nextCursor: p.nextCursor };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/tickets/:id',
    role: 'viewer',
    summary: 'A ticket with its reports (attribution and decisions), linked tickets and timeline',
    params: idParams,
    handle: ({ params, deps }) => {
      const ticket = getTicket(deps.db, params.id);
      if (!ticket) throw notFound(`ticket ${params.id}`);
      const linked = prepared(deps.db, 'SELECT id FROM tickets WHERE parent_id = ? ORDER BY created_at').all(ticket.id) as Array<{ id: string }>;
      return { ...ticket, linkedTickets: linked.map((l) => l.id), reports: reportsOfTicket(deps.db, ticket.id), timeline: ticketEvents(deps.db, ticket.id) };
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
        if (!before || !setTicketStatus(deps.db, before.id, body.status, { actor, note: body.note, now })) throw notFound(`ticket ${params.id}`);
        writeAudit(deps.db, { actor, action: 'ticket.status', target: before.id, detail: { from: before.status, to: body.status, note: body.note ?? null }, now });
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
        writeAudit(deps.db, { actor, action: 'ticket.note', target: ticket.id, detail: { length: body.text.length }, now });
      })();
      reply.code(201);
      return ticketEvents(deps.db, params.id.toUpperCase()).at(-1);
    },
  }),
];
