import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { flashNotice, flashUrl, type FlashKey, type FlashQuery } from './flash.ts';
import { roleAtLeast } from '../../auth/staff-users.ts';
import { consentMethods } from '../../sends/send-records.ts';
import { clientDetail, clientSummaries, type ClientDetail } from '../../store/client-read-model.ts';
import { countedComplaintsByDay } from '../../store/complaint-signal-days.ts';
import { formatPercent } from '../../enforcement/assess-client.ts';
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
import { reportTicketId } from '../../store/report-read-model.ts';
import { complaintRateChart } from './complaint-rate-chart.ts';
import { complaintRateSeries } from './complaint-rate-series.ts';
import { confirmedReason, confirmFields } from './confirm-fields.ts';
import { formatCount, timeAgo, timeAt } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField, layout } from './layout.ts';
import { formValue, type FormBody } from './parse-form.ts';
import { requireRole } from './require-role.ts';
import { sharedListSection } from './shared-list-flags.ts';
import { scoreBar, signalGauge } from './signal-gauge.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

const rate = (x: number | null | undefined): string =>
  x === null || x === undefined ? '—' : formatPercent(x);
const SIGNAL_LABEL: Record<SignalName, string> = {
  complaintRate: 'Complaint rate',
  hardBounceRate: 'Hard-bounce rate',
  unsubscribeRate: 'Unsubscribe rate',
  trapHits: 'Spam-trap hits',
  blocklistings: 'Blocklistings',
};

/** A refused status form: which one, why, and what the user typed (shown again beside that form). */
interface RefusedForm {
  form: 'status' | 'reinstate';
  error: string;
  values: FormBody;
}

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

const formError = (refused: RefusedForm | undefined, form: RefusedForm['form']): SafeHtml | string =>
  refused?.form === form
    ? html`<p class="form-error" role="alert" id="${form}-error">${refused.error}</p>`
    : '';

export function clientRoutes(app: FastifyInstance, ctx: UiContext): void {
  const policy = ctx.enforcement.policy;
  const thresholds = policy.thresholds;
  const suspendLine = thresholds.complaintRate.suspend ?? 0.0025;

  app.get('/ui/clients', (req, reply) => {
    const rows = clientSummaries(ctx.db);
    reply.type('text/html; charset=utf-8');
    return layout({
      title: 'Clients',
      session: req.staff,
      current: '/ui/clients',
      body: html`<h1>Clients</h1>
<p class="definition">${rateDefinition(policy.windowDays, null, policy.fblShareFloor)} Rates count trusted signals only (DKIM-verified FBLs; other reports proven by a trace token or the send log and authenticated for their sender or corroborated by independent sources). Enforcement is in <strong>${policy.mode}</strong> mode.</p>
<div class="table-scroll"><table><thead><tr><th scope="col">Client</th><th scope="col">Status</th><th scope="col" class="num">Score</th><th scope="col" class="num">Delivered (lifetime)</th><th scope="col" class="num">Complaint reports (lifetime)</th><th scope="col" class="num">Complaint rate</th><th scope="col" class="num">Hard-bounce rate</th><th scope="col" class="num">Open tickets</th></tr></thead>
<tbody>${rows.map(
        (
          c,
        ) => html`<tr><td><a href="/ui/clients/${c.slug}">${c.slug}</a> <span class="muted">${c.name}</span></td><td class="status-${c.status}">${c.status}</td>
<td class="num">${c.score ?? '—'}</td><td class="num">${formatCount(c.delivered)}</td><td class="num">${formatCount(c.complaints)}</td>
<td class="num">${rate(c.window?.complaintRate)}${(c.window?.complaintRate ?? 0) > suspendLine ? html` <span class="badge status-suspended">above policy</span>` : ''}</td>
<td class="num">${rate(c.window?.hardBounceRate)}</td><td class="num">${formatCount(c.openTickets)}</td></tr>`,
      )}</tbody></table></div>`,
    });
  });

  /** The client page; a refused status form comes back with its error beside it and the typed values kept. */
  function clientPage(
    req: FastifyRequest,
    c: ClientDetail,
    query: FlashQuery,
    refused?: RefusedForm,
  ): string {
    const { campaigns } = c;
    const now = ctx.now();
    const suppressions = listSuppressions(ctx.db, { client: c.slug, limit: 100 });
    const admin = roleAtLeast(req.staff!.user.role, 'admin');
    const e = c.enforcement;
    const clientSignals = e?.assessment.signals.filter((s) => s.campaign === null) ?? [];
    const campaignSignals =
      e?.assessment.signals.filter((s) => s.campaign !== null && (s.level !== 'active' || s.k > 0)) ?? [];
    const campaignRate = new Map(
      (e?.assessment.signals ?? [])
        .filter((s) => s.signal === 'complaintRate' && s.campaign !== null && s.n)
        .map((s) => [s.campaign!, s.value]),
    );
    const chart = e
      ? complaintRateSeries(
          e.facts,
          policy,
          countedComplaintsByDay(ctx.db, c.id, e.facts.windowStart, e.facts.windowEnd),
        )
      : null;
    const v = (form: RefusedForm['form'], name: string): string =>
      refused?.form === form ? formValue(refused.values, name) : '';
    const signalRow = (s: (typeof clientSignals)[number]): SafeHtml =>
      html`<tr><th scope="row">${SIGNAL_LABEL[s.signal]}${s.campaign ? html` <span class="muted">${s.campaign}</span>` : ''}</th><td class="status-${s.level}">${s.level}</td>
<td>${s.n !== null ? signalGauge(s, thresholds[s.signal]) : html`${formatCount(s.k)}`}</td><td>${s.text}</td></tr>`;
    return layout({
      title: c.slug,
      session: req.staff,
      current: '/ui/clients',
      body: html`<h1>${c.name} (${c.slug})</h1>
${flashNotice(query)}
${refused ? html`<p class="error" role="alert">Not done: ${refused.error} <a href="#${refused.form}-error">See the form.</a></p>` : ''}
<dl class="facts"><dt>status</dt><dd class="status-${c.status}">${c.status}${c.statusChangedAt ? html` <span class="muted">since ${timeAt(c.statusChangedAt)}</span>` : ''}</dd>
<dt>reputation score</dt><dd><strong>${c.score ?? '—'}</strong> / 100 ${e ? scoreBar(e.score.score, e.score.factors) : ''}</dd>
<dt>lifetime counts</dt><dd>${formatCount(c.sent)} sent, ${formatCount(c.delivered)} delivered, ${formatCount(c.complaints)} complaint reports, ${formatCount(c.bounces)} bounce reports <span class="muted">(everything received, trusted or not)</span></dd></dl>
${sharedListSection(c.sharedLists, ctx.enforcement.sharedListDays)}
${
  e
    ? html`<section aria-labelledby="enf"><h2 id="enf">Enforcement</h2>
<p class="definition" id="rate-definition">${rateDefinition(policy.windowDays, e.facts.fblShare, policy.fblShareFloor)} This window: ${timeAt(e.facts.windowStart)} to ${timeAt(e.facts.windowEnd)}. Policy compares each rate's Wilson lower bound (${formatPercent(policy.confidence)} confidence) with the thresholds.</p>
<p class="muted">Mode <strong>${e.mode}</strong>; assessed ${timeAgo(e.at, now)}.
Share of sends to providers that send feedback loops: ${e.facts.fblShare === null ? 'unknown (the send log has too few sends in the window), so complaints are measured against all deliveries' : formatPercent(e.facts.fblShare)}.</p>
<ul>${e.assessment.reasons.map((r) => html`<li>${r}</li>`)}</ul>
${e.assessment.proposal ? html`<p class="notice" role="status"><strong>Proposal:</strong> ${e.assessment.proposal}</p>` : ''}
<div class="table-scroll"><table class="signals"><thead><tr><th scope="col">Signal</th><th scope="col">Level</th><th scope="col">Against thresholds</th><th scope="col">Explanation</th></tr></thead>
<tbody>${clientSignals.map(signalRow)}
${campaignSignals.map(signalRow)}</tbody></table></div>
<p class="muted">Counted: ${formatCount(e.facts.total.counts.complaints)} complaints, ${formatCount(e.facts.total.counts.hardBounces)} hard bounces, ${formatCount(e.facts.total.counts.unsubscribes)} unsubscribes, ${formatCount(e.facts.total.counts.trapHits)} trap hits, ${formatCount(e.facts.total.counts.blocklistings)} blocklistings. Not counted (unverified): ${formatCount(e.facts.total.counts.uncounted)}.
${e.facts.sampleReportIds.length ? html`Sample reports: ${e.facts.sampleReportIds.map((id) => html`<a href="/ui/reports/${id}">#${id}</a> `)}` : ''}</p>
<h3>Complaint rate over the window</h3>
${
  chart && chart.series.some((s) => s.rates.some((r) => r !== null && r > 0))
    ? complaintRateChart(chart.days, chart.series, suspendLine)
    : html`<p>No counted complaints in this window.</p>`
}
<p class="muted">Each point is the complaint rate as defined above, counting the complaints received up to the end of that day; the last point is the rate the gauge shows.</p>
<h3>Reputation score: what pulled it down</h3>
<div class="table-scroll"><table><thead><tr><th scope="col">Factor</th><th scope="col" class="num">Points off</th><th scope="col">Why</th></tr></thead>
<tbody>${e.score.factors.map((f) => html`<tr><th scope="row">${f.factor}</th><td class="num">−${f.penalty.toFixed(1)}</td><td>${f.text}</td></tr>`)}</tbody></table></div>
${
  e.facts.providers.length
    ? html`<h3>Per mailbox provider</h3><div class="table-scroll"><table><thead><tr><th scope="col">Provider</th><th scope="col">Feedback loop</th><th scope="col" class="num">Sends (send log)</th><th scope="col" class="num">Complaints</th><th scope="col" class="num">Hard bounces</th><th scope="col" class="num">Unsubscribes</th></tr></thead>
<tbody>${e.facts.providers.map((p) => html`<tr><th scope="row">${p.provider}</th><td>${p.fbl ? 'yes' : 'no'}</td><td class="num">${formatCount(p.sends)}</td><td class="num">${formatCount(p.complaints)}</td><td class="num">${formatCount(p.hardBounces)}</td><td class="num">${formatCount(p.unsubscribes)}</td></tr>`)}</tbody></table></div>
<p class="muted">Counted signals per provider in the window, beside the send log's sends to that provider. Providers without a feedback loop report few complaints however bad the mail: compare them by bounces.</p>`
    : ''
}</section>`
    : html`<p>Not assessed yet.</p>`
}
${
  admin
    ? html`<section aria-labelledby="act"><h2 id="act">Status actions</h2><div class="actions">
<form method="post" action="/ui/clients/${c.slug}/status"${refused?.form === 'status' ? html` aria-describedby="status-error"` : ''}>${csrfField(req.staff)}
${formError(refused, 'status')}
<label>Status <select name="status">${clientStatuses.filter((s) => s !== c.status && !(c.status === 'suspended' && s === 'active')).map((s) => html`<option value="${s}"${v('status', 'status') === s ? html` selected` : ''}>${s}</option>`)}</select></label>
${confirmFields(`I confirm changing the status of ${c.slug}`, v('status', 'reason'))}
<button type="submit">Change status</button></form></div>
${
  c.status !== 'active'
    ? html`<form class="reinstate" method="post" action="/ui/clients/${c.slug}/reinstate"${refused?.form === 'reinstate' ? html` aria-describedby="reinstate-error"` : ''}>${csrfField(req.staff)}
<fieldset><legend>Reinstate ${c.slug}: the client's answers about consent</legend>
${formError(refused, 'reinstate')}
<label>List age in months <input name="listAgeMonths" type="number" min="0" max="1200" required value="${v('reinstate', 'listAgeMonths')}"></label>
<label>Signup URL <input name="signupUrl" type="url" placeholder="https://… (empty: none)" value="${v('reinstate', 'signupUrl')}"></label>
<label>Consent method <select name="method" required>${consentMethods.map((m) => html`<option value="${m}"${v('reinstate', 'method') === m ? html` selected` : ''}>${m}</option>`)}</select></label>
<label>Proof: consent date/time (UTC) <input name="proofAt" type="datetime-local" value="${v('reinstate', 'proofAt')}"></label>
<label>Proof: IP address <input name="proofIp" value="${v('reinstate', 'proofIp')}"></label>
<label>Proof: source <input name="proofSource" placeholder="signup form, event…" value="${v('reinstate', 'proofSource')}"></label>
${confirmFields(`I confirm reinstating ${c.slug}`, v('reinstate', 'reason'))}
<button type="submit">Reinstate</button></fieldset></form>`
    : ''
}</section>`
    : ''
}
<h2>Status history</h2>
${
  c.history.length
    ? html`<div class="table-scroll"><table><thead><tr><th scope="col">When</th><th scope="col">Change</th><th scope="col">Mode</th><th scope="col">By</th><th scope="col">Reason and evidence</th></tr></thead>
<tbody>${c.history.map(
        (
          h,
        ) => html`<tr><td>${timeAt(h.at)}</td><td><span class="status-${h.from}">${h.from}</span> → <span class="status-${h.to}">${h.to}</span></td><td>${h.mode}</td><td>${h.actor}</td>
<td>${h.reason}${h.note ? html`<br><strong>Note:</strong> ${h.note}` : ''}${h.consent ? html`<br><strong>Consent:</strong> ${describeConsent(h.consent as ConsentAnswers)}` : ''}
${h.ticketId ? html` <a href="/ui/tickets/${h.ticketId}">${h.ticketId}</a>` : ''}
${sampleLinks(h.evidence)}
${h.evidence ? html`<details><summary>Evidence</summary><pre>${JSON.stringify(h.evidence, null, 2)}</pre></details>` : ''}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p>No status changes yet.</p>`
}
<h2>Campaigns</h2>
<div class="table-scroll"><table><thead><tr><th scope="col">Campaign</th><th scope="col">Started</th><th scope="col" class="num">Sent</th><th scope="col" class="num">Delivered</th><th scope="col" class="num">Complaint reports (lifetime)</th><th scope="col" class="num">Complaint rate (window)</th><th scope="col" class="num">Bounce reports (lifetime)</th></tr></thead>
<tbody>${campaigns.map((k) => html`<tr><td>${k.slug}</td><td>${k.startedAt ? timeAt(k.startedAt) : '—'}</td><td class="num">${formatCount(k.sent)}</td><td class="num">${formatCount(k.delivered)}</td><td class="num">${formatCount(k.complaints)}</td><td class="num">${campaignRate.has(k.slug) ? rate(campaignRate.get(k.slug)) : html`<span class="muted">— (not in window)</span>`}</td><td class="num">${formatCount(k.bounces)}</td></tr>`)}</tbody></table></div>
<h2>Suppressions</h2>
<p><a href="/ui/suppressions?client=${c.slug}">All suppressions of ${c.slug}</a> · <a href="/ui/suppressions.csv?client=${c.slug}">CSV</a></p>
<div class="table-scroll"><table><thead><tr><th scope="col">Address</th><th scope="col">Reason</th><th scope="col">Last seen</th></tr></thead>
<tbody>${suppressions.map((s) => html`<tr><td class="wrap">${s.address}</td><td>${s.reason}</td><td>${timeAgo(s.lastSeen, now)}</td></tr>`)}</tbody></table></div>`,
    });
  }

  const detail = (slug: string): ClientDetail => {
    const c = clientDetail(ctx.db, slug, { sharedListDays: ctx.enforcement.sharedListDays, now: ctx.now() });
    if (!c) throw new UiError(404, `No client ${slug}.`);
    return c;
  };

  app.get<{ Params: { slug: string }; Querystring: FlashQuery }>('/ui/clients/:slug', (req, reply) => {
    const c = detail(req.params.slug);
    reply.type('text/html; charset=utf-8');
    return clientPage(req, c, req.query);
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

  /** Runs a status form's action; a refusal (400/409/422) re-renders the client page with the form as typed. */
  function refusable(
    req: FastifyRequest<{ Params: { slug: string }; Body: FormBody }>,
    reply: FastifyReply,
    form: RefusedForm['form'],
    action: () => string,
  ): FastifyReply {
    try {
      return reply.redirect(action(), 303);
    } catch (e) {
      if (!(e instanceof UiError) || ![400, 409, 422].includes(e.status)) throw e;
      const c = detail(req.params.slug);
      return reply
        .code(e.status)
        .type('text/html; charset=utf-8')
        .send(clientPage(req, c, {}, { form, error: e.message, values: req.body ?? {} }));
    }
  }

  // Status changes are staff actions with a confirmed reason; each is kept in the client's history.
  app.post<{ Params: { slug: string }; Body: FormBody }>('/ui/clients/:slug/status', (req, reply) => {
    requireRole(req, 'admin');
    return refusable(req, reply, 'status', () => {
      const status = formValue(req.body, 'status');
      if (!clientStatuses.includes(status as ClientStatus)) throw new UiError(400, 'Choose a status.');
      const note = confirmedReason(req.body);
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
      return back(req.params.slug, 'client.status', r.to, ticket?.id);
    });
  });

  app.post<{ Params: { slug: string }; Body: FormBody }>('/ui/clients/:slug/reinstate', (req, reply) => {
    requireRole(req, 'admin');
    return refusable(req, reply, 'reinstate', () => {
      const consent = consentFromForm(req.body);
      const note = confirmedReason(req.body);
      asUi(() =>
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
      return back(req.params.slug, 'client.reinstated');
    });
  });
}

/** The page's one statement of how the rates are computed (the enforcement policy's definition). */
function rateDefinition(windowDays: number, fblShare: number | null, floor: number): SafeHtml {
  return html`<strong>Complaint rate</strong> = trusted complaints ÷ messages delivered${fblShare === null ? '' : html` to feedback-loop providers (delivered × their share of the send log, at least ${formatPercent(floor)})`}, for campaigns started in the last ${windowDays} days (or since the last reinstatement). <strong>Hard-bounce rate</strong> = trusted hard bounces ÷ sent; <strong>unsubscribe rate</strong> = unsubscribes ÷ delivered, same window.`;
}
