import type { FastifyInstance } from 'fastify';
import { auditActions, searchAudit } from '../../store/audit-search-store.ts';
import { adminLayout } from './admin-layout.ts';
import { dayRange } from './day-range.ts';
import { timeAt } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { queryOf } from './query-of.ts';
import { requireRole } from './require-role.ts';
import type { UiContext } from './ui-context.ts';

const PAGE = 100;

interface Query {
  actor?: string;
  action?: string;
  target?: string;
  from?: string;
  to?: string;
  before?: string;
}

/**
 * An audit entry's detail as staff read it: a short "key: value" list (nested values as compact JSON), not a
 * JSON blob. The values are escaped like any other text.
 */
function auditDetail(detail: unknown): SafeHtml | string {
  if (detail === null || detail === undefined) return '—';
  if (typeof detail !== 'object' || Array.isArray(detail))
    return html`<code>${JSON.stringify(detail)}</code>`;
  const entries = Object.entries(detail as Record<string, unknown>).filter(
    ([, v]) => v !== null && v !== undefined,
  );
  if (entries.length === 0) return '—';
  return html`<dl class="audit-detail">${entries.map(
    ([k, v]) =>
      html`<dt>${k}</dt><dd>${typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v)}</dd>`,
  )}</dl>`;
}

export function adminAuditRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get<{ Querystring: Query }>('/ui/admin/audit', (req, reply) => {
    requireRole(req, 'admin');
    const q = req.query;
    const text = (v: unknown): string | undefined =>
      typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : undefined;
    const filters = { actor: text(q.actor), action: text(q.action), target: text(q.target) };
    const range = dayRange(q);
    const before =
      typeof q.before === 'string' && /^[1-9]\d{0,15}$/.test(q.before) ? Number(q.before) : undefined;
    const rows = searchAudit(ctx.db, {
      ...filters,
      since: range.since,
      until: range.until,
      before,
      limit: PAGE + 1,
    });
    const more = rows.length > PAGE;
    const shown = rows.slice(0, PAGE);
    const base = { ...filters, from: range.from, to: range.to };
    if (range.error) reply.code(400);
    return adminLayout(req, reply, {
      title: 'Audit log',
      page: '/ui/admin/audit',
      body: html`<h1>Audit log</h1>
<p>Every staff action, newest first: logins, ticket changes, suppressions, client status, accounts, tokens.</p>
<form class="filters" method="get" action="/ui/admin/audit" role="search">
<label>Actor <input type="search" name="actor" value="${filters.actor ?? ''}" placeholder="user:jane@"></label>
<label>Action <input type="search" name="action" list="audit-actions" value="${filters.action ?? ''}" placeholder="suppression"></label>
<datalist id="audit-actions">${auditActions(ctx.db).map((a) => html`<option value="${a}">`)}</datalist>
<label>Target <input type="search" name="target" value="${filters.target ?? ''}"></label>
<label>From <input type="date" name="from" value="${range.from ?? ''}"></label>
<label>To <input type="date" name="to" value="${range.to ?? ''}"></label>
<button type="submit">Filter</button>
${range.error ? html`<p class="error" role="alert">${range.error}</p>` : ''}
</form>
<div class="table-scroll"><table class="audit">
<caption class="sr-only">Audit entries</caption>
<thead><tr><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Detail</th></tr></thead>
<tbody>${shown.length === 0 ? html`<tr><td colspan="5">No audit entries match.</td></tr>` : ''}
${shown.map(
  (e) =>
    html`<tr id="audit-${e.id}"><td>${timeAt(e.at)}</td><td>${e.actor}</td><td>${e.action}</td><td class="wrap">${e.target ?? '—'}</td><td class="wrap">${auditDetail(e.detail)}</td></tr>`,
)}</tbody></table></div>
<nav class="pager" aria-label="Pages">${before ? html`<a href="/ui/admin/audit?${queryOf(base)}">Newest</a>` : ''}
${more ? html`<a href="/ui/admin/audit?${queryOf({ ...base, before: String(shown.at(-1)!.id) })}">Older entries</a>` : ''}</nav>`,
    });
  });
}
