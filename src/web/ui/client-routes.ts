import type { FastifyInstance } from 'fastify';
import { writeAudit } from '../../audit/write-audit.ts';
import { roleAtLeast } from '../../auth/staff-users.ts';
import { prepared } from '../../db/prepared.ts';
import { listSuppressions } from '../../suppressions/suppression-store.ts';
import { addTicketEvent, getTicket } from '../../tickets/ticket-store.ts';
import { campaignStats, clientStats, dailyComplaints } from './client-stats.ts';
import { complaintRateChart } from './complaint-rate-chart.ts';
import { html } from './html.ts';
import { csrfField, layout } from './layout.ts';
import { formValue, type FormBody } from './parse-form.ts';
import { requireRole } from './require-role.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

/** PRODUCT.md "Enforcement": complaint rate above 0.25 % of delivered mail. */
export const COMPLAINT_POLICY = 0.0025;
const CLIENT_STATUSES = ['active', 'watch', 'warned', 'suspended'];
const rate = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(3)} %`);

export function clientRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get('/ui/clients', (req, reply) => {
    const rows = clientStats(ctx.db);
    reply.type('text/html; charset=utf-8');
    return layout({
      title: 'Clients',
      session: req.staff,
      current: '/ui/clients',
      body: html`<h1>Clients</h1>
<table><thead><tr><th scope="col">Client</th><th scope="col">Status</th><th scope="col" class="num">Delivered</th><th scope="col" class="num">Complaints</th><th scope="col" class="num">Complaint rate</th><th scope="col" class="num">Bounces</th><th scope="col" class="num">Bounce rate</th></tr></thead>
<tbody>${rows.map((c) => html`<tr><td><a href="/ui/clients/${c.slug}">${c.slug}</a> <span class="muted">${c.name}</span></td><td class="status-${c.status}">${c.status}</td>
<td class="num">${c.delivered}</td><td class="num">${c.complaints}</td><td class="num">${rate(c.complaintRate)}${c.complaintRate !== null && c.complaintRate > COMPLAINT_POLICY ? html` <span class="badge status-suspended">above policy</span>` : ''}</td>
<td class="num">${c.bounces}</td><td class="num">${rate(c.bounceRate)}</td></tr>`)}</tbody></table>`,
    });
  });

  app.get<{ Params: { slug: string }; Querystring: { done?: string } }>('/ui/clients/:slug', (req, reply) => {
    const c = clientStats(ctx.db, req.params.slug)[0];
    if (!c) throw new UiError(404, `No client ${req.params.slug}.`);
    const campaigns = campaignStats(ctx.db, c.slug);
    const end = ctx.now();
    const days = Array.from({ length: 30 }, (_, i) => new Date(end.getTime() - (29 - i) * 86_400_000).toISOString().slice(0, 10));
    const points = dailyComplaints(ctx.db, c.slug, `${days[0]!}T00:00:00Z`);
    const delivered = new Map(campaigns.map((k) => [k.slug, k.delivered]));
    const series = [...new Set(points.map((p) => p.campaign))].map((campaign) => ({
      campaign,
      rates: days.map((d) => {
        const n = points.find((p) => p.campaign === campaign && p.day === d)?.complaints ?? 0;
        const total = delivered.get(campaign) ?? 0;
        return total > 0 ? n / total : null;
      }),
    }));
    const suppressions = listSuppressions(ctx.db, { client: c.slug, limit: 100 });
    const admin = roleAtLeast(req.staff!.user.role, 'admin');
    reply.type('text/html; charset=utf-8');
    return layout({
      title: c.slug,
      session: req.staff,
      current: '/ui/clients',
      body: html`<h1>${c.name} (${c.slug})</h1>
${req.query.done ? html`<p class="notice" role="status">${req.query.done}</p>` : ''}
<dl class="facts"><dt>status</dt><dd class="status-${c.status}">${c.status}</dd><dt>delivered</dt><dd>${c.delivered}</dd>
<dt>complaints</dt><dd>${c.complaints} (${rate(c.complaintRate)})</dd><dt>bounces</dt><dd>${c.bounces} (${rate(c.bounceRate)})</dd></dl>
${admin
  ? html`<form class="actions" method="post" action="/ui/clients/${c.slug}/status">${csrfField(req.staff)}
<label>Status <select name="status">${CLIENT_STATUSES.map((s) => html`<option value="${s}"${s === c.status ? html` selected` : ''}>${s}</option>`)}</select></label>
<label>Note (required) <input name="note" required></label><button type="submit">Change status</button></form>`
  : ''}
<h2>Daily complaint rate, last 30 days</h2>
${series.length ? complaintRateChart(days, series, COMPLAINT_POLICY) : html`<p>No complaints attributed to this client's campaigns in the last 30 days.</p>`}
<p class="muted">Rate = complaints that day ÷ the campaign's delivered count.</p>
<h2>Campaigns</h2>
<table><thead><tr><th scope="col">Campaign</th><th scope="col">Started</th><th scope="col" class="num">Sent</th><th scope="col" class="num">Delivered</th><th scope="col" class="num">Complaints</th><th scope="col" class="num">Rate</th><th scope="col" class="num">Bounces</th></tr></thead>
<tbody>${campaigns.map((k) => html`<tr><td>${k.slug}</td><td>${k.startedAt?.slice(0, 10) ?? '—'}</td><td class="num">${k.sent}</td><td class="num">${k.delivered}</td><td class="num">${k.complaints}</td><td class="num">${rate(k.delivered ? k.complaints / k.delivered : null)}</td><td class="num">${k.bounces}</td></tr>`)}</tbody></table>
<h2>Suppressions</h2>
<p><a href="/ui/suppressions?client=${c.slug}">All suppressions of ${c.slug}</a> · <a href="/ui/suppressions.csv?client=${c.slug}">CSV</a></p>
<table><thead><tr><th scope="col">Address</th><th scope="col">Reason</th><th scope="col">Last seen</th></tr></thead>
<tbody>${suppressions.map((s) => html`<tr><td>${s.address}</td><td>${s.reason}</td><td>${s.lastSeen.slice(0, 10)}</td></tr>`)}</tbody></table>`,
    });
  });

  // Status only (PRODUCT.md: reinstatement is a staff action with a note); enforcement's own evidence trail is elsewhere.
  app.post<{ Params: { slug: string }; Body: FormBody }>('/ui/clients/:slug/status', (req, reply) => {
    requireRole(req, 'admin');
    const status = formValue(req.body, 'status');
    const note = formValue(req.body, 'note').trim().slice(0, 2000);
    if (!CLIENT_STATUSES.includes(status)) throw new UiError(400, 'Unknown status.');
    if (!note) throw new UiError(400, 'A status change needs a note.');
    const row = prepared(ctx.db, 'SELECT id, status FROM clients WHERE slug = ?').get(req.params.slug) as { id: number; status: string } | undefined;
    if (!row) throw new UiError(404, `No client ${req.params.slug}.`);
    const actor = `user:${req.staff!.user.email}`;
    const now = ctx.now();
    const ticket = getTicket(ctx.db, formValue(req.body, 'ticket'));
    ctx.db.transaction(() => {
      prepared(ctx.db, 'UPDATE clients SET status = ?, updated_at = ? WHERE id = ?').run(status, now.toISOString(), row.id);
      writeAudit(ctx.db, { actor, action: status === 'suspended' ? 'client.suspend' : 'client.status', target: req.params.slug, detail: { from: row.status, to: status, note }, now });
      if (ticket) addTicketEvent(ctx.db, ticket.id, { type: 'action', actor, text: `client ${req.params.slug}: ${row.status} → ${status}: ${note}`, now });
    })();
    const done = encodeURIComponent(`Client ${req.params.slug} is now ${status}.`);
    return reply.redirect(ticket ? `/ui/tickets/${ticket.id}?done=${done}` : `/ui/clients/${encodeURIComponent(req.params.slug)}?done=${done}`, 303);
  });
}
