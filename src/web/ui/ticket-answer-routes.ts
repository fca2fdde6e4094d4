import type { FastifyInstance } from 'fastify';
import { audiences, type Audience } from '../../answer/answer-target.ts';
import { AnswerError, sendAnswer } from '../../answer/send-answer.ts';
import { flashUrl, registerFlash } from './flash.ts';
import { formValue, type FormBody } from './parse-form.ts';
import { requireRole } from './require-role.ts';
import { answerFormName } from './ticket-answer-data.ts';
import type { ShowTicket } from './ticket-workflow-routes.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

registerFlash({
  'ticket.answer.reporter': () => 'Reply to the reporter queued in the outbox.',
  'ticket.answer.client': () => 'Mail to the client abuse contact queued in the outbox.',
});

const isAudience = (v: string): v is Audience => (audiences as readonly string[]).includes(v);

/**
 * Staff answers from the ticket page: POST /ui/tickets/:id/answer sends the edited template to the
 * reporter or to the client's abuse contact through the outbox. A refused answer comes back on the
 * ticket page (`show`) beside its form, with the subject and text as typed.
 */
export function ticketAnswerRoutes(app: FastifyInstance, ctx: UiContext, show: ShowTicket): void {
  app.post<{ Params: { id: string }; Body: FormBody }>('/ui/tickets/:id/answer', (req, reply) => {
    requireRole(req, 'agent');
    const audience = formValue(req.body, 'audience');
    if (!isAudience(audience)) throw new UiError(400, 'Answer to whom? (reporter or client)');
    const values = {
      subject: formValue(req.body, 'subject'),
      text: formValue(req.body, 'text'),
      nonce: formValue(req.body, 'nonce'),
    };
    try {
      const sent = sendAnswer(ctx.db, ctx.enforcement.desk, {
        ticketId: req.params.id,
        audience,
        ...values,
        actor: `user:${req.staff!.user.email}`,
        now: ctx.now(),
      });
      ctx.onMailQueued();
      return reply.redirect(
        `${flashUrl(`/ui/tickets/${sent.ticketId}`, `ticket.answer.${audience}`)}#conversation`,
        303,
      );
    } catch (e) {
      if (!(e instanceof AnswerError)) throw e;
      if (e.code === 'not-found') throw new UiError(404, `No ticket ${req.params.id}.`);
      reply.code(e.code === 'refused' ? 409 : 422);
      return show(req, reply, { form: answerFormName(audience), message: e.message, values });
    }
  });
}
