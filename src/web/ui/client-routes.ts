import type { FastifyInstance } from 'fastify';
import { flashNotice, flashUrl, type FlashKey, type FlashQuery } from './flash.ts';
import { roleAtLeast } from '../../auth/staff-users.ts';
import { consentMethods } from '../../sends/send-records.ts';
import { clientDetail, clientSummaries } from '../../store/client-read-model.ts';
import {
  consentAnswersSchema,
  describeConsent,
  type ConsentAnswers,
} from '../../enforcement/consent-answers.ts';
import { clientStatuses, type ClientStatus, type SignalName } from '../../enforcement/enforcement-types.ts';
import {
  reinstateClient,
  setClientStatus,
  StatusActionError,
} from '../../enforcement/staff-status-actions.ts';
import { listSuppressions } from '../../store/suppressions-store.ts';
import { addTicketEvent, getTicket } from '../../store/tickets-store.ts';
import { dailyComplaints } from '../../store/campaigns-store.ts';
import { reportTicketId } from '../../store/report-read-model.ts';
import { complaintRateChart } from './complaint-rate-chart.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField, layout } from './layout.ts';
import { formValue, type FormBody } from './parse-form.ts';
import { requireRole } from './require-role.ts';
import { sharedListSection } from './shared-list-flags.ts';
import { scoreBar, signalGauge } from './signal-gauge.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

const rate = (x: number | null | undefined): string =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(3)} %`;
const SIGNAL_LABEL: Record<SignalName, string> = {
  complaintRate: 'Complaint rate',
  hardBounceRate: 'Hard-bounce rate',
  unsubscribeRate: 'Unsubscribe rate',
  trapHits: 'Spam-trap hits',
  blocklistings: 'Blocklistings',
};

/** The sample reports an automatic change names, as links (each opens on its ticket). */
function sampleLinks(evidence: unknown): SafeHtml | string {
  const ids = (evidence as { sampleReportIds?: unknown } | null)?.sampleReportIds;
  if (!Array.isArray(ids) || ids.length === 0) return '';
  return html`<br><strong>Sample reports:</strong> ${ids.filter((id): id is number => typeof id === 'number').map((id) => html`<a href="/ui/reports/${id}">#${id}</a> `)}`;
}

/** Staff status errors as UI errors: 404 / 409 / 422 with the reason on the page. */
function asUi<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof StatusActionError)) throw e;
    throw new UiError(e.code === 'not-found' ? 404 : e.code === 'conflict' ? 409 : 422, e.message);
  }
}

/** The reinstatement form's consent answers, validated like the API's. */
function consentFromForm(body: FormBody): ConsentAnswers {
  const blank = (name: string): string | null => formValue(body, name).trim() || null;
  const at = blank('proofAt');
  const parsed = consentAnswersSchema.safeParse({
    listAgeMonths: blank('listAgeMonths') === null ? undefined : Number(formValue(body, 'listAgeMonths')),
    signupUrl: blank('signupUrl'),
    method: formValue(body, 'method'),
    // <input type="datetime-local"> has no zone: staff enter UTC, as the label says.
    proof: {
      at: at && !/[zZ]|[+-]\d\d:\d\d$/.test(at) ? `${at.length === 16 ? `${at}:00` : at}Z` : at,
      ip: blank('proofIp'),
      source: blank('proofSource'),
    },
  });
  if (!parsed.success)
    throw new UiError(
      400,
      `Consent answers: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export function clientRoutes(app: FastifyInstance, ctx: UiContext): void {
  const thresholds = ctx.enforcement.policy.thresholds;
  const suspendLine = thresholds.complaintRate.suspend ?? 0.0025;

  app.get('/ui/clients', (req, reply) => {
    const rows = clientSummaries(ctx.db);
    reply.type('text/html; charset=utf-8');
    return layout({
      title: 'Clients',
      session: req.staff,
      current: '/ui/clients',
      body: html`<h1>Clients</h1>
<p class="muted">Window rates count trusted signals only (DKIM-verified FBLs; other reports proven by a trace token or the send log and authenticated for their sender or corroborated by independent sources) over the last ${ctx.enforcement.policy.windowDays} days; enforcement is in <strong>${ctx.enforcement.policy.mode}</strong> mode.</p>
<table><thead><tr><th scope="col">Client</th><th scope="col">Status</th><th scope="col" class="num">Score</th><th scope="col" class="num">Delivered</th><th scope="col" class="num">Complaints</th><th scope="col" class="num">Window complaint rate</th><th scope="col" class="num">Window hard-bounce rate</th><th scope="col" class="num">Open tickets</th></tr></thead>
<tbody>${rows.map(
        (
          c,
        ) => html`<tr><td><a href="/ui/clients/${c.slug}">${c.slug}</a> <span class="muted">${c.name}</span></td><td class="status-${c.status}">${c.status}</td>
<td class="num">${c.score ?? '—'}</td><td class="num">${c.delivered}</td><td class="num">${c.complaints}</td>
<td class="num">${rate(c.window?.complaintRate)}${(c.window?.complaintRate ?? 0) > suspendLine ? html` <span class="badge status-suspended">above policy</span>` : ''}</td>
<td class="num">${rate(c.window?.hardBounceRate)}</td><td class="num">${c.openTickets}</td></tr>`,
      )}</tbody></table>`,
    });
  });

  app.get<{ Params: { slug: string }; Querystring: FlashQuery }>('/ui/clients/:slug', (req, reply) => {
    const c = clientDetail(ctx.db, req.params.slug, {
      sharedListDays: ctx.enforcement.sharedListDays,
      now: ctx.now(),
    });
    if (!c) throw new UiError(404, `No client ${req.params.slug}.`);
    const { campaigns } = c;
    const end = ctx.now();
    const days = Array.from({ length: 30 }, (_, i) =>
      new Date(end.getTime() - (29 - i) * 86_400_000).toISOString().slice(0, 10),
    );
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
    const e = c.enforcement;
    const clientSignals = e?.assessment.signals.filter((s) => s.campaign === null) ?? [];
    const campaignSignals =
      e?.assessment.signals.filter((s) => s.campaign !== null && (s.level !== 'active' || s.k > 0)) ?? [];
    reply.type('text/html; charset=utf-8');
    return layout({
      title: c.slug,
      session: req.staff,
      current: '/ui/clients',
      body: html`<h1>${c.name} (${c.slug})</h1>
${flashNotice(req.query)}
<dl class="facts"><dt>status</dt><dd class="status-${c.status}">${c.status}${c.statusChangedAt ? html` <span class="muted">since ${c.statusChangedAt.slice(0, 16).replace('T', ' ')}</span>` : ''}</dd>
<dt>reputation score</dt><dd><strong>${c.score ?? '—'}</strong> / 100 ${e ? scoreBar(e.score.score, e.score.factors) : ''}</dd>
<dt>lifetime</dt><dd>${c.sent} sent, ${c.delivered} delivered, ${c.complaints} complaints (${rate(c.complaintRate)}), ${c.bounces} bounces (${rate(c.bounceRate)})</dd></dl>
${sharedListSection(c.sharedLists, ctx.enforcement.sharedListDays)}
${
  e
    ? html`<section aria-labelledby="enf"><h2 id="enf">Enforcement</h2>
<p class="muted">Mode <strong>${e.mode}</strong>; window ${e.facts.windowStart.slice(0, 10)} … ${e.facts.windowEnd.slice(0, 10)}; assessed ${e.at.slice(0, 16).replace('T', ' ')}.
Share of sends to providers that send feedback loops: ${e.facts.fblShare === null ? 'unknown (the send log has too few sends in the window), so complaints are measured against all deliveries' : rate(e.facts.fblShare)}.</p>
<ul>${e.assessment.reasons.map((r) => html`<li>${r}</li>`)}</ul>
${e.assessment.proposal ? html`<p class="notice" role="status"><strong>Proposal:</strong> ${e.assessment.proposal}</p>` : ''}
<table><thead><tr><th scope="col">Signal</th><th scope="col">Level</th><th scope="col">Against thresholds</th><th scope="col">Explanation</th></tr></thead>
<tbody>${clientSignals.map(
        (
          s,
        ) => html`<tr><th scope="row">${SIGNAL_LABEL[s.signal]}</th><td class="status-${s.level}">${s.level}</td>
<td>${s.n !== null ? signalGauge(s, thresholds[s.signal]) : html`${s.k}`}</td><td>${s.text}</td></tr>`,
      )}
${campaignSignals.map(
  (
    s,
  ) => html`<tr><th scope="row">${SIGNAL_LABEL[s.signal]} <span class="muted">${s.campaign}</span></th><td class="status-${s.level}">${s.level}</td>
<td>${s.n !== null ? signalGauge(s, thresholds[s.signal]) : html`${s.k}`}</td><td>${s.text}</td></tr>`,
)}</tbody></table>
<p class="muted">Counted: ${e.facts.total.counts.complaints} complaints, ${e.facts.total.counts.hardBounces} hard bounces, ${e.facts.total.counts.unsubscribes} unsubscribes, ${e.facts.total.counts.trapHits} trap hits, ${e.facts.total.counts.blocklistings} blocklistings. Not counted (unverified): ${e.facts.total.counts.uncounted}.
${e.facts.sampleReportIds.length ? html`Sample reports: ${e.facts.sampleReportIds.map((id) => html`<a href="/ui/reports/${id}">#${id}</a> `)}` : ''}</p>
<h3>Reputation score: what pulled it down</h3>
<table><thead><tr><th scope="col">Factor</th><th scope="col" class="num">Points off</th><th scope="col">Why</th></tr></thead>
<tbody>${e.score.factors.map((f) => html`<tr><th scope="row">${f.factor}</th><td class="num">−${f.penalty.toFixed(1)}</td><td>${f.text}</td></tr>`)}</tbody></table>
${
  e.facts.providers.length
    ? html`<h3>Per mailbox provider</h3><table><thead><tr><th scope="col">Provider</th><th scope="col">Feedback loop</th><th scope="col" class="num">Sends (send log)</th><th scope="col" class="num">Complaints</th><th scope="col" class="num">Complaint rate</th><th scope="col" class="num">Hard bounces</th><th scope="col" class="num">Hard-bounce rate</th><th scope="col" class="num">Unsubscribes</th></tr></thead>
<tbody>${e.facts.providers.map((p) => html`<tr><th scope="row">${p.provider}</th><td>${p.fbl ? 'yes' : 'no'}</td><td class="num">${p.sends}</td><td class="num">${p.complaints}</td><td class="num">${rate(p.sends ? p.complaints / p.sends : null)}</td><td class="num">${p.hardBounces}</td><td class="num">${rate(p.sends ? p.hardBounces / p.sends : null)}</td><td class="num">${p.unsubscribes}</td></tr>`)}</tbody></table>
<p class="muted">Rates per provider are against the send log's sends to that provider. Providers without a feedback loop report few complaints however bad the mail: compare them by bounces.</p>`
    : ''
}</section>`
    : html`<p>Not assessed yet.</p>`
}
${
  admin
    ? html`<section aria-labelledby="act"><h2 id="act">Status actions</h2><div class="actions">
<form method="post" action="/ui/clients/${c.slug}/status">${csrfField(req.staff)}
<label>Status <select name="status">${clientStatuses.filter((s) => s !== c.status && !(c.status === 'suspended' && s === 'active')).map((s) => html`<option value="${s}">${s}</option>`)}</select></label>
<label>Note (required) <input name="note" required></label><button type="submit">Change status</button></form></div>
${
  c.status !== 'active'
    ? html`<form class="reinstate" method="post" action="/ui/clients/${c.slug}/reinstate">${csrfField(req.staff)}
<fieldset><legend>Reinstate ${c.slug}: the client's answers about consent</legend>
<label>List age in months <input name="listAgeMonths" type="number" min="0" max="1200" required></label>
<label>Signup URL <input name="signupUrl" type="url" placeholder="https://… (empty: none)"></label>
<label>Consent method <select name="method" required>${consentMethods.map((m) => html`<option value="${m}">${m}</option>`)}</select></label>
<label>Proof: consent date/time (UTC) <input name="proofAt" type="datetime-local"></label>
<label>Proof: IP address <input name="proofIp"></label>
<label>Proof: source <input name="proofSource" placeholder="signup form, event…"></label>
<label>Note (required) <input name="note" required></label>
<button type="submit">Reinstate</button></fieldset></form>`
    : ''
}</section>`
    : ''
}
<h2>Status history</h2>
${
  c.history.length
    ? html`<table><thead><tr><th scope="col">When</th><th scope="col">Change</th><th scope="col">Mode</th><th scope="col">By</th><th scope="col">Reason and evidence</th></tr></thead>
<tbody>${c.history.map(
        (
          h,
        ) => html`<tr><td>${h.at.slice(0, 16).replace('T', ' ')}</td><td><span class="status-${h.from}">${h.from}</span> → <span class="status-${h.to}">${h.to}</span></td><td>${h.mode}</td><td>${h.actor}</td>
<td>${h.reason}${h.note ? html`<br><strong>Note:</strong> ${h.note}` : ''}${h.consent ? html`<br><strong>Consent:</strong> ${describeConsent(h.consent as ConsentAnswers)}` : ''}
${h.ticketId ? html` <a href="/ui/tickets/${h.ticketId}">${h.ticketId}</a>` : ''}
${sampleLinks(h.evidence)}
${h.evidence ? html`<details><summary>Evidence</summary><pre>${JSON.stringify(h.evidence, null, 2)}</pre></details>` : ''}</td></tr>`,
      )}</tbody></table>`
    : html`<p>No status changes yet.</p>`
}
<h2>Daily complaint rate, last 30 days</h2>
${series.length ? complaintRateChart(days, series, suspendLine) : html`<p>No complaints attributed to this client's campaigns in the last 30 days.</p>`}
<p class="muted">Rate = complaints that day ÷ the campaign's delivered count (all reports, trusted or not).</p>
<h2>Campaigns</h2>
<table><thead><tr><th scope="col">Campaign</th><th scope="col">Started</th><th scope="col" class="num">Sent</th><th scope="col" class="num">Delivered</th><th scope="col" class="num">Complaints</th><th scope="col" class="num">Rate</th><th scope="col" class="num">Bounces</th></tr></thead>
<tbody>${campaigns.map((k) => html`<tr><td>${k.slug}</td><td>${k.startedAt?.slice(0, 10) ?? '—'}</td><td class="num">${k.sent}</td><td class="num">${k.delivered}</td><td class="num">${k.complaints}</td><td class="num">${rate(k.delivered ? k.complaints / k.delivered : null)}</td><td class="num">${k.bounces}</td></tr>`)}</tbody></table>
<h2>Suppressions</h2>
<p><a href="/ui/suppressions?client=${c.slug}">All suppressions of ${c.slug}</a> · <a href="/ui/suppressions.csv?client=${c.slug}">CSV</a></p>
<table><thead><tr><th scope="col">Address</th><th scope="col">Reason</th><th scope="col">Last seen</th></tr></thead>
<tbody>${suppressions.map((s) => html`<tr><td>${s.address}</td><td>${s.reason}</td><td>${s.lastSeen.slice(0, 10)}</td></tr>`)}</tbody></table>`,
    });
  });

  // Evidence lists report ids; a report is read on its ticket.
  app.get<{ Params: { id: string } }>('/ui/reports/:id', (req, reply) => {
    const ticketId = reportTicketId(ctx.db, Number(req.params.id));
    if (!ticketId) throw new UiError(404, `No ticket holds report #${req.params.id}.`);
    return reply.redirect(
      `/ui/tickets/${ticketId}?report=${Number(req.params.id)}#report-${Number(req.params.id)}`,
      303,
    );
  });

  const back = (slug: string, key: FlashKey, ref?: string, ticket?: string | null): string =>
    flashUrl(ticket ? `/ui/tickets/${ticket}` : `/ui/clients/${encodeURIComponent(slug)}`, key, { ref });

  // Status changes are staff actions with a note; each is kept in the client's history.
  app.post<{ Params: { slug: string }; Body: FormBody }>('/ui/clients/:slug/status', (req, reply) => {
    requireRole(req, 'admin');
    const status = formValue(req.body, 'status');
    if (!clientStatuses.includes(status as ClientStatus)) throw new UiError(400, 'Unknown status.');
    const note = formValue(req.body, 'note').trim();
    if (!note) throw new UiError(400, 'A status change needs a note.');
    const actor = `user:${req.staff!.user.email}`;
    const now = ctx.now();
    const r = asUi(() =>
      setClientStatus(
        ctx.db,
        { slug: req.params.slug, to: status as ClientStatus, actor, note, now },
        ctx.enforcement,
      ),
    );
    // Changed from a ticket page: the ticket's timeline says so too.
    const ticket = getTicket(ctx.db, formValue(req.body, 'ticket'));
    if (ticket && ticket.id !== r.ticketId)
      addTicketEvent(ctx.db, ticket.id, {
        type: 'action',
        actor,
        text: `client ${req.params.slug}: ${r.from} → ${r.to}: ${note}`,
        now,
      });
    return reply.redirect(back(req.params.slug, 'client.status', r.to, ticket?.id), 303);
  });

  app.post<{ Params: { slug: string }; Body: FormBody }>('/ui/clients/:slug/reinstate', (req, reply) => {
    requireRole(req, 'admin');
    const note = formValue(req.body, 'note').trim();
    if (!note) throw new UiError(400, 'A reinstatement needs a note.');
    const consent = consentFromForm(req.body);
    const r = asUi(() =>
      reinstateClient(
        ctx.db,
        {
          slug: req.params.slug,
          actor: `user:${req.staff!.user.email}`,
          note,
          consent,
          refusedMethods: ctx.enforcement.refusedConsentMethods,
          now: ctx.now(),
        },
        ctx.enforcement,
      ),
    );
    return reply.redirect(back(req.params.slug, 'client.reinstated'), 303);
  });
}
