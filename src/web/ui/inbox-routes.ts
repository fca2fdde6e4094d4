import type { FastifyInstance } from 'fastify';
import { campaignSlugs } from '../../store/campaigns-store.ts';
import { ticketStatuses, ticketTypes } from '../../store/vocabulary.ts';
import { writeAudit } from '../../store/audit-store.ts';
import { roleAtLeast } from '../../auth/staff-users.ts';
import { listClients } from '../../store/clients-store.ts';
import { getTicket, setTicketStatus, type TicketStatus } from '../../store/tickets-store.ts';
import {
  anyTickets,
  inboxPage,
  inboxPageSizes,
  type InboxPage,
  type InboxRow,
} from '../../store/ticket-inbox.ts';
import type { InboxTermKind } from '../../store/inbox-terms-store.ts';
import { html, type SafeHtml } from './html.ts';
import { flashNotice, flashUrl } from './flash.ts';
import { formatCount, timeAgo } from './format.ts';
import { emptyInbox, type IntakeHint } from './inbox-empty.ts';
import {
  inboxHref,
  inboxRequest,
  readInboxState,
  safeReturn,
  type InboxQuery,
  type InboxState,
} from './inbox-query.ts';
import { INBOX_VIEWS } from './inbox-views.ts';
import { csrfField, layout } from './layout.ts';
import { formValue, formValues, type FormBody } from './parse-form.ts';
import { requireRole } from './require-role.ts';
import { ticketUpdatedByStaff } from './ticket-updated-by-staff.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

const STATUSES: readonly TicketStatus[] = ticketStatuses;

const option = (value: string, label: string, selected: string | undefined) =>
  html`<option value="${value}"${selected === value ? html` selected` : ''}>${label}</option>`;

/** What an identifier search matched, in staff words. */
const TERM_WORDS: Record<InboxTermKind, string> = {
  address: 'complainant or recipient address',
  reporter: 'reporter or sender address',
  'message-id': 'original Message-ID',
  'queue-id': 'queue id',
  'source-ip': 'source IP',
  'sending-domain': 'sending domain',
};

function searchNote(p: InboxPage, q: string): SafeHtml {
  if (!q) return html``;
  const how =
    p.search.mode === 'ticket-id'
      ? 'ticket id'
      : p.search.mode === 'identifier'
        ? p.search.kinds.map((k) => TERM_WORDS[k]).join(' or ')
        : 'text in subject, sender, reporter or notes';
  return html`<p class="search-note">Searching for <strong>${q}</strong> by ${how}.</p>`;
}

/** `1–50 of 1,234` and the links to the neighbouring pages. */
function pager(p: InboxPage, state: InboxState, where: string): SafeHtml {
  const range =
    p.total === 0
      ? 'No tickets'
      : `${formatCount(p.first)}–${formatCount(p.last)} of ${formatCount(p.total)}`;
  return html`<nav class="pager" aria-label="Pages (${where})"><span class="range">${range}</span>
${p.prev ? html`<a rel="prev" href="${inboxHref(state, { before: p.prev })}">Previous page</a>` : ''}
${p.next ? html`<a rel="next" href="${inboxHref(state, { after: p.next })}">Next page</a>` : ''}</nav>`;
}

const who = (t: InboxRow): string => t.sender ?? t.reporter ?? '—';
const origin = (t: InboxRow): string =>
  [t.provider, t.sendingDomain ?? t.sourceIp].filter(Boolean).join(' · ') || '—';

function row(t: InboxRow, o: { canAct: boolean; checked: boolean; now: Date }): SafeHtml {
  return html`<tr data-href="/ui/tickets/${t.id}">
${o.canAct ? html`<td><input type="checkbox" name="ids" value="${t.id}" id="sel-${t.id}" aria-label="Select ${t.id}"${o.checked ? html` checked` : ''}></td>` : ''}
<td><a href="/ui/tickets/${t.id}">${t.id}</a><br><span class="muted">${t.type}</span></td>
<td><span class="status-${t.status}">${t.status}</span><br><span class="muted">${t.trusted ? 'trusted' : 'unverified'}</span></td>
<td class="addr">${who(t)}</td>
<td class="wrap subject">${t.subject}${t.originalSubject && t.originalSubject !== t.subject ? html`<br><span class="muted">${t.originalSubject}</span>` : ''}${t.flags.length ? html` <span class="badge">${t.flags.join(', ')}</span>` : ''}</td>
<td class="wrap${origin(t) === '—' ? ' none' : ''}">${origin(t)}</td>
<td${t.client ? '' : html` class="none"`}>${t.client ?? '—'}${t.campaign ? html` / ${t.campaign}` : ''}</td>
<td class="age">${timeAgo(t.createdAt, o.now)}</td>
<td class="assignee${t.assignee ? '' : ' none'}">${t.assignee ?? '—'}</td>
<td class="num reports">${formatCount(t.reportCount)}</td>
</tr>`;
}

/**
 * The staff inbox at /ui/: saved views, per-status counts, one search box with the filters, a page of tickets
 * (keyset cursors) and the bulk status bar. `smtp` is the running service's intake, named on an empty desk.
 */
export function inboxRoutes(app: FastifyInstance, ctx: UiContext, smtp: IntakeHint): void {
  app.get<{ Querystring: InboxQuery & { flash?: string; n?: string; ref?: string } }>(
    '/ui/',
    (req, reply) => {
      const q = req.query;
      const { state, view } = readInboxState(q);
      const now = ctx.now();
      const cursor = {
        after: typeof q.after === 'string' ? q.after : undefined,
        before: typeof q.before === 'string' ? q.before : undefined,
      };
      const p = inboxPage(ctx.db, inboxRequest(state, view, cursor, req.staff!.user.id, now));
      const canAct = roleAtLeast(req.staff!.user.role, 'agent');
      const selectAll = q.select === 'page';
      const here = inboxHref(state, cursor);
      const clients = listClients(ctx.db);
      const empty = p.total === 0 && !anyTickets(ctx.db);
      const statusLink = (s: string) => inboxHref({ ...state, status: s });
      reply.type('text/html; charset=utf-8');
      return layout({
        title: 'Inbox',
        session: req.staff,
        current: '/ui/',
        body: html`<h1>Inbox</h1>
${flashNotice(q)}
<nav class="inbox-views" aria-label="Saved views"><ul>
${INBOX_VIEWS.map((v) => html`<li><a href="${inboxHref({ ...readInboxState({}).state, view: v.id, status: '' })}"${view?.id === v.id ? html` aria-current="page"` : ''}>${v.label}</a></li>`)}
</ul></nav>
<ul class="counts" aria-label="Tickets per status">
${STATUSES.map((s) => html`<li><a href="${statusLink(s)}"${state.status === s ? html` aria-current="true"` : ''}><span class="status-${s}">${s}</span> <span class="badge" data-count="${s}">${formatCount(p.counts[s])}</span></a></li>`)}
<li><a href="${statusLink('all')}"${state.status === 'all' ? html` aria-current="true"` : ''}>all <span class="badge" data-count="all">${formatCount(p.counts.open + p.counts.pending + p.counts.resolved)}</span></a></li>
</ul>
<form class="filters" method="get" action="/ui/" role="search">
${state.view ? html`<input type="hidden" name="view" value="${state.view}">` : ''}
<label class="search">Search <input type="search" name="q" value="${state.q}" placeholder="address, Message-ID, queue id, IP, domain, ticket id or words"></label>
<label>Status <select name="status">${option('all', 'any', state.status)}${option('unresolved', 'open or pending', state.status)}${STATUSES.map((s) => option(s, s, state.status))}</select></label>
<label>Type <select name="type">${option('', 'any', state.type)}${ticketTypes.map((t) => option(t, t, state.type))}</select></label>
<label>Client <select name="client">${option('', 'any', state.client)}${clients.map((c) => option(c.slug, c.slug, state.client))}</select></label>
<label>Campaign <select name="campaign">${option('', 'any', state.campaign)}${campaignSlugs(ctx.db).map((c) => option(c, c, state.campaign))}</select></label>
<label>Assignee <select name="assignee">${option('', 'anyone', state.assignee)}${option('me', 'me', state.assignee)}${option('none', 'nobody', state.assignee)}</select></label>
<label>Trust <select name="trust">${option('', 'any', state.trust)}${option('trusted', 'trusted', state.trust)}${option('unverified', 'unverified', state.trust)}</select></label>
<label>From <input type="date" name="from" value="${state.from}"></label>
<label>To <input type="date" name="to" value="${state.to}"></label>
<label>Order <select name="sort">${option('active', 'recently active', state.sort)}${option('newest', 'newest', state.sort)}</select></label>
<label>Per page <select name="size">${inboxPageSizes.map((n) => option(String(n), String(n), state.size))}</select></label>
<button type="submit">Filter</button>
</form>
${searchNote(p, state.q)}
${empty ? emptyInbox(smtp) : ''}
<form method="post" action="/ui/tickets/bulk" class="inbox-list">
${csrfField(req.staff)}
<input type="hidden" name="return" value="${here}">
${
  canAct
    ? html`<div class="bulk-bar" role="group" aria-label="Bulk actions">
<label>Set selected tickets to <select name="status">${STATUSES.map((s) => option(s, s, 'resolved'))}</select></label> <button type="submit">Apply</button>
${
  selectAll
    ? html`<a href="${here}">Clear selection</a>`
    : html`<a href="${inboxHref(state, { ...cursor, select: 'page' })}">Select all on this page</a>`
}
</div>`
    : ''
}
${pager(p, state, 'top')}
<div class="table-scroll">
<table class="inbox">
<caption class="sr-only">Tickets</caption>
<thead><tr>${canAct ? html`<th scope="col"><span class="sr-only">Select</span></th>` : ''}<th scope="col">Ticket</th><th scope="col">Status / trust</th><th scope="col">Reporter / sender</th><th scope="col">Subject</th><th scope="col">Provider</th><th scope="col">Client / campaign</th><th scope="col">Age</th><th scope="col">Assignee</th><th scope="col" class="num">Reports</th></tr></thead>
<tbody>
${p.rows.length === 0 ? html`<tr><td colspan="${canAct ? '10' : '9'}">No tickets match.</td></tr>` : ''}
${p.rows.map((t) => row(t, { canAct, checked: selectAll, now }))}
</tbody>
</table>
</div>
${p.rows.length > 20 ? pager(p, state, 'bottom') : ''}
</form>`,
      });
    },
  );

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
        const from = getTicket(ctx.db, id)?.status;
        if (setTicketStatus(ctx.db, id, status, { actor, now })) {
          changed++;
          writeAudit(ctx.db, {
            actor,
            action: 'ticket.status',
            target: id.toUpperCase(),
            detail: { status, bulk: true },
            now,
          });
          if (from) ticketUpdatedByStaff(ctx, { ticketId: id, change: 'status', from, actor, now });
        }
      }
    })();
    return reply.redirect(
      flashUrl(safeReturn(formValue(req.body, 'return')), 'tickets.bulk', { n: changed, ref: status }),
      303,
    );
  });
}
