import Fastify, { type FastifyInstance } from 'fastify';
import type { Database } from 'better-sqlite3';
import type { Config } from '../config/config-schema.ts';
import { schemaVersion } from '../db/migrate.ts';
import { messageCountsByState, oldestQueuedAt, type MessageStore } from '../store/messages-store.ts';
import { espWebhookPlugin, type EspWebhookOptions } from './esp/esp-webhook-plugin.ts';
import type { Registry } from 'prom-client';
import { registerMetricsRoute } from '../metrics/metrics-route.ts';
import { metricsAuthorizer } from './metrics-auth.ts';
import type { ApiDeps } from './api/api-deps.ts';
import { registerApi } from './api/register-api.ts';
import { uiPlugin } from './ui/ui-plugin.ts';
import { intakeHint } from './ui/inbox-empty.ts';
import { enforcementSettings } from '../enforcement/enforcement-settings.ts';
import { unsubscribePlugin } from './unsubscribe/unsubscribe-plugin.ts';
import { suppressionRules } from '../suppress/suppression-rules.ts';
import { lifecycleSettings } from '../lifecycle/lifecycle-settings.ts';
import { DEFAULT_LIMITS } from '../parse/parse-options.ts';
import { parseOptionsFromConfig } from '../parse/parse-options-from-config.ts';
import { apiLookups } from './api/api-lookups.ts';

export interface HttpServerOptions {
  db: Database;
  config: Config;
  /** Live facts from the running service (intake and worker) for /healthz. */
  health?: () => Record<string, unknown>;
  /** Served at GET /metrics when given (createMetrics). */
  metrics?: Registry;
  /** What the REST API needs besides the database (clock, logger, worker wake-up). */
  api?: Omit<ApiDeps, 'db' | 'enforcement'>;
  /** The durable intake store ESP event webhooks are written to (none: /hooks/esp/* are not served). */
  intakeStore?: MessageStore;
  /** SNS certificate fetch and subscription confirmation (tests inject their own). */
  espWebhookIo?: Pick<EspWebhookOptions, 'fetchCertificate' | 'confirmSubscription'>;
  /** A client's signals changed outside the worker (one-click unsubscribe): re-assess it soon. Default: at once, inline. */
  onSignals?: (clientId: number) => void;
  /** Staff queued mail from the UI (an answer): wake the outbox sender. */
  onMailQueued?: () => void;
}

/** The HTTP side of `serve`. This issue: GET /healthz; the API and UI mount here later. */
export function buildHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  // 200 when every check passes; 503 with `failing` (the checks' names) and `reason` (one line) otherwise.
  app.get('/healthz', (_req, reply) => {
    let database: Record<string, unknown>;
    let queue: Record<string, unknown> = {};
    const failing: string[] = [];
    const reasons: string[] = [];
    try {
      database = { ok: true, schemaVersion: schemaVersion(options.db) };
      queue = { ...messageCountsByState(options.db), oldestQueuedAt: oldestQueuedAt(options.db) };
    } catch (e) {
      failing.push('database');
      reasons.push(`database: ${(e as Error).message}`);
      database = { ok: false, error: (e as Error).message };
    }
    const live = options.health?.() ?? {};
    if (Array.isArray(live.failing)) failing.push(...(live.failing as string[]));
    if (typeof live.reason === 'string') reasons.push(live.reason);
    if (failing.length) void reply.code(503);
    return {
      ...live,
      // degraded: serving and taking mail, but an optional part (an IMAP source) is failing.
      status: failing.length
        ? 'failing'
        : Array.isArray(live.degraded) && live.degraded.length
          ? 'degraded'
          : 'ok',
      failing,
      ...(reasons.length ? { reason: reasons.join('; ') } : {}),
      database,
      queue,
    };
  });
  const enforcement = enforcementSettings(options.config);
  const lookups = apiLookups(options.config.http.lookupCacheMs);
  registerApi(app, {
    ...options.api,
    db: options.db,
    lookups,
    enforcement,
    suppressionRules: suppressionRules(options.config),
    lifecycle: lifecycleSettings(options.config),
    clusterLeaseMs: options.config.cluster.leaseMs,
  });
  void app.register(uiPlugin, {
    db: options.db,
    now: options.api?.now,
    onRequeue: options.api?.onRequeue,
    onMailQueued: options.onMailQueued,
    enforcement,
    logger: options.api?.logger,
    parseLimits: { ...DEFAULT_LIMITS, ...parseOptionsFromConfig(options.config).limits },
    lifecycle: lifecycleSettings(options.config),
    intake: intakeHint(options.config.smtp),
    lookups,
    clusterLeaseMs: options.config.cluster.leaseMs,
    goneNodesDays: options.config.retention.goneNodesDays,
  });
  void app.register(unsubscribePlugin, {
    db: options.db,
    config: options.config,
    enforcement,
    now: options.api?.now,
    onSignals: options.onSignals,
  });
  if (options.intakeStore)
    void app.register(espWebhookPlugin, {
      config: options.config.espWebhooks,
      store: options.intakeStore,
      now: options.api?.now ?? (() => new Date()),
      logger: options.api?.logger,
      ...options.espWebhookIo,
    });
  if (options.metrics)
    registerMetricsRoute(
      app,
      options.metrics,
      metricsAuthorizer(
        options.db,
        options.config.http.metricsToken,
        options.api?.now ?? (() => new Date()),
        lookups.tokens,
      ),
    );
  return app;
}
