import type { Suppression } from '../../store/suppressions-store.ts';
import type { Ticket, TicketEvent } from '../../store/tickets-store.ts';
import type { StaffSession } from '../../auth/staff-sessions.ts';
import { roleAtLeast } from '../../auth/staff-users.ts';
import { defangText } from './defang.ts';
import { timeAt } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField, layout } from './layout.ts';
import type { ReportDetail } from '../../store/report-read-model.ts';
import type { SharedListFlag } from '../../store/shared-lists-store.ts';
import { sharedListSection } from './shared-list-flags.ts';
import { confirmFields } from './confirm-fields.ts';
import { formErrorOf, typedValue, type TicketFormError } from './ticket-workflow-form.ts';
import type { ConversationView } from './ticket-answer-data.ts';
import {
  answerForms,
  consentText,
  conversationList,
  dedupedTimeline,
  dedupedTrail,
} from './ticket-conversation.ts';

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
  /** The desk workflow: its summary (owner, pending, linked tickets, prev/next) under the header facts, its
   * action forms after the conversation. */
  workflow?: { summary: SafeHtml; actions: SafeHtml };
  /** A refused form of this page: its error is shown beside it, with what was typed. */
  formError?: TicketFormError | undefined;
  /** The conversation (people's words, our mail with its delivery), the answer forms and consent evidence. */
  conversation?: ConversationView | undefined;
}

const pctOf = (x: number): string => `${Math.round(x * 100)} %`;

/** The best attribution among the reports (newest first), with the consent evidence of its matched send beside it. */
function attributionFacts(d: TicketPageData): SafeHtml {
  const r = d.reports.find((x) => x.attribution?.client);
  const a = r?.attribution;
  if (!r || !a) return html``;
  const consent = d.conversation?.consent.find((c) => c.reportId === r.id);
  return html`<dt>attribution</dt><dd>${a.client}${a.campaign ? ` / ${a.campaign}` : ''} by ${a.method}, ${pctOf(a.confidence)} (report #${r.id})</dd>
${consent ? html`<dt>consent</dt><dd class="consent">${consentText(consent)}</dd>` : ''}`;
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

/**
 * The ticket page, conversation first: header facts with the attribution and its consent evidence, the
 * workflow panel, the conversation and the answer forms, actions, then the de-duplicated decision trail and
 * timeline (collapsed), each report's facts, and the message shown safely.
 */
export function ticketPage(s: StaffSession, d: TicketPageData): string {
  const t = d.ticket;
  const agent = roleAtLeast(s.user.role, 'agent');
  const base = `/ui/tickets/${t.id}`;
  return layout({
    title: `${t.id} ${t.subject}`,
    session: s,
    body: html`<h1>${t.id}: ${t.subject}</h1>
${d.notice ? html`<p class="notice" role="status">${d.notice}</p>` : ''}
${
  // A refused form is re-rendered in place further down: say so at the top, with a link to it.
  d.formError
    ? html`<p class="error"><a href="#${d.formError.form.startsWith('answer:') ? d.formError.form.replace(':', '-') : 'form-error'}">Not done: ${d.formError.message}</a></p>`
    : ''
}
<dl class="facts">
<dt>status</dt><dd class="status-${t.status}">${t.status}</dd>
${fact('type', t.type)}${fact('client', t.client ? html`<a href="/ui/clients/${t.client}">${t.client}</a> (${d.clientStatus ?? '?'})` : 'unmatched')}
${fact('campaign', t.campaign)}${fact('reporter', t.reporter)}<dt>trust</dt><dd>${t.trusted ? 'trusted report' : 'unverified'}</dd>
${fact('reports', t.reportCount)}${fact('policy flags', t.flags.join(', '))}${
      // The workflow panel names the linked incident with its status and subject: once is enough.
      t.parentId && !d.workflow
        ? html`<dt>incident</dt><dd><a href="/ui/tickets/${t.parentId}">${t.parentId}</a></dd>`
        : ''
    }
${fact('opened', timeAt(t.createdAt))}${fact('updated', timeAt(t.updatedAt))}${fact('resolved', t.resolvedAt ? timeAt(t.resolvedAt) : null)}
${attributionFacts(d)}
</dl>
${d.workflow?.summary ?? ''}
${sharedListSection(d.sharedLists ?? [], d.sharedListDays ?? 90)}
${d.conversation ? html`<section class="conversation" aria-labelledby="conversation">${conversationList(t.id, d.conversation)}</section>${answerForms(s, t.id, d.conversation)}` : ''}
${d.workflow?.actions ?? ''}
${
  d.suppressions.length
    ? html`<h2>Suppressions from these reports</h2><div class="table-scroll"><table><thead><tr><th scope="col">Address</th><th scope="col">Client</th><th scope="col">Reason</th><th scope="col">Since</th>${agent ? html`<th scope="col"><span class="sr-only">Action</span></th>` : ''}</tr></thead><tbody>
${d.suppressions.map(
  (
    x,
  ) => html`<tr><td>${x.address}</td><td>${x.client ?? 'global'}</td><td>${x.reason}</td><td>${timeAt(x.firstSeen)}</td>
${agent ? html`<td><form method="post" action="${base}/unsuppress" class="unsuppress">${csrfField(s)}<input type="hidden" name="id" value="${x.id}">${formErrorOf(d.formError, `unsuppress:${x.id}`)}${confirmFields(`I confirm: mail to ${x.address} may resume`, typedValue(d.formError, `unsuppress:${x.id}`, 'reason'))}<button type="submit">Un-suppress ${x.address}</button></form></td>` : ''}</tr>`,
)}
</tbody></table></div>`
    : ''
}
<h2>Decisions and timeline</h2>
${d.reports.length ? dedupedTrail(d.reports) : ''}
${dedupedTimeline(t.id, d.events)}
<h2>Reports</h2>
${d.reports.length === 0 ? html`<p>No reports.</p>` : ''}
${d.reports.map(
  (r) => html`<section class="report" aria-labelledby="report-${r.id}">
<h3 id="report-${r.id}">Report #${r.id} · ${r.kind} · ${timeAt(r.receivedAt)} ${d.shown?.report.id === r.id ? '' : html`<a href="${base}?report=${r.id}#message">show message</a>`}</h3>
${reportFacts(r)}
${d.conversation?.consent.some((c) => c.reportId === r.id) ? html`<p class="consent">Consent evidence: ${consentText(d.conversation.consent.find((c) => c.reportId === r.id))}</p>` : ''}
</section>`,
)}
${d.shown ? html`<h2 id="message">Message of report #${d.shown.report.id}</h2>${d.shown.view}` : ''}`,
  });
}
