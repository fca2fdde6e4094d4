import { z } from 'zod';
import { attributeTicket } from '../../../actions/staff-attribution.ts';
import { assignTicket, setTicketPending, TicketActionError } from '../../../actions/ticket-workflow.ts';
import { assignableByEmail } from '../../../store/ticket-workflow-store.ts';
import { defineRoute, type ApiRoute } from '../api-route.ts';
import { HttpError } from '../http-error.ts';
import { slugField } from '../query-fields.ts';
import { ticketSchema } from '../ticket-schema.ts';

const idParams = z.object({ id: z.string().min(1).max(40) });

/** Desk action errors as HTTP: no ticket 404, a ticket in the wrong state 409, a bad value 400. */
function asHttp<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof TicketActionError)) throw e;
    if (e.code === 'not-found') throw new HttpError(404, 'not_found', e.message);
    if (e.code === 'conflict') throw new HttpError(409, 'conflict', e.message);
    throw new HttpError(400, 'invalid_input', e.message);
  }
}

/** The desk workflow over the API: owner, pending with its reason, staff attribution of an unmatched ticket. */
export const ticketWorkflowApiRoutes: ApiRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/tickets/:id/assign',
    role: 'agent',
    summary:
      'Give a ticket to a staff member (an enabled agent or admin, by login), or to nobody with assignee null; returns the ticket',
    params: idParams,
    body: z.strictObject({
      assignee: z
        .string()
        .trim()
        .min(3)
        .max(320)
        .nullable()
        .describe('staff login (e.g. alice@esp.example), or null to unassign'),
    }),
    response: ticketSchema,
    handle: ({ params, body, deps, actor, now }) => {
      const who = body.assignee === null ? null : assignableByEmail(deps.db, body.assignee);
      if (body.assignee !== null && !who)
        throw new HttpError(400, 'invalid_input', `no enabled agent or admin "${body.assignee}"`);
      return asHttp(() => assignTicket(deps.db, params.id, who, { actor, now }));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/tickets/:id/pending',
    role: 'agent',
    summary:
      'Set a ticket pending with the reason it waits (required; shown on the ticket); returns the ticket',
    params: idParams,
    body: z.strictObject({ reason: z.string().trim().min(1).max(500).describe('what the ticket waits for') }),
    response: ticketSchema,
    handle: ({ params, body, deps, actor, now }) =>
      asHttp(() => setTicketPending(deps.db, params.id, body.reason, { actor, now })),
  }),
  defineRoute({
    method: 'POST',
    path: '/tickets/:id/attribute',
    role: 'agent',
    summary:
      'Attribute an unmatched ticket to a client (and campaign): its reports get a staff attribution and the actions of a matched report (suppression for the client, incident, signals); 409 unless the ticket is unmatched',
    params: idParams,
    body: z.strictObject({
      client: slugField.describe('client slug'),
      campaign: slugField.nullish().describe("one of the client's campaigns (optional)"),
      note: z
        .string()
        .trim()
        .min(1)
        .max(500)
        .describe('why the reports belong to this client (stored in the attribution reason)'),
    }),
    response: z.object({
      ticket: ticketSchema,
      incidentId: z
        .string()
        .nullable()
        .describe('the (client, campaign) incident the ticket is now linked under'),
      suppressed: z.array(z.string()).describe('addresses newly suppressed or refreshed'),
      decisions: z
        .array(z.object({ kind: z.string(), rule: z.string(), reason: z.string() }).loose())
        .describe('every decision taken for the reports, each with its rule and reason'),
      clientStatus: z
        .object({ from: z.string(), to: z.string(), mode: z.string() })
        .nullable()
        .describe("the client's status change made by the re-assessment, if any"),
    }),
    handle: ({ params, body, deps, actor, now }) => {
      const r = asHttp(() =>
        attributeTicket(
          deps.db,
          { ticketId: params.id, client: body.client, campaign: body.campaign ?? null, note: body.note },
          deps.enforcement,
          { actor, now },
        ),
      );
      return {
        ticket: r.ticket,
        incidentId: r.incidentId,
        suppressed: r.suppressed,
        decisions: r.decisions,
        clientStatus: r.enforcement.change
          ? { from: r.enforcement.change.from, to: r.enforcement.change.to, mode: r.enforcement.change.mode }
          : null,
      };
    },
  }),
];
