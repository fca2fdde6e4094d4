import type { Database } from 'better-sqlite3';
import type { Config } from '../config/config-schema.ts';
import type { DnsResolver } from '../authenticate/dns-resolver.ts';
import { createAcknowledger } from '../actions/create-acknowledger.ts';
import { serveAcknowledger } from '../actions/backfill-acknowledger.ts';
import { databasePath } from '../db/open-database.ts';
import { checkpointWal } from '../db/wal-checkpoint.ts';
import { logEvent, type Logger } from '../log/logger.ts';
import { ParsePool } from '../parse/parse-pool.ts';
import { services } from './services.ts';
import type { ProcessorOptions } from '../worker/processor.ts';
import type { Stage } from '../worker/stage.ts';

/** serve's parse pool: authenticate, classify and extract run on its threads (started on first use). */
export function serveParsePool(config: Config): ParsePool {
  return new ParsePool({
    threads: config.parse.threads,
    timeoutMs: config.parse.threadTimeoutMs,
    maxHeapMb: config.parse.threadMaxHeapMb,
    // The threads read stored messages from the SQLite file themselves: the event loop never loads a raw message.
    // On PostgreSQL the event loop reads them (one query) and hands the threads the bytes.
    databaseFile: config.database.url ? undefined : databasePath(config),
    busyTimeoutMs: config.database.busyTimeoutMs,
    inProcessMaxBytes: config.parse.inProcessMaxBytes,
  });
}

export interface ServeProcessorSetup {
  config: Config;
  db: Database;
  logger: Logger;
  parsePool: ParsePool;
  /** This node's id: messages are claimed in its name. */
  node: string;
  now?: () => Date;
  /** Replace the pipeline (tests). */
  stages?: Stage[] | undefined;
  /** DNS for report authentication; default per config authenticate.dns. */
  resolver?: DnsResolver | undefined;
  onBatch?: ProcessorOptions['onBatch'];
  onProcessed?: ProcessorOptions['onProcessed'];
}

/**
 * The processor serve runs, the same on its own event loop and in its pipeline process: the configured stages,
 * the worker settings, claims in the node's name, and the WAL folded into the database when a round finds
 * nothing to do (at most once per database.walCheckpointIntervalMs).
 */
export function serveProcessorOptions(setup: ServeProcessorSetup): ProcessorOptions {
  const { config, db, logger } = setup;
  let lastCheckpoint = 0;
  const checkpointWhenIdle = (): void => {
    const t = Date.now();
    if (t - lastCheckpoint < config.database.walCheckpointIntervalMs) return;
    lastCheckpoint = t;
    const r = checkpointWal(db);
    logEvent(logger, 'debug', 'db.checkpointed', { ...r });
  };
  const { maxAttempts, retryBaseMs, pollMs, batchSize } = config.worker;
  return {
    db,
    stages:
      setup.stages ??
      services(config, db).stages({
        resolver: setup.resolver,
        acknowledge: serveAcknowledger(createAcknowledger(config)),
        parsePool: setup.parsePool,
      }),
    logger,
    now: setup.now,
    maxAttempts,
    retryBaseMs,
    pollMs,
    batchSize,
    node: setup.node,
    claimTimeoutMs: config.cluster.claimTimeoutMs,
    readRawMaxBytes: config.parse.inProcessMaxBytes,
    onBatch: setup.onBatch,
    onProcessed: setup.onProcessed,
    onIdle: checkpointWhenIdle,
  };
}
