import type { Database } from 'better-sqlite3';
import { PollingWorker } from '../jobs/polling-loop.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import { sendPendingWrites } from '../db/send-pending-writes.ts';
import { logEvent, type Logger } from '../log/logger.ts';
import type { Stage, StageContext, StageOutcome, StageRecord } from './stage.ts';
import type { PipelineState } from '../pipeline/pipeline-state.ts';
import type { BatchTimings } from './batch-timings.ts';
import { BatchScope } from './batch-scope.ts';
import {
  anyDue,
  claimDueMessages,
  getRaw,
  heldClaims,
  serializeCommits,
  storedRaws,
  markMessagesDone,
  type DoneMessage,
  markMessageFailed,
  type StoredMessage,
} from '../store/messages-store.ts';

/** Messages of one batch whose stages run at the same time (their `run` steps write nothing). */
const RUN_CONCURRENCY = 16;

/**
 * How often a claim, and a batch ready to commit, look again for SQLite's write lock while another connection
 * holds it (intake's writer flushes every few milliseconds under load). A claim waits longer: messages arriving
 * meanwhile make its batch bigger, and each batch's commit costs an fsync. A formed batch's wait only delays it:
 * at 1,000 reports/s, looking every millisecond instead of every 5 cut the 99th percentile latency by 40 %.
 */
const CLAIM_RETRY_MS = 5;
const COMMIT_RETRY_MS = 1;

export interface ProcessorOptions {
  db: Database;
  stages: Stage[];
  logger: Logger;
  maxAttempts: number;
  retryBaseMs: number;
  pollMs: number;
  batchSize: number;
  now?: () => Date;
  /**
   * Called after each message with its final state, processing time and the report it was stored as, if any
   * (metrics).
   */
  onProcessed?: (message: StoredMessage, ms: number, report: ProcessedReport | null) => void;
  /**
   * Called after each committed batch, once its messages' onProcessed calls are made (wakes the outbox sender),
   * with where the batch's time went (metrics).
   */
  onBatch?: (timings: BatchTimings) => void;
  /** How long a batch waits for the write lock on timers before waiting in SQLite's busy handler (default 5000). */
  lockWaitMs?: number;
  /** Called when a round found nothing due (the service checkpoints the WAL then). */
  onIdle?: () => void;
  /** This node's id: the messages it takes are claimed in its name (default `local`). */
  node?: string;
  /** How long a claim holds before another node may take the message over (default 60 s). */
  claimTimeoutMs?: number;
  /**
   * Messages up to this size have their bytes read with the batch (one statement); the stages read them on this
   * thread (default 64 KiB: the parse pool's inProcessMaxBytes). Larger ones are read when first used.
   */
  readRawMaxBytes?: number;
}

export interface ProcessResult {
  state: 'done' | 'queued' | 'quarantined';
  stages: StageRecord[];
  error: string | null;
}

/**
 * The worker: takes stored messages round-robin across sources, each source's in arrival order, and runs the
 * pipeline stages over each.
 * A failing stage is retried with exponential backoff; after maxAttempts the message is
 * `quarantined` with its error — kept, visible to staff, retryable — never dropped.
 * State lives in the database, so a restart resumes exactly where it stopped.
 */
export class Processor extends PollingWorker {
  private readonly now: () => Date;
  private get node(): string {
    return this.options.node ?? 'local';
  }

  constructor(private readonly options: ProcessorOptions) {
    super(options.pollMs, (e) =>
      logEvent(options.logger, 'error', 'worker.crashed', { err: (e as Error).stack ?? String(e) }),
    );
    this.now = options.now ?? (() => new Date());
  }

  /** Processes every message due now, up to one batch; returns how many it handled. */
  override async drainOnce(): Promise<number> {
    // Round-robin across sources (client /24 or /64), so a flood from one source cannot starve the others.
    const { db, batchSize } = this.options;
    const now = this.now();
    const claimStarted = performance.now();
    // Reading first keeps an idle worker from taking the write lock every poll.
    const messages = anyDue(db, now)
      ? await writeTransaction(
          db,
          () =>
            claimDueMessages(db, now, batchSize, {
              node: this.node,
              until: new Date(now.getTime() + (this.options.claimTimeoutMs ?? 60_000)),
            }),
          // A claim a crash loses costs nothing (the message is claimed again), so its commit does not wait
          // for the disk: the batch's commit, which does, follows within the batch. A claim that finds the write
          // lock taken looks again after CLAIM_RETRY_MS: what arrives meanwhile joins the batch.
          { retryMs: CLAIM_RETRY_MS, maxWaitMs: this.options.lockWaitMs ?? 5000, durable: false },
        )
      : [];
    if (messages.length) await this.processBatch(messages, performance.now() - claimStarted);
    else this.options.onIdle?.();
    return messages.length;
  }

  async processMessage(message: StoredMessage): Promise<ProcessResult> {
    const [result] = await this.processBatch([message]);
    return result!;
  }

  /** The stage's trail entry, from its own outcome; a stage with run and commit gets one entry timed over both. */
  private record(p: Prepared, stage: string, outcome: StageOutcome, ms: number): void {
    Object.assign(p.state, outcome.state);
    p.stages.push({ stage, outcome: outcome.outcome, reason: outcome.reason, ms });
  }

  private fail(p: Prepared, stage: string, e: unknown, t0: bigint): void {
    p.error = `${stage}: ${(e as Error).message}`;
    p.stages.push({ stage, outcome: 'failed', reason: (e as Error).message, ms: elapsedMs(t0) });
  }

  /** The thinking of one message: each stage's async `run`, in order, writing nothing; stops at the first failure. */
  private async runStages(p: Prepared, batch: BatchScope): Promise<void> {
    const { stages } = this.options;
    for (const stage of stages) {
      if (!stage.run) continue;
      const t0 = process.hrtime.bigint();
      try {
        const outcome = await stage.run(this.context(p, batch));
        if (stage.commit) {
          Object.assign(p.state, outcome.state);
          p.runMs.set(stage.name, elapsedMs(t0));
        } else this.record(p, stage.name, outcome, elapsedMs(t0));
      } catch (e) {
        this.fail(p, stage.name, e, t0);
        return;
      }
    }
  }

  /**
   * The writing of one message: each stage's `commit`, in order, then each `finishMessage`; `isolated`: in the
   * message's own savepoint (all or nothing), a failure recorded on the message.
   */
  private commitStages(p: Prepared, isolated: boolean, batch: BatchScope): void {
    const { db, stages } = this.options;
    let current = '';
    let t0 = process.hrtime.bigint();
    const write = (): void => {
      for (const stage of stages) {
        if (!stage.commit) continue;
        current = stage.name;
        t0 = process.hrtime.bigint();
        const outcome = stage.commit(this.context(p, batch));
        this.record(p, stage.name, outcome, elapsedMs(t0) + (p.runMs.get(stage.name) ?? 0));
      }
      for (const stage of stages) {
        if (!stage.finishMessage) continue;
        current = stage.name;
        t0 = process.hrtime.bigint();
        stage.finishMessage(this.context(p, batch));
      }
    };
    // Not isolated: a throw ends the whole attempt (the batch is then written again, isolated).
    if (!isolated) return write();
    try {
      db.transaction(write)();
    } catch (e) {
      this.fail(p, current, e, t0);
    }
  }

  /**
   * A stage's view of the message: `raw` is read from the store on first use only (once per message), so stages
   * that hand the parse pool a stored message by id never load a large message on the event loop.
   */
  private context(p: Prepared, batch: BatchScope): StageContext {
    const { db } = this.options;
    return {
      batch,
      message: p.message,
      get raw(): Buffer {
        p.raw ??= getRaw(db, p.message.id);
        if (!p.raw) throw new Error('raw message is missing from message_raw');
        return p.raw;
      },
      db,
      now: this.now,
      state: p.state,
    };
  }

  /**
   * Thinks about each message of the batch (async `run` steps, no writes), then writes every
   * outcome in one transaction (sync `commit` steps and the state change); one message failing there does not
   * undo the others (the batch is written again with each message in its own savepoint). `claimMs`: how long
   * taking the batch took (timings).
   */
  async processBatch(messages: StoredMessage[], claimMs = 0): Promise<ProcessResult[]> {
    const { db, stages } = this.options;
    const thinkStarted = performance.now();
    const prepared: Prepared[] = [];
    // Whether the raw bytes exist, and the bytes of the messages read on this thread, for the whole batch in one
    // statement; a larger message's bytes are read when a stage first uses them (by a parse thread, on SQLite).
    const readHere = this.options.readRawMaxBytes ?? 65_536;
    const raws = storedRaws(
      db,
      messages.map((m) => m.id),
      messages.filter((m) => m.size <= readHere).map((m) => m.id),
    );
    for (const message of messages) {
      const started = process.hrtime.bigint();
      const stored = raws.has(message.id);
      const p: Prepared = {
        message,
        raw: raws.get(message.id) ?? null,
        started,
        stages: [],
        state: {},
        runMs: new Map(),
        error: stored ? null : 'raw message is missing from message_raw',
      };
      prepared.push(p);
    }
    // The thinking of a batch's messages overlaps: their parse, authenticate and header jobs wait in the
    // parse pool and on DNS together, instead of each message waiting for the one before it. Commits stay in
    // arrival order below.
    let next = 0;
    const thinking = new BatchScope();
    thinking.messages = prepared.map((p) => this.context(p, thinking));
    const lane = async (): Promise<void> => {
      for (let i = next++; i < prepared.length; i = next++) {
        const p = prepared[i]!;
        if (p.error === null) await this.runStages(p, thinking);
        // Let SMTP sessions in between messages.
        await new Promise((r) => setImmediate(r));
      }
    };
    await Promise.all(Array.from({ length: Math.min(RUN_CONCURRENCY, prepared.length) }, lane));
    const waitStarted = performance.now();
    let commitStarted = NaN;
    let results: ProcessResult[] = [];
    // Log lines that report a new state wait for the commit: "processed" is never logged for a rolled-back batch.
    let afterCommit: Array<() => void> = [];
    const before = prepared.map((p) => ({ stages: p.stages.length, state: { ...p.state }, error: p.error }));
    /**
     * Writes the batch. `isolated`: each message in a savepoint of its own, so that one failing is undone alone.
     * Otherwise the messages' writes follow each other in the batch transaction, which on PostgreSQL saves a round
     * trip per message (the savepoint's release, which must be answered before the next message's writes go out
     * for a failure to be pinned on its message), and the first failure anywhere undoes the attempt.
     */
    const attempt = (isolated: boolean): void => {
      // On PostgreSQL the wait for other nodes' commits is this first statement's.
      serializeCommits(db);
      if (Number.isNaN(commitStarted)) commitStarted = performance.now();
      results = [];
      afterCommit = [];
      const done: DoneMessage[] = [];
      const held = heldClaims(
        db,
        prepared.map((p) => p.message.id),
        this.node,
      );
      // A new scope each attempt: what it read ahead belongs to this transaction.
      const batch = new BatchScope(isolated);
      batch.messages = prepared
        .filter((p) => held.has(p.message.id) && p.error === null)
        .map((p) => this.context(p, batch));
      for (const p of prepared) {
        // A message this node no longer holds (its claim expired and another node took it over) is left to
        // that node: nothing of this run is written, so no action happens twice.
        if (!held.has(p.message.id)) {
          results.push(this.claimLost(p, afterCommit));
          continue;
        }
        if (p.error === null) this.commitStages(p, isolated, batch);
        results.push(this.finish(p, afterCommit, done));
      }
      // The batch's processed messages in one write (each message's savepoint, when isolated, covered its stages'
      // writes; its state follows the same way as a failed message's, outside it).
      markMessagesDone(db, done);
      // The writes the stages gathered for the whole batch (none when isolated).
      batch.end();
      // A write still held back fails here, inside the attempt, not in the batch steps' savepoints below.
      if (!isolated) sendPendingWrites(db);
      for (const stage of stages) {
        if (!stage.finishBatch) continue;
        try {
          db.transaction(() => stage.finishBatch!({ db, now: this.now(), logger: this.options.logger }))();
        } catch (e) {
          logEvent(this.options.logger, 'error', 'worker.batch_step_failed', {
            stage: stage.name,
            err: (e as Error).stack ?? String(e),
          });
        }
      }
    };
    // The batch waits for the write lock on timers: the intake writer may hold it for a while committing a large
    // message, and waiting in SQLite's busy handler would hold the event loop that long. It looks again every
    // COMMIT_RETRY_MS: the batch is formed, so any time the lock stands free unnoticed only delays its messages.
    const lock = { retryMs: COMMIT_RETRY_MS, maxWaitMs: this.options.lockWaitMs ?? 5000 };
    // Messages rarely fail in their commit: the batch is written without savepoints first. When a message does
    // fail, that attempt is rolled back and the batch written again with each message isolated, where the failing
    // one is recorded as failed and the others commit. Only a failure before COMMIT is redone this way: a failed
    // COMMIT may have committed, and is left to the claims' expiry as before.
    let failedBeforeCommit = false;
    try {
      await writeTransaction(
        db,
        () => {
          try {
            attempt(false);
          } catch (e) {
            failedBeforeCommit = true;
            throw e;
          }
        },
        lock,
      );
    } catch (e) {
      if (!failedBeforeCommit) throw e;
      prepared.forEach((p, i) => {
        const b = before[i]!;
        p.stages.length = b.stages;
        p.state = { ...b.state };
        p.error = b.error;
      });
      await writeTransaction(db, () => attempt(true), lock);
    }
    const committed = performance.now();
    for (const log of afterCommit) log();
    for (let i = 0; i < prepared.length; i++) {
      const p = prepared[i]!;
      const r = results[i]!;
      const report = r.state === 'done' && p.state.stored ? p.state.report : undefined;
      this.options.onProcessed?.(
        { ...p.message, state: r.state, attempts: p.message.attempts + 1 },
        Number(process.hrtime.bigint() - p.started) / 1e6,
        report ? { kind: report.kind, provider: report.provider } : null,
      );
    }
    this.options.onBatch?.({
      messages: messages.length,
      ms: {
        claim: claimMs,
        think: waitStarted - thinkStarted,
        wait: commitStarted - waitStarted,
        commit: committed - commitStarted,
      },
    });
    return results;
  }

  private claimLost(p: Prepared, afterCommit: Array<() => void>): ProcessResult {
    const { logger } = this.options;
    afterCommit.push(() =>
      logEvent(logger, 'warn', 'worker.claim_lost', { queueId: p.message.queueId, node: this.node }),
    );
    return { state: 'queued', stages: [], error: 'claim lost: another node took the message over' };
  }

  /**
   * Records the message's new state (inside the batch transaction; a processed one is added to `done`, which the
   * batch writes in one go); its log line goes to `afterCommit`. The stored trail is the earlier runs' entries
   * followed by this run's, each tagged with its run number: a run never overwrites the trail of the run that
   * acted.
   */
  private finish(p: Prepared, afterCommit: Array<() => void>, done: DoneMessage[]): ProcessResult {
    const { message, error } = p;
    const run = nextRun(message.stages);
    const stages = p.stages.map((s) => ({ ...s, run }));
    const trail = [...message.stages, ...stages];
    const ms = Number(process.hrtime.bigint() - p.started) / 1e6;
    const attempts = message.attempts + 1;
    const log = (...args: Parameters<typeof logEvent>): number => afterCommit.push(() => logEvent(...args));
    let state: ProcessResult['state'];
    if (error === null) {
      state = 'done';
      done.push({ id: message.id, at: this.now(), headers: p.state.headers, stages: trail });
      log(this.options.logger, 'info', 'worker.processed', {
        queueId: message.queueId,
        ms,
        stages: stages.map((s) => `${s.stage}:${s.outcome}`),
      });
    } else if (attempts >= this.options.maxAttempts) {
      state = 'quarantined';
      markMessageFailed(this.options.db, message.id, { state, attempts, next: null, error, stages: trail });
      log(this.options.logger, 'error', 'worker.quarantined', {
        queueId: message.queueId,
        attempts,
        err: error,
      });
    } else {
      state = 'queued';
      const delay = this.options.retryBaseMs * 2 ** (attempts - 1);
      const next = new Date(this.now().getTime() + delay);
      markMessageFailed(this.options.db, message.id, { state, attempts, next, error, stages: trail });
      log(this.options.logger, 'warn', 'worker.retry', {
        queueId: message.queueId,
        attempts,
        next: next.toISOString(),
        err: error,
      });
    }
    return { state, stages, error };
  }
}

/** The report a processed message was stored as: what the metrics count it under. */
export interface ProcessedReport {
  kind: string;
  provider: string | null;
}

interface Prepared {
  message: StoredMessage;
  /** The raw bytes, once a stage read them. */
  raw: Buffer | null;
  started: bigint;
  stages: StageRecord[];
  state: PipelineState;
  /** Time each stage with a commit spent in its run, added to its trail entry. */
  runMs: Map<string, number>;
  error: string | null;
}

/** The number of the next run in a trail: entries written before runs were numbered count as run 1. */
const nextRun = (trail: readonly StageRecord[]): number =>
  trail.reduce((max, s) => Math.max(max, s.run ?? 1), 0) + 1;

const elapsedMs = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
