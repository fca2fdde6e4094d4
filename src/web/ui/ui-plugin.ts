import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from 'better-sqlite3';
import { findStaffSession } from '../../auth/staff-sessions.ts';
import { checkCsrf } from './check-csrf.ts';
import { enforcementSettings, type EnforcementSettings } from '../../enforcement/enforcement-settings.ts';
import { loadConfig } from '../../config/load-config.ts';
import { DEFAULT_CLUSTER_LEASE_MS, type Config } from '../../config/config-schema.ts';
import { clientRoutes } from './client-routes.ts';
import { html } from './html.ts';
import { inboxRoutes } from './inbox-routes.ts';
import { intakeHint, type IntakeHint } from './inbox-empty.ts';
import type { LifecycleSettings } from '../../lifecycle/lifecycle-settings.ts';
import { layout } from './layout.ts';
import { LoginLimiter } from './login-limiter.ts';
import { loginRoutes } from './login-routes.ts';
import { parseCookies } from './parse-cookies.ts';
import { formValue, parseForm, type FormBody } from './parse-form.ts';
import { quarantineRoutes } from './quarantine-routes.ts';
import { PAGE_CSP, securityHeaders } from './security-headers.ts';
import { SESSION_COOKIE } from './session-cookie.ts';
import { suppressionRoutes } from './suppression-routes.ts';
import { ticketRoutes } from './ticket-routes.ts';
import type { UiContext } from './ui-context.ts';
import { UiError } from './ui-error.ts';
import { webhookRoutes } from './webhook-routes.ts';
import { adminAuditRoutes } from './admin-audit-routes.ts';
import { adminClientRoutes } from './admin-client-routes.ts';
import { adminHomeRoutes } from './admin-home-routes.ts';
import { adminIntakeRoutes } from './admin-intake-routes.ts';
import { adminNodesRoutes } from './admin-nodes-routes.ts';
import { adminTokenRoutes } from './admin-token-routes.ts';
import { adminUsersRoutes } from './admin-users-routes.ts';
import { adminWebhookRoutes } from './admin-webhook-routes.ts';
import { adminLifecycleRoutes } from './admin-lifecycle-routes.ts';
import { projectUrl } from '../../runtime/project-root.ts';
import { logEvent, type Logger } from '../../log/logger.ts';
import { DEFAULT_LIMITS, type ParseLimits } from '../../parse/parse-options.ts';
import type { ApiLookups } from '../api/api-lookups.ts';

export interface UiPluginOptions {
  db: Database;
  /** Client status actions and re-assessment (default: the default config's policy). */
  enforcement?: EnforcementSettings | undefined;
  now?: (() => Date) | undefined;
  limiter?: LoginLimiter;
  /** Wakes the processing worker after a quarantined message is queued again. */
  onRequeue?: (() => void) | undefined;
  /** Wakes the outbox sender after a page queued mail (a staff answer). */
  onMailQueued?: (() => void) | undefined;
  /** Where 5xx failures are logged as `http.error` (fastify's own logger is off). */
  logger?: Logger | undefined;
  /** Bounds of the MIME walk that renders stored messages (default: the parse defaults). */
  parseLimits?: ParseLimits | undefined;
  /** The running service's SMTP intake, named on an empty inbox (default: the default configuration's). */
  intake?: IntakeHint | undefined;
  /** The erasure hash key and data dir (config); absent: the admin erasure form answers 503. */
  lifecycle?: LifecycleSettings | undefined;
  /** The API's remembered tokens and client ids, forgotten when a page revokes a token or deletes a client. */
  lookups?: ApiLookups | undefined;
  /** cluster.leaseMs: a node that has not reported itself for this long is down (default: the default's). */
  clusterLeaseMs?: number | undefined;
  /** retention.goneNodesDays (default: the default configuration's). */
  goneNodesDays?: number | null | undefined;
}

const CSS = readFileSync(projectUrl('src', 'web', 'ui', 'app.css'), 'utf8');
const SCRIPT = readFileSync(projectUrl('src', 'web', 'ui', 'app.js'), 'utf8');
const PUBLIC = new Set(['/ui/login', '/ui/app.css', '/ui/app.js', '/favicon.ico']);

/**
 * The staff web UI under /ui: server-rendered pages (one small page script, /ui/app.js, adds local times and
 * keyboard shortcuts; every page works without it). Encapsulated (not fastify-plugin):
 * its form parser, auth hook and headers apply to UI routes only, never to the API.
 */
/** The default configuration, for what a caller (a test) does not hand the plugin. */
const defaults = (): Config => loadConfig({ env: {} }).config;

export function uiPlugin(app: FastifyInstance, options: UiPluginOptions, done: (err?: Error) => void): void {
  const ctx: UiContext = {
    db: options.db,
    now: options.now ?? (() => new Date()),
    limiter: options.limiter ?? new LoginLimiter(options.db),
    onRequeue: options.onRequeue ?? (() => undefined),
    onMailQueued: options.onMailQueued ?? (() => undefined),
    enforcement: options.enforcement ?? enforcementSettings(defaults()),
    parseLimits: options.parseLimits ?? DEFAULT_LIMITS,
    lifecycle: options.lifecycle ?? null,
    lookups: options.lookups ?? null,
    clusterLeaseMs: options.clusterLeaseMs ?? DEFAULT_CLUSTER_LEASE_MS,
    goneNodesDays:
      options.goneNodesDays === undefined ? defaults().retention.goneNodesDays : options.goneNodesDays,
    logError: (req, err, status = 500) => {
      if (options.logger)
        logEvent(options.logger, 'error', 'http.error', {
          method: req.method,
          url: req.url,
          status,
          err: err instanceof Error ? (err.stack ?? err.message) : String(err),
        });
    },
  };

  app.decorateRequest('staff', null);
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 1024 * 1024 },
    (_req, body, next) => next(null, parseForm(body as string)),
  );

  app.addHook('onSend', (req, reply, payload, next) => {
    // The sanitized-message view sets its own, even stricter policy.
    const cache = reply.getHeader('cache-control');
    if (!reply.hasHeader('content-security-policy')) reply.headers(securityHeaders(PAGE_CSP));
    if (cache) reply.header('cache-control', cache);
    next(null, payload);
  });

  app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, next) => {
    const path = req.url.split('?')[0]!;
    if (PUBLIC.has(path) || path === '/') return next();
    const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    req.staff = token ? findStaffSession(ctx.db, token, ctx.now()) : null;
    if (!req.staff) {
      if (req.method === 'GET') void reply.redirect(`/ui/login?next=${encodeURIComponent(req.url)}`, 303);
      else
        void reply
          .code(401)
          .type('text/html; charset=utf-8')
          .send(errorPage(req, 401, 'Your session has ended. Log in again.'));
      return;
    }
    next();
  });

  // Every state-changing form carries the session's CSRF token (login has its own double-submit cookie).
  app.addHook('preHandler', (req, _reply, next) => {
    if (req.method === 'POST' && req.staff) {
      const body = (req.body ?? {}) as FormBody;
      checkCsrf(typeof body === 'object' ? formValue(body, '_csrf') : '', req.staff.csrf);
    }
    next();
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err instanceof UiError ? err.status : (err.statusCode ?? 500);
    const message =
      err instanceof UiError || status < 500 ? err.message : 'Something went wrong on our side.';
    if (status >= 500) ctx.logError(req, err, status);
    void reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(errorPage(req, status, message));
  });

  app.get('/', (_req, reply) => reply.redirect('/ui/', 302));
  // Browsers ask for it on every page; no icon is better than a logged 404 each time.
  app.get('/favicon.ico', (_req, reply) =>
    reply.code(204).header('cache-control', 'public, max-age=86400').send(),
  );
  app.get('/ui', (_req, reply) => reply.redirect('/ui/', 302));
  app.get('/ui/app.css', (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(CSS),
  );
  app.get('/ui/app.js', (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(SCRIPT),
  );
  loginRoutes(app, ctx);
  inboxRoutes(app, ctx, options.intake ?? intakeHint(defaults().smtp));
  ticketRoutes(app, ctx);
  clientRoutes(app, ctx);
  suppressionRoutes(app, ctx);
  quarantineRoutes(app, ctx);
  webhookRoutes(app, ctx);
  adminHomeRoutes(app, ctx);
  adminAuditRoutes(app, ctx);
  adminIntakeRoutes(app, ctx);
  adminNodesRoutes(app, ctx);
  adminUsersRoutes(app, ctx);
  adminTokenRoutes(app, ctx);
  adminClientRoutes(app, ctx);
  adminWebhookRoutes(app, ctx);
  adminLifecycleRoutes(app, ctx);
  // Unknown /ui/ paths: a not-found handler of a /ui-prefixed child, so it runs behind this plugin's hooks
  // (a stranger is sent to the login page like on any other page, and learns nothing about which paths exist)
  // and answers with the layout's 404 page; paths outside /ui keep the server's own 404.
  void app.register(
    (ui, _opts, next) => {
      ui.setNotFoundHandler((req, reply) =>
        reply.code(404).type('text/html; charset=utf-8').send(notFoundPage(req)),
      );
      next();
    },
    { prefix: '/ui' },
  );
  done();
}

function errorPage(req: FastifyRequest, status: number, message: string): string {
  return layout({
    title: `Error ${status}`,
    session: req.staff,
    body: html`<h1>Error ${status}</h1><p class="error" role="alert">${message}</p><p><a href="/ui/">Back to the inbox</a></p>`,
  });
}

function notFoundPage(req: FastifyRequest): string {
  return layout({
    title: 'Page not found',
    session: req.staff,
    body: html`<div class="not-found"><h1>Page not found</h1><p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
<p><a href="/ui/">Back to the inbox</a></p></div>`,
  });
}
