import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { roleAtLeast } from '../../auth/staff-users.ts';
import { writeAudit } from '../../store/audit-store.ts';
import { clientIdBySlug, listClients } from '../../store/clients-store.ts';
import {
  countSearchSuppressions,
  searchSuppressions,
  suppressionRemovals,
  suppressionRowById,
  type SuppressionRow,
  type SuppressionSearch,
} from '../../store/suppression-admin-store.ts';
import { parseSuppressionTarget, SUPPRESSION_TARGET_RULE } from '../../store/suppression-target.ts';
import {
  isErasedSuppression,
  SUPPRESSION_CSV_COLUMNS,
  suppressionCsvLine,
} from '../../store/suppressions-csv.ts';
import {
  listSuppressions,
  removeSuppression,
  suppress,
  suppressionById,
  suppressionReasons,
} from '../../store/suppressions-store.ts';
import { confirmedReason, confirmFields } from './confirm-fields.ts';
import { dayRange, type DayRange } from './day-range.ts';
import { flashNotice, flashUrl, registerFlash } from './flash.ts';
import { formatCount, timeAgo, timeAt } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField, layout } from './layout.ts';
import { formValue, formValues, type FormBody } from './parse-form.ts';
import { queryOf } from './query-of.ts';
import { requireRole } from './require-role.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

registerFlash({
  'suppressions.added': (p) => `${p.n ?? 0} suppression(s) added.`,
  'suppressions.added_some': (p) =>
    `${p.n ?? 0} suppression(s) added; ${p.ref ?? 'some'} were already suppressed in that scope.`,
  'suppressions.removed': (p) =>
    `${p.n ?? 0} suppression(s) removed. They are listed in the removal history.`,
});

const PAGE = 500;
const HISTORY_PAGE = 100;
/** The most addresses one paste may add (larger lists: the CLI or the API). */
const MAX_PASTE = 1000;

interface Query {
  address?: string;
  client?: string;
  reason?: string;
  from?: string;
  to?: string;
  flash?: string;
  n?: string;
  ref?: string;
}

interface AddForm {
  addresses: string;
  scope: string;
  note: string;
}

interface PageState {
  error?: { form: 'add' | 'remove'; message: string } | undefined;
  add?: AddForm | undefined;
  /** A refused bulk removal: the rows that were ticked and the reason typed. */
  selected?: Set<number> | undefined;
  reason?: string | undefined;
}

const text = (v: unknown, max = 254): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined;

function filtersOf(q: Query): {
  search: Omit<SuppressionSearch, 'limit'>;
  range: DayRange;
  link: Record<string, string | undefined>;
} {
  const range = dayRange(q);
  const reason = suppressionReasons.find((r) => r === q.reason);
  const search = {
    address: text(q.address),
    client: text(q.client, 64),
    reason,
    since: range.since,
    until: range.until,
  };
  return {
    search,
    range,
    link: { address: search.address, client: search.client, reason, from: range.from, to: range.to },
  };
}

const option = (value: string, label: string, selected: string | undefined): SafeHtml =>
  html`<option value="${value}"${selected === value ? html` selected` : ''}>${label}</option>`;

const errorFor = (s: PageState, form: 'add' | 'remove'): SafeHtml | string =>
  s.error?.form === form ? html`<p class="error" role="alert">${s.error.message}</p>` : '';

/** How staff read an erased row's address: it is gone, only the start of its keyed hash is shown. */
const erasedLabel = (hash: string | null): string => `erased (hash ${(hash ?? '').slice(0, 12)}…)`;
const addressLabel = (r: { address: string; addressHash: string | null }): string =>
  isErasedSuppression(r) ? erasedLabel(r.addressHash) : r.address;
const addressCell = (r: { address: string; addressHash: string | null }): SafeHtml | string =>
  isErasedSuppression(r)
    ? html`<span class="muted">erased</span> (hash <code title="${r.addressHash ?? ''}">${(r.addressHash ?? '').slice(0, 12)}…</code>)`
    : r.address;

/** Evidence and ticket links of a row: the report opens on its ticket. */
const evidence = (r: SuppressionRow): SafeHtml | string =>
  r.evidenceReportId === null
    ? '—'
    : html`<a href="/ui/reports/${r.evidenceReportId}">report #${r.evidenceReportId}</a>${r.ticketId ? html`<br><a href="/ui/tickets/${encodeURIComponent(r.ticketId)}">${r.ticketId}</a>` : ''}`;

const tabs = (current: 'list' | 'removals'): SafeHtml =>
  html`<nav class="tabs" aria-label="Suppression views"><ul><li><a href="/ui/suppressions"${current === 'list' ? html` aria-current="page"` : ''}>Current suppressions</a></li><li><a href="/ui/suppressions/removals"${current === 'removals' ? html` aria-current="page"` : ''}>Removal history</a></li></ul></nav>`;

function addForm(req: FastifyRequest, clients: Array<{ slug: string }>, s: PageState): SafeHtml {
  const add = s.add ?? { addresses: '', scope: '', note: '' };
  return html`<details class="add-suppressions"${s.error?.form === 'add' ? html` open` : ''}><summary>Add suppressions</summary>
${errorFor(s, 'add')}
<form class="stack admin-form" method="post" action="/ui/suppressions/add">${csrfField(req.staff)}
<label>Addresses <span class="muted">(one per line: jane@example.net, or a whole domain as @example.net or *@example.net)</span>
<textarea name="addresses" rows="5" required>${add.addresses}</textarea></label>
<label>Scope <select name="scope">${option('', 'global (every client)', add.scope)}${clients.map((c) => option(c.slug, `client ${c.slug}`, add.scope))}</select></label>
<label>Note <input name="note" maxlength="2000" value="${add.note}" placeholder="why (kept with each suppression)"></label>
<p class="muted">Reason: manual.</p>
<button type="submit">Suppress</button>
</form></details>`;
}

function listPage(
  req: FastifyRequest<{ Querystring: Query }>,
  reply: FastifyReply,
  ctx: UiContext,
  s: PageState,
): string {
  const q = req.query;
  const { search, range, link } = filtersOf(q);
  const rows = range.error ? [] : searchSuppressions(ctx.db, { ...search, limit: PAGE });
  const total = range.error ? 0 : countSearchSuppressions(ctx.db, search);
  const clients = listClients(ctx.db);
  const agent = roleAtLeast(req.staff!.user.role, 'agent');
  const now = ctx.now();
  const qs = queryOf(link);
  reply.type('text/html; charset=utf-8');
  if (range.error && !s.error) reply.code(400);
  const table = html`<div class="table-scroll"><table class="suppressions">
<caption class="sr-only">Suppressions</caption>
<thead><tr>${agent ? html`<th scope="col"><span class="sr-only">Select</span></th>` : ''}<th scope="col">Address</th><th scope="col">Client</th><th scope="col">Reason</th><th scope="col" class="num">Count</th><th scope="col">First seen</th><th scope="col">Last seen</th><th scope="col">Evidence</th><th scope="col">Note</th><th scope="col">By</th>${agent ? html`<th scope="col"><span class="sr-only">Action</span></th>` : ''}</tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="${agent ? 11 : 9}">No suppressions match.</td></tr>` : ''}
${rows.map(
  (
    r,
  ) => html`<tr id="suppression-${r.id}">${agent ? html`<td><input type="checkbox" name="id" value="${r.id}" aria-label="Select ${addressLabel(r)}"${s.selected?.has(r.id) ? html` checked` : ''}></td>` : ''}
<td class="wrap">${addressCell(r)}</td><td>${r.client ?? 'global'}${r.stream ? html`<br><span class="muted">stream ${r.stream}</span>` : ''}</td><td>${r.reason}${r.expiresAt ? html`<br><span class="muted">${Date.parse(r.expiresAt) <= now.getTime() ? 'expired' : 'expires'} ${timeAgo(r.expiresAt, now)}</span>` : ''}</td><td class="num">${formatCount(r.count)}</td>
<td>${timeAgo(r.firstSeen, now)}</td><td>${timeAgo(r.lastSeen, now)}</td><td>${evidence(r)}</td><td class="wrap">${r.note ?? ''}</td><td>${r.createdBy}</td>
${agent ? html`<td><a href="/ui/suppressions/${r.id}/remove">Remove<span class="sr-only"> ${addressLabel(r)}</span></a></td>` : ''}</tr>`,
)}</tbody></table></div>`;
  return layout({
    title: 'Suppressions',
    session: req.staff,
    current: '/ui/suppressions',
    body: html`<h1>Suppressions</h1>
${tabs('list')}
${flashNotice(q)}
${agent ? addForm(req, clients, s) : ''}
<form class="filters" method="get" action="/ui/suppressions" role="search">
<label>Address contains <input type="search" name="address" value="${link.address ?? ''}"></label>
<label>Client <select name="client">${option('', 'any', link.client ?? '')}${option('*', 'global only', link.client)}${clients.map((c) => option(c.slug, c.slug, link.client))}</select></label>
<label>Reason <select name="reason">${option('', 'any', link.reason ?? '')}${suppressionReasons.map((r) => option(r, r, link.reason))}</select></label>
<label>First seen from <input type="date" name="from" value="${range.from ?? ''}"></label>
<label>to <input type="date" name="to" value="${range.to ?? ''}"></label>
<button type="submit">Search</button>
${range.error ? html`<p class="error" role="alert">${range.error}</p>` : ''}
</form>
<p><a href="/ui/suppressions.csv${qs ? `?${qs}` : ''}">Export these as CSV</a> <span class="muted">(${formatCount(rows.length)} of ${formatCount(total)} shown)</span></p>
${
  agent
    ? html`<form method="post" action="/ui/suppressions/remove" class="bulk">${csrfField(req.staff)}
${table}
${errorFor(s, 'remove')}
<fieldset class="bulk-remove"><legend>Remove the selected suppressions</legend>
${confirmFields('Remove the selected suppressions: mail to these addresses is allowed again', s.error?.form === 'remove' ? (s.reason ?? '') : '')}
<button type="submit">Remove selected</button></fieldset></form>`
    : table
}`,
  });
}

function removePage(
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: UiContext,
  id: number,
  s: { error?: string; reason?: string } = {},
): string {
  const r = suppressionRowById(ctx.db, id);
  if (!r) throw new UiError(404, 'That suppression no longer exists.');
  reply.type('text/html; charset=utf-8');
  return layout({
    title: `Remove ${addressLabel(r)}`,
    session: req.staff,
    current: '/ui/suppressions',
    body: html`<p><a href="/ui/suppressions">← Suppressions</a></p>
<h1>Remove a suppression</h1>
<dl class="facts"><dt>Address</dt><dd>${addressCell(r)}</dd><dt>Scope</dt><dd>${r.client ? `client ${r.client}` : 'global (every client)'}</dd>${r.stream ? html`<dt>Stream</dt><dd>${r.stream}</dd>` : ''}
<dt>Suppressed as</dt><dd>${r.reason}</dd><dt>Since</dt><dd>${timeAt(r.firstSeen)} by ${r.createdBy}</dd>
${r.note ? html`<dt>Note</dt><dd>${r.note}</dd>` : ''}${r.evidenceReportId ? html`<dt>Evidence</dt><dd>${evidence(r)}</dd>` : ''}</dl>
${s.error ? html`<p class="error" role="alert">${s.error}</p>` : ''}
<form class="stack admin-form" method="post" action="/ui/suppressions/remove">${csrfField(req.staff)}
<input type="hidden" name="id" value="${id}"><input type="hidden" name="single" value="1">
${confirmFields(`Remove this suppression: mail to ${addressLabel(r)} is allowed again${r.client ? ` for ${r.client}` : ''}`, s.reason ?? '')}
<button type="submit">Remove</button></form>`,
  });
}

/** The addresses of a paste: one per line (commas and semicolons also separate), blanks ignored. */
const pasted = (s: string): string[] =>
  s
    .split(/[\r\n,;]+/)
    .map((l) => l.trim())
    .filter((l) => l !== '');

export function suppressionRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get<{ Querystring: Query }>('/ui/suppressions', (req, reply) => listPage(req, reply, ctx, {}));

  app.post<{ Querystring: Query; Body: FormBody }>('/ui/suppressions/add', (req, reply) => {
    requireRole(req, 'agent');
    const add: AddForm = {
      addresses: formValue(req.body, 'addresses').slice(0, 100_000),
      scope: formValue(req.body, 'scope').trim(),
      note: formValue(req.body, 'note').trim().slice(0, 2000),
    };
    const refuse = (status: number, message: string): string => {
      reply.code(status);
      return listPage(req, reply, ctx, { add, error: { form: 'add', message } });
    };
    const lines = pasted(add.addresses);
    if (lines.length === 0) return refuse(422, 'Paste at least one address.');
    if (lines.length > MAX_PASTE)
      return refuse(
        422,
        `At most ${formatCount(MAX_PASTE)} addresses at once (use the CLI or the API for more).`,
      );
    const targets: string[] = [];
    const bad: string[] = [];
    for (const l of lines) {
      try {
        targets.push(parseSuppressionTarget(l).value);
      } catch {
        bad.push(l);
      }
    }
    if (bad.length)
      return refuse(
        422,
        `Nothing added: ${bad.length === 1 ? 'this line is not' : `${bad.length} lines are not`} ${SUPPRESSION_TARGET_RULE}: ${bad.slice(0, 10).join(', ')}${bad.length > 10 ? ', …' : ''}.`,
      );
    const clientId = add.scope ? clientIdBySlug(ctx.db, add.scope) : null;
    if (add.scope && clientId === null) return refuse(422, `There is no client ${add.scope}.`);
    const actor = `user:${req.staff!.user.email}`;
    const now = ctx.now();
    const unique = [...new Set(targets)];
    const created = ctx.db.transaction(() => {
      let n = 0;
      for (const address of unique) {
        const r = suppress(ctx.db, {
          address,
          clientId,
          reason: 'manual',
          note: add.note || null,
          createdBy: actor,
          why: add.note || 'added by staff',
          now,
        });
        if (r.created) n++;
        writeAudit(ctx.db, {
          actor,
          action: 'suppression.add',
          target: address,
          detail: { client: add.scope || null, reason: 'manual', note: add.note || null, created: r.created },
          now,
        });
      }
      return n;
    })();
    const already = unique.length - created;
    return reply.redirect(
      already
        ? flashUrl('/ui/suppressions', 'suppressions.added_some', { n: created, ref: String(already) })
        : flashUrl('/ui/suppressions', 'suppressions.added', { n: created }),
      303,
    );
  });

  app.get<{ Params: { id: string } }>('/ui/suppressions/:id/remove', (req, reply) => {
    requireRole(req, 'agent');
    if (!/^[1-9]\d{0,15}$/.test(req.params.id)) throw new UiError(404, 'No such suppression.');
    return removePage(req, reply, ctx, Number(req.params.id));
  });

  app.post<{ Querystring: Query; Body: FormBody }>('/ui/suppressions/remove', (req, reply) => {
    requireRole(req, 'agent');
    const ids = [
      ...new Set(
        formValues(req.body, 'id')
          .filter((v) => /^[1-9]\d{0,15}$/.test(v))
          .map(Number),
      ),
    ];
    const single = formValue(req.body, 'single') === '1' && ids.length === 1;
    const typedReason = formValue(req.body, 'reason').slice(0, 500);
    let why: string;
    try {
      if (ids.length === 0) throw new UiError(422, 'Select at least one suppression to remove.');
      why = confirmedReason(req.body);
    } catch (e) {
      if (!(e instanceof UiError)) throw e;
      reply.code(e.status);
      if (single) return removePage(req, reply, ctx, ids[0]!, { error: e.message, reason: typedReason });
      return listPage(req, reply, ctx, {
        error: { form: 'remove', message: e.message },
        selected: new Set(ids),
        reason: typedReason,
      });
    }
    const actor = `user:${req.staff!.user.email}`;
    const now = ctx.now();
    const removed = ctx.db.transaction(() => {
      let n = 0;
      for (const id of ids) {
        const s = suppressionById(ctx.db, id);
        if (!s) continue;
        const clientId = s.client === null ? null : clientIdBySlug(ctx.db, s.client);
        const gone = removeSuppression(ctx.db, s.address, clientId, s.reason, {
          stream: s.stream,
          actor,
          why,
          now,
        });
        if (gone === 0) continue;
        n += gone;
        writeAudit(ctx.db, {
          actor,
          action: 'suppression.remove',
          target: s.address,
          detail: { client: s.client, stream: s.stream, reason: s.reason, why, removed: gone },
          now,
        });
      }
      return n;
    })();
    if (removed === 0 && single) throw new UiError(404, 'That suppression no longer exists.');
    return reply.redirect(flashUrl('/ui/suppressions', 'suppressions.removed', { n: removed }), 303);
  });

  app.get<{ Querystring: { address?: string; before?: string } }>(
    '/ui/suppressions/removals',
    (req, reply) => {
      const address = text(req.query.address);
      const before =
        typeof req.query.before === 'string' && /^[1-9]\d{0,15}$/.test(req.query.before)
          ? Number(req.query.before)
          : undefined;
      const rows = suppressionRemovals(ctx.db, { address, before, limit: HISTORY_PAGE + 1 });
      const shown = rows.slice(0, HISTORY_PAGE);
      reply.type('text/html; charset=utf-8');
      return layout({
        title: 'Removal history',
        session: req.staff,
        current: '/ui/suppressions',
        body: html`<h1>Suppressions</h1>
${tabs('removals')}
<p>Every un-suppression, newest first: who removed what, when and why (from this page, a ticket or the API).</p>
<form class="filters" method="get" action="/ui/suppressions/removals" role="search">
<label>Address contains <input type="search" name="address" value="${address ?? ''}"></label>
<button type="submit">Search</button></form>
<div class="table-scroll"><table class="removals">
<caption class="sr-only">Removed suppressions</caption>
<thead><tr><th scope="col">When</th><th scope="col">Address</th><th scope="col">Scope</th><th scope="col">Reason it had</th><th scope="col">Removed by</th><th scope="col">Why</th></tr></thead>
<tbody>${shown.length === 0 ? html`<tr><td colspan="6">No removals${address ? ' match' : ' yet'}.</td></tr>` : ''}
${shown.map(
  (
    r,
  ) => html`<tr id="removal-${r.id}"><td>${timeAt(r.at)}</td><td class="wrap">${r.address}</td><td>${r.detail?.client === 'all' ? 'every scope' : !r.detail?.client || r.detail.client === '*' ? 'global' : `client ${r.detail.client}`}</td>
<td>${r.detail?.reason ?? 'any'}</td><td>${r.actor}</td>
<td class="wrap">${r.detail?.why ?? ''}${r.detail?.ticket ? html` <a href="/ui/tickets/${encodeURIComponent(r.detail.ticket)}">on ticket ${r.detail.ticket}</a>` : ''}${!r.detail?.why && !r.detail?.ticket ? html`<span class="muted">not recorded</span>` : ''}</td></tr>`,
)}</tbody></table></div>
<nav class="pager" aria-label="Pages">${before ? html`<a href="/ui/suppressions/removals?${queryOf({ address })}">Newest</a>` : ''}
${rows.length > HISTORY_PAGE ? html`<a href="/ui/suppressions/removals?${queryOf({ address, before: String(shown.at(-1)!.id) })}">Older removals</a>` : ''}</nav>`,
      });
    },
  );

  app.get<{ Querystring: Query }>('/ui/suppressions.csv', (req, reply) => {
    const { search, range } = filtersOf(req.query);
    if (range.error) throw new UiError(400, range.error);
    // The list store's rows carry every exported column; the date range is applied here.
    const rows = listSuppressions(ctx.db, {
      address: search.address
        ? search.address.includes('*')
          ? search.address
          : `*${search.address}*`
        : undefined,
      client: search.client,
      reason: search.reason,
      limit: 1_000_000,
    }).filter(
      (r) => (!range.since || r.firstSeen >= range.since) && (!range.until || r.firstSeen < range.until),
    );
    const body =
      [SUPPRESSION_CSV_COLUMNS.join(','), ...rows.map((r) => suppressionCsvLine(r, true))].join('\r\n') +
      '\r\n';
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="suppressions.csv"')
      .send(body);
  });
}
