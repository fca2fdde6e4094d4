import type { AddressInfo } from 'node:net';
import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config-schema.ts';
import { databasePath, openDatabase } from '../db/open-database.ts';
import { loadDemoIfEmpty } from '../clients/load-demo.ts';
import { SmtpIntake } from '../intake/smtp-intake.ts';
import type { MessageStore } from '../store/messages-store.ts';
import { ThreadedMessageStore } from '../intake/threaded-message-store.ts';
import { logEvent, type Logger } from '../log/logger.ts';
import { Processor } from '../worker/processor.ts';
import { buildHttpServer } from '../web/http-server.ts';
import { createMailTransport } from '../outbox/create-mail-transport.ts';
import { OutboxSender } from '../outbox/outbox-sender.ts';
import { WebhookSender } from '../webhooks/webhook-sender.ts';
import { outboxDepth } from '../store/outbox-store.ts';
import { services } from './services.ts';
import { createMetrics } from '../metrics/create-metrics.ts';
import type { Stage } from '../worker/stage.ts';
import { ensureDemoStaff } from '../auth/staff-demo.ts';
import type { DnsResolver } from '../authenticate/dns-resolver.ts';
import { EnforcementSweeper } from '../enforcement/enforcement-sweeper.ts';
import { syncConfigTraps } from '../enforcement/spam-traps.ts';

export interface ServiceOptions {
  config: Config;
  logger: Logger;
  now?: () => Date;
  /** Replace the durable store (tests simulate a failing disk). */
  wrapStore?: (store: MessageStore) => MessageStore;
  /** Replace the pipeline (tests). */
  stages?: Stage[];
  /** Run the processing worker (default true; the intake benchmark turns it off). */
  worker?: boolean;
  /** DNS for report authentication (tests: a fake zone); default per config authenticate.dns. */
  resolver?: DnsResolver;
}

export interface RunningService {
  db: Database;
  intake: SmtpIntake;
  processor: Processor;
  outbox: OutboxSender;
  webhooks: WebhookSender;
  enforcement: EnforcementSweeper;
  http: FastifyInstance;
  smtpAddress: AddressInfo;
  httpAddress: AddressInfo;
  demo: { clients: number; campaigns: number } | null;
  /** The demo staff login, created (and shown) only on a database without staff accounts. */
  demoStaff: { email: string; password: string } | null;
  stop(graceMs?: number): Promise<void>;
}

/** `abusedesk serve`: SMTP intake, processing worker and HTTP in one process. */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config, logger } = options;
  const now = options.now ?? (() => new Date());
  const db = openDatabase(config);
  const demo = config.demo.load ? loadDemoIfEmpty(db, now()) : null;
  if (demo) logEvent(logger, 'info', 'demo.loaded', demo);
  const demoStaff = config.demo.load ? ensureDemoStaff(db, now()) : null;

  // Intake commits on its own writer thread (group commit off the SMTP thread).
  const durableStore = new ThreadedMessageStore({ ...config.database, file: databasePath(config) });
  await durableStore.started();
  const store = options.wrapStore ? options.wrapStore(durableStore) : durableStore;
  const { maxAttempts, retryBaseMs, retryMaxMs, pollMs } = config.outbox;
  const outbox = new OutboxSender({
    db,
    transport: createMailTransport(config),
    logger,
    now,
    maxAttempts,
    retryBaseMs,
    retryMaxMs,
    pollMs,
  });
  const svc = services(config, db);
  const webhooks = new WebhookSender({
    db,
    logger,
    now,
    ...config.webhooks,
    endpoints: svc.webhookEndpoints,
  });
  const metrics = createMetrics(db, now);
  syncConfigTraps(db, config.enforcement.trapAddresses, now());
  const enforcement = new EnforcementSweeper({
    db,
    ctx: svc.enforcement,
    logger,
    intervalMs: config.enforcement.sweepIntervalMs,
    now,
    onChanged: () => webhooks.notify(),
  });
  const processor = new Processor({
    db,
    stages: options.stages ?? svc.stages({ resolver: options.resolver }),
    logger,
    now,
    ...config.worker,
    onBatch: () => {
      outbox.notify();
      webhooks.notify();
    },
    onProcessed: metrics.onProcessed,
  });
  durableStore.onStored(() => processor.notify());
  const intake = new SmtpIntake({ smtp: config.smtp, store, logger, now, onOutcome: metrics.onOutcome });
  const http = buildHttpServer({
    db,
    config,
    health: () => ({
      smtp: { listening: true, messagesInData: intake.messagesInData },
      worker: { running: options.worker !== false },
      outbox: outboxDepth(db),
    }),
    metrics: metrics.registry,
    api: { now, logger, onRequeue: () => processor.notify() },
    onSignals: (clientId) => enforcement.touch(clientId),
  });

  const smtpAddress = await intake.listen();
  await http.listen({ host: config.http.host, port: config.http.port });
  const httpAddress = http.server.address() as AddressInfo;
  if (options.worker !== false) {
    processor.start();
    outbox.start();
    webhooks.start();
    enforcement.start();
  }

  let stopped: Promise<void> | null = null;
  const stop = (graceMs = 10_000): Promise<void> =>
    (stopped ??= (async () => {
      logEvent(logger, 'info', 'service.stopping', { messagesInData: intake.messagesInData });
      await intake.stop(graceMs);
      await processor.stop();
      await outbox.stop();
      await enforcement.stop();
      await webhooks.stop();
      await durableStore.close();
      await http.close();
      db.close();
      logEvent(logger, 'info', 'service.stopped');
    })());
  return {
    db,
    intake,
    processor,
    outbox,
    webhooks,
    enforcement,
    http,
    smtpAddress,
    httpAddress,
    demo,
    demoStaff,
    stop,
  };
}
