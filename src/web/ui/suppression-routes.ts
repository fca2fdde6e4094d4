import type { FastifyInstance } from 'fastify';
import { listClients } from '../../store/clients-store.ts';
import { listSuppressions, type Suppression } from '../../store/suppressions-store.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';
import type { UiContext } from './ui-context.ts';

interface Query {
  address?: string;
  client?: string;
}

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  // Leading = + - @ would be formulas in a spreadsheet (CSV injection): prefix with an apostrophe.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

const query = (q: Query) => ({
  address: q.address?.trim()
    ? q.address.includes('*')
      ? q.address.trim()
      : `*${q.address.trim()}*`
    : undefined,
  client: q.client || undefined,
});

export function suppressionRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get<{ Querystring: Query }>('/ui/suppressions', (req, reply) => {
    const rows = listSuppressions(ctx.db, { ...query(req.query), limit: 500 });
    const clients = listClients(ctx.db);
    const csv = `/ui/suppressions.csv?${new URLSearchParams(Object.entries(req.query).filter(([, v]) => typeof v === 'string' && v) as Array<[string, string]>).toString()}`;
    reply.type('text/html; charset=utf-8');
    return layout({
      title: 'Suppressions',
      session: req.staff,
      current: '/ui/suppressions',
      body: html`<h1>Suppressions</h1>
<form class="filters" method="get" action="/ui/suppressions" role="search">
<label>Address contains <input type="search" name="address" value="${req.query.address ?? ''}"></label>
<label>Client <select name="client"><option value="">any</option><option value="*"${req.query.client === '*' ? html` selected` : ''}>global only</option>
${clients.map((c) => html`<option value="${c.slug}"${req.query.client === c.slug ? html` selected` : ''}>${c.slug}</option>`)}</select></label>
<button type="submit">Search</button></form>
<p><a href="${csv}">Export these as CSV</a> <span class="muted">(${rows.length}${rows.length === 500 ? '+' : ''} shown)</span></p>
<table><thead><tr><th scope="col">Address</th><th scope="col">Client</th><th scope="col">Reason</th><th scope="col" class="num">Count</th><th scope="col">First seen</th><th scope="col">Last seen</th><th scope="col">Evidence</th><th scope="col">By</th></tr></thead>
<tbody>${rows.map((s: Suppression) => html`<tr><td>${s.address}</td><td>${s.client ?? 'global'}</td><td>${s.reason}</td><td class="num">${s.count}</td><td>${s.firstSeen.slice(0, 10)}</td><td>${s.lastSeen.slice(0, 10)}</td><td>${s.evidenceReportId ? `report #${s.evidenceReportId}` : '—'}</td><td>${s.createdBy}</td></tr>`)}</tbody></table>`,
    });
  });

  app.get<{ Querystring: Query }>('/ui/suppressions.csv', (req, reply) => {
    const rows = listSuppressions(ctx.db, { ...query(req.query), limit: 1_000_000 });
    const cols: Array<keyof Suppression> = [
      'address',
      'client',
      'reason',
      'count',
      'firstSeen',
      'lastSeen',
      'evidenceReportId',
      'note',
      'createdBy',
    ];
    const body =
      [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\r\n') + '\r\n';
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="suppressions.csv"')
      .send(body);
  });
}
