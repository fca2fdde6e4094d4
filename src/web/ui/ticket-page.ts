import type { Suppression } from '../../store/suppressions-store.ts';
import type { Ticket, TicketEvent } from '../../store/tickets-store.ts';
import type { StaffSession } from '../../auth/staff-sessions.ts';
import { roleAtLeast } from '../../auth/staff-users.ts';
import { decisionTrail } from './decision-trail.ts';
import { eventText } from '../../decisions/event-text.ts';
import { defangText } from './defang.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField, layout } from './layout.ts';
import type { ReportDetail } from '../../store/report-read-model.ts';
import type { SharedListFlag } from '../../store/shared-lists-store.ts';
import { sharedListSection } from './shared-list-flags.ts';

export interface TicketPageData {
  ticket: Ticket;
  events: TicketEvent[];
  reports: ReportDetail[];
  suppressions: Suppression[];
  clientStatus: string | null;
  /** The report whose message is shown, and its rendered view. */
  shown: { report: ReportDetail; view: SafeHtml } | null;
  notice?: string | undefined;
  /** Complainants and traps of these reports also reported against other clients (none: not shown). */
  sharedLists?: SharedListFlag[];
  sharedListDays?: number;
}

const fact = (label: string, value: string | number | null | undefined | SafeHtml): SafeHtml =>
  value === null || value === undefined || value === '' ? html`` : html`<dt>${label}</dt><dd>${value}</dd>`;

function reportFacts(r: ReportDetail): SafeHtml {
  const p = r.parsed;
  return html`<dl class="facts">
${fact('kind', r.kind)}${fact('feedback type', p.feedbackType)}${fact('provider', p.provider)}${fact('user agent', p.userAgent)}
${fact('reporter', p.reporter)}${fact('complainants', p.complainants.join(', ') || (p.redacted ? 'redacted' : null))}
${fact('original Message-ID', p.original?.messageId)}${fact('original From', p.original?.from)}${fact('original To', p.original?.to.join(', '))}
${fact('original subject', p.original?.subject)}${fact('original date', p.original?.date)}
${fact('bounces', p.bounces.map((b) => `${b.recipient} ${b.status ?? ''} ${b.reason} ${b.hard ? 'hard' : 'soft'}${b.remoteMta ? ` via ${b.remoteMta}` : ''}${b.diagnostic ? ` (${b.diagnostic})` : ''}`).join('; '))}
${fact('source IP', p.sourceIp)}${fact('arrival', p.arrivalDate)}
${fact('envelope', `from <${r.mailFrom}> via ${r.clientIp ?? 'unknown'} · queue id ${r.queueId} · received ${r.receivedAt}`)}
${fact('links and identifiers', defangText([p.identifiers.feedbackId, p.identifiers.cfblFeedbackId, ...p.identifiers.listUnsubscribe].filter(Boolean).join(' · ')))}
</dl>`;
}

/** The ticket page: header facts, actions, timeline, each report with its decision trail, and the message shown safely. */
export function ticketPage(s: StaffSession, d: TicketPageData): string {
  const t = d.ticket;
  const agent = roleAtLeast(s.user.role, 'agent');
  const admin = roleAtLeast(s.user.role, 'admin');
  const base = `/ui/tickets/${t.id}`;
  return layout({
    title: `${t.id} ${t.subject}`,
    session: s,
    body: html`<h1>${t.id}: ${t.subject}</h1>
${d.notice ? html`<p class="notice" role="status">${d.notice}</p>` : ''}
<dl class="facts">
<dt>status</dt><dd class="status-${t.status}">${t.status}</dd>
${fact('type', t.type)}${fact('client', t.client ? html`<a href="/ui/clients/${t.client}">${t.client}</a> (${d.clientStatus ?? '?'})` : 'unmatched')}
${fact('campaign', t.campaign)}${fact('reporter', t.reporter)}<dt>trust</dt><dd>${t.trusted ? 'trusted report' : 'unverified'}</dd>
${fact('reports', t.reportCount)}${fact('policy flags', t.flags.join(', '))}${t.parentId ? html`<dt>incident</dt><dd><a href="/ui/tickets/${t.parentId}">${t.parentId}</a></dd>` : ''}
${fact('opened', t.createdAt)}${fact('updated', t.updatedAt)}${fact('resolved', t.resolvedAt)}
</dl>
${sharedListSection(d.sharedLists ?? [], d.sharedListDays ?? 90)}
${
  agent
    ? html`<h2>Actions</h2><div class="actions">
<form method="post" action="${base}/status">${csrfField(s)}<input type="hidden" name="status" value="${t.status === 'resolved' ? 'open' : 'resolved'}">
<button type="submit">${t.status === 'resolved' ? 'Reopen' : 'Resolve'}</button></form>
<form method="post" action="${base}/note">${csrfField(s)}<label>Note <textarea name="text" rows="2" cols="40" required></textarea></label><button type="submit">Add note</button></form>
${t.client && admin && d.clientStatus !== 'suspended' ? html`<form method="post" action="/ui/clients/${t.client}/status">${csrfField(s)}<input type="hidden" name="status" value="suspended"><input type="hidden" name="ticket" value="${t.id}"><label>Reason <input name="note" required></label><button type="submit">Suspend client ${t.client}</button></form>` : ''}
</div>`
    : ''
}
${
  d.suppressions.length
    ? html`<h2>Suppressions from these reports</h2><table><thead><tr><th scope="col">Address</th><th scope="col">Client</th><th scope="col">Reason</th><th scope="col">Since</th>${agent ? html`<th scope="col"><span class="sr-only">Action</span></th>` : ''}</tr></thead><tbody>
${d.suppressions.map(
  (
    x,
  ) => html`<tr><td>${x.address}</td><td>${x.client ?? 'global'}</td><td>${x.reason}</td><td>${x.firstSeen.slice(0, 10)}</td>
${agent ? html`<td><form method="post" action="${base}/unsuppress">${csrfField(s)}<input type="hidden" name="id" value="${x.id}"><button type="submit">Un-suppress ${x.address}</button></form></td>` : ''}</tr>`,
)}
</tbody></table>`
    : ''
}
<h2>Timeline</h2>
<ol class="timeline">
${d.events.map((e) => html`<li><time datetime="${e.at}">${e.at.slice(0, 19).replace('T', ' ')}</time> <span class="badge">${e.type}</span> ${e.actor === 'system' ? '' : html`<strong>${e.actor}</strong>: `}${eventText(e)}${e.reportId ? html` <a href="${base}?report=${e.reportId}#message">report #${e.reportId}</a>` : ''}</li>`)}
</ol>
<h2>Reports</h2>
${d.reports.length === 0 ? html`<p>No reports.</p>` : ''}
${d.reports.map(
  (r) => html`<section class="report" aria-labelledby="report-${r.id}">
<h3 id="report-${r.id}">Report #${r.id} · ${r.kind} · ${r.receivedAt.slice(0, 19).replace('T', ' ')} ${d.shown?.report.id === r.id ? '' : html`<a href="${base}?report=${r.id}#message">show message</a>`}</h3>
${reportFacts(r)}
${decisionTrail(r)}
</section>`,
)}
${d.shown ? html`<h2 id="message">Message of report #${d.shown.report.id}</h2>${d.shown.view}` : ''}`,
  });
}
