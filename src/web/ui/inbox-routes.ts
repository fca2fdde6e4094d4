import type { FastifyInstance } from 'fastify';
import { campaignSlugs } from '../../store/campaigns-store.ts';
import { ticketStatuses, ticketTypes } from '../../store/vocabulary.ts';
import { writeAudit } from '../../store/audit-store.ts';
import { roleAtLeast } from '../../auth/staff-users.ts';
import { listClients } from '../../store/clients-store.ts';
import { setTicketStatus, type TicketStatus } from '../../store/tickets-store.ts';
import { html } from './html.ts';
import { flashNotice, flashUrl, type FlashQuery } from './flash.ts';
import { inboxCounts, inboxTickets, type InboxFilters } from '../../store/ticket-inbox.ts';
import { csrfField, layout } from './layout.ts';
import { formValue, formValues, type FormBody } from './parse-form.ts';
import { requireRole } from './require-role.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

const STATUSES: readonly TicketStatus[] = ticketStatuses;
const TYPES: readonly string[] = ticketTypes;

const option = (value: string, label: string, selected: string | undefined) =>
  html`<option value="${value}"${selected === value ? html` selected` : ''}>${label}</option>`;

const listCampaignSlugs = (db: UiContext['db']): string[] => campaignSlugs(db);

export function inboxRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get<{ Querystring: InboxFilters & FlashQuery }>('/ui/', (req, reply) => {
    const q = req.query;
    const f: InboxFilters = {
      status: q.status ?? 'open',
      type: q.type,
      client: q.client,
      campaign: q.campaign,
      trust: q.trust,
      from: q.from,
      to: q.to,
      q: q.q?.slice(0, 200),
    };
    if (f.status === 'all') f.status = undefined;
    const tickets = inboxTickets(ctx.db, f);
    const counts = inboxCounts(ctx.db, f);
    const clients = listClients(ctx.db);
    const canAct = roleAtLeast(req.staff!.user.role, 'agent');
    const link = (status: string) =>
      `/ui/?${new URLSearchParams({ ...Object.fromEntries(Object.entries({ ...f, status }).filter(([, v]) => v)) } as Record<string, string>).toString()}`;
    reply.type('text/html; charset=utf-8');
    return layout({
      title: 'Inbox',
      session: req.staff,
      current: '/ui/',
      body: html`<h1>Inbox</h1>
${flashNotice(q)}
<ul class="counts" aria-label="Tickets per status">
${STATUSES.map((s) => html`<li><a href="${link(s)}"${f.status === s ? html` aria-current="true"` : ''}><span class="status-${s}">${s}</span> <span class="badge">${counts[s]}</span></a></li>`)}
<li><a href="${link('all')}">all <span class="badge">${counts.open + counts.pending + counts.resolved}</span></a></li>
</ul>
<form class="filters" method="get" action="/ui/" role="search">
<label>Search <input type="search" name="q" value="${f.q ?? ''}" placeholder="ticket id, subject, reporter, campaign"></label>
<label>Status <select name="status">${option('all', 'any', f.status ?? 'all')}${STATUSES.map((s) => option(s, s, f.status))}</select></label>
<label>Type <select name="type">${option('', 'any', f.type ?? '')}${TYPES.map((t) => option(t, t, f.type))}</select></label>
<label>Client <select name="client">${option('', 'any', f.client ?? '')}${clients.map((c) => option(c.slug, c.slug, f.client))}</select></label>
<label>Campaign <select name="campaign">${option('', 'any', f.campaign ?? '')}${listCampaignSlugs(ctx.db).map((c) => option(c, c, f.campaign))}</select></label>
<label>From <input type="date" name="from" value="${f.from ?? ''}"></label>
<label>To <input type="date" name="to" value="${f.to ?? ''}"></label>
<label>Trust <select name="trust">${option('', 'any', f.trust ?? '')}${option('trusted', 'trusted', f.trust)}${option('unverified', 'unverified', f.trust)}</select></label>
<button type="submit">Filter</button>
</form>
<form method="post" action="/ui/tickets/bulk">
${csrfField(req.staff)}
<table>
<caption class="sr-only">Tickets</caption>
<thead><tr>${canAct ? html`<th scope="col"><span class="sr-only">Select</span></th>` : ''}<th scope="col">Ticket</th><th scope="col">Status</th><th scope="col">Type</th><th scope="col">Subject</th><th scope="col">Client / campaign</th><th scope="col" class="num">Reports</th><th scope="col">Trust</th><th scope="col">Updated</th></tr></thead>
<tbody>
${tickets.length === 0 ? html`<tr><td colspan="9">No tickets match.</td></tr>` : ''}
${tickets.map(
  (t) => html`<tr>
${canAct ? html`<td><input type="checkbox" name="ids" value="${t.id}" id="sel-${t.id}" aria-label="Select ${t.id}"></td>` : ''}
<td><a href="/ui/tickets/${t.id}">${t.id}</a></td>
<td class="status-${t.status}">${t.status}</td><td>${t.type}</td><td>${t.subject}${t.flags.length ? html` <span class="badge">${t.flags.join(', ')}</span>` : ''}</td>
<td>${t.client ?? '—'}${t.campaign ? html` / ${t.campaign}` : ''}</td><td class="num">${t.reportCount}</td><td>${t.trusted ? 'trusted' : 'unverified'}</td><td><time datetime="${t.updatedAt}">${t.updatedAt.slice(0, 16).replace('T', ' ')}</time></td>
</tr>`,
)}
</tbody>
</table>
${
  canAct
    ? html`<p class="actions"><label>Set selected tickets to <select name="status">${STATUSES.map((s) => option(s, s, 'resolved'))}</select></label> <button type="submit">Apply</button></p>`
    : ''
}
</form>`,
    });
  });

  app.post<{ Body: FormBody }>('/ui/tickets/bulk', (req, reply) => {
    requireRole(req, 'agent');
    const status = formValue(req.body, 'status') as TicketStatus;
    if (!STATUSES.includes(status)) throw new UiError(400, 'Unknown status.');
    const ids = formValues(req.body, 'ids').slice(0, 500);
    const actor = `user:${req.staff!.user.email}`;
    const now = ctx.now();
    let changed = 0;
    ctx.db.transaction(() => {
      for (const id of ids) {
        if (setTicketStatus(ctx.db, id, status, { actor, now })) {
          changed++;
          writeAudit(ctx.db, {
            actor,
            action: 'ticket.status',
            target: id.toUpperCase(),
            detail: { status, bulk: true },
            now,
          });
        }
      }
    })();
    return reply.redirect(flashUrl('/ui/', 'tickets.bulk', { n: changed, ref: status }), 303);
  });
}
