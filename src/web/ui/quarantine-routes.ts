import type { FastifyInstance } from 'fastify';
import { flashNotice, flashUrl, type FlashQuery } from './flash.ts';
import { writeAudit } from '../../store/audit-store.ts';
import { roleAtLeast } from '../../auth/staff-users.ts';
import { getMessage, listMessages, requeueMessage } from '../../store/messages-store.ts';
import { html } from './html.ts';
import { csrfField, layout } from './layout.ts';
import { requireRole } from './require-role.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

export function quarantineRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get<{ Querystring: FlashQuery }>('/ui/quarantine', (req, reply) => {
    const rows = listMessages(ctx.db, { state: 'quarantined', limit: 200 });
    const agent = roleAtLeast(req.staff!.user.role, 'agent');
    reply.type('text/html; charset=utf-8');
    return layout({
      title: 'Quarantine',
      session: req.staff,
      current: '/ui/quarantine',
      body: html`<h1>Quarantine</h1>
<p>Messages that could not be processed. They are kept; retry after fixing the cause.</p>
${flashNotice(req.query)}
<table><thead><tr><th scope="col">Queue id</th><th scope="col">Received</th><th scope="col">From</th><th scope="col" class="num">Attempts</th><th scope="col">Error</th>${agent ? html`<th scope="col"><span class="sr-only">Action</span></th>` : ''}</tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="6">Nothing in quarantine.</td></tr>` : ''}
${rows.map(
  (
    m,
  ) => html`<tr><td>${m.queueId}</td><td>${m.receivedAt.slice(0, 19).replace('T', ' ')}</td><td>${m.mailFrom || '<>'}</td><td class="num">${m.attempts}</td><td>${m.lastError ?? ''}</td>
${agent ? html`<td><form method="post" action="/ui/quarantine/${m.queueId}/retry">${csrfField(req.staff)}<button type="submit">Retry ${m.queueId}</button></form> <a href="/ui/messages/${m.id}/raw">raw</a></td>` : ''}</tr>`,
)}
</tbody></table>`,
    });
  });

  app.post<{ Params: { queueId: string } }>('/ui/quarantine/:queueId/retry', (req, reply) => {
    requireRole(req, 'agent');
    const m = getMessage(ctx.db, req.params.queueId);
    if (!m) throw new UiError(404, `No message ${req.params.queueId}.`);
    const actor = `user:${req.staff!.user.email}`;
    ctx.db.transaction(() => {
      requeueMessage(ctx.db, m.id);
      writeAudit(ctx.db, { actor, action: 'message.retry', target: m.queueId, now: ctx.now() });
    })();
    ctx.onRequeue();
    return reply.redirect(flashUrl('/ui/quarantine', 'quarantine.requeued', { ref: m.queueId }), 303);
  });
}
