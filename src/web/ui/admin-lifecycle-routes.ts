import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ClientDeletionError, deleteClient, exportClientArchive } from '../../lifecycle/delete-client.ts';
import { eraseAddress, ErasureError } from '../../lifecycle/erase-address.ts';
import { listClients } from '../../store/clients-store.ts';
import { listErasures } from '../../store/erasure-store.ts';
import { confirmation, confirmFields } from './confirm-fields.ts';
import { flashNotice, flashUrl, registerFlash, type FlashQuery } from './flash.ts';
import { formatCount, timeAgo } from './format.ts';
import { adminLayout } from './admin-layout.ts';
import { html } from './html.ts';
import { csrfField } from './layout.ts';
import { formValue, type FormBody } from './parse-form.ts';
import { requireRole } from './require-role.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

registerFlash({
  'lifecycle.erased': (p) =>
    `The address was erased (erasure ${p.ref ?? ''}); suppressions keep only its keyed hash.`,
  'lifecycle.client_deleted': (p) => `Client ${p.ref ?? ''} and its data were deleted.`,
});

const PAGE = '/ui/admin/lifecycle';

interface PageState {
  form?: 'erase' | 'delete';
  error?: string;
  address?: string;
  client?: string;
  reason?: string;
}

function page(req: FastifyRequest, reply: FastifyReply, ctx: UiContext, s: PageState): string {
  const now = ctx.now();
  const erasures = listErasures(ctx.db, 20);
  const clients = listClients(ctx.db);
  const errorFor = (form: PageState['form']) =>
    s.form === form && s.error ? html`<p class="error" role="alert">${s.error}</p>` : '';
  const countsText = (c: Record<string, number>): string =>
    Object.entries(c)
      .map(([k, n]) => `${k} ${formatCount(n)}`)
      .join(', ') || 'nothing stored';
  return adminLayout(req, reply, {
    title: 'Erasure and deletion',
    page: PAGE,
    body: html`<h1>Erasure and deletion</h1>
${flashNotice(req.query as FlashQuery)}
<p>Retention removes old data on a schedule (<code>retention.*</code> in the config; <code>abusedesk db purge --dry-run</code> shows what would go). Here an admin erases a person or deletes a client.</p>
<h2 id="erase">Erase a person's address</h2>
<p>Deletes or redacts every stored trace of the address: raw messages that name it, reports, tickets and timelines, sends, acknowledgements to it (queued and written), unsubscribe requests, audit texts. Its suppressions keep only a keyed hash, so it stays suppressed. This cannot be undone.</p>
${errorFor('erase')}
<form class="stack admin-form" method="post" action="${PAGE}/erase">${csrfField(req.staff)}
<label>Address <input name="address" type="email" required maxlength="254" autocomplete="off" value="${s.form === 'erase' ? (s.address ?? '') : ''}"></label>
${confirmFields('Erase every stored trace of this address (cannot be undone)', s.form === 'erase' ? (s.reason ?? '') : '')}
<button type="submit">Erase</button>
</form>
<h3>Recent erasures</h3>
<div class="table-scroll"><table>
<caption class="sr-only">Recent erasures (by keyed hash, never the address)</caption>
<thead><tr><th scope="col" class="num">Id</th><th scope="col">When</th><th scope="col">By</th><th scope="col">Hash</th><th scope="col">Removed or redacted</th></tr></thead>
<tbody>${erasures.length === 0 ? html`<tr><td colspan="5">No erasures yet.</td></tr>` : ''}${erasures.map(
      (e) =>
        html`<tr><td class="num">${e.id}</td><td>${timeAgo(e.at, now)}</td><td>${e.actor}</td><td><code title="${e.hash}">${e.hash.slice(0, 16)}…</code></td><td>${countsText(e.counts)}</td></tr>`,
    )}</tbody></table></div>
<h2 id="delete-client">Delete a client</h2>
<p>Removes the client, its domains, campaigns, sends, tickets with their timelines, reports and the messages they came from, per-client suppressions, signals and history. Global suppressions, erasures and the audit log stay. Download its archive first: the deletion cannot be undone.</p>
${errorFor('delete')}
<form class="stack admin-form" method="post" action="${PAGE}/delete-client">${csrfField(req.staff)}
<label>Client <select name="client" required><option value="">choose…</option>${clients.map((c) => html`<option value="${c.slug}"${s.form === 'delete' && s.client === c.slug ? html` selected` : ''}>${c.slug} — ${c.name}</option>`)}</select></label>
${confirmFields('I downloaded the archive (or need none): delete this client and all its data', s.form === 'delete' ? (s.reason ?? '') : '')}
<button type="submit">Delete client</button>
</form>
<h3>Archives</h3>
<ul>${clients.map((c) => html`<li><a href="${PAGE}/clients/${encodeURIComponent(c.slug)}/archive" download>Archive of ${c.slug}</a> (JSON)</li>`)}</ul>`,
  });
}

export function adminLifecycleRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get(PAGE, (req, reply) => {
    requireRole(req, 'admin');
    return page(req, reply, ctx, {});
  });

  app.post<{ Body: FormBody }>(`${PAGE}/erase`, async (req, reply) => {
    requireRole(req, 'admin');
    const address = formValue(req.body, 'address').trim().slice(0, 254);
    const refuse = (status: number, error: string): string => {
      reply.code(status);
      return page(req, reply, ctx, {
        form: 'erase',
        error,
        address,
        reason: formValue(req.body, 'reason'),
      });
    };
    const { reason, refused } = confirmation(req.body);
    if (refused) return refuse(refused.status, refused.message);
    const settings = ctx.lifecycle;
    if (!settings) throw new UiError(503, 'Erasure needs the running service and its config.');
    try {
      const r = await eraseAddress(ctx.db, {
        address,
        hashKey: settings.hashKey,
        dataDir: settings.dataDir,
        actor: `user:${req.staff!.user.email}`,
        now: ctx.now(),
        reason,
      });
      return reply.redirect(flashUrl(PAGE, 'lifecycle.erased', { ref: String(r.id) }), 303);
    } catch (e) {
      if (e instanceof ErasureError) return refuse(422, 'Give one valid mail address.');
      throw e;
    }
  });

  app.post<{ Body: FormBody }>(`${PAGE}/delete-client`, (req, reply) => {
    requireRole(req, 'admin');
    const client = formValue(req.body, 'client');
    const refuse = (status: number, error: string): string => {
      reply.code(status);
      return page(req, reply, ctx, { form: 'delete', error, client, reason: formValue(req.body, 'reason') });
    };
    if (!client) return refuse(400, 'Choose the client to delete.');
    const { reason, refused } = confirmation(req.body);
    if (refused) return refuse(refused.status, refused.message);
    // The API's suppression check must not answer for the deleted client from a remembered id.
    ctx.lookups?.clientIds.clear();
    try {
      deleteClient(ctx.db, {
        slug: client,
        actor: `user:${req.staff!.user.email}`,
        now: ctx.now(),
        exportFile: null,
        reason,
      });
    } catch (e) {
      if (e instanceof ClientDeletionError) return refuse(404, `There is no client ${client}.`);
      throw e;
    }
    return reply.redirect(flashUrl(PAGE, 'lifecycle.client_deleted', { ref: client }), 303);
  });

  app.get<{ Params: { slug: string } }>(`${PAGE}/clients/:slug/archive`, (req, reply) => {
    requireRole(req, 'admin');
    let archive: string;
    try {
      archive = exportClientArchive(ctx.db, {
        slug: req.params.slug,
        actor: `user:${req.staff!.user.email}`,
        now: ctx.now(),
      });
    } catch (e) {
      if (e instanceof ClientDeletionError) throw new UiError(404, `There is no client ${req.params.slug}.`);
      throw e;
    }
    return reply
      .type('application/json; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="client-${req.params.slug.replace(/[^A-Za-z0-9._-]/g, '_')}.json"`,
      )
      .send(archive);
  });
}
