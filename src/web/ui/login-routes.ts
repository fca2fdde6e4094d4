import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { verifyPassword } from '../../auth/staff-password.ts';
import { createStaffSession, deleteStaffSession, SESSION_TTL_MS } from '../../auth/staff-sessions.ts';
import { findStaffByEmail } from '../../auth/staff-users.ts';
import { writeAudit } from '../../store/audit-store.ts';
import { checkCsrf } from './check-csrf.ts';
import { html } from './html.ts';
import { layout } from './layout.ts';
import { parseCookies } from './parse-cookies.ts';
import { formValue, type FormBody } from './parse-form.ts';
import { cookie, LOGIN_CSRF_COOKIE, SESSION_COOKIE } from './session-cookie.ts';
import type { UiContext } from './ui-context.ts';

/** Only our own pages are valid targets after login (no open redirect). */
export const safeNext = (next: string | undefined): string =>
  next?.startsWith('/ui/') && !/[\\\s]/.test(next) ? next : '/ui/';

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function loginPage(token: string, o: { email?: string; error?: string; next?: string }): string {
  return layout({
    title: 'Log in',
    session: null,
    body: html`<div class="login">
<h1>Log in to abusedesk</h1>
${o.error ? html`<p class="error" role="alert">${o.error}</p>` : ''}
<form method="post" action="/ui/login">
<input type="hidden" name="_csrf" value="${token}">
<input type="hidden" name="next" value="${o.next ?? '/ui/'}">
<label>Email <input type="email" name="email" autocomplete="username" required value="${o.email ?? ''}" autofocus></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button>
</form>
</div>`,
  });
}

const clientIp = (req: FastifyRequest): string => req.ip;

export function loginRoutes(app: FastifyInstance, ctx: UiContext): void {
  app.get<{ Querystring: { next?: string } }>('/ui/login', (req, reply) => {
    const token = randomBytes(24).toString('base64url');
    reply.header('set-cookie', cookie(req, LOGIN_CSRF_COOKIE, token, 3600)).type('text/html; charset=utf-8');
    return loginPage(token, { next: safeNext(req.query.next) });
  });

  app.post<{ Body: FormBody }>('/ui/login', async (req, reply) => {
    const form = req.body;
    checkCsrf(formValue(form, '_csrf'), parseCookies(req.headers.cookie)[LOGIN_CSRF_COOKIE]);
    const email = formValue(form, 'email').trim().toLowerCase().slice(0, 254);
    const password = formValue(form, 'password').slice(0, 1024);
    const next = safeNext(formValue(form, 'next'));
    const token = formValue(form, '_csrf');
    const nowMs = ctx.now().getTime();
    const wait = ctx.limiter.blockedFor(clientIp(req), email, nowMs);
    if (wait > 0) {
      reply.code(429).header('retry-after', String(wait)).type('text/html; charset=utf-8');
      return loginPage(token, {
        email,
        next,
        error: `Too many failed attempts. Try again in ${wait} seconds.`,
      });
    }
    const user = findStaffByEmail(ctx.db, email);
    // Hash even for unknown accounts, so the response time does not tell which emails exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) {
      ctx.limiter.fail(clientIp(req), email, nowMs);
      reply.code(401).type('text/html; charset=utf-8');
      return loginPage(token, { email, next, error: 'Wrong email or password.' });
    }
    ctx.limiter.succeed(clientIp(req), email);
    const session = createStaffSession(ctx.db, user.id, ctx.now());
    writeAudit(ctx.db, {
      actor: `user:${user.email}`,
      action: 'staff.login',
      target: user.email,
      detail: { ip: clientIp(req) },
      now: ctx.now(),
    });
    reply.header('set-cookie', [
      cookie(req, SESSION_COOKIE, session.token, SESSION_TTL_MS / 1000),
      cookie(req, LOGIN_CSRF_COOKIE, '', 0),
    ]);
    return reply.redirect(next, 303);
  });

  app.post('/ui/logout', (req, reply) => {
    const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (token) deleteStaffSession(ctx.db, token);
    reply.header('set-cookie', cookie(req, SESSION_COOKIE, '', 0));
    return reply.redirect('/ui/login', 303);
  });
}
