import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config-schema.ts';
import { databaseEngine, databaseLocation, databasePath, openDatabase } from '../db/open-database.ts';
import { PgError, redactUrl } from '../db/postgres/pg-connection.ts';
import { loadDemoIfEmpty } from '../clients/load-demo.ts';
import { SmtpIntake } from '../intake/smtp-intake.ts';
import { SourceBacklog } from '../intake/source-backlog.ts';
import type { ParsePool } from '../parse/parse-pool.ts';
import {
  claimsByNode,
  queuedCountsBySource,
  releaseClaims,
  type MessageStore,
} from '../store/messages-store.ts';
import { ThreadedMessageStore } from '../intake/threaded-message-store.ts';
import { logEvent, type Logger } from '../log/logger.ts';
import { Processor } from '../worker/processor.ts';
import { PipelineProcess } from '../worker/pipeline-process.ts';
import type { BatchTimings } from '../worker/batch-timings.ts';
import type { PipelineRunner } from '../worker/pipeline-runner.ts';
import { serveParsePool, serveProcessorOptions } from './serve-processor-options.ts';
import { buildHttpServer, type HttpServerOptions } from '../web/http-server.ts';
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
import { demoKeyProblemFor } from './demo-key-guard.ts';
import { acquireDataDirLock, DataDirLockedError, type DataDirLock } from '../db/data-dir-lock.ts';
import { cleanOrphanTempFiles } from './clean-temp-files.ts';
import {
  backlogCheck,
  imapCheck,
  loopCheck,
  nodeFacts,
  probeStore,
  serviceHealth,
} from './service-health.ts';
import { ImapPoller } from '../imap/imap-poller.ts';
import { PurgeJob } from '../lifecycle/purge-job.ts';
import { SuppressionRelay } from '../suppress/suppression-relay.ts';
import { NodeLeases } from '../cluster/node-leases.ts';
import { nodeIdOf } from '../cluster/node-id.ts';

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
  /** Called with the service's database connection once it is open (tests inject a failing store). */
  onDatabaseOpen?: (db: Database) => void;
  /** SNS signing-certificate fetch and subscription confirmation for ESP webhooks (tests: no network). */
  espWebhookIo?: HttpServerOptions['espWebhookIo'];
}

/**
 * `serve` could not start: one line saying why, and the exit code of its class (5 unavailable: the data dir
 * is held, a port is taken, the database rejects writes; 78 configuration: an unreadable TLS file). Everything
 * opened before the failure is closed again, and SMTP never accepted a connection.
 */
export class ServiceStartError extends Error {
  constructor(
    message: string,
    readonly exitCode: 5 | 78,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServiceStartError';
  }
}

const errText = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  const byCode: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EADDRINUSE: 'address already in use',
    EADDRNOTAVAIL: 'address not available',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on device',
    EISDIR: 'is a directory',
  };
  return (err.code && byCode[err.code]) ?? (err.message ?? String(e)).split('\n')[0]!;
};

/** Reads and checks the STARTTLS key and certificate before anything listens. */
function checkTlsFiles(smtp: Config['smtp']): void {
  if (!smtp.tlsKeyFile && !smtp.tlsCertFile) return;
  if (!smtp.tlsKeyFile || !smtp.tlsCertFile)
    throw new ServiceStartError(
      `smtp.tlsKeyFile and smtp.tlsCertFile must both be set for STARTTLS (only ${smtp.tlsKeyFile ? 'tlsKeyFile' : 'tlsCertFile'} is)`,
      78,
    );
  const read = (key: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new ServiceStartError(`cannot read smtp.${key} ${file}: ${errText(e)}`, 78, { cause: e });
    }
  };
  const key = read('tlsKeyFile', smtp.tlsKeyFile);
  const cert = read('tlsCertFile', smtp.tlsCertFile);
  try {
    createSecureContext({ key, cert });
  } catch (e) {
    throw new ServiceStartError(
      `smtp.tlsKeyFile ${smtp.tlsKeyFile} and smtp.tlsCertFile ${smtp.tlsCertFile} are not a usable key and certificate: ${errText(e)}`,
      78,
      { cause: e },
    );
  }
}

export interface RunningService {
  db: Database;
  intake: SmtpIntake;
  /**
   * The pipeline: a PipelineProcess (a child process, worker.process) or, when tests inject stages, a resolver
   * or a clock, or worker.process is false, a Processor on this event loop.
   */
  processor: PipelineRunner;
  /** The threads authenticate, classify and extract run on (off the event loop; the pipeline process has its own). */
  parsePool: ParsePool;
  outbox: OutboxSender;
  webhooks: WebhookSender;
  enforcement: EnforcementSweeper;
  /** The scheduled retention purge (null when retention.purgeIntervalMs is null). */
  purge: PurgeJob | null;
  /** Suppression expiry and the webhook events of suppression changes made outside the pipeline. */
  suppressions: SuppressionRelay;
  /** The IMAP sources (imap.sources) mail is taken from besides SMTP. */
  imap: ImapPoller;
  http: FastifyInstance;
  smtpAddress: AddressInfo;
  httpAddress: AddressInfo;
  demo: { clients: number; campaigns: number } | null;
  /** The demo staff login, created (and shown) only on a database without staff accounts. */
  demoStaff: { email: string; password: string } | null;
  /** This node among the nodes sharing the database (cluster.nodeId). */
  node: { id: string };
  /** The leases of the singleton jobs this node runs (on SQLite it holds them all). */
  leases: NodeLeases;
  stop(graceMs?: number): Promise<void>;
}

/**
 * `abusedesk serve`: SMTP intake, processing worker and HTTP in one process. Starts fully or not at all:
 * everything that can fail (the data dir's lock, the database taking a write, the TLS files, the HTTP port)
 * is checked or bound before SMTP listens, and SMTP listens last; on a failure everything opened so far is
 * closed again and a ServiceStartError says why.
 */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  /** What to close, newest first, if a later step fails. */
  const undo: Array<() => unknown> = [];
  const unwind = async (): Promise<void> => {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch {
        // closing what half-started: the original failure is the one reported
      }
    }
  };
  try {
    return await startSteps(options, now, undo);
  } catch (e) {
    await unwind();
    if (e instanceof ServiceStartError) throw e;
    if (e instanceof DataDirLockedError) throw new ServiceStartError(e.message, 5, { cause: e });
    const code = (e as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_'))
      throw new ServiceStartError(
        `the database ${databasePath(config)} cannot be written: ${code} (${errText(e)})`,
        5,
        { cause: e },
      );
    if (e instanceof PgError) {
      // PostgreSQL: the server cannot be reached (or the connection broke), else a statement failed (SQLSTATE).
      const url = redactUrl(config.database.url ?? '');
      const text = errText(e).replace(/^cannot connect to PostgreSQL at \S+: /, '');
      throw new ServiceStartError(
        e.code === 'PG_CONNECTION'
          ? `the database ${url} cannot be reached: ${text}`
          : `the database ${url} cannot be written: ${e.code} (${text})`,
        5,
        { cause: e },
      );
    }
    throw new ServiceStartError(`cannot start: ${errText(e)}`, 5, { cause: e });
  }
}

async function startSteps(
  options: ServiceOptions,
  now: () => Date,
  undo: Array<() => unknown>,
): Promise<RunningService> {
  const { config, logger } = options;
  // 1. The data dir: one processing process per store.
  let lock: DataDirLock;
  try {
    lock = acquireDataDirLock(config.dataDir, 'serve', now());
  } catch (e) {
    if (e instanceof DataDirLockedError) throw e;
    throw new ServiceStartError(`cannot lock the data dir ${config.dataDir}: ${errText(e)}`, 5, { cause: e });
  }
  undo.push(() => lock.release());
  if (lock.tookOverFrom) logEvent(logger, 'warn', 'service.lock_taken_over', { previous: lock.tookOverFrom });
  const removed = cleanOrphanTempFiles(config.dataDir);
  if (removed.length) logEvent(logger, 'info', 'service.temp_files_removed', { files: removed });

  // 2. The database: migrated, and it takes a write (a read-only file or a full disk fails here).
  const db = openDatabase(config);
  undo.push(() => db.close());
  options.onDatabaseOpen?.(db);
  const firstProbe = probeStore(db, config, now());
  if (!firstProbe.ok) throw new ServiceStartError(firstProbe.reason!, 5);
  // The public demo trace-token key only in demo mode: anyone can mint tokens with it.
  const demoKey = demoKeyProblemFor(config, db);
  if (demoKey) throw new ServiceStartError(demoKey, 78);
  const demo = config.demo.load ? loadDemoIfEmpty(db, now()) : null;
  if (demo) logEvent(logger, 'info', 'demo.loaded', demo);
  const demoStaff = config.demo.load ? ensureDemoStaff(db, now()) : null;
  // Claims left by an earlier run: on SQLite every claim is (the data dir lock admits one serve), on PostgreSQL
  // only this node id's (a node restarted under a stable cluster.nodeId); other nodes' claims run out on their own.
  const nodeId = nodeIdOf(config);
  const engine = databaseEngine(db);
  const claimants = engine === 'sqlite' ? [...claimsByNode(db).keys()] : [nodeId];
  const released = claimants.reduce((n, node) => n + releaseClaims(db, node), 0);
  if (released > 0) logEvent(logger, 'info', 'cluster.claims_released', { node: nodeId, messages: released });

  // 3. The TLS key and certificate, read before anything listens.
  checkTlsFiles(config.smtp);

  // Intake commits on its own writer thread (group commit off the SMTP thread).
  const durableStore = new ThreadedMessageStore({ ...config.database, file: databaseLocation(config) });
  undo.push(() => durableStore.close());
  await durableStore.started();
  const store = options.wrapStore ? options.wrapStore(durableStore) : durableStore;
  // The singleton jobs run on the node holding their lease (named as each loop logs itself); only the jobs this
  // node runs at all are leased, so a node without the worker or IMAP sources never keeps them from another.
  const workerOn = options.worker !== false;
  const leases = new NodeLeases({
    db,
    node: nodeId,
    jobs: [
      ...(workerOn ? ['outbox', 'webhooks', 'enforcement', 'suppressions'] : []),
      ...(workerOn && config.retention.purgeIntervalMs !== null ? ['purge'] : []),
      ...(config.imap.sources.length ? ['imap'] : []),
    ],
    leaseMs: config.cluster.leaseMs,
    logger,
    // Leases time real liveness between processes: the wall clock, never the service's (test) clock.
    exclusive: engine === 'sqlite',
  });
  const leased = (job: string) => () => leases.holds(job);
  const { maxAttempts, retryBaseMs, retryMaxMs, pollMs, leaseMs } = config.outbox;
  const outbox = new OutboxSender({
    db,
    transport: createMailTransport(config),
    logger,
    now,
    maxAttempts,
    retryBaseMs,
    retryMaxMs,
    pollMs,
    leaseMs,
    runWhen: leased('outbox'),
  });
  const svc = services(config, db);
  // Parsing runs on worker threads (started on first use), bounded in time and heap per message.
  const parsePool = serveParsePool(config);
  undo.push(() => parsePool.close());
  const backlog = new SourceBacklog(() => queuedCountsBySource(db), config.worker.maxBacklog);
  undo.push(() => backlog.close());
  const webhooks = new WebhookSender({
    db,
    logger,
    now,
    ...config.webhooks,
    endpoints: svc.webhookEndpoints,
    runWhen: leased('webhooks'),
  });
  const metrics = createMetrics(db, now, nodeId, config.cluster.leaseMs);
  const suppressions = new SuppressionRelay({
    db,
    logger,
    now,
    endpoints: svc.webhookEndpoints,
    pollMs: config.suppressions.webhookPollMs,
    expiryIntervalMs: config.suppressions.expiryIntervalMs,
    onQueued: () => webhooks.notify(),
    runWhen: leased('suppressions'),
  });
  syncConfigTraps(db, config.enforcement.trapAddresses, now());
  const enforcement = new EnforcementSweeper({
    db,
    ctx: svc.enforcement,
    logger,
    intervalMs: config.enforcement.sweepIntervalMs,
    now,
    onChanged: () => webhooks.notify(),
    runWhen: leased('enforcement'),
  });
  const purgeIntervalMs = config.retention.purgeIntervalMs;
  const purge =
    purgeIntervalMs === null
      ? null
      : new PurgeJob({
          db,
          retention: config.retention,
          logger,
          now,
          intervalMs: purgeIntervalMs,
          runWhen: leased('purge'),
        });
  const onBatch = (timings: BatchTimings): void => {
    metrics.onBatch(timings);
    outbox.notify();
    webhooks.notify();
    suppressions.notify();
    backlog.refresh();
  };
  // The pipeline runs in a child process (its own event loop and database connection), unless a test injects
  // what cannot cross a process boundary: stages, a DNS resolver, a clock.
  const inProcess =
    !config.worker.process ||
    options.stages !== undefined ||
    options.resolver !== undefined ||
    options.now !== undefined;
  const processor: PipelineRunner = inProcess
    ? new Processor(
        serveProcessorOptions({
          config,
          db,
          logger,
          parsePool,
          node: nodeId,
          now,
          stages: options.stages,
          resolver: options.resolver,
          onBatch,
          onProcessed: metrics.onProcessed,
        }),
      )
    : new PipelineProcess({ config, db, logger, node: nodeId, onBatch, onProcessed: metrics.onProcessed });
  undo.push(() => processor.stop());
  durableStore.onStored(() => processor.notify());
  // IMAP sources store through the same durable store as SMTP: onStored above wakes the worker.
  const imap = new ImapPoller({
    config,
    store,
    db,
    logger,
    now,
    onTaken: metrics.onImapTaken,
    runWhen: leased('imap'),
  });
  // A loop wakes at once when its node takes the job over; IMAP connects or logs out.
  for (const [job, worker] of [
    ['outbox', outbox],
    ['webhooks', webhooks],
    ['enforcement', enforcement],
    ['suppressions', suppressions],
    ['purge', purge],
  ] as const)
    if (worker) leases.watch(job, (held) => held && worker.notify());
  leases.watch('imap', () => void imap.recheck());
  const intake = new SmtpIntake({
    smtp: config.smtp,
    store,
    logger,
    now,
    onOutcome: metrics.onOutcome,
    backlog,
  });
  const health = () =>
    serviceHealth({
      store: () => probeStore(db, config, now()),
      worker: () => loopCheck('worker', processor, workerOn, config),
      outbox: () => ({ ...loopCheck('outbox', outbox, workerOn, config), ...outboxDepth(db) }),
      webhooks: () => loopCheck('webhooks', webhooks, workerOn, config),
      enforcement: () => loopCheck('enforcement', enforcement, workerOn, config),
      backlog: () => backlogCheck(db, config, now()),
      ...(config.imap.sources.length ? { imap: () => imapCheck(imap.status()) } : {}),
    });
  const http = buildHttpServer({
    db,
    config,
    health: () => ({
      ...health(),
      smtp: { listening: true, messagesInData: intake.messagesInData },
      worker: { running: workerOn },
      outbox: outboxDepth(db),
      node: nodeFacts(db, nodeId, leases.held()),
    }),
    metrics: metrics.registry,
    api: { now, logger, onRequeue: () => processor.notify() },
    intakeStore: store,
    espWebhookIo: options.espWebhookIo,
    onSignals: (clientId) => enforcement.touch(clientId),
    // A staff answer leaves at once instead of waiting for the outbox's next poll.
    onMailQueued: () => outbox.notify(),
  });
  undo.push(() => http.close());

  // 4. HTTP binds before SMTP: a taken HTTP port stops the start before any mail is accepted.
  try {
    await http.listen({ host: config.http.host, port: config.http.port });
  } catch (e) {
    throw new ServiceStartError(
      `cannot listen for HTTP on ${config.http.host}:${config.http.port}: ${errText(e)}`,
      5,
      { cause: e },
    );
  }
  const httpAddress = http.server.address() as AddressInfo;

  // 5. SMTP last.
  let smtpAddress: AddressInfo;
  try {
    smtpAddress = await intake.listen();
  } catch (e) {
    throw new ServiceStartError(
      `cannot listen for SMTP on ${config.smtp.host}:${config.smtp.port}: ${errText(e)}`,
      5,
      { cause: e },
    );
  }
  // The leases before the loops they gate, so each starts knowing whether it runs here.
  await leases.start({
    smtp: `${smtpAddress.address}:${smtpAddress.port}`,
    http: `${httpAddress.address}:${httpAddress.port}`,
  });
  undo.push(() => leases.stop());
  // IMAP is intake too: it starts with SMTP, worker or not.
  imap.start();
  if (workerOn) {
    processor.start();
    outbox.start();
    webhooks.start();
    enforcement.start();
    suppressions.start();
    purge?.start();
  }

  let stopped: Promise<void> | null = null;
  const stop = (graceMs = 10_000): Promise<void> =>
    (stopped ??= (async () => {
      logEvent(logger, 'info', 'service.stopping', { messagesInData: intake.messagesInData });
      await intake.stop(graceMs);
      await imap.stop(Math.min(graceMs, 5000));
      await processor.stop();
      await parsePool.close();
      backlog.close();
      await outbox.stop();
      await enforcement.stop();
      await suppressions.stop();
      await purge?.stop();
      await webhooks.stop();
      // The jobs stopped: other nodes take their leases, and this node's claims, at once.
      await leases.stop();
      await durableStore.close();
      await http.close();
      db.close();
      lock.release();
      logEvent(logger, 'info', 'service.stopped');
    })());
  return {
    db,
    intake,
    processor,
    parsePool,
    outbox,
    webhooks,
    enforcement,
    suppressions,
    purge,
    imap,
    http,
    smtpAddress,
    httpAddress,
    demo,
    demoStaff,
    node: { id: nodeId },
    leases,
    stop,
  };
}
