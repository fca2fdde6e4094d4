import type { FastifyInstance } from 'fastify';
import { flashText, flashUrl, type FlashQuery } from './flash.ts';
import { writeAudit } from '../../store/audit-store.ts';
import { clientStatusBySlug } from '../../store/clients-store.ts';
import { ticketReportDetails } from '../../store/report-read-model.ts';
import {
  deleteSuppression,
  suppressionById,
  suppressionsByEvidence,
} from '../../store/suppressions-store.ts';
import {
  addTicketEvent,
  getTicket,
  setTicketStatus,
  ticketEvents,
  type TicketStatus,
} from '../../store/tickets-store.ts';
import { getRaw } from '../../store/messages-store.ts';
import { roleAtLeast } from '../../auth/staff-users.ts';
import { messageParts, messageView, unrenderableMessage } from './message-view.ts';
import type { SafeHtml } from './html.ts';
import { formValue, type FormBody } from './parse-form.ts';
import { requireRole } from './require-role.ts';
import { ticketPage } from './ticket-page.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';
import { sharedListsOfAddresses } from '../../store/shared-lists-store.ts';

export function ticketRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get<{ Params: { id: string }; Querystring: { report?: string; html?: string } & FlashQuery }>(
    '/ui/tickets/:id',
    async (req, reply) => {
      const ticket = getTicket(ctx.db, req.params.id);
      if (!ticket) throw new UiError(404, `No ticket ${req.params.id}.`);
      const reports = ticketReportDetails(ctx.db, ticket.id);
      const chosen = reports.find((r) => String(r.id) === req.query.report) ?? reports[0];
      let shown = null;
      if (chosen) {
        const raw = getRaw(ctx.db, chosen.messageId);
        const base = `/ui/tickets/${ticket.id}?report=${chosen.id}`;
        if (raw) {
          const rawHref = roleAtLeast(req.staff!.user.role, 'agent')
            ? `/ui/messages/${chosen.messageId}/raw`
            : null;
          let view: SafeHtml;
          try {
            view = messageView(messageParts(raw, ctx.parseLimits), {
              showHtml: req.query.html === '1',
              htmlHref: `${base}&html=1#message`,
              textHref: `${base}#message`,
              rawHref,
            });
          } catch (e) {
            // The rest of the ticket stays usable when one stored message cannot be rendered.
            ctx.logError(req, e);
            view = unrenderableMessage(rawHref);
          }
          shown = { report: chosen, view };
        }
      }
      const clientStatus = ticket.client ? (clientStatusBySlug(ctx.db, ticket.client)?.status ?? null) : null;
      reply.type('text/html; charset=utf-8');
      return ticketPage(req.staff!, {
        ticket,
        events: ticketEvents(ctx.db, ticket.id),
        reports,
        suppressions: suppressionsByEvidence(
          ctx.db,
          reports.map((r) => r.id),
        ),
        clientStatus,
        shown,
        notice: flashText(req.query),
        sharedLists: sharedListsOfAddresses(
          ctx.db,
          reports.flatMap((r) => [...r.parsed.complainants, ...r.parsed.bounces.map((b) => b.recipient)]),
          new Date(ctx.now().getTime() - ctx.enforcement.sharedListDays * 86_400_000).toISOString(),
        ),
        sharedListDays: ctx.enforcement.sharedListDays,
      });
    },
  );

  app.post<{ Params: { id: string }; Body: FormBody }>('/ui/tickets/:id/status', (req, reply) => {
    requireRole(req, 'agent');
    const status = formValue(req.body, 'status') as TicketStatus;
    if (!['open', 'pending', 'resolved'].includes(status)) throw new UiError(400, 'Unknown status.');
    const actor = `user:${req.staff!.user.email}`;
    const now = ctx.now();
    const ok = ctx.db.transaction(() => {
      if (
        !setTicketStatus(ctx.db, req.params.id, status, {
          actor,
          note: formValue(req.body, 'note') || undefined,
          now,
        })
      )
        return false;
      writeAudit(ctx.db, {
        actor,
        action: 'ticket.status',
        target: req.params.id.toUpperCase(),
        detail: { status },
        now,
      });
      return true;
    })();
    if (!ok) throw new UiError(404, `No ticket ${req.params.id}.`);
    return reply.redirect(
      flashUrl(`/ui/tickets/${encodeURIComponent(req.params.id.toUpperCase())}`, 'ticket.status', {
        ref: status,
      }),
      303,
    );
  });

  app.post<{ Params: { id: string }; Body: FormBody }>('/ui/tickets/:id/note', (req, reply) => {
    requireRole(req, 'agent');
    const t = getTicket(ctx.db, req.params.id);
    if (!t) throw new UiError(404, `No ticket ${req.params.id}.`);
    const text = formValue(req.body, 'text').trim().slice(0, 10_000);
    if (!text) throw new UiError(400, 'A note needs some text.');
    const actor = `user:${req.staff!.user.email}`;
    const now = ctx.now();
    ctx.db.transaction(() => {
      addTicketEvent(ctx.db, t.id, { type: 'note', actor, text, now });
      writeAudit(ctx.db, { actor, action: 'ticket.note', target: t.id, now });
    })();
    return reply.redirect(flashUrl(`/ui/tickets/${t.id}`, 'ticket.note'), 303);
  });

  app.post<{ Params: { id: string }; Body: FormBody }>('/ui/tickets/:id/unsuppress', (req, reply) => {
    requireRole(req, 'agent');
    const t = getTicket(ctx.db, req.params.id);
    if (!t) throw new UiError(404, `No ticket ${req.params.id}.`);
    const id = Number(formValue(req.body, 'id'));
    const s = suppressionById(ctx.db, id);
    if (!s) throw new UiError(404, 'That suppression no longer exists.');
    const actor = `user:${req.staff!.user.email}`;
    const now = ctx.now();
    ctx.db.transaction(() => {
      deleteSuppression(ctx.db, id);
      addTicketEvent(ctx.db, t.id, {
        type: 'action',
        actor,
        text: `un-suppressed ${s.address} (${s.reason}, ${s.client ?? 'global'})`,
        now,
      });
      writeAudit(ctx.db, {
        actor,
        action: 'suppression.remove',
        target: s.address,
        detail: { client: s.client, reason: s.reason, ticket: t.id },
        now,
      });
    })();
    return reply.redirect(flashUrl(`/ui/tickets/${t.id}`, 'ticket.unsuppressed'), 303);
  });

  // Raw bytes for agents, always as a download: never rendered by the browser.
  app.get<{ Params: { id: string } }>('/ui/messages/:id/raw', (req, reply) => {
    requireRole(req, 'agent');
    const raw = getRaw(ctx.db, Number(req.params.id));
    if (!raw) throw new UiError(404, 'No such message.');
    writeAudit(ctx.db, {
      actor: `user:${req.staff!.user.email}`,
      action: 'message.download',
      target: req.params.id,
      now: ctx.now(),
    });
    return reply
      .type('application/octet-stream')
      .header('content-disposition', `attachment; filename="message-${Number(req.params.id)}.eml"`)
      .send(raw);
  });
}
