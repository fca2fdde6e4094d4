import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  clientProfile,
  domainsClaimedByOthers,
  insertClientProfile,
  listClientProfiles,
  updateClientProfile,
  type ClientProfile,
  type ClientProfileInput,
} from '../../store/client-admin-store.ts';
import { writeAudit } from '../../store/audit-store.ts';
import { adminLayout } from './admin-layout.ts';
import { flashNotice, flashUrl, registerFlash } from './flash.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField } from './layout.ts';
import { formValue, type FormBody } from './parse-form.ts';
import { requireRole } from './require-role.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

registerFlash({
  'client.created': (p) => `Client ${p.ref ?? ''} created.`,
  'client.updated': (p) => `Client ${p.ref ?? ''} saved.`,
});

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** A domain name: dot-separated LDH labels (RFC 5321 §4.1.2 `Domain`), at least two. */
const DOMAIN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The form as typed (kept on a refused save). */
interface ClientForm {
  slug: string;
  name: string;
  contactEmail: string;
  language: string;
  domains: string;
}

type FieldErrors = Partial<Record<keyof ClientForm, string>>;

const formOf = (body: FormBody): ClientForm => ({
  slug: formValue(body, 'slug').trim().toLowerCase().slice(0, 100),
  name: formValue(body, 'name').trim().slice(0, 200),
  contactEmail: formValue(body, 'contactEmail').trim().slice(0, 254),
  language: formValue(body, 'language').trim().toLowerCase().slice(0, 10),
  domains: formValue(body, 'domains').slice(0, 10_000),
});

const formFrom = (c: ClientProfile): ClientForm => ({
  slug: c.slug,
  name: c.name,
  contactEmail: c.contactEmail ?? '',
  language: c.language,
  domains: c.domains.join('\n'),
});

/** Checks a typed form; the clean input, or what is wrong with each field (status 409 for a conflict). */
function validate(
  ctx: UiContext,
  f: ClientForm,
  existing: ClientProfile | null,
): { input: ClientProfileInput } | { errors: FieldErrors; status: number } {
  const errors: FieldErrors = {};
  let status = 422;
  if (!existing) {
    if (!SLUG.test(f.slug))
      errors.slug = 'Lower-case letters, digits and dashes, starting with a letter or digit.';
    else if (clientProfile(ctx.db, f.slug)) {
      errors.slug = `A client ${f.slug} already exists.`;
      status = 409;
    }
  }
  if (!f.name) errors.name = 'Give the client a name.';
  if (f.contactEmail && !EMAIL.test(f.contactEmail)) errors.contactEmail = 'Not an email address.';
  if (!/^[a-z]{2}$/.test(f.language)) errors.language = 'A two-letter language code, such as en or fr.';
  const domains = [
    ...new Set(f.domains.split(/[\r\n,]+/).map((d) => d.trim().toLowerCase().replace(/\.$/, ''))),
  ].filter((d) => d !== '');
  const bad = domains.filter((d) => !DOMAIN.test(d));
  if (bad.length) errors.domains = `Not a domain name: ${bad.join(', ')}.`;
  else {
    const claimed = domainsClaimedByOthers(ctx.db, domains, existing?.id ?? null);
    if (claimed.length) {
      errors.domains = `Already a sending domain of another client: ${claimed.map((c) => `${c.domain} (${c.slug})`).join(', ')}.`;
      status = 409;
    }
  }
  if (Object.keys(errors).length) return { errors, status };
  return {
    input: {
      slug: existing?.slug ?? f.slug,
      name: f.name,
      contactEmail: f.contactEmail || null,
      language: f.language,
      domains,
    },
  };
}

function fieldError(errors: FieldErrors, name: keyof ClientForm): SafeHtml | string {
  const e = errors[name];
  return e ? html`<span class="field-error" id="${name}-error">${e}</span>` : '';
}

const invalid = (errors: FieldErrors, name: keyof ClientForm): SafeHtml | string =>
  errors[name] ? html` aria-invalid="true" aria-describedby="${name}-error"` : '';

function clientForm(
  req: FastifyRequest,
  reply: FastifyReply,
  o: { form: ClientForm; errors: FieldErrors; existing: ClientProfile | null },
): string {
  const { form: f, errors: e, existing } = o;
  const action = existing
    ? `/ui/admin/clients/${encodeURIComponent(existing.slug)}/edit`
    : '/ui/admin/clients';
  return adminLayout(req, reply, {
    title: existing ? `Edit ${existing.slug}` : 'New client',
    page: '/ui/admin/clients',
    body: html`<p><a href="/ui/admin/clients">← Clients</a></p>
<h1>${existing ? html`Edit client ${existing.slug}` : 'New client'}</h1>
${Object.keys(e).length ? html`<p class="error" role="alert">Not saved: correct the fields marked below.</p>` : ''}
<form class="stack admin-form" method="post" action="${action}" novalidate>${csrfField(req.staff)}
${
  existing
    ? html`<p>Slug <code>${existing.slug}</code> <span class="muted">(used in tokens, the CLI and the API: it never changes)</span></p>`
    : html`<label>Slug <input name="slug" required maxlength="63" value="${f.slug}" placeholder="acme"${invalid(e, 'slug')}>${fieldError(e, 'slug')}</label>`
}
<label>Name <input name="name" required maxlength="200" value="${f.name}"${invalid(e, 'name')}>${fieldError(e, 'name')}</label>
<label>Abuse contact <input type="email" name="contactEmail" maxlength="254" value="${f.contactEmail}" placeholder="abuse@client.example"${invalid(e, 'contactEmail')}>${fieldError(e, 'contactEmail')}</label>
<label>Language <input name="language" required maxlength="2" size="3" value="${f.language}"${invalid(e, 'language')}>${fieldError(e, 'language')}</label>
<label>Sending domains <span class="muted">(one per line; reports about mail from these are charged to this client)</span>
<textarea name="domains" rows="4"${invalid(e, 'domains')}>${f.domains}</textarea>${fieldError(e, 'domains')}</label>
<button type="submit">${existing ? 'Save' : 'Create client'}</button>
</form>`,
  });
}

const changesOf = (before: ClientProfile, after: ClientProfileInput): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  if (before.name !== after.name) out.name = after.name;
  if (before.contactEmail !== after.contactEmail) out.contactEmail = after.contactEmail;
  if (before.language !== after.language) out.language = after.language;
  if (before.domains.join() !== [...after.domains].sort().join()) out.domains = after.domains;
  return out;
};

export function adminClientRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get('/ui/admin/clients', (req, reply) => {
    requireRole(req, 'admin');
    return adminLayout(req, reply, {
      title: 'Clients (admin)',
      page: '/ui/admin/clients',
      body: html`<h1>Clients</h1>
${flashNotice(req.query as Record<string, unknown>)}
<p><a class="button" href="/ui/admin/clients/new">New client</a></p>
<div class="table-scroll"><table class="clients-admin">
<caption class="sr-only">Clients</caption>
<thead><tr><th scope="col">Slug</th><th scope="col">Name</th><th scope="col">Sending domains</th><th scope="col">Abuse contact</th><th scope="col">Language</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead>
<tbody>${listClientProfiles(ctx.db).map(
        (
          c,
        ) => html`<tr><td><a href="/ui/clients/${encodeURIComponent(c.slug)}">${c.slug}</a></td><td>${c.name}</td><td class="wrap">${c.domains.join(', ') || '—'}</td>
<td>${c.contactEmail ?? '—'}</td><td>${c.language}</td><td class="status-${c.status}">${c.status}</td><td><a href="/ui/admin/clients/${encodeURIComponent(c.slug)}/edit">Edit<span class="sr-only"> ${c.slug}</span></a></td></tr>`,
      )}</tbody></table></div>`,
    });
  });

  app.get('/ui/admin/clients/new', (req, reply) => {
    requireRole(req, 'admin');
    return clientForm(req, reply, {
      form: { slug: '', name: '', contactEmail: '', language: 'en', domains: '' },
      errors: {},
      existing: null,
    });
  });

  app.post<{ Body: FormBody }>('/ui/admin/clients', (req, reply) => {
    requireRole(req, 'admin');
    const form = formOf(req.body);
    const v = validate(ctx, form, null);
    if ('errors' in v) {
      reply.code(v.status);
      return clientForm(req, reply, { form, errors: v.errors, existing: null });
    }
    const now = ctx.now();
    ctx.db.transaction(() => {
      insertClientProfile(ctx.db, v.input, now);
      writeAudit(ctx.db, {
        actor: `user:${req.staff!.user.email}`,
        action: 'client.create',
        target: v.input.slug,
        detail: {
          name: v.input.name,
          contactEmail: v.input.contactEmail,
          language: v.input.language,
          domains: v.input.domains,
        },
        now,
      });
    })();
    return reply.redirect(flashUrl('/ui/admin/clients', 'client.created', { ref: v.input.slug }), 303);
  });

  app.get<{ Params: { slug: string } }>('/ui/admin/clients/:slug/edit', (req, reply) => {
    requireRole(req, 'admin');
    const existing = clientProfile(ctx.db, req.params.slug);
    if (!existing) throw new UiError(404, `No client ${req.params.slug}.`);
    return clientForm(req, reply, { form: formFrom(existing), errors: {}, existing });
  });

  app.post<{ Params: { slug: string }; Body: FormBody }>('/ui/admin/clients/:slug/edit', (req, reply) => {
    requireRole(req, 'admin');
    const existing = clientProfile(ctx.db, req.params.slug);
    if (!existing) throw new UiError(404, `No client ${req.params.slug}.`);
    const form = { ...formOf(req.body), slug: existing.slug };
    const v = validate(ctx, form, existing);
    if ('errors' in v) {
      reply.code(v.status);
      return clientForm(req, reply, { form, errors: v.errors, existing });
    }
    const now = ctx.now();
    ctx.db.transaction(() => {
      updateClientProfile(ctx.db, existing.id, v.input, now);
      writeAudit(ctx.db, {
        actor: `user:${req.staff!.user.email}`,
        action: 'client.update',
        target: existing.slug,
        detail: changesOf(existing, v.input),
        now,
      });
    })();
    return reply.redirect(flashUrl('/ui/admin/clients', 'client.updated', { ref: existing.slug }), 303);
  });
}
