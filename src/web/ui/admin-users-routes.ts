import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { generatePassword } from '../../auth/staff-password.ts';
import {
  createStaffUser,
  listStaffAccounts,
  MIN_PASSWORD_LENGTH,
  resetStaffPassword,
  setStaffEnabled,
  StaffAccountError,
  staffRoles,
  type StaffAccount,
  type StaffRole,
} from '../../auth/staff-users.ts';
import { writeAudit } from '../../store/audit-store.ts';
import { adminLayout } from './admin-layout.ts';
import { confirmedReason, confirmFields } from './confirm-fields.ts';
import { flashNotice, flashUrl, registerFlash } from './flash.ts';
import { timeAgo } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField } from './layout.ts';
import { formValue, type FormBody } from './parse-form.ts';
import { requireRole } from './require-role.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';

registerFlash({
  'staff.added': () => 'Account created.',
  'staff.disabled': (p) => `Account disabled; ${p.n ?? 0} session(s) ended.`,
  'staff.enabled': () => 'Account enabled.',
});

interface AddForm {
  email: string;
  name: string;
  role: string;
}

interface PageState {
  /** A refused form: which one (`add`, or an account's email) and why. */
  error?: { form: string; message: string } | undefined;
  add?: AddForm | undefined;
  /** Typed reasons of a refused disable or reset, to refill the field. */
  reason?: string | undefined;
  /** A password to show once: after adding an account with a generated one, or after a reset. */
  oneTime?: { email: string; password: string; what: 'created' | 'reset' } | undefined;
}

const actorOf = (req: FastifyRequest): string => `user:${req.staff!.user.email}`;

const errorFor = (s: PageState, form: string): SafeHtml | string =>
  s.error?.form === form ? html`<p class="error" role="alert">${s.error.message}</p>` : '';

function accountRow(req: FastifyRequest, a: StaffAccount, s: PageState, now: Date): SafeHtml {
  const self = a.email === req.staff!.user.email;
  const path = `/ui/admin/users/${encodeURIComponent(a.email)}`;
  const reason = s.error?.form === a.email ? (s.reason ?? '') : '';
  const actions = self
    ? html`<span class="muted">your account</span>`
    : a.disabledAt
      ? html`<form method="post" action="${path}/enable">${csrfField(req.staff)}<button type="submit">Enable<span class="sr-only"> ${a.email}</span></button></form>`
      : html`<details${s.error?.form === a.email ? html` open` : ''}><summary>Disable or reset password<span class="sr-only"> of ${a.email}</span></summary>
<form class="stack" method="post" action="${path}/disable">${csrfField(req.staff)}${confirmFields(`Disable ${a.email} and end their sessions`, reason)}<button type="submit">Disable</button></form>
<form class="stack" method="post" action="${path}/reset">${csrfField(req.staff)}${confirmFields(`Reset the password of ${a.email} (their sessions end)`, reason)}<button type="submit">Reset password</button></form>
</details>`;
  return html`<tr id="user-${a.id}"><td>${a.email}</td><td>${a.name}</td><td>${a.role}</td>
<td>${a.disabledAt ? html`<span class="status-suspended">disabled</span> ${timeAgo(a.disabledAt, now)}` : html`<span class="status-active">enabled</span>`}</td>
<td class="num">${a.sessions}</td><td>${timeAgo(a.createdAt, now)}</td><td>${errorFor(s, a.email)}${actions}</td></tr>`;
}

function usersPage(req: FastifyRequest, reply: FastifyReply, ctx: UiContext, s: PageState): string {
  const now = ctx.now();
  const add = s.add ?? { email: '', name: '', role: 'agent' };
  return adminLayout(req, reply, {
    title: 'Users',
    page: '/ui/admin/users',
    noStore: s.oneTime !== undefined,
    body: html`<h1>Users</h1>
${flashNotice(req.query as Record<string, unknown>)}
${
  s.oneTime
    ? html`<div class="one-time" role="status"><p>${s.oneTime.what === 'created' ? 'Account' : 'Password of'} <strong>${s.oneTime.email}</strong> ${s.oneTime.what === 'created' ? 'created' : 'reset'}. Its password is shown <strong>this once</strong>; hand it over safely:</p>
<p><code class="secret">${s.oneTime.password}</code></p></div>`
    : ''
}
<div class="table-scroll"><table class="users">
<caption class="sr-only">Staff accounts</caption>
<thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col" class="num">Sessions</th><th scope="col">Created</th><th scope="col">Actions</th></tr></thead>
<tbody>${listStaffAccounts(ctx.db, now).map((a) => accountRow(req, a, s, now))}</tbody></table></div>
<h2 id="add">Add an account</h2>
${errorFor(s, 'add')}
<form class="stack admin-form" method="post" action="/ui/admin/users">${csrfField(req.staff)}
<label>Email <input type="email" name="email" required maxlength="254" value="${add.email}"></label>
<label>Name <input name="name" maxlength="200" value="${add.name}" placeholder="from the email when empty"></label>
<label>Role <select name="role">${staffRoles.map((r) => html`<option value="${r}"${add.role === r ? html` selected` : ''}>${r}</option>`)}</select></label>
<label>Password <input type="password" name="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" placeholder="empty: generate one and show it once"></label>
<button type="submit">Add account</button>
</form>`,
  });
}

/** The account named in the path, for an action on it; never the acting admin's own. */
function otherAccount(req: FastifyRequest<{ Params: { email: string } }>): string {
  const email = req.params.email.trim().toLowerCase();
  if (email === req.staff!.user.email)
    throw new UiError(
      409,
      'Change your own account from the command line (abusedesk users …), or ask another admin.',
    );
  return email;
}

export function adminUsersRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get('/ui/admin/users', (req, reply) => {
    requireRole(req, 'admin');
    return usersPage(req, reply, ctx, {});
  });

  app.post<{ Body: FormBody }>('/ui/admin/users', (req, reply) => {
    requireRole(req, 'admin');
    const add: AddForm = {
      email: formValue(req.body, 'email').trim().slice(0, 254),
      name: formValue(req.body, 'name').trim().slice(0, 200),
      role: formValue(req.body, 'role'),
    };
    const typed = formValue(req.body, 'password');
    const password = typed || generatePassword();
    const now = ctx.now();
    try {
      const user = ctx.db.transaction(() => {
        const u = createStaffUser(ctx.db, {
          email: add.email,
          name: add.name || undefined,
          role: add.role as StaffRole,
          password,
          now,
        });
        writeAudit(ctx.db, {
          actor: actorOf(req),
          action: 'staff.add',
          target: u.email,
          detail: { role: u.role },
          now,
        });
        return u;
      })();
      if (typed) return reply.redirect(flashUrl('/ui/admin/users', 'staff.added'), 303);
      return usersPage(req, reply, ctx, { oneTime: { email: user.email, password, what: 'created' } });
    } catch (e) {
      const message = (e as Error).message;
      reply.code(/already exists/.test(message) ? 409 : 422);
      return usersPage(req, reply, ctx, { add, error: { form: 'add', message: `Not added: ${message}.` } });
    }
  });

  app.post<{ Params: { email: string }; Body: FormBody }>('/ui/admin/users/:email/disable', (req, reply) => {
    requireRole(req, 'admin');
    const email = otherAccount(req);
    const typedReason = formValue(req.body, 'reason');
    try {
      const reason = confirmedReason(req.body);
      const r = setStaffEnabled(ctx.db, {
        email,
        enabled: false,
        actor: actorOf(req),
        reason,
        now: ctx.now(),
      });
      return reply.redirect(flashUrl('/ui/admin/users', 'staff.disabled', { n: r.sessionsEnded }), 303);
    } catch (e) {
      return refused(e, req, reply, ctx, email, typedReason);
    }
  });

  app.post<{ Params: { email: string } }>('/ui/admin/users/:email/enable', (req, reply) => {
    requireRole(req, 'admin');
    const email = otherAccount(req);
    try {
      setStaffEnabled(ctx.db, { email, enabled: true, actor: actorOf(req), now: ctx.now() });
      return reply.redirect(flashUrl('/ui/admin/users', 'staff.enabled'), 303);
    } catch (e) {
      return refused(e, req, reply, ctx, email, '');
    }
  });

  app.post<{ Params: { email: string }; Body: FormBody }>('/ui/admin/users/:email/reset', (req, reply) => {
    requireRole(req, 'admin');
    const email = otherAccount(req);
    const typedReason = formValue(req.body, 'reason');
    try {
      const reason = confirmedReason(req.body);
      const r = resetStaffPassword(ctx.db, { email, actor: actorOf(req), reason, now: ctx.now() });
      return usersPage(req, reply, ctx, {
        oneTime: { email: r.account.email, password: r.password, what: 'reset' },
      });
    } catch (e) {
      return refused(e, req, reply, ctx, email, typedReason);
    }
  });
}

/** A refused account action: the users page again, the reason next to that account's forms. */
function refused(
  e: unknown,
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: UiContext,
  email: string,
  reason: string,
): string {
  if (e instanceof StaffAccountError) {
    if (e.kind === 'not-found') throw new UiError(404, `No staff account ${email}.`);
    reply.code(e.kind === 'refused' ? 409 : 422);
  } else if (e instanceof UiError && e.status < 500) reply.code(e.status);
  else throw e;
  return usersPage(req, reply, ctx, { error: { form: email, message: (e as Error).message }, reason });
}
