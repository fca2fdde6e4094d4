import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  apiRoles,
  createApiToken,
  listApiTokens,
  revokeApiToken,
  type ApiRole,
} from '../../auth/api-tokens.ts';
import { writeAudit } from '../../store/audit-store.ts';
import { adminLayout } from './admin-layout.ts';
import { confirmation, confirmFields } from './confirm-fields.ts';
import { flashNotice, flashUrl, registerFlash } from './flash.ts';
import { timeAgo } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField } from './layout.ts';
import { formValue, type FormBody } from './parse-form.ts';
import { requireRole } from './require-role.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

registerFlash({ 'token.revoked': (p) => `Token ${p.ref ?? ''} revoked; it stopped working at once.` });

interface PageState {
  error?: { form: string; message: string } | undefined;
  create?: { name: string; role: string } | undefined;
  reason?: string | undefined;
  created?: { id: number; name: string; role: string; secret: string } | undefined;
}

const errorFor = (s: PageState, form: string): SafeHtml | string =>
  s.error?.form === form ? html`<p class="error" role="alert">${s.error.message}</p>` : '';

function tokensPage(req: FastifyRequest, reply: FastifyReply, ctx: UiContext, s: PageState): string {
  const now = ctx.now();
  const create = s.create ?? { name: '', role: 'viewer' };
  return adminLayout(req, reply, {
    title: 'API tokens',
    page: '/ui/admin/tokens',
    noStore: s.created !== undefined,
    body: html`<h1>API tokens</h1>
<p>Bearer tokens for <code>/api/v1</code> (and <code>/metrics</code>). Only a hash is stored: a secret is shown once, when it is created.</p>
${flashNotice(req.query as Record<string, unknown>)}
${
  s.created
    ? html`<div class="one-time" role="status"><p>Token ${s.created.id} “${s.created.name}” (${s.created.role}) created. Copy its secret now; it is <strong>not shown again</strong>:</p>
<p><code class="secret">${s.created.secret}</code></p><p class="muted">Use it as <code>Authorization: Bearer …</code>.</p></div>`
    : ''
}
<div class="table-scroll"><table class="tokens">
<caption class="sr-only">API tokens</caption>
<thead><tr><th scope="col" class="num">Id</th><th scope="col">Label</th><th scope="col">Role</th><th scope="col">Prefix</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Action</th></tr></thead>
<tbody>${listApiTokens(ctx.db).map(
      (
        t,
      ) => html`<tr id="token-${t.id}"><td class="num">${t.id}</td><td>${t.name}</td><td>${t.role}</td><td><code>${t.prefix}…</code></td>
<td>${t.revokedAt ? html`<span class="status-suspended">revoked</span> ${timeAgo(t.revokedAt, now)}` : html`<span class="status-active">live</span>`}</td>
<td>${timeAgo(t.createdAt, now)}</td><td>${t.lastUsedAt ? timeAgo(t.lastUsedAt, now) : 'never'}</td>
<td>${errorFor(s, `token-${t.id}`)}${t.revokedAt ? '' : html`<details${s.error?.form === `token-${t.id}` ? html` open` : ''}><summary>Revoke<span class="sr-only"> token ${t.id}</span></summary><form class="stack" method="post" action="/ui/admin/tokens/${t.id}/revoke">${csrfField(req.staff)}${confirmFields(`Revoke token ${t.id} “${t.name}”: whatever uses it stops working`, s.error?.form === `token-${t.id}` ? (s.reason ?? '') : '')}<button type="submit">Revoke</button></form></details>`}</td></tr>`,
    )}</tbody></table></div>
<h2 id="create">Create a token</h2>
${errorFor(s, 'create')}
<form class="stack admin-form" method="post" action="/ui/admin/tokens">${csrfField(req.staff)}
<label>Label <input name="name" required maxlength="100" value="${create.name}" placeholder="who or what uses it, e.g. platform"></label>
<label>Role <select name="role">${apiRoles.map((r) => html`<option value="${r}"${create.role === r ? html` selected` : ''}>${r}</option>`)}</select></label>
<button type="submit">Create token</button>
</form>`,
  });
}

export function adminTokenRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get('/ui/admin/tokens', (req, reply) => {
    requireRole(req, 'admin');
    return tokensPage(req, reply, ctx, {});
  });

  app.post<{ Body: FormBody }>('/ui/admin/tokens', (req, reply) => {
    requireRole(req, 'admin');
    const create = {
      name: formValue(req.body, 'name').trim().slice(0, 100),
      role: formValue(req.body, 'role'),
    };
    const problem = !create.name
      ? 'Give the token a label: who or what will use it.'
      : !apiRoles.includes(create.role as ApiRole)
        ? `The role must be one of ${apiRoles.join(', ')}.`
        : null;
    if (problem) {
      reply.code(422);
      return tokensPage(req, reply, ctx, { create, error: { form: 'create', message: problem } });
    }
    const now = ctx.now();
    const { token, secret } = ctx.db.transaction(() => {
      const made = createApiToken(ctx.db, { name: create.name, role: create.role as ApiRole, now });
      writeAudit(ctx.db, {
        actor: `user:${req.staff!.user.email}`,
        action: 'token.create',
        target: `token:${made.token.id}`,
        detail: { name: made.token.name, role: made.token.role },
        now,
      });
      return made;
    })();
    return tokensPage(req, reply, ctx, {
      created: { id: token.id, name: token.name, role: token.role, secret },
    });
  });

  app.post<{ Params: { id: string }; Body: FormBody }>('/ui/admin/tokens/:id/revoke', (req, reply) => {
    requireRole(req, 'admin');
    const id = /^[1-9]\d{0,15}$/.test(req.params.id) ? Number(req.params.id) : null;
    if (id === null) throw new UiError(404, `No token ${req.params.id}.`);
    const { reason, refused } = confirmation(req.body);
    if (refused) {
      reply.code(refused.status);
      return tokensPage(req, reply, ctx, {
        error: { form: `token-${id}`, message: refused.message },
        reason: formValue(req.body, 'reason'),
      });
    }
    const now = ctx.now();
    ctx.db.transaction(() => {
      if (!revokeApiToken(ctx.db, id, now)) throw new UiError(404, `No live token ${id}.`);
      writeAudit(ctx.db, {
        actor: `user:${req.staff!.user.email}`,
        action: 'token.revoke',
        target: `token:${id}`,
        detail: { reason },
        now,
      });
    })();
    ctx.lookups?.tokens.clear();
    return reply.redirect(flashUrl('/ui/admin/tokens', 'token.revoked', { ref: String(id) }), 303);
  });
}
