import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientWebhookSecret } from '../../store/clients-store.ts';
import {
  clientProfile,
  listClientProfiles,
  setClientWebhookEndpoint,
  type ClientProfile,
} from '../../store/client-admin-store.ts';
import { writeAudit } from '../../store/audit-store.ts';
import {
  endpointDeliveries,
  endpointStateCounts,
  globalEndpointUrls,
} from '../../store/webhook-endpoint-store.ts';
import { outboxStates } from '../../store/vocabulary.ts';
import { splitSecrets } from '../../webhooks/sign-webhook.ts';
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
import { displayUrl } from './webhook-routes.ts';
import { endpointKey } from './endpoint-key.ts';

registerFlash({
  'endpoint.set': (p) => `Webhook endpoint of ${p.ref ?? 'the client'} saved.`,
  'endpoint.cleared': (p) => `Webhook endpoint of ${p.ref ?? 'the client'} removed.`,
  'endpoint.rotated': (p) => `Rotation of ${p.ref ?? 'the client'} finished: only the new secret signs now.`,
});

const RECENT = 5;

/** A new Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

interface PageState {
  error?: { slug: string; message: string } | undefined;
  /** The URL typed into a refused form, to keep it. */
  typedUrl?: string | undefined;
  reason?: string | undefined;
  /** A secret to show once (after it was created or rotated). */
  secret?: { slug: string; secret: string; rotating: boolean } | undefined;
}

const deliveryLink = (url: string): string => `/ui/webhooks?endpoint=${endpointKey(url)}`;

function recentLog(ctx: UiContext, url: string, now: Date): SafeHtml {
  const counts = endpointStateCounts(ctx.db, url);
  const rows = endpointDeliveries(ctx.db, url, RECENT);
  return html`<p class="muted">${outboxStates.map((s) => html`<span class="status-${s}">${counts[s] ?? 0} ${s}</span> · `)}<a href="${deliveryLink(url)}">every delivery to this endpoint</a></p>
${
  rows.length === 0
    ? html`<p class="muted">No deliveries yet.</p>`
    : html`<ul class="deliveries">${rows.map((d) => html`<li><a href="${deliveryLink(url)}#delivery-${d.id}">#${d.id}</a> ${d.type} <span class="status-${d.state}">${d.state}</span> ${timeAgo(d.createdAt, now)}${d.attempts > 1 ? ` · ${d.attempts} attempts` : ''}${d.lastError ? html` · <span class="muted">${d.lastError.slice(0, 120)}</span>` : ''}</li>`)}</ul>`
}`;
}

function clientSection(
  req: FastifyRequest,
  ctx: UiContext,
  c: ClientProfile,
  s: PageState,
  now: Date,
): SafeHtml {
  const secrets = splitSecrets(clientWebhookSecret(ctx.db, c.id) ?? '');
  const mine = s.error?.slug === c.slug;
  const base = `/ui/admin/webhooks/${encodeURIComponent(c.slug)}`;
  return html`<section class="endpoint" id="endpoint-${c.slug}" aria-labelledby="endpoint-${c.slug}-title">
<h2 id="endpoint-${c.slug}-title">${c.slug} <span class="muted">${c.name}</span></h2>
${mine ? html`<p class="error" role="alert">${s.error!.message}</p>` : ''}
${
  s.secret?.slug === c.slug
    ? html`<div class="one-time" role="status"><p>${s.secret.rotating ? 'New signing secret (the previous one keeps signing too until you finish the rotation)' : 'Signing secret'} — shown <strong>this once</strong>; give it to the client:</p><p><code class="secret">${s.secret.secret}</code></p></div>`
    : ''
}
<dl class="facts"><dt>URL</dt><dd class="wrap">${c.webhookUrl ? displayUrl(c.webhookUrl) : html`<span class="muted">none: this client's events go to the global endpoints only</span>`}</dd>
<dt>Signing secret</dt><dd>${secrets.length === 0 ? 'none' : secrets.length === 1 ? 'set' : `rotating: ${secrets.length} secrets sign each delivery`}</dd></dl>
${c.webhookUrl ? recentLog(ctx, c.webhookUrl, now) : ''}
<div class="actions">
<form class="stack" method="post" action="${base}">${csrfField(req.staff)}
<label>${c.webhookUrl ? 'New URL' : 'Endpoint URL'} <input type="url" name="url" required maxlength="2000" value="${mine ? (s.typedUrl ?? '') : ''}" placeholder="https://hooks.${c.slug}.example/abusedesk"></label>
<button type="submit">${c.webhookUrl ? 'Change URL' : 'Set endpoint'}</button></form>
${
  c.webhookUrl
    ? html`<form method="post" action="${base}/rotate">${csrfField(req.staff)}<button type="submit">Rotate secret</button></form>
${secrets.length > 1 ? html`<form method="post" action="${base}/finish-rotation">${csrfField(req.staff)}<button type="submit">Finish rotation</button></form>` : ''}
<details${mine && s.reason !== undefined ? html` open` : ''}><summary>Remove endpoint</summary><form class="stack" method="post" action="${base}/clear">${csrfField(req.staff)}${confirmFields(`Remove ${c.slug}'s endpoint and its secret`, mine ? (s.reason ?? '') : '')}<button type="submit">Remove</button></form></details>`
    : ''
}
</div></section>`;
}

function endpointsPage(req: FastifyRequest, reply: FastifyReply, ctx: UiContext, s: PageState): string {
  const now = ctx.now();
  const globals = globalEndpointUrls(ctx.db);
  return adminLayout(req, reply, {
    title: 'Webhook endpoints',
    page: '/ui/admin/webhooks',
    noStore: s.secret !== undefined,
    body: html`<h1>Webhook endpoints</h1>
<p>Each client may have its own endpoint, signed with its own secret (Standard Webhooks). Events also go to the global endpoints of the <code>webhooks.endpoints</code> configuration. Rotating a secret signs with the new and the old one until the rotation is finished, so the client can switch without losing deliveries.</p>
${flashNotice(req.query as Record<string, unknown>)}
${listClientProfiles(ctx.db).map((c) => clientSection(req, ctx, c, s, now))}
<section class="endpoint" aria-labelledby="global-title"><h2 id="global-title">Global endpoints</h2>
${
  globals.length === 0
    ? html`<p class="muted">No delivery to a global endpoint yet. They are set in the configuration (<code>webhooks.endpoints</code>).</p>`
    : html`<p class="muted">Set in the configuration (<code>webhooks.endpoints</code>); those that received deliveries:</p>${globals.map((url) => html`<h3 class="wrap">${displayUrl(url)}</h3>${recentLog(ctx, url, now)}`)}`
}</section>`,
  });
}

const clientOf = (ctx: UiContext, slug: string): ClientProfile => {
  const c = clientProfile(ctx.db, slug);
  if (!c) throw new UiError(404, `No client ${slug}.`);
  return c;
};

const actorOf = (req: FastifyRequest): string => `user:${req.staff!.user.email}`;

/** An endpoint URL staff may set: absolute http(s), no fragment. */
function checkUrl(typed: string): string | null {
  let u: URL;
  try {
    u = new URL(typed);
  } catch {
    return null;
  }
  return (u.protocol === 'https:' || u.protocol === 'http:') && !u.hash && u.hostname ? u.toString() : null;
}

export function adminWebhookRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get('/ui/admin/webhooks', (req, reply) => {
    requireRole(req, 'admin');
    return endpointsPage(req, reply, ctx, {});
  });

  app.post<{ Params: { slug: string }; Body: FormBody }>('/ui/admin/webhooks/:slug', (req, reply) => {
    requireRole(req, 'admin');
    const c = clientOf(ctx, req.params.slug);
    const typed = formValue(req.body, 'url').trim().slice(0, 2000);
    const url = checkUrl(typed);
    if (!url) {
      reply.code(422);
      return endpointsPage(req, reply, ctx, {
        typedUrl: typed,
        error: {
          slug: c.slug,
          message: 'Not saved: the endpoint must be an absolute http:// or https:// URL.',
        },
      });
    }
    const now = ctx.now();
    const secret = clientWebhookSecret(ctx.db, c.id) ? undefined : newSecret();
    ctx.db.transaction(() => {
      setClientWebhookEndpoint(ctx.db, c.id, { url, secret }, now);
      writeAudit(ctx.db, {
        actor: actorOf(req),
        action: 'client.webhook_set',
        target: c.slug,
        detail: {
          url: displayUrl(url),
          previous: c.webhookUrl ? displayUrl(c.webhookUrl) : null,
          newSecret: !!secret,
        },
        now,
      });
    })();
    if (secret) return endpointsPage(req, reply, ctx, { secret: { slug: c.slug, secret, rotating: false } });
    return reply.redirect(flashUrl('/ui/admin/webhooks', 'endpoint.set', { ref: c.slug }), 303);
  });

  app.post<{ Params: { slug: string }; Body: FormBody }>('/ui/admin/webhooks/:slug/clear', (req, reply) => {
    requireRole(req, 'admin');
    const c = clientOf(ctx, req.params.slug);
    const { reason, refused } = confirmation(req.body);
    if (refused) {
      reply.code(refused.status);
      return endpointsPage(req, reply, ctx, {
        error: { slug: c.slug, message: refused.message },
        reason: formValue(req.body, 'reason'),
      });
    }
    const now = ctx.now();
    ctx.db.transaction(() => {
      setClientWebhookEndpoint(ctx.db, c.id, { url: null, secret: null }, now);
      writeAudit(ctx.db, {
        actor: actorOf(req),
        action: 'client.webhook_clear',
        target: c.slug,
        detail: { url: c.webhookUrl ? displayUrl(c.webhookUrl) : null, reason },
        now,
      });
    })();
    return reply.redirect(flashUrl('/ui/admin/webhooks', 'endpoint.cleared', { ref: c.slug }), 303);
  });

  app.post<{ Params: { slug: string } }>('/ui/admin/webhooks/:slug/rotate', (req, reply) => {
    requireRole(req, 'admin');
    const c = clientOf(ctx, req.params.slug);
    if (!c.webhookUrl) throw new UiError(409, `${c.slug} has no webhook endpoint to rotate the secret of.`);
    const previous = splitSecrets(clientWebhookSecret(ctx.db, c.id) ?? '');
    const secret = newSecret();
    const now = ctx.now();
    ctx.db.transaction(() => {
      // The newest first, then the one in use before: both sign until the rotation is finished.
      setClientWebhookEndpoint(
        ctx.db,
        c.id,
        { url: c.webhookUrl, secret: [secret, ...previous.slice(0, 1)].join(' ') },
        now,
      );
      writeAudit(ctx.db, { actor: actorOf(req), action: 'client.webhook_rotate', target: c.slug, now });
    })();
    return endpointsPage(req, reply, ctx, {
      secret: { slug: c.slug, secret, rotating: previous.length > 0 },
    });
  });

  app.post<{ Params: { slug: string } }>('/ui/admin/webhooks/:slug/finish-rotation', (req, reply) => {
    requireRole(req, 'admin');
    const c = clientOf(ctx, req.params.slug);
    const secrets = splitSecrets(clientWebhookSecret(ctx.db, c.id) ?? '');
    if (secrets.length < 2) throw new UiError(409, `${c.slug} has no rotation in progress.`);
    const now = ctx.now();
    ctx.db.transaction(() => {
      setClientWebhookEndpoint(ctx.db, c.id, { url: c.webhookUrl, secret: secrets[0]! }, now);
      writeAudit(ctx.db, {
        actor: actorOf(req),
        action: 'client.webhook_rotate_finish',
        target: c.slug,
        now,
      });
    })();
    return reply.redirect(flashUrl('/ui/admin/webhooks', 'endpoint.rotated', { ref: c.slug }), 303);
  });
}
