import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { attributeTicket } from '../../actions/staff-attribution.ts';
import {
  assignTicket,
  changeTicketStatus,
  MAX_NOTE,
  setTicketPending,
  TicketActionError,
} from '../../actions/ticket-workflow.ts';
import { setClientStatus, StatusActionError } from '../../enforcement/staff-status-actions.ts';
import { writeAudit } from '../../store/audit-store.ts';
import { clientIdBySlug } from '../../store/clients-store.ts';
import { ticketReportDetails } from '../../store/report-read-model.ts';
import { parseSuppressionTarget, SuppressionTargetError } from '../../store/suppression-target.ts';
import {
  deleteSuppression,
  suppress,
  suppressionById,
  suppressionsByEvidence,
} from '../../store/suppressions-store.ts';
import { assignableById } from '../../store/ticket-workflow-store.ts';
import { firstOpenTicket, openNeighbours } from '../../store/ticket-workflow-store.ts';
import { addTicketEvent, getTicket, type Ticket, type TicketStatus } from '../../store/tickets-store.ts';
import { clientStatuses, type ClientStatus } from '../../store/vocabulary.ts';
import { confirmedReason } from './confirm-fields.ts';
import { flashUrl, registerFlash } from './flash.ts';
import { formValue, type FormBody } from './parse-form.ts';
import { requireRole } from './require-role.ts';
import type { TicketFormError } from './ticket-workflow-form.ts';
import { ticketUpdatedByStaff } from './ticket-updated-by-staff.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

registerFlash({
  'ticket.owner': () => 'Owner changed.',
  'ticket.pending': () => 'Ticket set to pending.',
  'ticket.resolved': () => 'Ticket resolved.',
  'ticket.reopened': () => 'Ticket reopened.',
  'ticket.resolved-next': (p) => `${p.ref ?? 'The ticket'} resolved; this is the next open ticket.`,
  'ticket.resolved-last': (p) => `${p.ref ?? 'The ticket'} resolved; no open ticket is left.`,
  'ticket.attributed': (p) =>
    `Ticket attributed to ${p.ref ?? 'the client'}; ${p.n ?? 0} address(es) suppressed.`,
  'ticket.suppressed': () => 'Address suppressed.',
  'ticket.client-status': (p) => `Client status set to ${p.ref ?? 'the new status'}.`,
});

/** Renders the ticket page of the request's ticket with a refused form's error beside that form. */
export type ShowTicket = (req: FastifyRequest, reply: FastifyReply, error?: TicketFormError) => string;

type Req = FastifyRequest<{ Params: { id: string }; Body: FormBody }>;

const actorOf = (req: Req): string => `user:${req.staff!.user.email}`;
const pageOf = (t: { id: string }): string => `/ui/tickets/${t.id}`;

/** The HTTP status of a refused action; null when it is not a refusal (then it is an error page). */
function refusalStatus(e: unknown): number | null {
  if (e instanceof UiError) return [400, 409, 422].includes(e.status) ? e.status : null;
  if (e instanceof TicketActionError) return e.code === 'invalid' ? 400 : e.code === 'conflict' ? 409 : null;
  if (e instanceof StatusActionError) return e.code === 'conflict' ? 409 : e.code === 'refused' ? 422 : null;
  if (e instanceof SuppressionTargetError) return 400;
  return null;
}

/**
 * The ticket page's forms: each acts, then redirects with a keyed flash; a refusal (a missing reason, no
 * confirmation, an unknown client…) re-renders the ticket page with the message beside the form it came from
 * and what was typed kept, never a bare error page.
 */
export function ticketWorkflowRoutes(app: FastifyInstance, ctx: UiContext, show: ShowTicket): void {
  const ticketOf = (req: Req): Ticket => {
    const t = getTicket(ctx.db, req.params.id);
    if (!t) throw new UiError(404, `No ticket ${req.params.id}.`);
    return t;
  };
  /** A POST route whose refusals come back on the ticket page, beside `form` (named by the body for some). */
  const post = (
    path: string,
    role: 'agent' | 'admin',
    formOf: (body: FormBody) => string,
    fields: readonly string[],
    act: (req: Req, reply: FastifyReply, t: Ticket) => unknown,
  ): void => {
    app.post<{ Params: { id: string }; Body: FormBody }>(`/ui/tickets/:id/${path}`, (req, reply) => {
      requireRole(req, role);
      const t = ticketOf(req);
      const body = req.body ?? {};
      try {
        return act(req, reply, t);
      } catch (e) {
        const status = refusalStatus(e);
        if (status === null) throw e;
        const values = Object.fromEntries(fields.map((f) => [f, formValue(body, f)]));
        reply.code(status);
        return show(req, reply, { form: formOf(body), message: (e as Error).message, values });
      }
    });
  };

  post(
    'status',
    'agent',
    (b) => {
      const s = formValue(b, 'status');
      return s === 'pending' ? 'pending' : s === 'open' ? 'reopen' : 'resolve';
    },
    ['note', 'pending_reason'],
    (req, reply, t) => {
      const status = formValue(req.body, 'status') as TicketStatus;
      if (!['open', 'pending', 'resolved'].includes(status)) throw new UiError(400, 'Unknown status.');
      const by = { actor: actorOf(req), now: ctx.now() };
      if (status === 'pending') {
        ctx.db.transaction(() => {
          setTicketPending(ctx.db, t.id, formValue(req.body, 'pending_reason'), by);
          ticketUpdatedByStaff(ctx, { ticketId: t.id, change: 'status', from: t.status, ...by });
        })();
        return reply.redirect(flashUrl(pageOf(t), 'ticket.pending'), 303);
      }
      const andNext = status === 'resolved' && formValue(req.body, 'next') === '1';
      // The next ticket is the one after this in the inbox as it stood: resolving moves this one to the top.
      const next = andNext ? (openNeighbours(ctx.db, t.id).next ?? firstOpenTicket(ctx.db, t.id)) : null;
      ctx.db.transaction(() => {
        changeTicketStatus(ctx.db, t.id, status, { ...by, note: formValue(req.body, 'note') });
        ticketUpdatedByStaff(ctx, { ticketId: t.id, change: 'status', from: t.status, ...by });
      })();
      if (andNext)
        return reply.redirect(
          next
            ? flashUrl(`/ui/tickets/${next}`, 'ticket.resolved-next', { ref: t.id })
            : flashUrl('/ui/', 'ticket.resolved-last', { ref: t.id }),
          303,
        );
      return reply.redirect(
        flashUrl(pageOf(t), status === 'resolved' ? 'ticket.resolved' : 'ticket.reopened'),
        303,
      );
    },
  );

  post(
    'note',
    'agent',
    () => 'note',
    ['text'],
    (req, reply, t) => {
      const text = formValue(req.body, 'text').trim().slice(0, MAX_NOTE);
      if (!text) throw new UiError(400, 'A note needs some text.');
      const actor = actorOf(req);
      const now = ctx.now();
      ctx.db.transaction(() => {
        addTicketEvent(ctx.db, t.id, { type: 'note', actor, text, now });
        writeAudit(ctx.db, { actor, action: 'ticket.note', target: t.id, now });
        ticketUpdatedByStaff(ctx, { ticketId: t.id, change: 'note', actor, now });
      })();
      return reply.redirect(flashUrl(pageOf(t), 'ticket.note'), 303);
    },
  );

  post(
    'assign',
    'agent',
    () => 'assign',
    ['assignee'],
    (req, reply, t) => {
      const value = formValue(req.body, 'assignee');
      const id = value === 'me' ? req.staff!.user.id : value === '' ? null : Number(value);
      const who = id === null ? null : Number.isInteger(id) ? assignableById(ctx.db, id) : null;
      if (id !== null && !who) throw new UiError(400, 'Choose an enabled agent or admin (or unassigned).');
      assignTicket(ctx.db, t.id, who, { actor: actorOf(req), now: ctx.now() });
      return reply.redirect(flashUrl(pageOf(t), 'ticket.owner'), 303);
    },
  );

  post(
    'unsuppress',
    'agent',
    (b) => `unsuppress:${formValue(b, 'id')}`,
    ['reason'],
    (req, reply, t) => {
      const id = Number(formValue(req.body, 'id'));
      const s = suppressionById(ctx.db, id);
      if (!s) throw new UiError(404, 'That suppression no longer exists.');
      // Only a suppression this ticket's reports caused can be lifted from this page.
      const own = suppressionsByEvidence(
        ctx.db,
        ticketReportDetails(ctx.db, t.id, 1000).map((r) => r.id),
      ).some((x) => x.id === id);
      if (!own) throw new UiError(404, 'That suppression does not come from this ticket.');
      const reason = confirmedReason(req.body);
      const actor = actorOf(req);
      const now = ctx.now();
      ctx.db.transaction(() => {
        deleteSuppression(ctx.db, id, { actor, why: reason, now });
        addTicketEvent(ctx.db, t.id, {
          type: 'action',
          actor,
          text: `un-suppressed ${s.address} (${s.reason}, ${s.client ?? 'global'}): ${reason}`,
          data: { kind: 'unsuppress', address: s.address, client: s.client, suppression: s.reason, reason },
          now,
        });
        writeAudit(ctx.db, {
          actor,
          action: 'suppression.remove',
          target: s.address,
          detail: { client: s.client, reason: s.reason, ticket: t.id, why: reason },
          now,
        });
      })();
      return reply.redirect(flashUrl(pageOf(t), 'ticket.unsuppressed'), 303);
    },
  );

  post(
    'client-status',
    'admin',
    () => 'client-status',
    ['reason'],
    (req, reply, t) => {
      if (!t.client) throw new UiError(409, 'This ticket has no client.');
      const to = formValue(req.body, 'status') as ClientStatus;
      if (!clientStatuses.includes(to)) throw new UiError(400, 'Unknown client status.');
      const reason = confirmedReason(req.body);
      const actor = actorOf(req);
      const now = ctx.now();
      const r = setClientStatus(ctx.db, { slug: t.client, to, actor, note: reason, now }, ctx.enforcement);
      // Changed from this ticket: its timeline says so too (the change has a ticket of its own).
      if (r.ticketId !== t.id)
        addTicketEvent(ctx.db, t.id, {
          type: 'action',
          actor,
          text: `client ${t.client}: ${r.from} → ${r.to} (ticket ${r.ticketId}): ${reason}`,
          data: { kind: 'client-status', client: t.client, from: r.from, to: r.to, ticket: r.ticketId },
          now,
        });
      return reply.redirect(flashUrl(pageOf(t), 'ticket.client-status', { ref: r.to }), 303);
    },
  );

  post(
    'attribute',
    'agent',
    () => 'attribute',
    ['client', 'campaign', 'note'],
    (req, reply, t) => {
      const r = attributeTicket(
        ctx.db,
        {
          ticketId: t.id,
          client: formValue(req.body, 'client'),
          campaign: formValue(req.body, 'campaign'),
          note: formValue(req.body, 'note'),
        },
        ctx.enforcement,
        { actor: actorOf(req), now: ctx.now() },
      );
      return reply.redirect(
        flashUrl(pageOf(t), 'ticket.attributed', {
          ref: r.ticket.client ?? undefined,
          n: r.suppressed.length,
        }),
        303,
      );
    },
  );

  post(
    'suppress',
    'agent',
    () => 'suppress',
    ['address', 'address_other', 'scope', 'note'],
    (req, reply, t) => {
      const typed = formValue(req.body, 'address_other').trim();
      const picked = formValue(req.body, 'address').trim();
      if (!typed && !picked) throw new UiError(400, 'Choose an address or type one.');
      const target = parseSuppressionTarget(typed || picked);
      const scope = formValue(req.body, 'scope') === 'client' ? 'client' : 'global';
      if (scope === 'client' && !t.client)
        throw new UiError(400, 'This ticket has no client: suppress globally, or attribute it first.');
      const clientId = scope === 'client' ? clientIdBySlug(ctx.db, t.client!) : null;
      const note = formValue(req.body, 'note').trim().slice(0, 2000) || null;
      const actor = actorOf(req);
      const now = ctx.now();
      const reports = ticketReportDetails(ctx.db, t.id, 1000);
      // The evidence: the report that names the address, else the ticket's latest report.
      const evidence =
        reports.find((r) =>
          [...r.parsed.complainants, ...r.parsed.bounces.map((b) => b.recipient), r.attribution?.recipient]
            .filter((a): a is string => !!a)
            .some((a) => a.toLowerCase() === target.value),
        ) ?? reports[0];
      ctx.db.transaction(() => {
        const res = suppress(ctx.db, {
          address: target.value,
          clientId,
          reason: 'manual',
          reportId: evidence?.id ?? null,
          note: note ?? `suppressed from ticket ${t.id}`,
          createdBy: actor,
          now,
        });
        const where = scope === 'client' ? `client ${t.client}` : 'global';
        addTicketEvent(ctx.db, t.id, {
          type: 'action',
          actor,
          text: `suppressed ${target.value} (manual, ${where})${res.created ? '' : ' — already suppressed, refreshed'}${note ? `: ${note}` : ''}`,
          data: {
            kind: 'manual-suppress',
            address: target.value,
            scope,
            client: t.client,
            created: res.created,
          },
          reportId: evidence?.id ?? null,
          now,
        });
        writeAudit(ctx.db, {
          actor,
          action: 'suppression.add',
          target: target.value,
          detail: {
            client: scope === 'client' ? t.client : null,
            reason: 'manual',
            note,
            ticket: t.id,
            evidenceReportId: evidence?.id ?? null,
            created: res.created,
          },
          now,
        });
      })();
      return reply.redirect(flashUrl(pageOf(t), 'ticket.suppressed'), 303);
    },
  );
}
