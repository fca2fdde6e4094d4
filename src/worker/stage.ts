import type { Database } from 'better-sqlite3';
import type { StoredMessage } from './stored-message.ts';
import type { Logger } from '../log/logger.ts';
import type { PipelineState } from '../pipeline/pipeline-state.ts';
import type { BatchScope } from './batch-scope.ts';

/** What every stage gets: the stored message, its raw bytes, the database and a clock (no globals). */
export interface StageContext {
  message: StoredMessage;
  /** The raw bytes, read from the store when first used (a large message: only where it must be). */
  readonly raw: Buffer;
  db: Database;
  now: () => Date;
  /** Results of earlier stages (read only: a stage hands on its own results in its outcome's `state`). */
  state: Readonly<PipelineState>;
  /** The batch the message is processed in: reads its commits share (see BatchScope). */
  batch: BatchScope;
}

/** A stage's outcome and reason (its entry in the message's stage trail) and the results it hands on. */
export interface StageOutcome {
  outcome: string;
  reason: string;
  /** The stage's own results, merged into the message's PipelineState by the processor. */
  state?: PipelineState;
}

/**
 * One pipeline stage; its `name` is the same in code, database, logs and UI.
 * `run` does the thinking (may be async: DNS) and must not write; `commit` does the writing,
 * synchronously, inside the transaction the worker opens for a whole batch of messages — so a batch
 * costs one fsync, and a message's effects are all-or-nothing. A stage has either or both;
 * when it has both, `commit`'s outcome is the one recorded (timed over both). Every `run` of a message
 * happens before any `commit`, so a stage with only `run` comes before every stage with a `commit`.
 */
export interface Stage {
  name: string;
  run?(ctx: StageContext): Promise<StageOutcome> | StageOutcome;
  commit?(ctx: StageContext): StageOutcome;
  /**
   * Once per message, after every stage's `commit` of it, inside the message's savepoint: a write that gathers
   * the results of several stages into one statement (the report row: its attribution and every stage's
   * decisions), instead of each stage rewriting the same row.
   */
  finishMessage?(ctx: StageContext): void;
  /**
   * Once per batch, after every message's commit, inside the batch transaction (in its own savepoint): work
   * that aggregates over the batch, such as re-assessing each client the batch touched once instead of once
   * per report. A throw is logged and undone; it never fails the batch's messages (the work can be redone).
   */
  finishBatch?(ctx: BatchContext): void;
}

export interface BatchContext {
  db: Database;
  now: Date;
  logger: Logger;
}

/** One entry of a message's stage trail, written by the processor from the stage's outcome. */
export interface StageRecord {
  stage: string;
  outcome: string;
  reason: string;
  ms: number;
  /** Which processing of the message wrote the entry (1 the first; a re-processing appends run 2, …). */
  run?: number;
}
