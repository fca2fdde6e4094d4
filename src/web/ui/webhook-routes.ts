import type { FastifyInstance } from 'fastify';
import { flashNotice, flashUrl } from './flash.ts';
import { outboxStates } from '../../store/vocabulary.ts';
import { writeAudit } from '../../store/audit-store.ts';
import { roleAtLeast } from '../../auth/staff-users.ts';
import { webhookEventTypes } from '../../webhooks/emit-webhook.ts';
import {
  listWebhookDeliveries,
  replayWebhook,
  webhookRowState,
  webhookStateCounts,
  type WebhookDelivery,
} from '../../store/webhooks-store.ts';
import {
  deliveredEndpointUrls,
  endpointDeliveryLog,
  endpointStateCounts,
} from '../../store/webhook-endpoint-store.ts';
import { clientWebhookUrls } from '../../store/client-admin-store.ts';
import { ENDPOINT_KEY, endpointKey } from './endpoint-key.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField, layout } from './layout.ts';
import { requireRole } from './require-role.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

const STATES = outboxStates;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

interface Query {
  state?: string;
  type?: string;
  limit?: string;
  /** One endpoint's deliveries only (its endpointKey; linked from the admin endpoints page). */
  endpoint?: string;
  flash?: string;
  n?: string;
  ref?: string;
}

const option = (value: string, label: string, selected: string | undefined) =>
  html`<option value="${value}"${selected === value ? html` selected` : ''}>${label}</option>`;

const when = (iso: string | null): SafeHtml | string =>
  iso ? html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')}</time>` : '—';

const SECRET_PARAM = /token|secret|key|sig|pass|auth|code/i;

/** The target URL as staff see it: credentials in the userinfo or in token-like query parameters are masked. */
export function displayUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (u.password) u.password = '***';
  for (const name of [...new Set(u.searchParams.keys())])
    if (SECRET_PARAM.test(name)) u.searchParams.set(name, '***');
  return u.toString();
}

/** Per-state counts of webhook deliveries (of one event type, when filtered). */
function stateCounts(ctx: UiContext, type: string | undefined): Record<(typeof STATES)[number], number> {
  const rows = webhookStateCounts(ctx.db, type ?? null);
  const out = { pending: 0, sent: 0, failed: 0 };
  for (const r of rows) if (r.state in out) out[r.state as keyof typeof out] = r.n;
  return out;
}

const about = (d: WebhookDelivery): SafeHtml | string => {
  const parts: SafeHtml[] = [];
  if (d.ticketId) parts.push(html`<a href="/ui/tickets/${encodeURIComponent(d.ticketId)}">${d.ticketId}</a>`);
  if (d.reportId !== null) {
    parts.push(
      d.reportTicketId
        ? html`<a href="/ui/tickets/${encodeURIComponent(d.reportTicketId)}?report=${d.reportId}">report #${d.reportId}</a>`
        : html`report #${d.reportId}`,
    );
  }
  return parts.length ? html`${parts.map((p, i) => (i ? html`<br>${p}` : p))}` : '—';
};

export function webhookRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get<{ Querystring: Query }>('/ui/webhooks', (req, reply) => {
    const q = req.query;
    const state = STATES.find((s) => s === q.state);
    const type = webhookEventTypes.find((t) => t === q.type);
    const n = Number(q.limit);
    const limit = q.limit && Number.isInteger(n) && n > 0 ? Math.min(n, MAX_LIMIT) : DEFAULT_LIMIT;
    const endpoint = typeof q.endpoint === 'string' && ENDPOINT_KEY.test(q.endpoint) ? q.endpoint : undefined;
    const url = endpoint
      ? [...clientWebhookUrls(ctx.db), ...deliveredEndpointUrls(ctx.db)].find(
          (u) => endpointKey(u) === endpoint,
        )
      : undefined;
    if (endpoint && !url) throw new UiError(404, 'No webhook endpoint with that key.');
    const rows = url
      ? endpointDeliveryLog(ctx.db, { url, state, type, limit })
      : listWebhookDeliveries(ctx.db, { state, type, limit });
    const counts = url
      ? { pending: 0, sent: 0, failed: 0, ...endpointStateCounts(ctx.db, url) }
      : stateCounts(ctx, type);
    const admin = roleAtLeast(req.staff!.user.role, 'admin');
    const link = (s: string | undefined) =>
      `/ui/webhooks?${new URLSearchParams(Object.entries({ state: s, type, endpoint, limit: limit === DEFAULT_LIMIT ? undefined : String(limit) }).filter((e): e is [string, string] => !!e[1])).toString()}`;
    reply.type('text/html; charset=utf-8');
    return layout({
      title: 'Webhooks',
      session: req.staff,
      current: '/ui/webhooks',
      body: html`<h1>Webhook deliveries</h1>
<p>Events posted to client and global webhook endpoints, newest first. Failed deliveries are kept; an admin can replay any delivery (receivers dedupe on its webhook id).</p>
${flashNotice(q)}
${url ? html`<p class="notice">Deliveries to <span class="wrap">${displayUrl(url)}</span> only. <a href="/ui/webhooks">Every endpoint</a></p>` : ''}
<ul class="counts" aria-label="Deliveries per state">
${STATES.map((s) => html`<li><a href="${link(s)}"${state === s ? html` aria-current="true"` : ''}><span class="status-${s}">${s}</span> <span class="badge">${counts[s]}</span></a></li>`)}
<li><a href="${link(undefined)}"${state ? '' : html` aria-current="true"`}>all <span class="badge">${counts.pending + counts.sent + counts.failed}</span></a></li>
</ul>
<form class="filters" method="get" action="/ui/webhooks" role="search">
<label>State <select name="state">${option('', 'any', state ?? '')}${STATES.map((s) => option(s, s, state))}</select></label>
<label>Event <select name="type">${option('', 'any', type ?? '')}${webhookEventTypes.map((t) => option(t, t, type))}</select></label>
<label>Show <input type="number" name="limit" min="1" max="${MAX_LIMIT}" value="${limit}"></label>
${endpoint ? html`<input type="hidden" name="endpoint" value="${endpoint}">` : ''}<button type="submit">Filter</button>
</form>
<p class="muted">${rows.length}${rows.length === limit ? '+' : ''} shown</p>
<table class="webhooks">
<caption class="sr-only">Webhook deliveries</caption>
<thead><tr><th scope="col" class="num">Id</th><th scope="col">Event</th><th scope="col">Target</th><th scope="col">State</th><th scope="col" class="num">Attempts</th><th scope="col">Created</th><th scope="col">Sent at</th><th scope="col">Next attempt</th><th scope="col">Last error</th><th scope="col">About</th>${admin ? html`<th scope="col"><span class="sr-only">Action</span></th>` : ''}</tr></thead>
<tbody>
${rows.length === 0 ? html`<tr><td colspan="${admin ? 11 : 10}">No webhook deliveries match.</td></tr>` : ''}
${rows.map(
  (d) => html`<tr id="delivery-${d.id}">
<td class="num">${d.id}</td>
<td>${d.type}<details><summary>Payload</summary><pre class="payload">${JSON.stringify(d.body, null, 2)}</pre><p class="muted">webhook-id ${d.webhookId}</p></details></td>
<td class="url">${displayUrl(d.url)}</td>
<td class="status-${d.state}">${d.state}</td>
<td class="num">${d.attempts}</td>
<td>${when(d.createdAt)}</td>
<td>${when(d.sentAt)}</td>
<td>${d.state === 'pending' ? when(d.nextAttemptAt) : '—'}</td>
<td class="url">${d.lastError ?? '—'}</td>
<td>${about(d)}</td>
${admin ? html`<td><form method="post" action="/ui/webhooks/${d.id}/replay">${csrfField(req.staff)}<button type="submit">Replay<span class="sr-only"> delivery ${d.id}</span></button></form></td>` : ''}
</tr>`,
)}
</tbody>
</table>`,
    });
  });

  app.post<{ Params: { id: string } }>('/ui/webhooks/:id/replay', (req, reply) => {
    requireRole(req, 'admin');
    const id = /^[1-9]\d{0,14}$/.test(req.params.id) ? Number(req.params.id) : null;
    const row = id === null ? null : webhookRowState(ctx.db, id);
    if (id === null || !row) throw new UiError(404, `No webhook delivery ${req.params.id}.`);
    const now = ctx.now();
    ctx.db.transaction(() => {
      if (!replayWebhook(ctx.db, id, now)) throw new UiError(404, `No webhook delivery ${id}.`);
      writeAudit(ctx.db, {
        actor: `user:${req.staff!.user.email}`,
        action: 'webhook.replay',
        target: String(id),
        detail: { type: row.type, previousState: row.state },
        now,
      });
    })();
    return reply.redirect(flashUrl('/ui/webhooks', 'webhook.replayed', { ref: String(id) }), 303);
  });
}
