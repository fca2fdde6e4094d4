import type { FastifyInstance } from 'fastify';
import { clusterOverview, type JobOverview, type NodeOverview } from '../../cluster/cluster-overview.ts';
import { forgetNodeByStaff } from '../../cluster/forget-node.ts';
import { NODE_ID } from '../../config/config-schema.ts';
import { readClusterFacts } from '../../store/cluster-nodes-store.ts';
import { adminLayout } from './admin-layout.ts';
import { flashNotice, flashUrl, registerFlash } from './flash.ts';
import { formatCount, timeAgo, timeAt } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField } from './layout.ts';
import type { FormBody } from './parse-form.ts';
import { requireRole } from './require-role.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

registerFlash({
  'node.forgotten': (p) =>
    `Node ${p.ref ?? ''} taken out of the list; ${p.n ?? 0} message(s) it had claimed are free for the other nodes.`,
});

/** Up is well, down (a crash or a lost network) wants a look, stopped was planned. */
const STATUS_STYLE: Record<NodeOverview['status'], string> = {
  up: 'active',
  down: 'suspended',
  stopped: 'pending',
};

const seconds = (ms: number): string => `${formatCount(Math.round(ms / 100) / 10)} s`;

const nodeRow = (n: NodeOverview, now: Date, csrf: SafeHtml): SafeHtml =>
  html`<tr id="node-${n.id}"><th scope="row">${n.id}</th>
<td><span class="status-${STATUS_STYLE[n.status]}">${n.status}</span>${n.stoppedAt ? html` <span class="muted">${timeAgo(n.stoppedAt, now)}</span>` : ''}</td>
<td>${n.seenAt ? timeAgo(n.seenAt, now) : 'never reported itself'}</td><td>${n.startedAt ? timeAt(n.startedAt) : '—'}</td>
<td>${n.smtp ?? '—'}</td><td>${n.http ?? '—'}</td><td class="num">${formatCount(n.claims)}</td>
<td>${n.jobs.length ? n.jobs.join(', ') : '—'}</td>
<td>${n.status !== 'up' && n.seenAt ? html`<form method="post" action="/ui/admin/nodes/${encodeURIComponent(n.id)}/forget">${csrf}<button type="submit">Forget<span class="sr-only"> node ${n.id}</span></button></form>` : ''}</td></tr>`;

const jobRow = (j: JobOverview, now: Date): SafeHtml =>
  html`<tr><th scope="row">${j.name}</th><td>${j.holder}</td>
<td><span class="status-${j.status === 'running' ? 'active' : 'pending'}">${j.status}</span></td>
<td>${timeAgo(j.since, now)}</td><td>${timeAt(j.expiresAt)}</td></tr>`;

/** Admin: the nodes sharing the database and where each singleton job runs (a single node on SQLite). */
export function adminNodesRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get('/ui/admin/nodes', (req, reply) => {
    requireRole(req, 'admin');
    const now = ctx.now();
    const view = clusterOverview(readClusterFacts(ctx.db), now, ctx.clusterLeaseMs);
    const csrf = csrfField(req.staff);
    return adminLayout(req, reply, {
      title: 'Nodes',
      page: '/ui/admin/nodes',
      body: html`<h1>Nodes</h1>
<p>The abusedesk processes sharing this database. Each reports itself every ${seconds(view.leaseMs / 3)}; one not
heard from for ${seconds(view.leaseMs)} (<code>cluster.leaseMs</code>) without having stopped cleanly is down: its
singleton jobs move to a node that is up, and the messages it had claimed are taken over once their claim times
out. A node stopped cleanly handed both over as it stopped. Forgetting a node that is
down or stopped takes it out of the list and frees its claimed messages at once (a batch commits only what its node still
holds, so nothing is acted on twice even if it was only cut off); a node that comes back lists itself again.
${
  ctx.goneNodesDays === null
    ? html`A node that no longer reports itself stays listed until it is forgotten (<code>retention.goneNodesDays</code> is off).`
    : html`A node not heard from for ${formatCount(ctx.goneNodesDays)} day${ctx.goneNodesDays === 1 ? '' : 's'} leaves the list at the next retention purge (<code>retention.goneNodesDays</code>).`
}</p>
${flashNotice(req.query as Record<string, unknown>)}
${
  view.nodes.length
    ? html`<div class="table-scroll"><table class="nodes">
<caption class="sr-only">Nodes</caption>
<thead><tr><th scope="col">Node</th><th scope="col">Status</th><th scope="col">Last report</th><th scope="col">Started</th><th scope="col">SMTP</th><th scope="col">HTTP</th><th scope="col" class="num">Claimed messages</th><th scope="col">Singleton jobs</th><th scope="col">Action</th></tr></thead>
<tbody>${view.nodes.map((n) => nodeRow(n, now, csrf))}</tbody></table></div>`
    : html`<p class="muted">No node has reported itself yet.</p>`
}
<h2>Singleton jobs</h2>
${
  view.jobs.length
    ? html`<div class="table-scroll"><table class="jobs">
<caption class="sr-only">Singleton jobs</caption>
<thead><tr><th scope="col">Job</th><th scope="col">Node</th><th scope="col">Status</th><th scope="col">Held since</th><th scope="col">Lease until</th></tr></thead>
<tbody>${view.jobs.map((j) => jobRow(j, now))}</tbody></table></div>`
    : html`<p class="muted">No job runs: no node holds a lease (every node stopped cleanly, or none started).</p>`
}`,
    });
  });

  app.post<{ Params: { id: string }; Body: FormBody }>('/ui/admin/nodes/:id/forget', (req, reply) => {
    requireRole(req, 'admin');
    const id = req.params.id;
    if (!NODE_ID.test(id)) throw new UiError(404, `No node ${id}.`);
    const r = forgetNodeByStaff(ctx.db, {
      id,
      actor: `user:${req.staff!.user.email}`,
      now: ctx.now(),
      leaseMs: ctx.clusterLeaseMs,
    });
    if (r.outcome === 'unknown') throw new UiError(404, `No node ${id}.`);
    if (r.outcome === 'up')
      throw new UiError(409, `Node ${id} is up (it reported itself just now): stop it before forgetting it.`);
    return reply.redirect(flashUrl('/ui/admin/nodes', 'node.forgotten', { ref: id, n: r.released }), 303);
  });
}
