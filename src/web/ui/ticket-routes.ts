import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { flashText, type FlashQuery } from './flash.ts';
import { writeAudit } from '../../store/audit-store.ts';
import { clientStatusBySlug } from '../../store/clients-store.ts';
import { ticketReportDetails } from '../../store/report-read-model.ts';
import { suppressionsByEvidence } from '../../store/suppressions-store.ts';
import { getTicket, ticketEvents } from '../../store/tickets-store.ts';
import { getRaw } from '../../store/messages-store.ts';
import { roleAtLeast } from '../../auth/staff-users.ts';
import { messageParts, messageView, unrenderableMessage } from './message-view.ts';
import type { SafeHtml } from './html.ts';
import { requireRole } from './require-role.ts';
import { ticketPage } from './ticket-page.ts';
import { workflowPanelData } from './ticket-workflow-data.ts';
import type { TicketFormError } from './ticket-workflow-form.ts';
import { ticketWorkflowPanel } from './ticket-workflow-panel.ts';
import { ticketWorkflowRoutes } from './ticket-workflow-routes.ts';
import { conversationView } from './ticket-answer-data.ts';
import { ticketAnswerRoutes } from './ticket-answer-routes.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';
import { sharedListsOfAddresses } from '../../store/shared-lists-store.ts';

type TicketRequest = FastifyRequest<{
  Params: { id: string };
  Querystring: { report?: string; html?: string } & FlashQuery;
}>;

/** The ticket page; with `error`, the refused form's message beside it and what was typed kept. */
function showTicket(
  ctx: UiContext,
  req: TicketRequest,
  reply: FastifyReply,
  error?: TicketFormError,
): string {
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
    workflow: ticketWorkflowPanel(
      req.staff!,
      workflowPanelData(ctx.db, ticket, reports, clientStatus, error),
    ),
    formError: error,
    conversation: conversationView(ctx, ticket, req.staff!, reports, error),
  });
}

export function ticketRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get<{ Params: { id: string }; Querystring: { report?: string; html?: string } & FlashQuery }>(
    '/ui/tickets/:id',
    async (req, reply) => showTicket(ctx, req, reply),
  );

  ticketWorkflowRoutes(app, ctx, (req, reply, error) => showTicket(ctx, req as TicketRequest, reply, error));
  ticketAnswerRoutes(app, ctx, (req, reply, error) => showTicket(ctx, req as TicketRequest, reply, error));

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
