import type { FastifyInstance } from 'fastify';
import { listIntakeLog, messageOutcome, type IntakeLogRow } from '../../store/intake-log-store.ts';
import { getMessage } from '../../store/messages-store.ts';
import { messageSources, messageStates } from '../../store/vocabulary.ts';
import { adminLayout } from './admin-layout.ts';
import { formatCount, timeAgo, timeAt } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField } from './layout.ts';
import { queryOf } from './query-of.ts';
import { requireRole } from './require-role.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

const PAGE = 100;

interface Query {
  state?: string;
  source?: string;
  quarantined?: string;
  after?: string;
}

const option = (value: string, label: string, selected: string | undefined): SafeHtml =>
  html`<option value="${value}"${selected === value ? html` selected` : ''}>${label}</option>`;

/** A size as staff read it: bytes, KiB or MiB. */
const size = (n: number): string =>
  n < 1024
    ? `${formatCount(n)} B`
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(1)} KiB`
      : `${(n / 1048576).toFixed(1)} MiB`;

/** What a message became: its ticket (the report opened on it) or the bare report, or nothing yet. */
function outcome(o: {
  reportId: number | null;
  kind: string | null;
  ticketId: string | null;
}): SafeHtml | string {
  if (o.reportId === null) return '—';
  if (o.ticketId)
    return html`${o.kind} · <a href="/ui/tickets/${encodeURIComponent(o.ticketId)}?report=${o.reportId}">${o.ticketId}</a>`;
  return html`${o.kind} · report #${o.reportId}`;
}

const row = (m: IntakeLogRow, now: Date): SafeHtml =>
  html`<tr id="message-${m.id}"><td><a href="/ui/admin/intake/${encodeURIComponent(m.queueId)}">${m.queueId}</a></td>
<td>${timeAgo(m.receivedAt, now)}</td><td>${m.source}</td>
<td class="wrap">${m.mailFrom || '<>'} → ${m.rcptTo.join(', ')}${m.clientIp ? html`<br><span class="muted">from ${m.clientIp}</span>` : ''}</td>
<td class="num">${size(m.size)}</td>
<td><span class="state-${m.state}">${m.state}</span>${m.state === 'quarantined' && m.lastError ? html`<br><span class="muted wrap">${m.lastError.slice(0, 160)}</span>` : ''}</td>
<td>${outcome(m)}</td></tr>`;

export function adminIntakeRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get<{ Querystring: Query }>('/ui/admin/intake', (req, reply) => {
    requireRole(req, 'admin');
    const q = req.query;
    const state = messageStates.find((s) => s === q.state);
    const source = messageSources.find((s) => s === q.source);
    const quarantinedFirst = q.quarantined === '1';
    const cursor = typeof q.after === 'string' ? /^([1-9]\d{0,15})\.([01])$/.exec(q.after) : null;
    const after = cursor ? { id: Number(cursor[1]), quarantined: cursor[2] === '1' } : undefined;
    const rows = listIntakeLog(ctx.db, { state, source, quarantinedFirst, after, limit: PAGE + 1 });
    const shown = rows.slice(0, PAGE);
    const last = shown.at(-1);
    const base = { state, source, quarantined: quarantinedFirst ? '1' : undefined };
    const now = ctx.now();
    return adminLayout(req, reply, {
      title: 'Intake log',
      page: '/ui/admin/intake',
      body: html`<h1>Intake log</h1>
<p>Every accepted message, newest first, with what it became. Open one for its envelope and stage trail.</p>
<form class="filters" method="get" action="/ui/admin/intake" role="search">
<label>State <select name="state">${option('', 'any', state ?? '')}${messageStates.map((s) => option(s, s, state))}</select></label>
<label>Source <select name="source">${option('', 'any', source ?? '')}${messageSources.map((s) => option(s, s, source))}</select></label>
<label class="inline"><input type="checkbox" name="quarantined" value="1"${quarantinedFirst ? html` checked` : ''}> Quarantined first</label>
<button type="submit">Filter</button>
</form>
<div class="table-scroll"><table class="intake">
<caption class="sr-only">Accepted messages</caption>
<thead><tr><th scope="col">Queue id</th><th scope="col">Received</th><th scope="col">Source</th><th scope="col">Envelope</th><th scope="col" class="num">Size</th><th scope="col">State</th><th scope="col">Became</th></tr></thead>
<tbody>${shown.length === 0 ? html`<tr><td colspan="7">No messages match.</td></tr>` : ''}${shown.map((m) => row(m, now))}</tbody></table></div>
<nav class="pager" aria-label="Pages">${after ? html`<a href="/ui/admin/intake?${queryOf(base)}">Newest</a>` : ''}
${rows.length > PAGE && last ? html`<a href="/ui/admin/intake?${queryOf({ ...base, after: `${last.id}.${quarantinedFirst && last.state === 'quarantined' ? 1 : 0}` })}">Older messages</a>` : ''}</nav>`,
    });
  });

  app.get<{ Params: { queueId: string } }>('/ui/admin/intake/:queueId', (req, reply) => {
    requireRole(req, 'admin');
    const m = getMessage(ctx.db, req.params.queueId);
    if (!m) throw new UiError(404, `No message ${req.params.queueId}.`);
    const o = messageOutcome(ctx.db, m.id);
    return adminLayout(req, reply, {
      title: `Message ${m.queueId}`,
      page: '/ui/admin/intake',
      body: html`<p><a href="/ui/admin/intake">← Intake log</a></p>
<h1>Message ${m.queueId}</h1>
<dl class="facts">
<dt>State</dt><dd><span class="state-${m.state}">${m.state}</span>${m.attempts ? ` after ${m.attempts} attempt(s)` : ''}</dd>
${m.lastError ? html`<dt>Last error</dt><dd class="error">${m.lastError}</dd>` : ''}
<dt>Became</dt><dd>${outcome(o)}</dd>
<dt>Received</dt><dd>${timeAt(m.receivedAt)}</dd>
<dt>Processed</dt><dd>${m.processedAt ? timeAt(m.processedAt) : '—'}</dd>
<dt>Source</dt><dd>${m.source}</dd>
<dt>MAIL FROM</dt><dd>${m.mailFrom || '<>'}</dd>
<dt>RCPT TO</dt><dd>${m.rcptTo.join(', ')}</dd>
<dt>Client</dt><dd>${m.clientIp ?? '—'}${m.clientHostname ? ` (${m.clientHostname})` : ''}</dd>
<dt>HELO</dt><dd>${m.helo ?? '—'}</dd>
<dt>TLS</dt><dd>${m.tls ? `${m.tls.protocol} ${m.tls.cipher}` : 'none'}</dd>
<dt>Size</dt><dd>${size(m.size)}</dd>
<dt>Message-ID</dt><dd>${m.messageId ?? '—'}</dd>
</dl>
<p><a href="/ui/messages/${m.id}/raw">Download the raw message</a> (recorded in the audit log)</p>
${m.state === 'quarantined' ? html`<form method="post" action="/ui/quarantine/${encodeURIComponent(m.queueId)}/retry">${csrfField(req.staff)}<button type="submit">Retry ${m.queueId}</button></form>` : ''}
<h2>Stage trail</h2>
${
  m.stages.length === 0
    ? html`<p class="muted">No stage has run yet.</p>`
    : html`<div class="table-scroll"><table class="stages"><thead><tr><th scope="col">Run</th><th scope="col">Stage</th><th scope="col">Outcome</th><th scope="col">Reason</th><th scope="col" class="num">ms</th></tr></thead>
<tbody>${m.stages.map((s) => html`<tr><td>${s.run ?? 1}</td><td class="stage">${s.stage}</td><td>${s.outcome}</td><td class="wrap">${s.reason}</td><td class="num">${Math.round(s.ms)}</td></tr>`)}</tbody></table></div>`
}`,
    });
  });
}
